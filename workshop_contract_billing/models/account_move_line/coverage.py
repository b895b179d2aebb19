"""Contract coverage on invoices and credit notes: covered invoice lines name
their contract, and posting a credit note gives back the coverage it reverses."""

from odoo import models
from odoo.tools import float_compare


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        refunds = posted.filtered(
            lambda m: m.move_type == "out_refund" and m.reversed_entry_id
        )
        if refunds:
            # sudo: whoever may post the credit note gives back the coverage it
            # reverses; nothing else of the ledger is touched
            released = (
                self.env["workshop.contract.usage"].sudo()._release_for_refunds(refunds)
            )
            # covered work left off the invoice re-opens only now
            released.job_line_id.job_id._sync_invoiced_state()
        return posted

    def _workshop_is_fully_credited(self):
        """True when the posted credit notes of this invoice reverse all of its
        job lines' billed quantities."""
        self.ensure_one()
        refunds = self.reversal_move_ids.filtered(lambda m: m.state == "posted")
        credited = {}
        for aml in refunds.invoice_line_ids.filtered("workshop_job_line_id"):
            key = aml.workshop_job_line_id
            credited[key] = credited.get(key, 0.0) + aml.quantity
        billed = {}
        for aml in self.invoice_line_ids.filtered(
            lambda a: a.workshop_job_line_id and a.display_type == "product"
        ):
            key = aml.workshop_job_line_id
            billed[key] = billed.get(key, 0.0) + aml.quantity
        if not billed:
            return bool(refunds)
        return all(
            float_compare(
                credited.get(line, 0.0),
                qty,
                precision_rounding=line.product_uom_id.rounding or 0.001,
            )
            >= 0
            for line, qty in billed.items()
        )
