from . import test_periods
from . import test_billing
from . import test_reliability
from . import test_access
