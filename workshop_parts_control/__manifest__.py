{
    "name": "Workshop Parts Control",
    "summary": "No issue, no part: parts reach job cards only through stock "
    "issue and return transfers, with a barcode parts counter",
    "version": "18.0.1.2.0",
    "category": "Services/Field Service",
    "license": "LGPL-3",
    "author": "Workshop Billing",
    "website": "https://github.com/workshop-billing/workshop-billing",
    "depends": ["workshop_job_card", "stock", "barcodes"],
    "data": [
        "security/workshop_parts_security.xml",
        "security/ir.model.access.csv",
        "views/workshop_part_request_views.xml",
        "views/workshop_job_views.xml",
        "views/stock_views.xml",
        "views/product_template_views.xml",
        "views/res_config_settings_views.xml",
        "views/workshop_parts_counter_views.xml",
        "views/menus.xml",
    ],
    "demo": ["demo/workshop_parts_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "workshop_parts_control/static/src/counter/*",
            "workshop_parts_control/static/src/technician_app/*",
        ],
        "workshop_job_card.assets_technician_app": [
            "workshop_parts_control/static/src/technician_app/*",
        ],
        "web.assets_tests": [
            "workshop_parts_control/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
    "development_status": "Beta",
    "maintainers": ["workshop-billing"],
}
