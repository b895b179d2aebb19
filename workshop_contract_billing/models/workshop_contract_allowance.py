from odoo import api, fields, models
from odoo.tools import SQL


class WorkshopContractAllowance(models.Model):
    """One row per contract and period: what the contract's coverage consumed in
    the period (against its caps) and how many of its promised preventive visits
    were done.

    The row is also the lock that serialises coverage: invoicing a covered job
    locks the row of its period (``FOR UPDATE``) before reading what is left,
    and updates it; a concurrent invoicing of another job of the same period
    then fails on the row and is replayed with the fresh figures."""

    _name = "workshop.contract.allowance"
    _description = "Contract Allowance per Period"
    _order = "contract_id, period_start desc"
    _rec_name = "period_start"

    contract_id = fields.Many2one(
        "workshop.contract", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    usage_ids = fields.One2many(
        "workshop.contract.usage", "allowance_id", string="Coverage Used"
    )
    labour_hours_cap = fields.Float(related="contract_id.coverage_labour_hours")
    parts_amount_cap = fields.Monetary(related="contract_id.coverage_parts_amount")
    labour_hours_used = fields.Float(compute="_compute_used", store=True)
    parts_amount_used = fields.Monetary(compute="_compute_used", store=True)
    covered_amount = fields.Monetary(
        string="Value Covered",
        compute="_compute_used",
        store=True,
        help="What the covered lines would have cost the customer.",
    )
    visits_promised = fields.Integer(compute="_compute_visits")
    visits_done = fields.Integer(compute="_compute_visits")
    visits_checked = fields.Boolean(
        readonly=True, help="The period ended and its visits were counted."
    )
    visit_shortfall = fields.Integer(
        string="Missed Visits",
        readonly=True,
        help="Promised preventive visits not done when the period ended.",
    )
    is_shortfall = fields.Boolean(
        string="Visits Missed",
        compute="_compute_is_shortfall",
        store=True,
        index=True,
    )

    _sql_constraints = [
        (
            "contract_period_uniq",
            "unique(contract_id, period_start)",
            "A contract has one allowance per period.",
        ),
    ]

    @api.depends(
        "usage_ids.labour_hours",
        "usage_ids.parts_amount",
        "usage_ids.covered_amount",
        "usage_ids.move_id.state",
    )
    def _compute_used(self):
        for allowance in self:
            live = allowance.usage_ids.filtered(lambda u: u.move_id.state != "cancel")
            allowance.labour_hours_used = sum(live.mapped("labour_hours"))
            allowance.parts_amount_used = sum(live.mapped("parts_amount"))
            allowance.covered_amount = sum(live.mapped("covered_amount"))

    @api.depends("visit_shortfall")
    def _compute_is_shortfall(self):
        for allowance in self:
            allowance.is_shortfall = allowance.visit_shortfall > 0

    def _compute_visits(self):
        done = self._count_done_visits()
        for allowance in self:
            period = allowance.contract_id._period_of(allowance.period_start)
            rules = allowance.contract_id.visit_ids
            allowance.visits_promised = sum(
                rule._promised(period) for rule in rules if period
            )
            allowance.visits_done = sum(
                min(
                    done.get((allowance.id, rule.job_type_id.id), 0),
                    rule._promised(period),
                )
                for rule in rules
                if period
            )

    def _count_done_visits(self):
        """{(allowance id, job type id): preventive jobs done in the period},
        generated visits and jobs of the same type done in the period alike."""
        if not self:
            return {}
        Job = self.env["workshop.job"]
        contracts = self.contract_id
        jobs = Job.sudo().search(  # sudo: counting jobs, whoever looks at the period
            [
                ("contract_id", "in", contracts.ids),
                ("job_type_id", "in", contracts.visit_ids.job_type_id.ids),
                ("state", "in", ("done", "signed", "invoiced")),
                ("service_date", ">=", min(self.mapped("period_start"))),
                ("service_date", "<=", max(self.mapped("period_end"))),
            ]
        )
        counts = {}
        for allowance in self:
            for job in jobs:
                day = job.visit_period_start or job.service_date
                if (
                    job.contract_id == allowance.contract_id
                    and allowance.period_start <= day <= allowance.period_end
                ):
                    key = (allowance.id, job.job_type_id.id)
                    counts[key] = counts.get(key, 0) + 1
        return counts

    def _budget_left(self):
        """What is left of the contract's caps in this period: hours and amount,
        None where the contract sets no limit. Read on a locked row."""
        self.ensure_one()
        contract = self.contract_id
        hours = contract.coverage_labour_hours
        amount = contract.coverage_parts_amount
        return {
            "hours": max(hours - self.labour_hours_used, 0.0) if hours else None,
            "amount": (
                max(contract.currency_id.round(amount - self.parts_amount_used), 0.0)
                if amount
                else None
            ),
        }

    # ------------------------------------------------------------------
    # Get or create, with or without a lock
    # ------------------------------------------------------------------
    @api.model
    def _get_for_periods(self, keys, lock=False):
        """{(contract, period start): allowance} for ``keys``, a set of
        (contract, ``periods.Period``) pairs; rows are created as needed.

        With ``lock``, the rows are locked ``FOR UPDATE`` in a stable order.
        The insert is an ``ON CONFLICT DO NOTHING``: a concurrent creation of
        the same row makes this transaction fail with a serialization error
        (replayed by Odoo), never with a duplicate."""
        if not keys:
            return {}
        self.flush_model()
        keys = sorted(keys, key=lambda k: (k[0].id, k[1].start))
        for contract, period in keys:
            self.env.cr.execute(
                SQL(
                    """INSERT INTO workshop_contract_allowance
                              (contract_id, company_id, period_start, period_end,
                               visits_checked, visit_shortfall, is_shortfall,
                               create_uid, write_uid, create_date, write_date)
                       VALUES (%s, %s, %s, %s, FALSE, 0, FALSE, %s, %s,
                               NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC')
                  ON CONFLICT (contract_id, period_start) DO NOTHING""",
                    contract.id,
                    contract.company_id.id,
                    period.start,
                    period.end,
                    self.env.uid,
                    self.env.uid,
                )
            )
        # rows inserted in SQL: the contracts' cached lists miss them
        self.env["workshop.contract"].invalidate_model(["allowance_ids"])
        contract_ids = [contract.id for contract, _period in keys]
        starts = [period.start for _contract, period in keys]
        self.env.cr.execute(
            SQL(
                """SELECT a.id, a.contract_id, a.period_start
                     FROM workshop_contract_allowance a
                     JOIN unnest(%s::int[], %s::date[]) AS k(contract_id, period_start)
                       ON k.contract_id = a.contract_id
                      AND k.period_start = a.period_start
                 ORDER BY a.id
                  %s""",
                contract_ids,
                starts,
                SQL("FOR UPDATE OF a") if lock else SQL(""),
            )
        )
        by_key = {
            (contract_id, start): allowance_id
            for allowance_id, contract_id, start in self.env.cr.fetchall()
        }
        return {
            (contract, period.start): self.browse(by_key[contract.id, period.start])
            for contract, period in keys
        }
