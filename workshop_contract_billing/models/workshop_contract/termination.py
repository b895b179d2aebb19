"""Terminating a contract on a date: what was billed in advance beyond that
date is credited (prorated by day), what was served and not billed yet (in
arrears) is billed by a final, prorated invoice, once.

The credit goes through the period ledger like every invoice: one ``credit``
row per credited period, written before the credit note, so its unique index
makes a second credit of the same period impossible, whatever path settles.
"""

from markupsafe import Markup

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from odoo.addons.workshop_job_card.tools.privilege import grant

from ..periods import ONE_DAY, Period
from .workshop_contract import BILLABLE_STATES, TERMINATION


class WorkshopContract(models.Model):
    _inherit = "workshop.contract"  # pylint: disable=consider-merging-classes-inherited

    termination_date = fields.Date(
        readonly=True,
        copy=False,
        tracking=True,
        help="Last day of service of a terminated contract (or of one whose "
        "termination is scheduled).",
    )
    termination_reason = fields.Text(readonly=True, copy=False, tracking=True)

    # ------------------------------------------------------------------
    # Public action
    # ------------------------------------------------------------------
    def action_terminate(self, termination_date=None, reason=None):
        """Terminate these contracts after ``termination_date`` (their last day of
        service) for ``reason``. Without a date, open the wizard that asks for
        both. A date in the past settles now; today or later is scheduled and
        settled by the daily cron the day after. Settling credits what was
        billed beyond the date and bills what is still owed, once."""
        self._check_rights()
        self._check_billing_rights()
        # the wizard opens without touching the contracts: check they are writable
        self.check_access("write")
        if not termination_date:
            return self._action_open_terminate_wizard()
        termination_date = fields.Date.to_date(termination_date)
        if not (reason or "").strip():
            raise UserError(_("Give a reason for the termination."))
        self._check_can_terminate(termination_date)
        self._lock_for_billing()
        grant(self, TERMINATION).write(
            {
                "termination_date": termination_date,
                "termination_reason": reason.strip(),
                "date_end": termination_date,
            }
        )
        today = fields.Date.context_today(self)
        for contract in self:
            contract.message_post(
                body=Markup("<p>%s</p><p>%s</p>")
                % (
                    _(
                        "Termination: last day of service %s.",
                        format_date(self.env, termination_date),
                    ),
                    reason.strip(),
                )
            )
        if termination_date < today:
            self._terminate_now(today)
        return True

    def _action_open_terminate_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Terminate Contract"),
            "res_model": "workshop.contract.terminate.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_contract_ids": self.ids},
        }

    def _check_can_terminate(self, termination_date):
        idle = self.filtered(lambda c: c.state not in BILLABLE_STATES)
        if idle:
            raise UserError(
                _(
                    "Contract %s is not running: only active contracts can be "
                    "terminated.",
                    ", ".join(idle.mapped("name")),
                )
            )
        for contract in self:
            if termination_date < contract.date_start:
                raise UserError(
                    _(
                        "Contract %(name)s starts on %(start)s: it cannot end "
                        "before.",
                        name=contract.name,
                        start=format_date(self.env, contract.date_start),
                    )
                )
            if contract.date_end and termination_date > contract.date_end:
                raise UserError(
                    _(
                        "Contract %(name)s already ends on %(end)s: pick a date "
                        "before, or let it expire.",
                        name=contract.name,
                        end=format_date(self.env, contract.date_end),
                    )
                )

    # ------------------------------------------------------------------
    # Settlement (cron and action)
    # ------------------------------------------------------------------
    def _terminate_now(self, date_ref):
        """Settle and close these (locked) contracts whose termination date is
        before ``date_ref``."""
        for contract in self:
            contract._settle_termination(date_ref)
        self.filtered(lambda c: c.state in BILLABLE_STATES)._transition("terminate")

    def _settle_termination(self, date_ref):
        """Final invoice for what is owed up to the termination date, and one
        credit note for what was billed beyond it. Safe to repeat: periods
        already billed or credited are skipped (and the ledger refuses them)."""
        self.ensure_one()
        end = self.termination_date
        # in arrears the last (partial) period is due the day after the end
        self._recurring_create_invoices(max(date_ref, end + ONE_DAY))
        return self._credit_beyond(end, date_ref)

    def _get_periods_to_credit(self, end):
        """Ledger rows billed (on a live invoice) beyond ``end`` and not credited
        yet, grouped as {period_start: rows}."""
        self.ensure_one()
        credited = set(
            self.period_ids.filtered(
                lambda p: p.kind == "credit" and not p.is_released
            ).mapped("period_start")
        )
        groups = {}
        for row in self.period_ids:
            if (
                row.kind != "credit"
                and not row.is_released
                and row.billed_to > end
                and row.move_id
                and row.move_id.state != "cancel"
                and row.period_start not in credited
            ):
                groups.setdefault(row.period_start, self.env[row._name])
                groups[row.period_start] |= row
        return groups

    def _credit_beyond(self, end, date_ref):
        """Credit note for the days billed after ``end``; returns it (or an empty
        recordset)."""
        self.ensure_one()
        Move = self.env["account.move"]
        groups = self._get_periods_to_credit(end)
        line_vals = [
            vals
            for rows in groups.values()
            for row in rows
            for vals in self._prepare_credit_line_vals(row, end)
        ]
        if not line_vals:
            return Move  # nothing to credit: no period is recorded as credited
        # ledger first: a concurrent settlement fails here, before any credit note
        # (sudo: the ledger is written by the engine only, no group may write it)
        credit_rows = (
            self.env["workshop.contract.period"]
            .sudo()
            .create(
                [
                    {
                        "contract_id": self.id,
                        "kind": "credit",
                        "period_start": start,
                        "period_end": rows[0].period_end,
                        "billed_from": max(
                            min(rows.mapped("billed_from")), end + ONE_DAY
                        ),
                        "billed_to": max(rows.mapped("billed_to")),
                    }
                    for start, rows in sorted(groups.items())
                ]
            )
        )
        credit_rows.flush_recordset()
        credit = Move.with_company(self.company_id).create(
            self._prepare_credit_note_vals(groups, date_ref, line_vals)
        )
        credit_rows.move_id = credit
        if self.auto_post:
            credit.action_post()
        return credit

    def _prepare_credit_line_vals(self, row, end):
        """Credit lines for the days of ``row`` (a billed-period ledger row)
        after ``end``: its invoice lines prorated by day. Plain dicts."""
        period = Period(
            None, row.period_start, row.period_end, row.billed_from, row.billed_to
        )
        days = period.overlap_days(end + ONE_DAY, None)
        if not days:
            return []
        factor = days / period.billed_days
        currency = row.move_id.currency_id
        first = max(row.billed_from, end + ONE_DAY)
        result = []
        # only the fees are prorated: other lines of the invoice (service credits,
        # extras) are not a price of days
        for line in row.move_id.invoice_line_ids.filtered(
            lambda li: li.display_type == "product" and li.workshop_contract_line_id
        ):
            price = currency.round(line.price_unit * factor)
            if currency.is_zero(price):
                continue
            result.append(
                {
                    "display_type": "product",
                    "product_id": line.product_id.id,
                    "name": _(
                        "%(name)s\nCredit for %(start)s – %(end)s "
                        "(%(days)s/%(total)s days, contract terminated)",
                        name=line.product_id.display_name,
                        start=format_date(self.env, first),
                        end=format_date(self.env, row.billed_to),
                        days=days,
                        total=period.billed_days,
                    ),
                    "quantity": line.quantity,
                    "price_unit": price,
                    "tax_ids": [fields.Command.set(line.tax_ids.ids)],
                    "workshop_contract_line_id": line.workshop_contract_line_id.id,
                }
            )
        return result

    def _prepare_credit_note_vals(self, groups, date_ref, line_vals):
        """Values of the termination credit note. A plain dict."""
        self.ensure_one()
        moves = self.env["account.move"].union(
            *(rows.move_id for rows in groups.values())
        )
        vals = {
            "move_type": "out_refund",
            "partner_id": self.partner_invoice_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "invoice_date": date_ref,
            "ref": _("Termination of %s", self.name),
            "invoice_origin": ", ".join(
                name for name in moves.mapped("name") if name and name != "/"
            )
            or self.name,
            "invoice_user_id": self.user_id.id,
            "workshop_contract_id": self.id,
            "invoice_line_ids": [fields.Command.create(v) for v in line_vals],
        }
        if len(moves) == 1:
            vals["reversed_entry_id"] = moves.id
        optional = {
            "journal_id": self.journal_id,
            "fiscal_position_id": self.fiscal_position_id,
        }
        vals.update({key: rec.id for key, rec in optional.items() if rec})
        return vals
