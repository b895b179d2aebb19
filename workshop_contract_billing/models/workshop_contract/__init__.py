from . import workshop_contract
from . import billing
from . import sla
from . import renewal
from . import termination
from . import service
from . import topup
