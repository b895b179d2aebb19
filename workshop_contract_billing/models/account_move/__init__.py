from . import contract
from . import sla_credit
from . import reminder
from . import coverage
