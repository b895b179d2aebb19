"""SLA of service contracts: the policy, breach detection from the jobs' state
history and service credits on the next contract invoice.

Breaches are recorded in ``workshop.contract.credit`` (unique per job and
milestone) when the contract is billed (or on demand); the billing pipeline then
puts every pending credit of a contract on the first invoice of the run.
"""

from datetime import datetime, time

from odoo import api, fields, models
from odoo.fields import Command

from odoo.addons.workshop_job_card.models.workshop_job.workshop_job import OPEN_STATES
from odoo.addons.workshop_job_card.tools.actions import domain_action

SLA_COMPUTED_FIELDS = (
    "response_deadline",
    "resolution_deadline",
    "response_risk_datetime",
    "resolution_risk_datetime",
    "sla_policy_id",
)


class WorkshopContract(models.Model):
    _inherit = "workshop.contract"  # pylint: disable=consider-merging-classes-inherited

    sla_policy_id = fields.Many2one(
        "workshop.contract.sla.policy",
        string="SLA Policy",
        check_company=True,
        tracking=True,
        help="Replaces the job type's response and resolution times for the jobs "
        "under this contract, and credits the customer for each breach.",
    )
    sla_credit_ids = fields.One2many(
        "workshop.contract.credit", "contract_id", string="Service Credits"
    )
    sla_credit_count = fields.Integer(compute="_compute_sla_credit_count")
    sla_checked_until = fields.Datetime(
        string="SLA Checked Until",
        readonly=True,
        copy=False,
        help="Deadlines before this moment have been checked for breaches.",
    )
    sla_credit_pending_count = fields.Integer(compute="_compute_sla_credit_count")

    def _compute_sla_credit_count(self):
        counts = {
            (contract.id, state): count
            for contract, state, count in self.env[
                "workshop.contract.credit"
            ]._read_group(
                [("contract_id", "in", self.ids)],
                ["contract_id", "state"],
                ["__count"],
            )
        }
        for contract in self:
            pending = counts.get((contract.id, "pending"), 0)
            contract.sla_credit_pending_count = pending
            contract.sla_credit_count = pending + counts.get(
                (contract.id, "applied"), 0
            )

    def write(self, vals):
        res = super().write(vals)
        if "sla_policy_id" in vals:
            # open jobs follow the new policy; closed ones keep the deadlines
            # they were measured against
            jobs = self.env["workshop.job"].search(
                [("contract_id", "in", self.ids), ("state", "in", OPEN_STATES)]
            )
            for name in SLA_COMPUTED_FIELDS:
                self.env.add_to_compute(jobs._fields[name], jobs)
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_check_sla_breaches(self):
        """Record the SLA breaches of these contracts' jobs up to now (they are
        credited on the next invoice) and show the contracts' service credits."""
        self._check_rights()
        self._lock_for_billing()._sla_record_breaches(fields.Datetime.now())
        return self.action_view_sla_credits()

    def action_view_sla_credits(self):
        """Open the service credits of these contracts, grouped by state."""
        # an action is returned without reading the contracts: check they are visible
        self.check_access("read")
        return domain_action(
            self.env,
            "workshop_contract_billing.workshop_contract_credit_action",
            [("contract_id", "in", self.ids)],
            context={"search_default_group_state": 1},
        )

    # ------------------------------------------------------------------
    # Breach detection
    # ------------------------------------------------------------------
    @api.model
    def _sla_cutoff(self, date_ref):
        """Breaches count when their deadline passed before the billing day
        began (and never after now: a run ahead of time predicts nothing)."""
        return min(datetime.combine(date_ref, time.min), fields.Datetime.now())

    def _sla_record_breaches(self, cutoff):
        """Record a pending credit for each milestone a job under these
        contracts missed before ``cutoff`` (its deadline passed and the state
        history shows it was reached late or not at all); return the new
        credits. Breaches already recorded are skipped, so this is idempotent.

        Only what may have changed since the last check is read: deadlines
        from the contracts' ``sla_checked_until`` on, and jobs written since
        (a job linked to the contract late, a deadline moved), so the cost
        follows the activity, not the contracts' history."""
        contracts = self.filtered("sla_policy_id")
        Credit = self.env["workshop.contract.credit"]
        if not contracts:
            return Credit  # no policy (any more): no credit
        domain = [
            ("contract_id", "in", contracts.ids),
            ("sla_policy_id", "!=", False),
            ("state", "!=", "cancelled"),
            "|",
            ("response_deadline", "<", cutoff),
            ("resolution_deadline", "<", cutoff),
        ]
        checked = contracts.mapped("sla_checked_until")
        if all(checked):
            since = min(checked)
            domain += [
                "|",
                "|",
                ("response_deadline", ">=", since),
                ("resolution_deadline", ">=", since),
                ("write_date", ">=", since),
            ]
        jobs = self.env["workshop.job"].search(domain)
        contracts.filtered(
            lambda c: not c.sla_checked_until or c.sla_checked_until < cutoff
        ).sla_checked_until = cutoff
        if not jobs:
            return Credit
        recorded = {
            (credit.job_id.id, credit.kind)
            for credit in Credit.search_fetch(
                [("job_id", "in", jobs.ids)], ["job_id", "kind"]
            )
        }
        reached = jobs._sla_milestones()
        vals_list = []
        for job in jobs:
            # the policy the job's deadlines come from sets its credit
            policy = job.sla_policy_id
            for kind in policy._credited_kinds():
                deadline = job[f"{kind}_deadline"]
                when = reached[job.id].get(kind)
                if (
                    not deadline
                    or deadline >= cutoff
                    or (job.id, kind) in recorded
                    or (when and when <= deadline)
                ):
                    continue
                vals_list.append(
                    {
                        "contract_id": job.contract_id.id,
                        "job_id": job.id,
                        "policy_id": policy.id,
                        "kind": kind,
                        "deadline": deadline,
                        "reached_datetime": when or False,
                    }
                )
        # sudo: the credit ledger is written by the engine only (no group may
        # write it); these are the breaches just found
        return Credit.sudo().create(vals_list).with_env(self.env)

    # ------------------------------------------------------------------
    # Billing hooks
    # ------------------------------------------------------------------
    def _recurring_create_invoices(self, date_ref):
        """Record the breaches up to the billing day, then bill (every pending
        credit of a contract goes on its first due period)."""
        self._sla_record_breaches(self._sla_cutoff(date_ref))
        return super()._recurring_create_invoices(date_ref)

    def _plan_invoice_extras(self, todo, date_ref):
        """Every pending credit of a contract is planned on its first due
        period (passed to ``_prepare_invoice_line_vals_list`` as ``sla_credits``)."""
        extras = super()._plan_invoice_extras(todo, date_ref)
        contracts = self.browse({contract.id for contract, _period in todo})
        pending = self.env["workshop.contract.credit"].search(
            [("contract_id", "in", contracts.ids), ("state", "=", "pending")],
            order="deadline, id",
        )
        if not pending:
            return extras
        planned = set()
        for contract, period in todo:
            if contract.id in planned:
                continue
            sla_credits = pending.filtered(lambda c, k=contract: c.contract_id == k)
            if sla_credits:
                planned.add(contract.id)
                key = contract._period_key(period)
                extras[key] = dict(extras.get(key, {}), sla_credits=sla_credits)
        return extras

    def _prepare_invoice_line_vals_list(self, period, sla_credits=None, **extras):
        """``sla_credits``: the service credits to deduct on this invoice."""
        vals_list = super()._prepare_invoice_line_vals_list(period, **extras)
        fee_lines = [v for v in vals_list if v.get("display_type") == "product"]
        if not sla_credits or not fee_lines:
            return vals_list
        currency = self.currency_id
        fee = sum(
            currency.round(
                line.get("quantity", 1.0)
                * line.get("price_unit", 0.0)
                * (1 - line.get("discount", 0.0) / 100.0)
            )
            for line in fee_lines
        )
        if currency.compare_amounts(fee, 0.0) <= 0:
            return vals_list  # nothing to take a credit from: it waits
        tax_command = fee_lines[0].get("tax_ids", [Command.clear()])[0]
        return vals_list + sla_credits._prepare_invoice_line_vals(
            fee, currency, period.due_date(self.invoicing_mode), tax_command
        )
