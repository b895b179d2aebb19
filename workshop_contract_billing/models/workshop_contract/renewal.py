"""Contract lifecycle: notice period, renewal with price indexation, expiry,
the renewal reminder, and the daily cron that moves contracts along.

The cron is idempotent: every step selects contracts by their state and dates,
and each step moves them out of its own selection (a renewed contract ends
later, an expired one is no longer running), so a second run on the same day
finds nothing left to do.
"""

import logging

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_round, format_date, split_every
from odoo.tools.misc import formatLang

from odoo.addons.workshop_job_card.tools.commits import can_commit
from odoo.addons.workshop_job_card.tools.guarded import CONCURRENT_ERRORS, run_guarded
from odoo.addons.workshop_job_card.tools.locks import lock_rows
from odoo.addons.workshop_job_card.tools.privilege import is_granted

from ..periods import ONE_DAY
from .workshop_contract import BILLABLE_STATES, TERMINATION

_logger = logging.getLogger(__name__)

# a contract that missed its renewal for longer than this many terms (cron down
# for years) is renewed at most this often per run; the next run goes on
MAX_RENEWALS_PER_RUN = 12


class WorkshopContract(models.Model):
    _inherit = "workshop.contract"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Renewal terms
    # ------------------------------------------------------------------
    is_auto_renew = fields.Boolean(
        string="Auto-renew",
        tracking=True,
        help="At its end date the contract is extended by the renewal term, "
        "unless notice was given.",
    )
    renewal_term_months = fields.Integer(
        string="Renewal Term (months)",
        default=12,
        tracking=True,
        help="How many months a renewal adds to the end date.",
    )
    notice_days = fields.Integer(
        string="Notice Period (days)",
        default=30,
        tracking=True,
        help="Notice must be given this many days before the end date; from "
        "then on the contract is 'To Renew'.",
    )
    notice_deadline_date = fields.Date(
        string="Notice Deadline",
        compute="_compute_renewal_dates",
        store=True,
        index="btree_not_null",
        help="Last day to give notice before the contract renews.",
    )
    notice_date = fields.Date(
        string="Notice Given On",
        tracking=True,
        copy=False,
        help="Set when the customer (or you) gave notice: the contract then "
        "expires at its end date instead of renewing.",
    )
    renewal_reminder_days = fields.Integer(
        string="Remind (days before end)",
        default=45,
        help="The account manager gets a to-do this many days before the end.",
    )
    renewal_reminder_date = fields.Date(
        compute="_compute_renewal_dates",
        store=True,
        index="btree_not_null",
    )
    renewal_reminded_end_date = fields.Date(
        readonly=True,
        copy=False,
        help="End date the last renewal reminder was scheduled for.",
    )
    indexation_pct = fields.Float(
        string="Indexation at Renewal (%)",
        digits=(16, 2),
        tracking=True,
        help="Line prices change by this percentage at each renewal.",
    )
    renewal_count = fields.Integer(readonly=True, copy=False)
    last_renewal_date = fields.Date(readonly=True, copy=False)

    @api.depends("date_end", "notice_days", "renewal_reminder_days")
    def _compute_renewal_dates(self):
        for contract in self:
            end = contract.date_end
            contract.notice_deadline_date = end and end - relativedelta(
                days=contract.notice_days
            )
            contract.renewal_reminder_date = end and end - relativedelta(
                days=contract.renewal_reminder_days
            )

    @api.constrains(
        "renewal_term_months", "notice_days", "renewal_reminder_days", "indexation_pct"
    )
    def _check_renewal_terms(self):
        for contract in self:
            if contract.renewal_term_months < 1:
                raise ValidationError(
                    _(
                        "Contract %s: the renewal term is at least one month.",
                        contract.display_name,
                    )
                )
            if contract.notice_days < 0 or contract.renewal_reminder_days < 0:
                raise ValidationError(
                    _(
                        "Contract %s: notice and reminder days cannot be negative.",
                        contract.display_name,
                    )
                )
            if contract.indexation_pct <= -100:
                raise ValidationError(
                    _(
                        "Contract %s: an indexation of -100%% or less makes "
                        "prices zero.",
                        contract.display_name,
                    )
                )

    def write(self, vals):
        # shortening a contract below what was billed would leave money on the
        # customer's invoices for days not served: that is a termination
        if vals.get("date_end") and not is_granted(self.env, TERMINATION):
            new_end = fields.Date.to_date(vals["date_end"])
            billed = self.period_ids.filtered(
                lambda p: p.kind != "credit"
                and not p.is_released
                and p.billed_to > new_end
            )
            if billed:
                raise UserError(
                    _(
                        "Contract %(names)s is billed until %(date)s: to end it "
                        "earlier, use Terminate (it credits the days billed in "
                        "advance).",
                        names=", ".join(billed.contract_id.mapped("name")),
                        date=format_date(self.env, max(billed.mapped("billed_to"))),
                    )
                )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Public actions
    # ------------------------------------------------------------------
    def action_renew(self):
        """Renew these contracts now by their renewal term (prices indexed); what
        the ending term owes is billed first."""
        self._check_rights()
        self._check_billing_rights()
        wrong = self.filtered(
            lambda c: c.state not in BILLABLE_STATES
            or not c.date_end
            or c.termination_date
        )
        if wrong:
            raise UserError(
                _(
                    "Contract %s cannot be renewed: only running contracts with an "
                    "end date and no termination scheduled can.",
                    ", ".join(wrong.mapped("name")),
                )
            )
        self._lock_for_billing()
        self._renew(fields.Date.context_today(self), force=True)
        return True

    # ------------------------------------------------------------------
    # Scheduled action
    # ------------------------------------------------------------------
    @api.model
    def _cron_contract_lifecycle(self, date_ref=None, batch_size=50):
        """Daily: settle terminations whose date passed, renew or expire contracts
        past their end, mark those within their notice period 'To Renew' and
        remind their account managers. Commits per batch; safe to re-run."""
        date_ref = fields.Date.to_date(date_ref) or fields.Date.context_today(self)
        steps = [
            (self._lifecycle_terminate_domain(date_ref), "_terminate_now"),
            (self._lifecycle_renew_domain(date_ref), "_renew"),
            (self._lifecycle_expire_domain(date_ref), "_expire"),
            (self._lifecycle_to_renew_domain(date_ref), "_mark_to_renew"),
            (self._lifecycle_reactivate_domain(date_ref), "_mark_active_again"),
            (self._lifecycle_remind_domain(date_ref), "_schedule_renewal_reminder"),
        ]
        done = 0
        for domain, method in steps:
            for ids in split_every(batch_size, self.search(domain, order="id").ids):
                try:
                    with self.env.cr.savepoint(flush=False):
                        batch = lock_rows(self.browse(ids), skip_locked=True)
                except CONCURRENT_ERRORS:
                    # changed by a concurrent run since our snapshot: it did the
                    # work, or tomorrow's run will
                    continue
                for contract in batch:
                    done += contract._lifecycle_step(method, date_ref)
                if can_commit(self.env):
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        return done

    def _lifecycle_step(self, method, date_ref):
        """Run one step on one contract in a savepoint: a failure is recorded on
        the contract and does not stop its neighbours."""
        self.ensure_one()
        done = run_guarded(
            self.env,
            lambda: getattr(self, method)(date_ref) or True,
            self._record_billing_error,
            self,
        )
        return 1 if done else 0

    @api.model
    def _lifecycle_terminate_domain(self, date_ref):
        return [
            ("state", "in", BILLABLE_STATES),
            ("termination_date", "<", date_ref),
        ]

    @api.model
    def _lifecycle_renew_domain(self, date_ref):
        return [
            ("state", "in", BILLABLE_STATES),
            ("is_auto_renew", "=", True),
            ("notice_date", "=", False),
            ("termination_date", "=", False),
            ("date_end", "<", date_ref),
        ]

    @api.model
    def _lifecycle_expire_domain(self, date_ref):
        return [
            ("state", "in", BILLABLE_STATES),
            ("termination_date", "=", False),
            ("date_end", "<", date_ref),
            "|",
            ("is_auto_renew", "=", False),
            ("notice_date", "!=", False),
        ]

    @api.model
    def _lifecycle_to_renew_domain(self, date_ref):
        return [
            ("state", "=", "active"),
            ("termination_date", "=", False),
            ("notice_deadline_date", "<=", date_ref),
        ]

    @api.model
    def _lifecycle_reactivate_domain(self, date_ref):
        """'To Renew' contracts whose end date was moved out of the notice
        period (or removed) by hand."""
        return [
            ("state", "=", "to_renew"),
            "|",
            ("date_end", "=", False),
            ("notice_deadline_date", ">", date_ref),
        ]

    @api.model
    def _lifecycle_remind_domain(self, date_ref):
        return [
            ("state", "in", BILLABLE_STATES),
            ("termination_date", "=", False),
            ("renewal_reminder_date", "<=", date_ref),
            ("date_end", ">=", date_ref),
        ]

    # ------------------------------------------------------------------
    # Steps (each safe to repeat)
    # ------------------------------------------------------------------
    def _mark_to_renew(self, date_ref):
        todo = self.filtered(
            lambda c: c.state == "active"
            and c.notice_deadline_date
            and c.notice_deadline_date <= date_ref
        )
        if todo:
            todo._transition("to_renew")

    def _mark_active_again(self, date_ref):
        todo = self.filtered(
            lambda c: c.state == "to_renew"
            and (not c.date_end or c.notice_deadline_date > date_ref)
        )
        if todo:
            todo._transition("renew")

    def _renew(self, date_ref, force=False):
        """Extend each contract by its renewal term, as many terms as needed to
        run past ``date_ref`` (at least one when ``force``), indexing its prices
        at each renewal. What each ending term owes is billed before its prices
        change; what the new term owes today is billed at the new ones."""
        for contract in self.filtered("date_end"):
            old_end = new_end = contract.date_end
            terms = 0
            while terms < MAX_RENEWALS_PER_RUN and (
                new_end < date_ref or (force and not terms)
            ):
                # what the ending term owes (in arrears: its last period) is
                # billed at its own prices before they change
                contract._recurring_create_invoices(date_ref)
                new_end = (
                    new_end
                    + ONE_DAY
                    + relativedelta(months=contract.renewal_term_months)
                    - ONE_DAY
                )
                contract._apply_indexation()
                # extended term by term: a run that catches up several terms
                # bills each at its own prices
                contract.date_end = new_end
                terms += 1
            if not terms:
                continue
            contract.write(
                {
                    "last_renewal_date": date_ref,
                    "renewal_count": contract.renewal_count + terms,
                }
            )
            if contract.state == "to_renew":
                contract._transition("renew")
            contract.message_post(
                body=_(
                    "Contract renewed: it now ends on %(end)s (was %(old)s).",
                    end=format_date(self.env, new_end),
                    old=format_date(self.env, old_end),
                )
            )
            contract._recurring_create_invoices(date_ref)

    def _expire(self, date_ref):
        """End the contracts past their end date that do not renew, after
        billing what their last term still owes."""
        for contract in self:
            contract._recurring_create_invoices(
                max(date_ref, contract.date_end + ONE_DAY)
            )
        self._transition("expire")
        for contract in self:
            contract.message_post(
                body=_(
                    "Contract expired on %s (not renewed).",
                    format_date(self.env, contract.date_end),
                )
            )

    def _schedule_renewal_reminder(self, date_ref):
        """A to-do for the account manager, once per end date."""
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        for contract in self.filtered(
            lambda c: c.date_end and c.renewal_reminded_end_date != c.date_end
        ):
            deadline = max(contract.notice_deadline_date or date_ref, date_ref)
            contract.activity_schedule(
                activity_type_id=todo_type.id,
                date_deadline=deadline,
                summary=_(
                    "Contract ends on %s", format_date(self.env, contract.date_end)
                ),
                note=contract._renewal_reminder_note(),
                user_id=(contract.user_id or self.env.ref("base.user_admin")).id,
            )
            contract.renewal_reminded_end_date = contract.date_end

    def _renewal_reminder_note(self):
        self.ensure_one()
        if self.is_auto_renew and not self.notice_date:
            text = _(
                "It renews automatically for %(months)s months unless notice is "
                "given by %(deadline)s.",
                months=self.renewal_term_months,
                deadline=format_date(self.env, self.notice_deadline_date),
            )
        else:
            text = _("It does not renew automatically: renew it or let it expire.")
        return Markup("<p>%s</p>") % text

    # ------------------------------------------------------------------
    # Indexation
    # ------------------------------------------------------------------
    def _apply_indexation(self):
        """Raise (or lower) the line prices by the indexation percentage, rounded
        to the price precision, and log old → new in the chatter."""
        self.ensure_one()
        if not self.indexation_pct:
            return
        factor = 1.0 + self.indexation_pct / 100.0
        digits = self.env["decimal.precision"].precision_get("Product Price")
        changes = []
        for line in self.line_ids:
            label = line.product_id.display_name
            if line.kind == "tiered":
                prices = [
                    (
                        tier,
                        _("%(line)s from %(n)s assets", line=label, n=tier.min_assets),
                    )
                    for tier in line.tier_ids
                ]
            else:
                prices = [(line, label)]
            for record, name in prices:
                old = record.price_unit
                new = float_round(old * factor, precision_digits=digits)
                record.price_unit = new
                changes.append((name, old, new))
        if changes:
            items = Markup("").join(
                Markup("<li>%s: %s → %s</li>")
                % (
                    name,
                    formatLang(self.env, old, digits=digits),
                    formatLang(self.env, new, digits=digits),
                )
                for name, old, new in changes
            )
            self.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    _("Prices indexed by %s%% at renewal:", self.indexation_pct),
                    items,
                )
            )
