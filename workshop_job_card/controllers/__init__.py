from . import portal
from . import technician_app
