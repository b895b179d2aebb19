"""A renewal can complete a period that the old end date cut short (a contract
ending mid-month with calendar periods): the ledger then holds the period's
first part as ``invoice`` and its rest as ``topup``, so the rest is billed once
and the unique index still guards both."""

from odoo import api, fields, models

from ..periods import TopUpPeriod


class WorkshopContract(models.Model):
    _inherit = "workshop.contract"  # pylint: disable=consider-merging-classes-inherited

    def _get_topup_periods(self):
        """Periods billed up to an earlier end date that the current end date
        (after a renewal) runs past, and whose rest is not billed yet."""
        self.ensure_one()
        rows = self.period_ids.filtered(lambda r: not r.is_released)
        topped = {r.period_start for r in rows if r.kind == "topup"}
        result = []
        for row in rows:
            if row.kind != "invoice" or row.period_start in topped:
                continue
            covered_to = (
                min(row.period_end, self.date_end) if self.date_end else row.period_end
            )
            if covered_to > row.billed_to:
                result.append(
                    TopUpPeriod(
                        None,
                        row.period_start,
                        row.period_end,
                        fields.Date.add(row.billed_to, days=1),
                        covered_to,
                    )
                )
        return result

    def _get_due_periods(self, date_ref):
        due = super()._get_due_periods(date_ref)
        topups = [
            period
            for period in self._get_topup_periods()
            if period.due_date(self.invoicing_mode) <= date_ref
        ]
        if not topups:
            return due
        return sorted(due + topups, key=lambda p: (p.start, p.billed_from))

    def _prepare_period_vals(self, period):
        vals = super()._prepare_period_vals(period)
        if isinstance(period, TopUpPeriod):
            vals["kind"] = "topup"
        return vals

    @api.depends("period_ids.billed_to", "period_ids.kind", "period_ids.is_released")
    def _compute_next_invoice_date(self):
        res = super()._compute_next_invoice_date()
        for contract in self:
            dues = [
                period.due_date(contract.invoicing_mode)
                for period in contract._get_topup_periods()
            ]
            if dues and (
                not contract.next_invoice_date or min(dues) < contract.next_invoice_date
            ):
                contract.next_invoice_date = min(dues)
        return res
