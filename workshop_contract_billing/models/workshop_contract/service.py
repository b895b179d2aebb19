"""Service side of contracts: what they cover on jobs (coverage rules, caps per
period) and the preventive visits they promise (generated ahead of each period,
shortfall flagged when a period ends)."""

import logging
from datetime import datetime, time, timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from odoo.addons.workshop_job_card.tools.actions import domain_action
from odoo.addons.workshop_job_card.tools.commits import can_commit
from odoo.addons.workshop_job_card.tools.guarded import run_guarded

from ..periods import Period, period_anchor, period_bounds, period_index
from .workshop_contract import BILLABLE_STATES

_logger = logging.getLogger(__name__)


class WorkshopContract(models.Model):
    _inherit = "workshop.contract"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Coverage
    # ------------------------------------------------------------------
    coverage_ids = fields.One2many(
        "workshop.contract.coverage",
        "contract_id",
        string="Covered Job Types",
        copy=True,
    )
    coverage_labour_hours = fields.Float(
        string="Labour Hours per Period",
        help="Labour hours covered per billing period, all jobs together; "
        "0 = no limit. Hours beyond are invoiced normally.",
    )
    coverage_parts_amount = fields.Monetary(
        string="Parts Amount per Period",
        help="Value of parts (at the job's price, before tax) covered per billing "
        "period; 0 = no limit. A part is covered only in whole units; what is "
        "beyond is invoiced normally.",
    )
    covered_lines_display = fields.Selection(
        [("zero", "Shown at Zero"), ("hidden", "Left Off the Invoice")],
        string="Covered Work on Invoices",
        default="zero",
        required=True,
        help="Shown at zero: covered job lines appear on the job invoice at zero "
        "price with the contract reference. Left off: they do not appear; a note "
        "names the contract.",
    )
    allowance_ids = fields.One2many(
        "workshop.contract.allowance",
        "contract_id",
        string="Usage per Period",
        readonly=True,
    )
    job_ids = fields.One2many("workshop.job", "contract_id", string="Jobs")
    job_count = fields.Integer(compute="_compute_job_count")

    # ------------------------------------------------------------------
    # Preventive visits
    # ------------------------------------------------------------------
    visit_ids = fields.One2many(
        "workshop.contract.visit",
        "contract_id",
        string="Preventive Visits",
        copy=True,
    )
    visit_lead_days = fields.Integer(
        string="Create Visits Ahead (Days)",
        default=14,
        help="The visit jobs of a period are created this many days before it starts.",
    )
    has_visit_shortfall = fields.Boolean(
        string="Visits Missed",
        compute="_compute_has_visit_shortfall",
        store=True,
        index=True,
        help="A period ended with fewer done preventive visits than promised.",
    )

    @api.constrains("coverage_labour_hours", "coverage_parts_amount", "visit_lead_days")
    def _check_service_terms(self):
        for contract in self:
            if (
                contract.coverage_labour_hours < 0
                or contract.coverage_parts_amount < 0
                or contract.visit_lead_days < 0
            ):
                raise ValidationError(
                    _(
                        "Contract %s: covered hours, covered parts amount and "
                        "visit lead days cannot be negative (0: no limit).",
                        contract.display_name,
                    )
                )

    @api.depends("allowance_ids.is_shortfall")
    def _compute_has_visit_shortfall(self):
        for contract in self:
            contract.has_visit_shortfall = any(
                contract.allowance_ids.mapped("is_shortfall")
            )

    def _compute_job_count(self):
        counts = dict(
            self.env["workshop.job"]._read_group(
                [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
            )
        )
        for contract in self:
            contract.job_count = counts.get(contract, 0)

    def action_view_jobs(self):
        """Open the jobs done under the contract."""
        self.ensure_one()
        return domain_action(
            self.env,
            "workshop_job_card.workshop_job_action",
            [("contract_id", "=", self.id)],
            context={
                "default_contract_id": self.id,
                "default_partner_id": self.partner_id.id,
            },
        )

    # ------------------------------------------------------------------
    # Periods and coverage lookups
    # ------------------------------------------------------------------
    def _period_of(self, day):
        """The contract's period containing ``day`` (``periods.Period``), or
        None when the contract does not run that day."""
        self.ensure_one()
        if (
            not day
            or not self.date_start
            or day < self.date_start
            or (self.date_end and day > self.date_end)
        ):
            return None
        months = self._interval_months()
        anchor = period_anchor(self.date_start, months, self.period_alignment)
        index = period_index(anchor, months, day)
        start, end = period_bounds(anchor, months, index)
        billed_to = min(end, self.date_end) if self.date_end else end
        return Period(index, start, end, max(start, self.date_start), billed_to)

    def _covers_asset_on(self, asset, day):
        """True when the contract runs on ``day`` and covers ``asset`` then."""
        self.ensure_one()
        return (
            self.state in BILLABLE_STATES
            and self._period_of(day) is not None
            and bool(
                self.covered_asset_ids.filtered(
                    lambda c: c.asset_id == asset
                )._active_on(day)
            )
        )

    # ------------------------------------------------------------------
    # Preventive visits: generation ahead of time
    # ------------------------------------------------------------------
    @api.model
    def _cron_contract_visits(self, date_ref=None):
        """Create the preventive visit jobs of the periods starting within each
        contract's lead time, then flag the periods that ended short of visits.
        Idempotent: a visit slot (visit rule, period, number, asset) gets one job
        ever, enforced by a unique index on jobs."""
        date_ref = date_ref or fields.Date.context_today(self)
        contracts = self.search(
            [("state", "in", BILLABLE_STATES), ("visit_ids", "!=", False)]
        )
        may_commit = can_commit(self.env)
        created = self.env["workshop.job"]
        for contract in contracts:
            # one bad contract (a template of another company…) must not keep
            # the others from getting their visits
            created |= (
                run_guarded(
                    contract.env,
                    lambda c=contract: c._generate_visit_jobs(date_ref),
                    lambda error, c=contract: c._record_cron_failure(
                        _("Preventive visits not created"),
                        _("Preventive visits not created: %s", error),
                    ),
                    contract,
                )
                or self.env["workshop.job"]
            )
            if may_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        # ended contracts too: their last periods are counted once
        self.search([("visit_ids", "!=", False)])._check_visit_shortfall(date_ref)
        return created

    def _visit_periods(self, date_ref):
        """Periods that have not ended on ``date_ref`` and start within the lead
        time: their visits are due to be created."""
        self.ensure_one()
        horizon = date_ref + timedelta(days=max(self.visit_lead_days, 0))
        return [
            period
            for period in self._iter_periods(until=horizon)
            if period.billed_to >= date_ref and period.billed_from <= horizon
        ]

    def _generate_visit_jobs(self, date_ref):
        """Create this contract's missing visit jobs; return them."""
        self.ensure_one()
        Job = self.env["workshop.job"]
        periods = self._visit_periods(date_ref)
        if not periods:
            return Job
        self.env["workshop.contract.allowance"]._get_for_periods(
            {(self, period) for period in periods}
        )
        existing = {
            (job.contract_visit_id.id, job.visit_period_start, job.visit_number)
            + (job.asset_id.id,)
            for job in Job.with_context(active_test=False).search(
                [
                    ("contract_visit_id", "in", self.visit_ids.ids),
                    ("visit_period_start", "in", [p.start for p in periods]),
                ]
            )
        }
        vals_list = []
        for period in periods:
            for rule in self.visit_ids:
                for asset in rule._slot_assets(period):
                    for number in range(1, rule.visits_per_period + 1):
                        key = (rule.id, period.start, number, asset.id)
                        if key not in existing:
                            vals_list.append(
                                self._prepare_visit_job_vals(
                                    rule, period, number, asset, date_ref
                                )
                            )
        return Job.create(vals_list)

    def _prepare_visit_job_vals(self, rule, period, number, asset, date_ref):
        """Values of the job of one visit slot. A plain dict, no side effects."""
        self.ensure_one()
        step = period.billed_days * (number - 1) // rule.visits_per_period
        day = max(period.billed_from + timedelta(days=step), date_ref)
        if asset:
            # within the days the asset is covered in the period
            cover = self.covered_asset_ids.filtered(
                lambda c: c.asset_id == asset
                and (not c.date_start or c.date_start <= period.billed_to)
                and (not c.date_end or c.date_end >= period.billed_from)
            )[:1]
            if cover.date_start and day < cover.date_start:
                day = cover.date_start
            if cover.date_end and day > cover.date_end:
                day = cover.date_end
        template = rule._get_template()
        return {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "asset_id": asset.id or False,
            "job_type_id": rule.job_type_id.id,
            "template_id": template.id or False,
            "contract_id": self.id,
            "contract_visit_id": rule.id,
            "visit_period_start": period.start,
            "visit_number": number,
            "user_id": self.user_id.id or False,
            "client_order_ref": self.client_order_ref or False,
            "scheduled_datetime": datetime.combine(day, time(8, 0)),
            "description": Markup("<p>%s</p>")
            % _(
                "Preventive visit %(number)s/%(count)s of contract %(contract)s, "
                "period %(start)s – %(end)s.",
                number=number,
                count=rule.visits_per_period,
                contract=self.name,
                start=format_date(self.env, period.billed_from),
                end=format_date(self.env, period.billed_to),
            ),
        }

    # ------------------------------------------------------------------
    # Preventive visits: shortfall at period end
    # ------------------------------------------------------------------
    def _check_visit_shortfall(self, date_ref):
        """Count the visits of these contracts' periods that ended before
        ``date_ref`` and were not counted yet; flag a shortfall and ask the
        contract's account manager to act (one activity per period)."""
        allowances = self.env["workshop.contract.allowance"].search(
            [
                ("contract_id", "in", self.ids),
                ("period_end", "<", date_ref),
                ("visits_checked", "=", False),
            ]
        )
        if not allowances:
            return allowances
        for allowance in allowances:
            shortfall = max(allowance.visits_promised - allowance.visits_done, 0)
            allowance.write({"visits_checked": True, "visit_shortfall": shortfall})
            if shortfall:
                allowance.contract_id._notify_visit_shortfall(allowance)
        return allowances.filtered("is_shortfall")

    def _notify_visit_shortfall(self, allowance):
        self.ensure_one()
        message = _(
            "%(missed)s of %(promised)s promised preventive visit(s) were not done "
            "in the period %(start)s – %(end)s.",
            missed=allowance.visit_shortfall,
            promised=allowance.visits_promised,
            start=format_date(self.env, allowance.period_start),
            end=format_date(self.env, allowance.period_end),
        )
        self.activity_schedule(
            act_type_xmlid="mail.mail_activity_data_warning",
            summary=_("Preventive visits missed"),
            note=Markup("<p>%s</p>") % message,
            user_id=(self.user_id or self.env.ref("base.user_admin")).id,
        )
