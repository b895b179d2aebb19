"""Benchmark: the contract invoice forecast (``scripts/bench``).

For 50 and 200 running monthly contracts (a fixed fee and a per-asset fee with
two covered assets, one joining mid-year), the forecast of the next 12 months
(``workshop.contract.forecast`` read grouped by month, as the graph view does)
is timed against a baseline measured in the same run: building the same
periods' invoices with the billing engine's ``_prepare_invoice_vals`` (what a
forecast asking the engine would cost). Both have a cold record cache; medians
of ``REPEAT`` runs and SQL query counts are printed and written to
``results/forecast.json``.

Timings are reported, never asserted (machines differ); the forecast's query
count is asserted not to grow with the number of contracts.
"""

import json
import os
import platform
import statistics
import time
from pathlib import Path

from odoo import Command, fields, release

from odoo.addons.workshop_contract_billing.models.periods import (
    INTERVAL_MONTHS,
    iter_periods,
    period_anchor,
)
from odoo.addons.workshop_contract_billing.tests.common import ContractCommon

SIZES = (50, 200)
REPEAT = 3
FROM = "2026-03-01"
TO = fields.Date.to_date("2027-02-28")
RESULTS = Path(__file__).resolve().parent / "results" / "forecast.json"


class TestBenchForecast(ContractCommon):
    def _make(self, count):
        lines = [
            {"product_id": self.fee.id},
            {"product_id": self.asset_fee.id, "kind": "per_asset"},
        ]
        covers = [
            Command.create({"asset_id": self.assets[0].id}),
            Command.create({"asset_id": self.assets[1].id, "date_start": "2026-07-10"}),
        ]
        contracts = self.env["workshop.contract"].create(
            [
                {
                    "partner_id": self.customer.id,
                    "date_start": fields.Date.to_date("2026-02-15"),
                    "line_ids": [Command.create(vals) for vals in lines],
                    "covered_asset_ids": covers,
                }
                for _i in range(count)
            ]
        )
        contracts.action_activate()
        self.env.flush_all()
        return contracts

    def _measure(self, func):
        self.env.flush_all()
        self.env.invalidate_all()
        self.env.cr.cache.clear()
        queries = self.env.cr.sql_log_count
        start = time.perf_counter()
        result = func()
        return time.perf_counter() - start, self.env.cr.sql_log_count - queries, result

    def _forecast(self, contracts):
        Forecast = self.env["workshop.contract.forecast"].with_context(
            workshop_forecast_date=FROM
        )
        return Forecast._read_group(
            [("contract_id", "in", contracts.ids)],
            ["invoice_date:month"],
            ["amount_untaxed:sum"],
        )

    def _baseline(self, contracts):
        total = 0
        for contract in contracts.browse(contracts.ids):
            months = INTERVAL_MONTHS[contract.recurring_rule]
            anchor = period_anchor(
                contract.date_start, months, contract.period_alignment
            )
            for period in iter_periods(anchor, months, contract.date_start, None, TO):
                vals = contract._prepare_invoice_vals(period)
                total += len(vals["invoice_line_ids"])
        return total

    def test_forecast_against_the_engine_building_the_same_invoices(self):
        rows, contracts = [], self.env["workshop.contract"]
        for size in SIZES:
            contracts |= self._make(size - len(contracts))
            forecast, baseline = [], []
            for _i in range(REPEAT):
                forecast.append(self._measure(lambda c=contracts: self._forecast(c)))
                baseline.append(self._measure(lambda c=contracts: self._baseline(c)))
            groups = forecast[-1][2]
            self.assertEqual(len(groups), 13)  # Feb (overdue) … Feb next year
            rows.append(
                {
                    "contracts": size,
                    "forecast_ms": round(
                        statistics.median(t for t, _q, _r in forecast) * 1000, 1
                    ),
                    "baseline_ms": round(
                        statistics.median(t for t, _q, _r in baseline) * 1000, 1
                    ),
                    "forecast_queries": forecast[-1][1],
                    "baseline_queries": baseline[-1][1],
                }
            )
            rows[-1]["ratio"] = round(
                rows[-1]["forecast_ms"] / rows[-1]["baseline_ms"], 3
            )
        self.assertEqual(rows[0]["forecast_queries"], rows[-1]["forecast_queries"])
        self._report(rows)

    def _report(self, rows):
        print(  # pylint: disable=print-used
            "\ncontract forecast (12 months, grouped by month) vs the engine "
            "preparing the same invoices"
        )
        print(  # pylint: disable=print-used
            f"{'contracts':>9} {'forecast ms':>11} {'engine ms':>9} {'ratio':>6} "
            f"{'fc queries':>10} {'engine queries':>14}"
        )
        for row in rows:
            print(  # pylint: disable=print-used
                f"{row['contracts']:>9} {row['forecast_ms']:>11.1f} "
                f"{row['baseline_ms']:>9.1f} {row['ratio']:>6.2f} "
                f"{row['forecast_queries']:>10} {row['baseline_queries']:>14}"
            )
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(
            json.dumps(
                {
                    "benchmark": "contract_forecast",
                    "rows": rows,
                    "odoo": release.version,
                    "python": platform.python_version(),
                    "cpus": os.cpu_count(),
                    "load_average": os.getloadavg()[0],
                },
                indent=2,
            )
        )
