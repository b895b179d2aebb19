from odoo import api, fields, models

from .workshop_contract_sla_policy import PRIORITIES, _check_hours


class WorkshopContractSlaPolicyLine(models.Model):
    _name = "workshop.contract.sla.policy.line"
    _description = "Workshop Contract SLA Time"
    _order = "policy_id, priority desc"

    policy_id = fields.Many2one(
        "workshop.contract.sla.policy", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="policy_id.company_id", store=True, precompute=True, index=True
    )
    priority = fields.Selection(PRIORITIES, required=True)
    response_hours = fields.Float(required=True)
    resolution_hours = fields.Float(required=True)

    _sql_constraints = [
        (
            "policy_priority_uniq",
            "unique(policy_id, priority)",
            "One line per priority in an SLA policy.",
        ),
    ]

    @api.constrains("response_hours", "resolution_hours")
    def _check_hours(self):
        for line in self:
            _check_hours(line.response_hours, line.resolution_hours)
