from odoo import Command
from odoo.tests import tagged

from odoo.addons.workshop_job_card.tests.common import QueryCount, _report

from .common import ContractCommon

FROM = "2026-03-01"  # the forecast runs Mar 1, 2026 → Feb 28, 2027


@tagged("post_install", "-at_install")
class TestContractForecast(ContractCommon):
    def _forecast(self, contract=None, day=FROM):
        Forecast = self.env["workshop.contract.forecast"].with_context(
            workshop_forecast_date=day
        )
        domain = [("contract_id", "=", contract.id)] if contract else []
        return Forecast.search(domain)

    def _rows(self, contract, day=FROM):
        return [
            (str(row.invoice_date), row.amount_untaxed)
            for row in self._forecast(contract, day)
        ]

    def test_twelve_months_with_prorated_first_and_last_months(self):
        contract = self._contract(
            date_start=self._d("2026-03-15"), date_end=self._d("2026-12-10")
        )
        rows = self._rows(contract)
        self.assertEqual(
            rows,
            [("2026-03-15", 54.84)]  # 17/31 days
            + [(f"2026-{month:02d}-01", 100.0) for month in range(4, 12)]
            + [("2026-12-01", 32.26)],  # 10/31 days, then the contract ends
        )
        self.assertAlmostEqual(sum(amount for _day, amount in rows), 887.10, places=2)
        forecast = self._forecast(contract)
        self.assertEqual(forecast.mapped("is_partial").count(True), 2)
        self.assertEqual(forecast.partner_id, self.customer)

    def test_totals_group_by_month_like_the_pivot(self):
        contract = self._contract(
            date_start=self._d("2026-03-15"), date_end=self._d("2026-12-10")
        )
        Forecast = self.env["workshop.contract.forecast"].with_context(
            workshop_forecast_date=FROM
        )
        groups = Forecast._read_group(
            [("contract_id", "=", contract.id)],
            ["invoice_date:quarter"],
            ["amount_untaxed:sum"],
        )
        self.assertEqual(
            [round(total, 2) for _quarter, total in groups],
            [54.84, 300.0, 300.0, 232.26],
        )

    def test_open_ended_contract_fills_the_twelve_months(self):
        contract = self._contract(date_start=self._d("2026-03-01"))
        rows = self._rows(contract)
        self.assertEqual(len(rows), 12)
        self.assertEqual(rows[-1], ("2027-02-01", 100.0))

    def test_billed_periods_are_not_forecast_again(self):
        contract = self._contract(
            date_start=self._d("2026-03-15"), date_end=self._d("2026-12-10")
        )
        self._run_cron("2026-04-01")  # March and April are invoiced
        rows = self._rows(contract, day="2026-04-02")
        self.assertEqual(rows[0], ("2026-05-01", 100.0))
        self.assertAlmostEqual(sum(a for _d, a in rows), 732.26, places=2)

    def test_overdue_unbilled_period_is_forecast(self):
        contract = self._contract(date_start=self._d("2026-02-01"))
        rows = self._rows(contract)
        self.assertEqual(rows[0], ("2026-02-01", 100.0))  # the next run bills it
        self.assertEqual(len(rows), 13)

    def test_arrears_and_quarterly_periods(self):
        contract = self._contract(
            date_start=self._d("2026-02-10"),
            recurring_rule="quarterly",
            invoicing_mode="arrears",
        )
        # Q1: Feb 10 – Mar 31 = 50/90 days, billed on Apr 1; the quarter
        # ending Feb 28, 2027 is due after the window
        self.assertEqual(
            self._rows(contract),
            [
                ("2026-04-01", 55.56),
                ("2026-07-01", 100.0),
                ("2026-10-01", 100.0),
                ("2027-01-01", 100.0),
            ],
        )

    def test_draft_and_ended_contracts_are_not_forecast(self):
        draft = self._contract(activate=False)
        ended = self._contract(
            date_start=self._d("2025-01-01"),
            date_end=self._d("2025-12-31"),
            is_backdating_confirmed=True,
        )
        self._run_cron("2026-01-01")
        self.assertFalse(self._forecast(draft))
        self.assertFalse(self._forecast(ended))

    def test_no_renewal_assumed_without_auto_renew(self):
        contract = self._contract(
            date_start=self._d("2026-03-01"), date_end=self._d("2026-08-31")
        )
        rows = self._rows(contract)
        self.assertEqual(len(rows), 6)
        self.assertFalse(self._forecast(contract).filtered("is_renewal"))

    def test_auto_renewing_contract_is_forecast_with_indexed_prices(self):
        contract = self._contract(
            date_start=self._d("2026-03-01"),
            date_end=self._d("2026-08-31"),
            is_auto_renew=True,
            renewal_term_months=12,
            indexation_pct=10.0,
        )
        forecast = self._forecast(contract)
        self.assertEqual(len(forecast), 12)
        renewed = forecast.filtered("is_renewal")
        self.assertEqual(len(renewed), 6)
        self.assertEqual(set(renewed.mapped("amount_untaxed")), {110.0})
        self.assertEqual(sum(forecast.mapped("amount_untaxed")), 6 * 100.0 + 6 * 110.0)
        # notice given: it ends as planned
        contract.notice_date = self._d("2026-05-01")
        self.assertEqual(len(self._forecast(contract)), 6)

    def test_forecast_equals_what_is_then_invoiced(self):
        """Per-asset, tiered and fixed lines with an asset joining mid-period:
        the forecast amounts are the invoices' untaxed amounts to the cent."""
        contract = self._contract(
            date_start=self._d("2026-03-10"),
            date_end=self._d("2026-07-20"),
            lines=[
                {"product_id": self.fee.id, "quantity": 3.0, "price_unit": 33.33},
                {"product_id": self.asset_fee.id, "kind": "per_asset"},
                {
                    "product_id": self.asset_fee.id,
                    "kind": "tiered",
                    "tier_ids": [
                        Command.create({"min_assets": 1, "price_unit": 40.0}),
                        Command.create({"min_assets": 3, "price_unit": 30.0}),
                    ],
                },
            ],
            covered_asset_ids=[
                Command.create({"asset_id": self.assets[0].id}),
                Command.create({"asset_id": self.assets[1].id}),
                Command.create(
                    {"asset_id": self.assets[2].id, "date_start": "2026-04-16"}
                ),
            ],
        )
        forecast = self._rows(contract)
        self.assertEqual(len(forecast), 5)
        moves = self._run_cron("2026-07-20").sorted("invoice_date")
        self.assertEqual(
            forecast,
            [(str(m.invoice_date), m.amount_untaxed) for m in moves],
        )

    def test_forecast_readable_by_accountant(self):
        contract = self._contract(date_start=self._d("2026-03-01"))
        rows = (
            self.env["workshop.contract.forecast"]
            .with_user(self.accountant)
            .with_context(workshop_forecast_date=FROM)
            .search_read([("contract_id", "=", contract.id)], ["amount_untaxed"])
        )
        self.assertEqual(len(rows), 12)

    def test_forecast_queries_do_not_grow_with_the_contracts(self):
        Forecast = self.env["workshop.contract.forecast"].with_context(
            workshop_forecast_date=FROM
        )
        counts, contracts = [], self.env["workshop.contract"]
        for number in (1, 2, 6):
            while len(contracts) < number:
                contracts |= self._contract(date_start=self._d("2026-03-01"))
            self.env.invalidate_all()
            with QueryCount(self.env) as queries:
                rows = Forecast.search([("contract_id", "in", contracts.ids)])
                self.assertEqual(len(rows), 12 * number)
            counts.append(queries.count)
        _report(f"forecast queries for 1, 2, 6 contracts: {counts}")
        self.assertEqual(counts[1], counts[2])
