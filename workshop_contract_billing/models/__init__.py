from . import workshop_contract
from . import workshop_contract_billing
from . import workshop_contract_line
from . import workshop_contract_asset
from . import workshop_contract_period
from . import account_move
