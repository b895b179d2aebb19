{
    "name": "Workshop Job Card",
    "summary": "Job cards for workshops and field service that turn into a correct "
    "customer invoice in one click",
    "version": "18.0.1.0.0",
    "category": "Services/Field Service",
    "license": "LGPL-3",
    "author": "Workshop Billing",
    "website": "https://github.com/workshop-billing/workshop-billing",
    "depends": ["account", "mail", "portal"],
    "data": [
        "security/workshop_security.xml",
        "security/ir.model.access.csv",
        "data/workshop_data.xml",
        "wizards/workshop_job_invoice_wizard_views.xml",
        "views/workshop_job_views.xml",
        "views/workshop_job_line_views.xml",
        "views/workshop_job_type_views.xml",
        "views/workshop_job_template_views.xml",
        "views/workshop_asset_views.xml",
        "views/workshop_job_timelog_views.xml",
        "views/workshop_job_stage_log_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/workshop_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "workshop_job_card/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": True,
    "development_status": "Beta",
    "maintainers": ["workshop-billing"],
}
