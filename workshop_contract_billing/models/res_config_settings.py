from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    workshop_reminder_days_before = fields.Integer(
        related="company_id.workshop_reminder_days_before", readonly=False
    )
    workshop_reminder_days_after = fields.Integer(
        related="company_id.workshop_reminder_days_after", readonly=False
    )
