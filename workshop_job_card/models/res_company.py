from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    workshop_auto_invoice_on_sign = fields.Boolean(
        string="Invoice Jobs on Sign-off",
        help="Create the customer invoice as soon as the customer signs the job "
        "(jobs with exceptions are left for review).",
    )
    workshop_labour_overrun_pct = fields.Float(
        string="Labour Overrun Tolerance (%)",
        default=20.0,
        help="Labour above the estimate by more than this is an invoicing exception.",
    )
    workshop_sla_risk_pct = fields.Float(
        string="SLA At-Risk Threshold (%)",
        default=25.0,
        help="A job is at risk when less than this share of its SLA window remains.",
    )
    workshop_labour_product_id = fields.Many2one(
        "product.product",
        string="Default Labour Product",
        help="Rate product for technicians without their own.",
    )
    workshop_travel_product_id = fields.Many2one(
        "product.product", string="Travel Product"
    )
