from . import test_parts_flow
from . import test_parts_rules
from . import test_parts_concurrency
from . import test_parts_counter
from . import test_parts_special
