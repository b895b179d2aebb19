from . import workshop_dispatch_data
from . import demo
