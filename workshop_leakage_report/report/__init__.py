from . import workshop_leakage_reconciliation
from . import workshop_leakage_exception
from . import workshop_leakage_billing_lag
from . import workshop_leakage_lag_stats
from . import workshop_leakage_parts_usage
from . import workshop_leakage_dashboard
