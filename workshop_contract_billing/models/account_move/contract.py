from odoo import _, fields, models

from odoo.addons.workshop_job_card.tools.actions import records_action


class AccountMove(models.Model):
    _inherit = "account.move"

    workshop_contract_id = fields.Many2one(
        "workshop.contract",
        string="Service Contract",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )

    def action_view_workshop_contract(self):
        """Open the contract the invoice bills."""
        self.ensure_one()
        return records_action(
            self.workshop_contract_id,
            "workshop_contract_billing.workshop_contract_action",
        )

    # ------------------------------------------------------------------
    # Every way an invoice stops counting releases the periods it billed
    # (once: a released row stays released), and a way back re-claims them
    # ------------------------------------------------------------------
    def _workshop_period_rows(self):
        # sudo: the ledger is read-only to every group; whoever may cancel,
        # delete or credit the invoice releases its periods, nothing else
        return (
            self.env["workshop.contract.period"]
            .sudo()
            .search([("move_id", "in", self.ids)])
        )

    def unlink(self):
        for move in self:
            move._workshop_period_rows()._release(_("%s deleted", move.display_name))
        return super().unlink()

    def button_cancel(self):
        res = super().button_cancel()
        for move in self.filtered(lambda m: m.state == "cancel"):
            move._workshop_period_rows()._release(_("%s cancelled", move.display_name))
        return res

    def button_draft(self):
        cancelled = self.filtered(lambda m: m.state == "cancel")
        crediting = self.filtered(
            lambda m: m.state == "posted" and m.move_type == "out_refund"
        )
        res = super().button_draft()
        Period = self.env["workshop.contract.period"].sudo()
        for move in cancelled:
            # the invoice counts again: its periods too, unless billed since
            move._workshop_period_rows()._reclaim(move)
        for refund in crediting:
            # a full credit note taken back: the invoice it credited counts again
            rows = Period.search([("release_move_id", "=", refund.id)])
            rows._reclaim(refund.reversed_entry_id)
        return res

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        refunds = posted.filtered(
            lambda m: m.move_type == "out_refund"
            and m.reversed_entry_id.workshop_contract_id
        )
        if refunds:
            refunds._workshop_release_credited_periods()
        return posted

    def _workshop_release_credited_periods(self):
        """The periods of the invoices these posted credit notes fully credit
        are released. A termination credit note (it carries its own ledger
        rows) settles days not served: it releases nothing."""
        Period = self.env["workshop.contract.period"].sudo()
        own = Period.search([("move_id", "in", self.ids)]).move_id
        for refund in self - own:
            invoice = refund.reversed_entry_id
            if invoice.state == "posted" and invoice._workshop_is_fully_refunded():
                invoice._workshop_period_rows()._release(
                    _("%s fully credited", invoice.display_name), by=refund
                )

    def _workshop_is_fully_refunded(self):
        """True when the posted credit notes of this invoice add up to its
        whole untaxed amount."""
        self.ensure_one()
        refunds = self.reversal_move_ids.filtered(lambda m: m.state == "posted")
        credited = sum(refunds.mapped("amount_untaxed"))
        return bool(refunds) and (
            self.currency_id.compare_amounts(credited, self.amount_untaxed) >= 0
        )
