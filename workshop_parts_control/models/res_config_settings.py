from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    workshop_strict_parts_control = fields.Boolean(
        related="company_id.workshop_strict_parts_control", readonly=False
    )
    workshop_negative_stock = fields.Selection(
        related="company_id.workshop_negative_stock", readonly=False
    )
    workshop_parts_clerk_id = fields.Many2one(
        related="company_id.workshop_parts_clerk_id", readonly=False
    )
    workshop_core_credit_policy = fields.Selection(
        related="company_id.workshop_core_credit_policy", readonly=False
    )
