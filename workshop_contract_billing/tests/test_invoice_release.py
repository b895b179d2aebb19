"""Every way a contract invoice stops counting releases the periods it billed,
once: they are billed again by the next run (there is no contract setting to
leave them unbilled), and the invoice cannot count again beside its
replacement."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ContractCommon


@tagged("post_install", "-at_install")
class TestInvoiceRelease(ContractCommon):
    @staticmethod
    def _live(contract):
        return contract.period_ids.filtered(
            lambda p: p.kind == "invoice" and not p.is_released
        )

    def test_cancelled_invoice_is_billed_again_once(self):
        contract = self._contract()
        invoice = self._run_cron("2026-01-01")
        invoice.with_user(self.accountant).button_cancel()
        self.assertFalse(self._live(contract))
        self.assertIn(invoice.name, contract.period_ids.release_reason)
        self.assertEqual(contract.next_invoice_date, self._d("2026-01-01"))
        again = self._run_cron("2026-01-01")
        self.assertEqual(again.amount_untaxed, 100.0)
        self.assertEqual(self._live(contract).move_id, again)
        # the cancelled invoice coming back would bill January twice
        with self.assertRaises(UserError):
            invoice.with_user(self.accountant).button_draft()
        self.assertEqual(invoice.state, "cancel")
        self.assertFalse(self._run_cron("2026-01-01"))
        self.assertEqual(
            sum(
                contract.invoice_ids.filtered(lambda m: m.state == "posted").mapped(
                    "amount_untaxed"
                )
            ),
            100.0,
        )

    def test_cancelled_then_reposted_invoice_counts_once(self):
        contract = self._contract()
        invoice = self._run_cron("2026-01-01")
        invoice.with_user(self.accountant).button_cancel()
        # back before the next run: it takes its period back
        invoice.with_user(self.accountant).button_draft()
        invoice.with_user(self.accountant).action_post()
        self.assertEqual(self._live(contract).move_id, invoice)
        self.assertFalse(self._run_cron("2026-01-01"))
        self.assertEqual(len(contract.invoice_ids), 1)

    def test_deleted_draft_invoice_is_billed_again(self):
        contract = self._contract(auto_post=False)
        invoice = self._run_cron("2026-01-01")
        invoice.with_user(self.accountant).unlink()
        self.assertTrue(contract.period_ids.is_released)
        self.assertFalse(contract.period_ids.move_id)
        self.assertEqual(len(self._run_cron("2026-01-01")), 1)
        self.assertEqual(len(self._live(contract)), 1)

    def test_fully_credited_invoice_is_billed_again(self):
        contract = self._contract()
        invoice = self._run_cron("2026-01-01")
        refund = invoice.with_user(self.accountant)._reverse_moves()
        refund.action_post()
        self.assertFalse(self._live(contract))
        self.assertEqual(contract.period_ids.release_move_id, refund)
        again = self._run_cron("2026-01-01")
        self.assertEqual(again.amount_untaxed, 100.0)
        # taking the credit note back would make January count twice
        with self.assertRaises(UserError):
            refund.with_user(self.accountant).button_draft()
        self.assertEqual(refund.state, "posted")

    def test_credit_note_taken_back_before_the_next_run(self):
        contract = self._contract()
        invoice = self._run_cron("2026-01-01")
        refund = invoice._reverse_moves()
        refund.action_post()
        refund.with_user(self.accountant).button_draft()
        self.assertEqual(self._live(contract).move_id, invoice)
        self.assertFalse(self._run_cron("2026-01-01"))

    def test_partly_credited_invoice_stays_billed(self):
        contract = self._contract()
        invoice = self._run_cron("2026-01-01")
        refund = invoice._reverse_moves()
        refund.invoice_line_ids.price_unit = 40.0
        refund.action_post()
        self.assertEqual(self._live(contract).move_id, invoice)
        self.assertFalse(self._run_cron("2026-01-01"))

    def test_period_with_nothing_to_bill_is_not_recorded(self):
        contract = self._contract(
            lines=[{"product_id": self.asset_fee.id, "kind": "per_asset"}]
        )
        self.assertFalse(self._run_cron("2026-01-01"))
        self.assertFalse(contract.period_ids)
        # an asset covered later: the period is billed then
        contract.covered_asset_ids = [Command.create({"asset_id": self.assets[0].id})]
        self.assertEqual(self._run_cron("2026-01-01").amount_untaxed, 50.0)

    def test_termination_credit_note_releases_nothing(self):
        contract = self._contract()
        february = self._run_cron("2026-02-01").filtered(
            lambda m: m.invoice_date == self._d("2026-02-01")
        )
        contract.action_terminate("2026-01-31", "Customer moved away")
        credit = contract.invoice_ids.filtered(lambda m: m.move_type == "out_refund")
        # February credited in full, as a settlement: it stays billed (and
        # credited), it is not billed again
        self.assertEqual(credit.reversed_entry_id, february)
        self.assertEqual(credit.amount_untaxed, 100.0)
        self.assertEqual(len(self._live(contract)), 2)
        self.assertFalse(contract.period_ids.filtered("is_released"))
