from . import res_company
from . import res_config_settings
from . import stock_location
from . import uom_uom
from . import workshop_leakage_job_total
from . import workshop_leakage_run
from . import workshop_leakage_run_line
from . import workshop_job
