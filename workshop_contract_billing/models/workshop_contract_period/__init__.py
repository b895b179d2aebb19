from . import workshop_contract_period
from . import topup
