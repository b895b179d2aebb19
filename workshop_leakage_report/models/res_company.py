from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

MANAGER = "workshop_job_card.group_workshop_manager"
# leakage settings that are delays or thresholds: 0 or more
NON_NEGATIVE = (
    "workshop_leak_draft_days",
    "workshop_leak_done_days",
    "workshop_leak_underprice_pct",
    "workshop_leak_contract_days",
    "workshop_leak_core_days",
    "workshop_leak_alert_value",
    "workshop_leak_escalation_days",
)


class ResCompany(models.Model):
    _inherit = "res.company"

    workshop_leak_draft_days = fields.Integer(
        string="Draft Invoice Grace (days)",
        default=3,
        help="A draft invoice of a job older than this is a leak: posted late "
        "or forgotten.",
    )
    workshop_leak_done_days = fields.Integer(
        string="Done, Not Invoiced Grace (days)",
        default=2,
        help="A job done or signed this many days ago without any invoice is a "
        "leak; alerts use the same delay.",
    )
    workshop_leak_underprice_pct = fields.Float(
        string="Underpricing Threshold (%)",
        default=10.0,
        help="An invoiced part or service sold below its list price by more than "
        "this share is a leak.",
    )
    workshop_leak_contract_days = fields.Integer(
        string="Contract Billing Grace (days)",
        default=3,
        help="A contract period due this many days ago and still not invoiced is "
        "a leak.",
    )
    workshop_leak_core_days = fields.Integer(
        string="Core Return Grace (days)",
        default=14,
        help="A core charged on a job and still not sent back to the vendor "
        "this many days after the part was issued is a leak: the vendor's core "
        "credit is at stake.",
    )
    workshop_leak_alert_value = fields.Monetary(
        string="Alert From Leak Value",
        currency_field="currency_id",
        default=50.0,
        help="A job whose leaks are worth this much (at sale price) gets a "
        "follow-up activity for its coordinator.",
    )
    workshop_leak_alert_sla = fields.Boolean(
        string="Alert on SLA at Risk",
        default=True,
        help="Jobs whose SLA is at risk get a follow-up activity too.",
    )
    workshop_leak_escalation_days = fields.Integer(
        string="Escalate After (days)",
        default=3,
        help="An alert activity overdue by this many days is escalated to the "
        "service manager.",
    )
    workshop_leak_manager_id = fields.Many2one(
        "res.users",
        string="Leakage Report Recipient",
        help="Receives the weekly leakage run and the escalations. Empty: the "
        "service managers of the company.",
    )

    @api.constrains(
        "workshop_leak_draft_days",
        "workshop_leak_done_days",
        "workshop_leak_underprice_pct",
        "workshop_leak_contract_days",
        "workshop_leak_core_days",
        "workshop_leak_alert_value",
        "workshop_leak_escalation_days",
    )
    def _check_workshop_leak_thresholds(self):
        # a negative delay or threshold would make every job a leak (or none):
        # refused whatever the client (settings screen, import, RPC)
        for company in self:
            for name in NON_NEGATIVE:
                if company[name] < 0:
                    raise ValidationError(
                        _(
                            "%(setting)s cannot be negative (%(company)s): use 0 "
                            "or more.",
                            setting=self._fields[name]._description_string(self.env),
                            company=company.name,
                        )
                    )
            if company.workshop_leak_underprice_pct > 100:
                raise ValidationError(
                    _(
                        "The underpricing threshold of %s is a percentage of the "
                        "list price: 100 at most.",
                        company.name,
                    )
                )

    def write(self, vals):
        res = super().write(vals)
        if "workshop_labour_product_id" in vals:
            # time logs without a line count on the company's labour product
            # (imported here: the report package defines views on this model's
            # columns, it must load after it)
            from ..report.leak_facts import mark_jobs

            self.env.flush_all()
            mark_jobs(self.env.cr, SQL("company_id = ANY(%s)", self.ids))
        return res

    def _workshop_leak_managers(self):
        """Who receives this company's weekly run and escalations."""
        self.ensure_one()
        if self.workshop_leak_manager_id.active:
            return self.workshop_leak_manager_id
        # sudo: reading group membership to address activities, not to grant
        managers = self.env.ref(MANAGER).sudo().users
        return managers.filtered(
            lambda u: not u.share and u.active and self in u.company_ids
        ).sorted("id")
