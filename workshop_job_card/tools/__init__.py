"""Plain Python helpers shared by the Workshop Billing addons (no models here)."""

from . import field_rights
from . import guarded
from . import privilege
