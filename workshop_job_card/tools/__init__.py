"""Plain Python helpers shared by the Workshop Billing addons (no models here):
one module per mechanism, used by every addon of the suite."""

from . import actions
from . import commits
from . import field_rights
from . import guarded
from . import locks
from . import privilege
