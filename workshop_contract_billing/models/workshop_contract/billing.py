"""The recurring invoicing engine of service contracts.

Pipeline (each step overridable): ``_cron_recurring_invoice`` takes batches of due
contracts under ``FOR UPDATE SKIP LOCKED`` → ``_bill_batch`` (one savepoint for the
batch; on failure one savepoint per contract, so a bad contract is reported and
skipped) → ``_recurring_create_invoices`` plans what the invoices need
(``_plan_invoice_extras``), writes the billed-period ledger rows first, then
creates the invoices from ``_prepare_invoice_vals`` as they come →
``_prepare_invoice_line_vals_list`` / ``workshop.contract.line._prepare_invoice_
line_vals`` (priced by ``_period_price``) build plain dicts.

Per batch, not per invoice: one ``account.move.create`` and one ``action_post``
(Odoo's own accounting, untouched), the chatter lines "Invoice Created by
contract C" (``_log_created_invoices``), the customers' subscriptions that
posting would add one by one (``_subscribe_invoice_customers``), and the look-up
of analytic distribution models (``_analytic_models_apply``, once per company).
"""

import logging

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.workshop_job_card.tools.actions import records_action
from odoo.addons.workshop_job_card.tools.commits import can_commit
from odoo.addons.workshop_job_card.tools.guarded import (
    CONCURRENT_ERRORS,
    run_batch_guarded,
)
from odoo.addons.workshop_job_card.tools.locks import lock_next, lock_rows

from .workshop_contract import BILLABLE_STATES

_logger = logging.getLogger(__name__)


class WorkshopContract(models.Model):
    _inherit = "workshop.contract"  # pylint: disable=consider-merging-classes-inherited

    last_billed_datetime = fields.Datetime(readonly=True, copy=False)

    # ------------------------------------------------------------------
    # Public actions
    # ------------------------------------------------------------------
    def action_invoice_now(self):
        """Bill every period of these contracts that is due today, missed ones
        included. Safe to repeat: a period is billed once, a second call bills
        nothing and says when the next period is due."""
        self._check_billing_rights()
        idle = self.filtered(lambda c: c.state not in BILLABLE_STATES)
        if idle:
            raise UserError(
                _(
                    "Contract %s is not running: activate it first.",
                    ", ".join(idle.mapped("name")),
                )
            )
        # wait for a concurrent run: when it committed first, this transaction
        # fails on the row and Odoo replays the call, which then bills nothing
        contracts = self._lock_for_billing()
        today = fields.Date.context_today(self)
        if not any(c._get_due_periods(today) for c in contracts):
            raise UserError(
                _(
                    "Nothing is due yet on %(names)s. Next invoice: %(dates)s.",
                    names=", ".join(contracts.mapped("name")),
                    dates=", ".join(
                        str(d or _("none"))
                        for d in contracts.mapped("next_invoice_date")
                    ),
                )
            )
        moves = contracts._recurring_create_invoices(today)
        contracts.filtered("billing_error").billing_error = False
        return contracts._action_view_moves(moves)

    def _action_view_moves(self, moves):
        return records_action(moves, "account.action_move_out_invoice_type")

    # ------------------------------------------------------------------
    # Scheduled action
    # ------------------------------------------------------------------
    @api.model
    def _cron_recurring_invoice(self, batch_size=50, date_ref=None):
        """Bill every due contract, in batches committed one by one; returns the
        number of contracts processed. Safe to run on several workers at once:
        each batch is locked with ``SKIP LOCKED`` and the ledger is unique, so
        two runs share the work (``tests/benchmarks/test_bench_contract.py``).

        A batch's invoices are created by one ``account.move.create`` and posted
        by one ``action_post``: the accounting work per invoice is what Odoo
        does for any invoice, its fixed cost is shared by the batch."""
        date_ref = date_ref or fields.Date.context_today(self)
        may_commit = can_commit(self.env)
        processed, retries = [], 0
        while True:
            try:
                with self.env.cr.savepoint(flush=False):
                    batch = self._lock_due_batch(date_ref, batch_size, processed)
            except CONCURRENT_ERRORS:
                # another run billed some of these after our snapshot was taken:
                # start a fresh transaction (a fresh snapshot) and look again
                if not may_commit or retries >= 5:
                    break
                retries += 1
                self.env.cr.rollback()
                continue
            if not batch:
                break
            retries = 0
            processed += batch.ids
            batch._bill_batch(date_ref)
            if may_commit:
                # the batch's periods and invoices are final: a crash or a timeout
                # later loses nothing, and a re-run resumes after them
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self._notify_billing_progress(date_ref, processed)
        return len(processed)

    @api.model
    def _notify_billing_progress(self, date_ref, processed):
        """Tell the scheduler how far the run is, when it follows it (a run
        started by the scheduler); nothing is counted otherwise."""
        if not self.env.context.get("ir_cron_progress_id"):
            return
        self.env["ir.cron"]._notify_progress(
            done=len(processed),
            remaining=self.search_count(self._due_domain(date_ref, processed)),
        )

    @api.model
    def _due_domain(self, date_ref, exclude_ids=()):
        return [
            ("state", "in", BILLABLE_STATES),
            ("next_invoice_date", "<=", date_ref),
            ("id", "not in", list(exclude_ids)),
        ]

    @api.model
    def _lock_due_batch(self, date_ref, batch_size, exclude_ids):
        """Lock up to ``batch_size`` due contracts no other run holds."""
        # sudo: the run bills every company's due contracts, like the scheduler
        due = lock_next(
            self.sudo(),
            self._due_domain(date_ref, exclude_ids),
            batch_size,
            order="company_id.id, next_invoice_date, id",
        )
        return self.browse(due.ids)

    def _lock_for_billing(self):
        """Lock these contracts' rows (waiting for a concurrent billing)."""
        return lock_rows(self)

    def _bill_batch(self, date_ref):
        """Bill these locked contracts together; when that fails, one by one, so
        that a bad contract is recorded and skipped without its neighbours."""
        run_batch_guarded(
            self,
            lambda contracts: contracts._bill_now(date_ref),
            lambda contract, error: contract._record_billing_error(error),
        )

    def _bill_now(self, date_ref):
        moves = self._recurring_create_invoices(date_ref)
        self.filtered("billing_error").billing_error = False
        return moves

    def _record_billing_error(self, error):
        """Keep the failure on the contract and ask its manager to act (once)."""
        self.ensure_one()
        message = _("Automatic billing failed: %s", error)
        with self.env.cr.savepoint():
            self.billing_error = message
        self._record_cron_failure(_("Contract billing failed"), message)

    def _record_cron_failure(self, summary, message):
        """Show a scheduled action's failure on this contract: a warning
        activity for its account manager (one open per kind of failure)."""
        self.ensure_one()
        with self.env.cr.savepoint():
            activity_type = self.env.ref("mail.mail_activity_data_warning")
            if not self.activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type and a.summary == summary
            ):
                self.activity_schedule(
                    activity_type_id=activity_type.id,
                    summary=summary,
                    note=Markup("<p>%s</p>") % message,
                    user_id=(self.user_id or self.env.ref("base.user_admin")).id,
                )

    # ------------------------------------------------------------------
    # Billing
    # ------------------------------------------------------------------
    def _recurring_create_invoices(self, date_ref):
        """Bill every period of these (locked) contracts that is due on
        ``date_ref`` and not billed yet; return the new invoices.

        The ledger rows are written first: a period already billed by another
        transaction fails here, on the unique index, before any invoice exists.
        """
        todo = [
            (contract, period)
            for contract in self
            for period in contract._get_due_periods(date_ref)
        ]
        Move = self.env["account.move"]
        extras = self._plan_invoice_extras(todo, date_ref)
        # a period whose invoice would have no line is not billed: it stays due
        todo = [
            (contract, period, vals)
            for contract, period in todo
            if (
                vals := contract._prepare_invoice_vals(
                    period, **extras.get(contract._period_key(period), {})
                )
            )["invoice_line_ids"]
        ]
        if not todo:
            return Move
        # sudo: the ledger is written by the engine only (no group may write
        # it); these rows are the periods this (checked) call bills
        rows = (
            self.env["workshop.contract.period"]
            .sudo()
            .create(
                [
                    contract._prepare_period_vals(period)
                    for contract, period, _vals in todo
                ]
            )
        )
        self.write({"last_billed_datetime": fields.Datetime.now()})
        rows.flush_recordset()
        moves = Move
        by_company = {}
        for row, (contract, _period, vals) in zip(rows, todo, strict=True):
            by_company.setdefault(contract.company_id, []).append((row, vals))
        for company, items in by_company.items():
            # the chatter line "Invoice created" is logged below for the whole
            # batch, saying which contract and period it bills, instead of one
            # message_post per invoice (its subtype notifies no one by default)
            created = (
                Move.with_company(company)
                .with_context(default_move_type="out_invoice", mail_create_nolog=True)
                .create([vals for _row, vals in items])
                .with_env(self.env)
            )
            for (row, _vals), move in zip(items, created, strict=True):
                row.move_id = move
            moves |= created
        self._log_created_invoices(moves)
        to_post = moves.filtered(lambda m: m.workshop_contract_id.auto_post)
        if to_post:
            self._subscribe_invoice_customers(to_post)
            to_post.action_post()
        return moves

    @api.model
    def _analytic_models_apply(self, company):
        """Whether an analytic distribution model may apply to invoice lines of
        ``company`` (when none exists, no line needs to look for one)."""
        return bool(
            self.env["account.analytic.distribution.model"]
            .sudo()  # sudo: only whether one exists, whoever may read them
            .search_count([("company_id", "in", [company.id, False])], limit=1)
        )

    @api.model
    def _subscribe_invoice_customers(self, moves):
        """Make each customer follow its invoice, for the batch at once: posting
        does it one invoice at a time (a few queries each), and then finds it
        done. Same followers, same default subtypes as posting gives them."""
        Followers = self.env["mail.followers"]
        partners = moves.partner_id.filtered("active")
        if not partners:
            return
        following = {
            (res_id, partner_id)
            for _fid, res_id, partner_id, _sids in Followers._get_subscription_data(
                [(moves._name, moves.ids)], partners.ids
            )
        }
        customers = partners.filtered("partner_share").ids
        vals_list = []
        for move in moves:
            partner = move.partner_id
            if partner not in partners or (move.id, partner.id) in following:
                continue
            new, _update = Followers._add_default_followers(
                moves._name,
                move.ids,
                partner.ids,
                customer_ids=customers,
                check_existing=False,
            )
            vals_list += [
                dict(vals, res_id=res_id)
                for res_id, values in new.items()
                for vals in values
            ]
        # sudo: followers are written by the system, as posting writes them
        Followers.sudo().with_context(default_partner_id=False).create(vals_list)

    @api.model
    def _log_created_invoices(self, moves):
        """The chatter line of each new invoice, "Invoice Created by contract
        C", logged for the whole batch in one go (unless the caller turned the
        chatter off, as ``mail_create_nolog`` does for a plain create)."""
        context = self.env.context
        if (
            not moves
            or context.get("tracking_disable")
            or context.get("mail_create_nolog")
        ):
            return
        bodies = {}
        for move in moves:
            bodies[move.id] = _(
                "%(created)s by contract %(contract)s",
                created=move._creation_message(),
                contract=move.workshop_contract_id._get_html_link(),
            )
        moves._message_log_batch(bodies=bodies)

    def _prepare_period_vals(self, period):
        self.ensure_one()
        return {
            "contract_id": self.id,
            "kind": "invoice",
            "period_start": period.start,
            "period_end": period.end,
            "billed_from": period.billed_from,
            "billed_to": period.billed_to,
        }

    def _period_key(self, period):
        """What tells a period of this contract from the others of a run (a
        top-up shares its start with the part billed before)."""
        self.ensure_one()
        return (self.id, period.start, period.billed_from)

    def _plan_invoice_extras(self, todo, date_ref):
        """{``_period_key``: keyword arguments of
        ``_prepare_invoice_vals``} for the (contract, period) pairs ``todo``
        billed on ``date_ref``: what else those invoices need decided (here,
        whether analytic distribution models apply to their company; the SLA
        adds its service credits)."""
        companies = {contract.company_id for contract, _period in todo}
        applies = {c: self._analytic_models_apply(c) for c in companies}
        return {
            contract._period_key(period): {
                "has_analytic_models": applies[contract.company_id]
            }
            for contract, period in todo
        }

    def _prepare_invoice_line_analytic_vals(self, has_analytic_models=True):
        """Values every invoice line of this contract gets: with no analytic
        distribution model for the company, the distribution each line's
        compute would find (none), so that no line searches for one."""
        return {} if has_analytic_models else {"analytic_distribution": False}

    def _prepare_invoice_line_vals_list(self, period, **extras):
        """Values of the invoice lines of ``period``: one per contract line
        with something to bill (other addons add theirs from ``extras``)."""
        self.ensure_one()
        segments = self.covered_asset_ids._segments(period)
        return [
            vals
            for line in self.line_ids
            if (vals := line._prepare_invoice_line_vals(period, segments))
        ]

    def _prepare_invoice_vals(self, period, has_analytic_models=True, **extras):
        """Values of the invoice of ``period`` (a ``periods.Period``); the
        keyword arguments are what ``_plan_invoice_extras`` planned on it. A
        plain dict, no side effects: what gets invoiced, as it is."""
        self.ensure_one()
        analytic = self._prepare_invoice_line_analytic_vals(has_analytic_models)
        line_vals = [
            {**analytic, **vals}
            for vals in self._prepare_invoice_line_vals_list(period, **extras)
        ]
        vals = {
            "move_type": "out_invoice",
            "partner_id": self.partner_invoice_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "invoice_date": period.due_date(self.invoicing_mode),
            "ref": self.client_order_ref or False,
            "invoice_origin": self.name,
            "invoice_user_id": self.user_id.id,
            "workshop_contract_id": self.id,
            "invoice_line_ids": [fields.Command.create(v) for v in line_vals],
        }
        optional = {
            "journal_id": self.journal_id,
            "invoice_payment_term_id": self.payment_term_id,
            "fiscal_position_id": self.fiscal_position_id,
        }
        vals.update({key: rec.id for key, rec in optional.items() if rec})
        return vals
