from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    workshop_leak_draft_days = fields.Integer(
        related="company_id.workshop_leak_draft_days", readonly=False
    )
    workshop_leak_done_days = fields.Integer(
        related="company_id.workshop_leak_done_days", readonly=False
    )
    workshop_leak_underprice_pct = fields.Float(
        related="company_id.workshop_leak_underprice_pct", readonly=False
    )
    workshop_leak_contract_days = fields.Integer(
        related="company_id.workshop_leak_contract_days", readonly=False
    )
    workshop_leak_core_days = fields.Integer(
        related="company_id.workshop_leak_core_days", readonly=False
    )
    workshop_leak_alert_value = fields.Monetary(
        related="company_id.workshop_leak_alert_value", readonly=False
    )
    workshop_leak_alert_sla = fields.Boolean(
        related="company_id.workshop_leak_alert_sla", readonly=False
    )
    workshop_leak_escalation_days = fields.Integer(
        related="company_id.workshop_leak_escalation_days", readonly=False
    )
    workshop_leak_manager_id = fields.Many2one(
        related="company_id.workshop_leak_manager_id", readonly=False
    )
