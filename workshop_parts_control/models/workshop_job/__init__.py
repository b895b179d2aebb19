from . import parts
from . import consignment
from . import core
from . import margin
from . import van
