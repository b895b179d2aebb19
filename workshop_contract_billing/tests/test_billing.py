from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ContractCommon


@tagged("post_install", "-at_install")
class TestContractBilling(ContractCommon):
    def _lines(self, moves):
        return moves.invoice_line_ids.filtered(lambda li: li.display_type == "product")

    # ------------------------------------------------------------------
    # Period kinds and billing modes
    # ------------------------------------------------------------------
    def test_monthly_in_advance_bills_on_the_first_day(self):
        contract = self._contract()
        self.assertEqual(contract.next_invoice_date, self._d("2026-01-01"))
        moves = self._run_cron("2026-01-01")
        self.assertEqual(len(moves), 1)
        self.assertEqual(moves.state, "posted")
        self.assertEqual(moves.partner_id, self.ap_contact)
        self.assertEqual(moves.ref, "PO-C-1")
        self.assertEqual(moves.invoice_date, self._d("2026-01-01"))
        self.assertEqual(moves.amount_untaxed, 100.0)
        self.assertEqual(moves.workshop_contract_id, contract)
        self.assertIn("01/01/2026 – 01/31/2026", self._lines(moves).name)
        self.assertEqual(contract.next_invoice_date, self._d("2026-02-01"))

    def test_in_arrears_bills_the_day_after_the_period(self):
        contract = self._contract(invoicing_mode="arrears")
        self.assertFalse(self._run_cron("2026-01-31"))
        moves = self._run_cron("2026-02-01")
        self.assertEqual(len(moves), 1)
        self.assertEqual(moves.invoice_date, self._d("2026-02-01"))
        self.assertIn("01/01/2026 – 01/31/2026", self._lines(moves).name)
        self.assertEqual(contract.period_ids.billed_to, self._d("2026-01-31"))

    def test_each_period_kind_and_mode(self):
        cases = [
            # rule, mode, run on, expected billed periods (from, to)
            (
                "quarterly",
                "advance",
                "2026-04-01",
                [("2026-01-01", "2026-03-31"), ("2026-04-01", "2026-06-30")],
            ),
            ("quarterly", "arrears", "2026-04-01", [("2026-01-01", "2026-03-31")]),
            ("half_yearly", "advance", "2026-06-30", [("2026-01-01", "2026-06-30")]),
            ("half_yearly", "arrears", "2026-07-01", [("2026-01-01", "2026-06-30")]),
            ("yearly", "advance", "2026-01-01", [("2026-01-01", "2026-12-31")]),
            ("yearly", "arrears", "2026-12-31", []),
        ]
        for rule, mode, day, expected in cases:
            with self.subTest(rule=rule, mode=mode):
                contract = self._contract(recurring_rule=rule, invoicing_mode=mode)
                moves = self._run_cron(day).filtered(
                    lambda m, c=contract: m.workshop_contract_id == c
                )
                got = [
                    (str(p.billed_from), str(p.billed_to))
                    for p in contract.period_ids.sorted("period_start")
                ]
                self.assertEqual(got, expected)
                self.assertEqual(len(moves), len(expected))
                self.assertTrue(all(m.amount_untaxed == 100.0 for m in moves))

    # ------------------------------------------------------------------
    # Proration
    # ------------------------------------------------------------------
    def test_start_feb_24_bills_5_28_of_the_fee(self):
        self._contract(date_start=self._d("2026-02-24"))
        moves = self._run_cron("2026-02-24")
        self.assertEqual(moves.amount_untaxed, 17.86)  # 100 × 5 / 28
        self.assertIn("prorated 5/28 days", self._lines(moves).name)

    def test_leap_year_february_has_29_days(self):
        self._contract(date_start=self._d("2028-02-24"))
        moves = self._run_cron("2028-02-24")
        self.assertEqual(moves.amount_untaxed, 20.69)  # 100 × 6 / 29
        self.assertIn("prorated 6/29 days", self._lines(moves).name)

    def test_a_year_from_mid_month_sums_to_the_annual_price(self):
        self._contract(date_start=self._d("2026-03-15"), date_end=self._d("2027-03-14"))
        moves = self._run_cron("2027-03-14")
        self.assertEqual(len(moves), 13)
        self.assertAlmostEqual(sum(moves.mapped("amount_untaxed")), 1200.0, places=2)
        first = moves.sorted("invoice_date")[0]
        self.assertEqual(first.amount_untaxed, 54.84)  # 17/31

    def test_end_mid_period_in_arrears_is_prorated(self):
        contract = self._contract(
            invoicing_mode="arrears", date_end=self._d("2026-04-10")
        )
        moves = self._run_cron("2026-06-01")
        self.assertEqual(
            sorted(moves.mapped("amount_untaxed")), [33.33, 100.0, 100.0, 100.0]
        )
        self.assertFalse(contract.next_invoice_date)  # everything billed

    # ------------------------------------------------------------------
    # Per-asset and tiered lines
    # ------------------------------------------------------------------
    def test_per_asset_fee_prorates_an_asset_added_mid_period(self):
        contract = self._contract(
            lines=[{"product_id": self.asset_fee.id, "kind": "per_asset"}],
            date_start=self._d("2026-04-01"),
            covered_asset_ids=[
                Command.create({"asset_id": self.assets[0].id}),
                Command.create({"asset_id": self.assets[1].id}),
                Command.create(
                    {"asset_id": self.assets[2].id, "date_start": "2026-04-16"}
                ),
            ],
        )
        moves = self._run_cron("2026-04-01")
        # 2 × 50 for 30 days + 50 × 15/30 for the third van
        self.assertEqual(moves.amount_untaxed, 125.0)
        moves = self._run_cron("2026-05-01")
        line = self._lines(moves)
        self.assertEqual((line.quantity, line.price_unit), (3.0, 50.0))
        self.assertEqual(len(contract.period_ids), 2)

    def test_tiered_price_follows_the_asset_count(self):
        line = {
            "product_id": self.asset_fee.id,
            "kind": "tiered",
            "tier_ids": [
                Command.create({"min_assets": 1, "price_unit": 40.0}),
                Command.create({"min_assets": 3, "price_unit": 30.0}),
            ],
        }
        covers = [Command.create({"asset_id": a.id}) for a in self.assets]
        self._contract(lines=[line], covered_asset_ids=covers)
        self._contract(lines=[line], covered_asset_ids=covers[:2])
        moves = self._run_cron("2026-01-01")
        self.assertEqual(sorted(moves.mapped("amount_untaxed")), [80.0, 90.0])

    # ------------------------------------------------------------------
    # Catch-up and never twice
    # ------------------------------------------------------------------
    def test_cron_down_three_months_catches_up_in_one_run(self):
        contract = self._contract()
        self._run_cron("2026-01-01")
        moves = self._run_cron("2026-04-01")
        self.assertEqual(len(moves), 3)
        self.assertEqual(
            sorted(moves.mapped("invoice_date")),
            [self._d("2026-02-01"), self._d("2026-03-01"), self._d("2026-04-01")],
        )
        self.assertFalse(self._run_cron("2026-04-01"))  # immediate second run
        self.assertEqual(len(contract.period_ids), 4)

    def test_24_monthly_periods_from_jan_31(self):
        contract = self._contract(
            date_start=self._d("2026-01-31"), period_alignment="contract"
        )
        moves = self._run_cron("2027-12-31")
        self.assertEqual(len(moves), 24)
        periods = contract.period_ids.sorted("period_start")
        gaps = [
            (b.period_start - a.period_end).days - 1
            for a, b in zip(periods, periods[1:], strict=False)
        ]
        self.assertEqual(set(gaps), {0})  # no gap, no overlap
        self.assertEqual(periods[2].period_start, self._d("2026-03-31"))  # no drift
        self.assertTrue(all(m.amount_untaxed == 100.0 for m in moves))

    def test_invoice_now_twice_bills_once(self):
        contract = self._contract(date_start=self._d("2026-01-01"))
        contract = contract.with_user(self.accountant)
        action = contract.action_invoice_now()
        invoices = contract.invoice_ids
        self.assertTrue(invoices)
        self.assertEqual(action["res_model"], "account.move")
        with self.assertRaises(UserError):
            contract.action_invoice_now()
        self.assertEqual(contract.invoice_ids, invoices)

    def test_duplicate_period_row_is_refused_by_the_database(self):
        contract = self._contract()
        self._run_cron("2026-01-01")
        period = contract.period_ids
        with self.assertRaises(Exception) as caught, self.cr.savepoint():
            self.env["workshop.contract.period"].create(
                {
                    "contract_id": contract.id,
                    "period_start": period.period_start,
                    "period_end": period.period_end,
                    "billed_from": period.billed_from,
                    "billed_to": period.billed_to,
                }
            )
            self.env.flush_all()
        self.assertIn("workshop_contract_period_live_uniq", str(caught.exception))

    def test_deleting_a_draft_invoice_releases_its_period(self):
        contract = self._contract(auto_post=False)
        moves = self._run_cron("2026-01-01")
        self.assertEqual(moves.state, "draft")
        name = moves.display_name
        moves.unlink()
        # the row stays, as history: released, no longer counted
        self.assertTrue(contract.period_ids.is_released)
        self.assertIn(name, contract.period_ids.release_reason)
        self.assertEqual(contract.next_invoice_date, self._d("2026-01-01"))
        self.assertEqual(len(self._run_cron("2026-01-01")), 1)

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------
    def test_state_cannot_be_written_directly(self):
        contract = self._contract(activate=False)
        with self.assertRaises(AccessError):
            contract.with_user(self.manager).write({"state": "active"})
        self.assertEqual(contract.state, "draft")

    def test_activating_without_lines_is_refused(self):
        contract = self._contract(activate=False)
        contract.line_ids.unlink()
        with self.assertRaises(UserError):
            contract.action_activate()

    def test_billing_terms_are_locked_once_billed(self):
        contract = self._contract()
        self._run_cron("2026-01-01")
        with self.assertRaises(UserError):
            contract.recurring_rule = "yearly"
        contract.date_end = self._d("2026-12-31")  # the end may still move
        self.assertEqual(
            contract.next_invoice_date, self._d("2026-01-01") + timedelta(days=31)
        )

    def test_draft_and_terminated_contracts_are_not_billed(self):
        self._contract(activate=False)
        self.assertFalse(self._run_cron("2026-03-01"))
