from . import contract
from . import sla
from . import billing
