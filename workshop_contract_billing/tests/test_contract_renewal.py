from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import ContractCommon


@tagged("post_install", "-at_install")
class TestContractRenewal(ContractCommon):
    """A 2026 contract (100.00 a month in advance) that renews by 12 months with
    a 30-day notice period and 3.5 % indexation."""

    @classmethod
    def _yearly(cls, **vals):
        values = {
            "date_end": cls._d("2026-12-31"),
            "is_auto_renew": True,
            "renewal_term_months": 12,
            "notice_days": 30,
            "renewal_reminder_days": 45,
            "indexation_pct": 3.5,
            "user_id": cls.coordinator.id,
        }
        values.update(vals)
        return cls._contract(**values)

    def _bill_2026(self):
        self._run_cron("2026-12-01")

    # ------------------------------------------------------------------
    # Notice period and states
    # ------------------------------------------------------------------
    def test_contract_goes_to_renew_when_its_notice_period_starts(self):
        contract = self._yearly()
        self.assertEqual(contract.notice_deadline_date, self._d("2026-12-01"))
        self._run_lifecycle("2026-11-30")
        self.assertEqual(contract.state, "active")
        self._run_lifecycle("2026-12-01")
        self.assertEqual(contract.state, "to_renew")

    def test_moving_the_end_date_out_of_the_notice_period_reactivates(self):
        contract = self._yearly()
        self._run_lifecycle("2026-12-01")
        self.assertEqual(contract.state, "to_renew")
        contract.date_end = self._d("2027-06-30")
        self._run_lifecycle("2026-12-02")
        self.assertEqual(contract.state, "active")
        self.assertEqual(contract.notice_deadline_date, self._d("2027-05-31"))

    def test_auto_renewal_happens_once_when_the_cron_runs_twice(self):
        contract = self._yearly()
        self._bill_2026()
        self._run_lifecycle("2026-12-01")
        self._run_lifecycle("2026-12-31")  # the last day still belongs to 2026
        self.assertEqual(contract.date_end, self._d("2026-12-31"))
        self._run_lifecycle("2027-01-01")
        self._run_lifecycle("2027-01-01")
        self.assertEqual(contract.state, "active")
        self.assertEqual(contract.date_end, self._d("2027-12-31"))
        self.assertEqual(contract.renewal_count, 1)
        self.assertEqual(contract.last_renewal_date, self._d("2027-01-01"))
        self.assertEqual(contract.line_ids.price_unit, 103.5)
        # the renewal bills January 2027 at the new price, once
        january = contract.invoice_ids.filtered(
            lambda m: str(m.invoice_date) == "2027-01-01"
        )
        self.assertEqual(len(january), 1)
        self.assertEqual(january.amount_untaxed, 103.5)
        self.assertFalse(self._run_cron("2027-01-01"))

    def test_indexation_is_logged_in_the_chatter_old_to_new(self):
        contract = self._yearly()
        self._run_lifecycle("2027-01-01")
        bodies = contract.message_ids.mapped("body")
        self.assertTrue(
            any("100.00 → 103.50" in body and "3.5%" in body for body in bodies),
            bodies,
        )
        self.assertTrue(any("12/31/2027" in body for body in bodies))

    def test_indexation_rounds_half_up_to_the_price_precision(self):
        contract = self._yearly(
            indexation_pct=5.0,
            lines=[
                {"product_id": self.fee.id, "price_unit": 10.10},
                {"product_id": self.fee.id, "price_unit": 33.33},
                {
                    "product_id": self.asset_fee.id,
                    "kind": "tiered",
                    "tier_ids": [
                        Command.create({"min_assets": 1, "price_unit": 19.99}),
                        Command.create({"min_assets": 3, "price_unit": 14.97}),
                    ],
                },
            ],
        )
        self._run_lifecycle("2027-01-01")
        lines = contract.line_ids.sorted("id")
        # 10.605 → 10.61 (not 10.60 from binary floats), 34.9965 → 35.00
        self.assertEqual(lines[0].price_unit, 10.61)
        self.assertEqual(lines[1].price_unit, 35.0)
        # tiers: 20.9895 → 20.99, 15.7185 → 15.72
        self.assertEqual(
            lines[2].tier_ids.sorted("min_assets").mapped("price_unit"), [20.99, 15.72]
        )

    def test_cron_down_two_years_renews_once_per_term_with_indexation(self):
        contract = self._yearly()
        self._run_lifecycle("2028-06-01")  # nothing ran since 2026-01-01
        self.assertEqual(contract.date_end, self._d("2028-12-31"))
        self.assertEqual(contract.renewal_count, 2)
        self.assertEqual(contract.line_ids.price_unit, 107.12)  # 103.5 × 1.035
        # each term billed at its own prices: 2026 at 100.00, 2027 at 103.50,
        # January to June 2028 at 107.12
        by_year = {}
        for move in contract.invoice_ids:
            by_year.setdefault(move.invoice_date.year, []).append(move.amount_untaxed)
        self.assertEqual(
            {year: (len(a), set(a)) for year, a in by_year.items()},
            {2026: (12, {100.0}), 2027: (12, {103.5}), 2028: (6, {107.12})},
        )

    def test_renewal_keeps_month_ends(self):
        contract = self._yearly(
            date_start=self._d("2027-03-01"), date_end=self._d("2028-02-29")
        )
        self._run_lifecycle("2028-03-01")
        self.assertEqual(contract.date_end, self._d("2029-02-28"))
        self._run_lifecycle("2029-03-01")
        self.assertEqual(contract.date_end, self._d("2030-02-28"))

    def test_in_arrears_the_old_term_is_billed_at_old_prices(self):
        contract = self._yearly(invoicing_mode="arrears")
        self._run_cron("2026-12-01")
        self._run_lifecycle("2027-01-01")  # before the billing cron of the day
        december = contract.invoice_ids.filtered(
            lambda m: str(m.invoice_date) == "2027-01-01"
        )
        self.assertEqual(december.amount_untaxed, 100.0)
        self.assertIn("12/01/2026 – 12/31/2026", december.invoice_line_ids.name)
        self.assertEqual(contract.line_ids.price_unit, 103.5)
        self.assertFalse(self._run_cron("2027-01-01"))
        self.assertEqual(self._run_cron("2027-02-01").amount_untaxed, 103.5)

    def test_renewal_bills_the_rest_of_a_period_the_old_end_cut_short(self):
        contract = self._yearly(
            date_start=self._d("2026-01-15"),
            date_end=self._d("2027-01-14"),
            indexation_pct=0.0,
        )
        first_half = self._run_cron("2027-01-01").filtered(
            lambda m: str(m.invoice_date) == "2027-01-01"
        )
        self.assertEqual(first_half.amount_untaxed, 45.16)  # 14/31
        self._run_lifecycle("2027-01-15")
        rest = contract.invoice_ids.filtered(
            lambda m: str(m.invoice_date) == "2027-01-15"
        )
        self.assertEqual(rest.amount_untaxed, 54.84)  # 17/31: January is whole
        self.assertIn("01/15/2027 – 01/31/2027", rest.invoice_line_ids.name)
        self.assertEqual(
            contract.period_ids.filtered(lambda p: p.kind == "topup").move_id, rest
        )
        self._run_lifecycle("2027-01-15")
        self.assertFalse(self._run_cron("2027-01-20"))
        self.assertEqual(self._run_cron("2027-02-01").amount_untaxed, 100.0)

    def test_in_arrears_the_rest_of_a_cut_period_is_due_after_it(self):
        contract = self._yearly(
            date_start=self._d("2026-01-15"),
            date_end=self._d("2027-01-14"),
            invoicing_mode="arrears",
            indexation_pct=0.0,
        )
        self._run_cron("2027-01-01")
        self._run_lifecycle("2027-01-15")  # bills Jan 1–14 (14/31), renews
        self.assertEqual(contract.next_invoice_date, self._d("2027-02-01"))
        rest = self._run_cron("2027-02-01")
        self.assertEqual(rest.amount_untaxed, 54.84)
        self.assertEqual(contract.next_invoice_date, self._d("2027-03-01"))

    def test_manual_renewal_extends_by_one_term(self):
        contract = self._yearly(is_auto_renew=False, indexation_pct=0.0)
        self._run_lifecycle("2026-12-01")
        self.assertEqual(contract.state, "to_renew")
        contract.with_user(self.coordinator).action_renew()
        self.assertEqual(contract.state, "active")
        self.assertEqual(contract.date_end, self._d("2027-12-31"))
        self.assertEqual(contract.line_ids.price_unit, 100.0)

    def test_renewing_an_open_ended_contract_is_refused(self):
        contract = self._contract()
        with self.assertRaises(UserError):
            contract.action_renew()

    # ------------------------------------------------------------------
    # Expiry
    # ------------------------------------------------------------------
    def test_contract_with_notice_expires_after_its_end_and_is_no_longer_billed(self):
        contract = self._yearly(notice_date=self._d("2026-10-15"))
        self._bill_2026()
        self._run_lifecycle("2026-12-31")
        self.assertEqual(contract.state, "to_renew")
        self._run_lifecycle("2027-01-01")
        self.assertEqual(contract.state, "expired")
        self.assertEqual(contract.date_end, self._d("2026-12-31"))
        self.assertEqual(contract.line_ids.price_unit, 100.0)
        self.assertFalse(self._run_cron("2027-03-01"))
        self.assertEqual(len(contract.invoice_ids), 12)

    def test_expiry_bills_the_last_period_in_arrears_first(self):
        contract = self._yearly(invoicing_mode="arrears", is_auto_renew=False)
        self._run_cron("2026-12-01")
        self.assertEqual(len(contract.invoice_ids), 11)
        self._run_lifecycle("2027-01-01")
        self.assertEqual(contract.state, "expired")
        self.assertEqual(len(contract.invoice_ids), 12)
        self.assertFalse(contract.next_invoice_date)

    def test_expired_contract_cannot_be_invoiced(self):
        contract = self._yearly(is_auto_renew=False)
        self._run_lifecycle("2027-01-01")
        with self.assertRaises(UserError):
            contract.action_invoice_now()

    # ------------------------------------------------------------------
    # Reminder
    # ------------------------------------------------------------------
    def test_renewal_reminder_is_scheduled_once_per_end_date(self):
        contract = self._yearly()
        todo = self.env.ref("mail.mail_activity_data_todo")

        def reminders():
            return contract.activity_ids.filtered(lambda a: a.activity_type_id == todo)

        self._run_lifecycle("2026-11-15")
        self.assertFalse(reminders())
        self._run_lifecycle("2026-11-16")
        self._run_lifecycle("2026-11-17")
        self.assertEqual(len(reminders()), 1)
        self.assertEqual(reminders().user_id, self.coordinator)
        self.assertEqual(reminders().date_deadline, self._d("2026-12-01"))
        reminders().action_done()
        self._run_lifecycle("2027-01-01")  # renewed to 2027-12-31
        self._run_lifecycle("2027-11-16")
        self.assertEqual(len(reminders()), 1)
        self.assertIn("12/31/2027", reminders().summary)

    # ------------------------------------------------------------------
    # Rules and chatter
    # ------------------------------------------------------------------
    def test_shortening_a_billed_contract_asks_for_a_termination(self):
        contract = self._yearly()
        self._run_cron("2026-03-01")
        with self.assertRaises(UserError):
            contract.date_end = self._d("2026-03-15")
        contract.date_end = self._d("2026-03-31")  # nothing billed beyond
        self.assertEqual(contract.date_end, self._d("2026-03-31"))

    def test_renewal_term_must_be_positive(self):
        with self.assertRaises(ValidationError):
            self._yearly(renewal_term_months=0)

    def test_state_changes_are_tracked_in_the_chatter(self):
        contract = self._yearly()
        self.env = self.env(context=dict(self.env.context, tracking_disable=False))
        self._run_lifecycle("2026-12-01")
        self.env.flush_all()
        tracked = contract.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "state"
        )
        self.assertEqual(tracked.mapped("new_value_char"), ["To Renew"])
        self.assertEqual(tracked.mapped("old_value_char"), ["Active"])
