from . import workshop_job
from . import workflow
from . import sla
from . import billing
from . import arrival
from . import dispatch
