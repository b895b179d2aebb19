from . import parts
from . import kinds
from . import consignment
from . import technician_app
