from . import workshop_contract_forecast
