{
    "name": "Workshop Contract Billing",
    "summary": "Service contracts that invoice themselves: recurring fees per "
    "period or per asset, prorated, never billed twice",
    "version": "18.0.1.0.0",
    "category": "Services/Field Service",
    "license": "LGPL-3",
    "author": "Workshop Billing",
    "website": "https://github.com/workshop-billing/workshop-billing",
    "depends": ["workshop_job_card"],
    "data": [
        "security/workshop_contract_security.xml",
        "security/ir.model.access.csv",
        "data/workshop_contract_data.xml",
        "views/workshop_contract_views.xml",
        "views/workshop_contract_period_views.xml",
        "views/account_move_views.xml",
        "views/menus.xml",
    ],
    "demo": ["demo/workshop_contract_demo.xml"],
    "installable": True,
    "development_status": "Beta",
    "maintainers": ["workshop-billing"],
}
