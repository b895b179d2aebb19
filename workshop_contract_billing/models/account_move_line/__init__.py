from . import contract
from . import sla_credit
from . import coverage
