from odoo import api, fields, models

from ..report.leak_rules import leak_kind_selection
from ..report.leak_sql import VALUE_GROUPS


class WorkshopLeakageRunLine(models.Model):
    """Totals of one leak kind in a weekly run."""

    _name = "workshop.leakage.run.line"
    _description = "Workshop Leakage Run Line"
    _order = "run_id desc, value_risk desc, id"

    run_id = fields.Many2one(
        "workshop.leakage.run", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="run_id.currency_id")
    week_start = fields.Date(related="run_id.week_start", store=True)
    leak_kind = fields.Selection(
        leak_kind_selection, string="Where It Broke", required=True
    )
    name = fields.Char(compute="_compute_name")
    job_count = fields.Integer(string="Jobs")
    leak_count = fields.Integer(string="Leaks")
    quantity = fields.Float()
    value_sale = fields.Monetary(string="Value (sale)", groups=VALUE_GROUPS)
    value_cost = fields.Monetary(string="Value (cost)", groups=VALUE_GROUPS)
    value_risk = fields.Monetary(string="Revenue at Risk", groups=VALUE_GROUPS)

    @api.depends("leak_kind")
    def _compute_name(self):
        labels = dict(self._fields["leak_kind"]._description_selection(self.env))
        for line in self:
            line.name = labels.get(line.leak_kind, "")
