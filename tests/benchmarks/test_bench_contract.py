"""Benchmark: a month of contract invoices, ours against OCA ``contract`` (18.0).

Run in a database of its own where OCA's ``contract`` (PyPI
``odoo-addon-contract``, not a dependency of the suite) is installed beside
``workshop_contract_billing``::

    pip install --no-deps 'odoo-addon-contract==18.0.*'
    createdb wscb_bench
    odoo -d wscb_bench -i workshop_contract_billing,contract --stop-after-init \
        --without-demo=all
    python3 -m pytest -c pytest.ini --odoo-config=CONF --odoo-database=wscb_bench \
        tests/benchmarks/test_bench_contract.py -s

``WORKSHOP_BENCH_CONTRACTS`` contracts (default 2,000) × 3 monthly lines are
committed for each engine (the data stays in that database: it is a benchmark
database), then the month's invoices are generated and posted:

- ours, one worker: ``_cron_recurring_invoice`` in one cursor;
- ours, two workers: two threads, each with its own cursor, running the cron over a
  second set of contracts at once;
- OCA, one worker: ``cron_recurring_create_invoice`` + posting the invoices.

Reported: invoices/s, SQL queries per invoice, invoices created by an immediate
second run, duplicate (contract, period) across the parallel runs. Timings are
reported, not asserted; the correctness figures are asserted.
"""

import json
import os
import threading
import time
from pathlib import Path

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tests import TransactionCase

COUNT = int(os.environ.get("WORKSHOP_BENCH_CONTRACTS", "2000"))
DAY = fields.Date.to_date("2026-12-01")
RESULTS = Path(__file__).resolve().parent / "results" / "contract.json"


def _report(text):
    print(text)  # pylint: disable=print-used


class TestBenchContract(TransactionCase):
    def _setup_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            partners = env["res.partner"].create(
                [{"name": f"Bench customer {i}"} for i in range(50)]
            )
            products = env["product.product"].create(
                [
                    {"name": f"Bench plan {i}", "type": "service", "list_price": 10 + i}
                    for i in range(3)
                ]
            )
            sets = {}
            for label in ("ours_one", "ours_two"):
                sets[label] = (
                    env["workshop.contract"]
                    .create(
                        [
                            {
                                "partner_id": partners[i % 50].id,
                                "date_start": DAY,
                                "line_ids": [
                                    Command.create({"product_id": p.id})
                                    for p in products
                                ],
                            }
                            for i in range(COUNT)
                        ]
                    )
                    .ids
                )
                env["workshop.contract"].browse(sets[label]).action_activate()
            sets["oca"] = (
                env["contract.contract"]
                .create(
                    [
                        {
                            "name": f"OCA bench {i}",
                            "partner_id": partners[i % 50].id,
                            "contract_type": "sale",
                            "line_recurrence": False,
                            "recurring_rule_type": "monthly",
                            "recurring_interval": 1,
                            "recurring_invoicing_type": "pre-paid",
                            "date_start": DAY,
                            "contract_line_ids": [
                                Command.create(
                                    {
                                        "product_id": p.id,
                                        "name": p.name,
                                        "quantity": 1,
                                        "price_unit": p.list_price,
                                    }
                                )
                                for p in products
                            ],
                        }
                        for i in range(COUNT)
                    ]
                )
                .ids
            )
        return sets

    def _ours(self, cr):
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        env["workshop.contract"]._cron_recurring_invoice(date_ref=DAY)
        cr.commit()

    def _count(self, sql, params):
        with self.registry.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchone()[0]

    def _ours_invoices(self, ids):
        return self._count(
            "SELECT count(*) FROM account_move WHERE workshop_contract_id IN %s "
            "AND state = 'posted'",
            [tuple(ids)],
        )

    def _timed(self, func):
        start = time.perf_counter()
        queries = func()
        return time.perf_counter() - start, queries

    def test_bench_month_of_contract_invoices(self):
        if "contract.contract" not in self.registry:
            raise AssertionError(
                "OCA contract is not installed in this database: see the docstring."
            )
        sets = self._setup_data()
        results = {"contracts": COUNT, "lines_per_contract": 3}

        # ours, one worker (the second set is not due on another day: park it)
        with self.registry.cursor() as cr:
            cr.execute(
                "UPDATE workshop_contract SET state = 'draft' WHERE id IN %s",
                [tuple(sets["ours_two"])],
            )

        def ours_one():
            with self.registry.cursor() as cr:
                before = cr.sql_log_count
                self._ours(cr)
                return cr.sql_log_count - before

        wall, queries = self._timed(ours_one)
        invoices = self._ours_invoices(sets["ours_one"])
        results["ours_one_worker"] = {
            "invoices": invoices,
            "seconds": round(wall, 2),
            "invoices_per_s": round(invoices / wall, 1),
            "queries_per_invoice": round(queries / invoices, 1),
        }
        # an immediate second run
        with self.registry.cursor() as cr:
            self._ours(cr)
        results["ours_second_run_invoices"] = (
            self._ours_invoices(sets["ours_one"]) - invoices
        )

        # ours, two workers in parallel over the second set
        with self.registry.cursor() as cr:
            cr.execute(
                "UPDATE workshop_contract SET state = 'active' WHERE id IN %s",
                [tuple(sets["ours_two"])],
            )
        errors = []

        def worker():
            try:
                with self.registry.cursor() as cr:
                    self._ours(cr)
            except Exception as error:  # pylint: disable=broad-except
                errors.append(error)

        def ours_two():
            threads = [threading.Thread(target=worker) for _i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        wall2, _queries = self._timed(ours_two)
        invoices2 = self._ours_invoices(sets["ours_two"])
        duplicates = self._count(
            "SELECT count(*) - count(DISTINCT (contract_id, period_start, kind)) "
            "FROM workshop_contract_period WHERE contract_id IN %s",
            [tuple(sets["ours_one"] + sets["ours_two"])],
        )
        results["ours_two_workers"] = {
            "invoices": invoices2,
            "seconds": round(wall2, 2),
            "invoices_per_s": round(invoices2 / wall2, 1),
            "speedup_vs_one_worker": round((invoices2 / wall2) / (invoices / wall), 2),
            "errors": [str(e) for e in errors],
            "duplicates": duplicates,
        }

        # OCA contract, one worker: generate + post
        def oca_one():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
                before = cr.sql_log_count
                env["contract.contract"].cron_recurring_create_invoice(date_ref=DAY)
                moves = env["account.move"].search(
                    [
                        ("line_ids.contract_line_id.contract_id", "in", sets["oca"]),
                        ("state", "=", "draft"),
                    ]
                )
                moves.action_post()
                cr.commit()
                return cr.sql_log_count - before

        wall3, queries3 = self._timed(oca_one)
        oca_invoices = self._count(
            "SELECT count(DISTINCT move_id) FROM account_move_line aml "
            "JOIN contract_line cl ON cl.id = aml.contract_line_id "
            "WHERE cl.contract_id IN %s AND aml.parent_state = 'posted'",
            [tuple(sets["oca"])],
        )
        results["oca_one_worker"] = {
            "invoices": oca_invoices,
            "seconds": round(wall3, 2),
            "invoices_per_s": round(oca_invoices / wall3, 1),
            "queries_per_invoice": round(queries3 / max(oca_invoices, 1), 1),
        }
        results["ours_vs_oca_throughput"] = round(
            (invoices / wall) / (oca_invoices / wall3), 2
        )
        _report("\n" + json.dumps(results, indent=2))
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")

        self.assertEqual(invoices, COUNT)
        self.assertEqual(invoices2, COUNT)
        self.assertEqual(results["ours_second_run_invoices"], 0)
        self.assertEqual(duplicates, 0)
        self.assertFalse(errors)
        self.assertEqual(oca_invoices, COUNT)
