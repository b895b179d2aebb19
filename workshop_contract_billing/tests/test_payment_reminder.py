from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ContractCommon


@tagged("post_install", "-at_install")
class TestPaymentReminder(ContractCommon):
    """A contract invoice of 2026-01-01 due 30 days later (2026-01-31); the
    company reminds 3 days before and 7 days after the due date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"workshop_reminder_days_before": 3, "workshop_reminder_days_after": 7}
        )
        cls.term_30 = cls.env.ref("account.account_payment_term_30days")
        cls.contract = cls._contract(payment_term_id=cls.term_30.id)

    def setUp(self):
        super().setUp()
        self.invoice = self._run_cron("2026-01-01")

    def _remind(self, day):
        return self.env["account.move"]._cron_workshop_payment_reminder(
            date_ref=fields.Date.to_date(day)
        )

    def _mails(self, move):
        return self.env["mail.mail"].search(
            [("model", "=", "account.move"), ("res_id", "=", move.id)]
        )

    def test_reminder_before_due_date_is_queued_once_to_the_invoice_contact(self):
        self.assertEqual(self.invoice.invoice_date_due, self._d("2026-01-31"))
        self.assertEqual(self._remind("2026-01-27"), 0)
        self.assertFalse(self._mails(self.invoice))
        self.assertEqual(self._remind("2026-01-28"), 1)
        self.assertEqual(self._remind("2026-01-28"), 0)
        self.assertEqual(self._remind("2026-01-30"), 0)
        mail = self._mails(self.invoice)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")  # in the queue, not sent inline
        self.assertEqual(mail.recipient_ids, self.ap_contact)
        self.assertIn("is due on 01/31/2026", mail.subject)
        self.assertIn("115.00", mail.body_html)
        self.assertTrue(self.invoice.workshop_reminder_before_datetime)
        self.assertFalse(self.invoice.workshop_reminder_overdue_datetime)

    def test_overdue_reminder_is_sent_once_seven_days_after(self):
        self._remind("2026-01-28")
        self.assertEqual(self._remind("2026-02-06"), 0)
        self.assertEqual(self._remind("2026-02-07"), 1)
        self.assertEqual(self._remind("2026-02-08"), 0)
        self.assertEqual(self._remind("2026-03-31"), 0)
        mails = self._mails(self.invoice)
        self.assertEqual(len(mails), 2)
        self.assertIn("is overdue", mails.sorted("id")[-1].subject)
        self.assertTrue(self.invoice.workshop_reminder_overdue_datetime)

    def test_first_run_after_the_due_date_sends_only_the_overdue_reminder(self):
        self.assertEqual(self._remind("2026-02-10"), 1)
        self.assertFalse(self.invoice.workshop_reminder_before_datetime)
        self.assertTrue(self.invoice.workshop_reminder_overdue_datetime)

    def test_paid_invoices_get_no_reminder(self):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice.ids
        ).create({"payment_date": "2026-01-20"})._create_payments()
        self.assertIn(self.invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(self._remind("2026-01-28"), 0)
        self.assertEqual(self._remind("2026-02-07"), 0)
        self.assertFalse(self._mails(self.invoice))

    def test_invoices_outside_the_suite_and_draft_ones_get_no_reminder(self):
        other = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": "2026-01-01",
                "invoice_payment_term_id": self.term_30.id,
                "invoice_line_ids": [
                    Command.create({"product_id": self.fee.id, "price_unit": 10.0})
                ],
            }
        )
        other.action_post()
        draft = self.contract.copy()
        draft.write({"auto_post": False, "payment_term_id": self.term_30.id})
        draft.action_activate()
        draft_invoice = self._run_cron("2026-01-01")
        self.assertEqual(draft_invoice.state, "draft")
        self.assertEqual(self._remind("2026-01-28"), 1)
        self.assertFalse(self._mails(other))
        self.assertFalse(self._mails(draft_invoice))

    def test_zero_days_turns_a_reminder_off(self):
        self.company.workshop_reminder_days_before = 0
        self.assertEqual(self._remind("2026-01-28"), 0)
        self.assertEqual(self._remind("2026-02-07"), 1)

    def test_negative_days_are_refused(self):
        with self.assertRaises(ValidationError):
            self.company.workshop_reminder_days_after = -1

    def test_settings_show_the_company_days(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(
            (
                settings.workshop_reminder_days_before,
                settings.workshop_reminder_days_after,
            ),
            (3, 7),
        )
        settings.workshop_reminder_days_after = 10
        settings.execute()
        self.assertEqual(self.company.workshop_reminder_days_after, 10)
