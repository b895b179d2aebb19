from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    workshop_auto_invoice_on_sign = fields.Boolean(
        related="company_id.workshop_auto_invoice_on_sign", readonly=False
    )
    workshop_labour_overrun_pct = fields.Float(
        related="company_id.workshop_labour_overrun_pct", readonly=False
    )
    workshop_sla_risk_pct = fields.Float(
        related="company_id.workshop_sla_risk_pct", readonly=False
    )
    workshop_timelog_max_hours = fields.Float(
        related="company_id.workshop_timelog_max_hours", readonly=False
    )
    workshop_labour_product_id = fields.Many2one(
        related="company_id.workshop_labour_product_id", readonly=False
    )
    workshop_travel_product_id = fields.Many2one(
        related="company_id.workshop_travel_product_id", readonly=False
    )
