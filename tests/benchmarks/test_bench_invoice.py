"""Benchmark: a done job → its posted invoice, against plain Odoo (``scripts/bench``).

For 10, 50 and 200 lines (parts, labour and travel, taxed 15%), the job path
(``action_create_invoice`` + ``action_post`` as a coordinator with billing rights)
is timed against a baseline measured in the same run: ``account.move.create`` +
``action_post`` of the same lines (same partner, products, quantities, prices,
taxes) by the same user through the plain ORM. Each is run ``REPEAT`` times,
alternately, with a cold record cache; the medians and the SQL query counts are
printed as a table and written to ``results/invoice.json``.

Goal: job / baseline <= 1.3 (wall clock). The CPU time of this process is reported
too: unlike wall clock it hardly moves when other processes load the machine (the
database's own time is not in it). Timings are reported, never asserted (machines
differ); the queries the job path adds over the baseline are asserted to grow by at
most ``EXTRA_QUERIES_PER_LINE`` per line.
"""

import statistics
import time
from pathlib import Path

from odoo import Command

from odoo.addons.workshop_job_card.tests.common import WorkshopCommon

from .common import write_results

SIZES = (10, 50, 200)
REPEAT = 5
GOAL_RATIO = 1.3
EXTRA_QUERIES_PER_LINE = 0.5
RESULTS = Path(__file__).resolve().parent / "results" / "invoice.json"


class TestBenchInvoice(WorkshopCommon):
    def _lines(self, count):
        mix = [
            ("part", self.part_filter, 2),
            ("labour", self.labour, 1.5),
            ("part", self.part_pads, 1),
            ("travel", self.travel, 30),
        ]
        return [mix[i % len(mix)] for i in range(count)]

    def _done_job(self, count):
        job = self._finish(self._create_job(self._lines(count)))
        self.env.flush_all()
        return job

    def _baseline_vals(self, job):
        """The invoice of ``job`` as a plain ORM user would write it."""
        return {
            "move_type": "out_invoice",
            "partner_id": job.partner_invoice_id.id,
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": line.product_id.id,
                        "name": line.name,
                        "quantity": line.quantity,
                        "product_uom_id": line.product_uom_id.id,
                        "price_unit": line.price_unit,
                        "discount": line.discount,
                        "tax_ids": [Command.set(line.tax_ids.ids)],
                    }
                )
                for line in job.line_ids
            ],
        }

    def _measure(self, func):
        """(wall seconds, CPU seconds of this process, queries) of ``func`` with a
        cold record cache, flush included."""
        self.env.flush_all()
        self.env.invalidate_all()
        cr = self.env.cr
        queries = cr.sql_log_count
        cpu = time.process_time()
        start = time.perf_counter()
        func()
        self.env.flush_all()
        return (
            time.perf_counter() - start,
            time.process_time() - cpu,
            cr.sql_log_count - queries,
        )

    def _run_job(self, count):
        job = self._done_job(count).with_user(self.coordinator)

        def invoice():
            job.action_create_invoice()
            job.invoice_ids.action_post()

        measure = self._measure(invoice)
        self.assertEqual(job.invoice_ids.state, "posted")
        self.assertEqual(len(job.invoice_ids.invoice_line_ids), count)
        return measure, job.invoice_ids

    def _run_baseline(self, count):
        vals = self._baseline_vals(self._done_job(count))
        Move = self.env["account.move"].with_user(self.coordinator)
        moves = []

        def invoice():
            moves.append(Move.create(vals))
            moves[0].action_post()

        measure = self._measure(invoice)
        self.assertEqual(moves[0].state, "posted")
        return measure, moves[0]

    def _analyze(self):
        """Give the planner the statistics autovacuum keeps on a live database.

        A fresh database was never analyzed: the planner believes the account
        tables empty, and Odoo's payment-state query (run when an invoice is
        posted) becomes a nested loop over every line of the table times every
        line of the invoice, whose time swamps both sides of the comparison.
        ANALYZE counts the rows of this (uncommitted) transaction too.
        """
        self.env.flush_all()
        self.env.cr.execute(
            "ANALYZE account_move, account_move_line, account_partial_reconcile,"
            " workshop_job, workshop_job_line"
        )

    def test_bench_job_to_posted_invoice(self):
        self._run_job(4)  # warm-up: caches of groups, rules, accounts, sequences
        self._run_baseline(4)
        rows = {}
        for count in SIZES:
            self._analyze()
            job_runs, base_runs = [], []
            for i in range(REPEAT):
                # alternate the order so that neither side always runs first
                if i % 2:
                    job_runs.append(self._run_job(count))
                    base_runs.append(self._run_baseline(count))
                else:
                    base_runs.append(self._run_baseline(count))
                    job_runs.append(self._run_job(count))
            (_t, job_move), (_b, base_move) = job_runs[-1], base_runs[-1]
            self.assertAlmostEqual(job_move.amount_total, base_move.amount_total)
            job = [statistics.median(run[0][i] for run in job_runs) for i in range(3)]
            base = [statistics.median(run[0][i] for run in base_runs) for i in range(3)]
            rows[count] = {
                "job_ms": round(job[0] * 1000, 1),
                "baseline_ms": round(base[0] * 1000, 1),
                "ratio": round(job[0] / base[0], 3),
                "job_cpu_ms": round(job[1] * 1000, 1),
                "baseline_cpu_ms": round(base[1] * 1000, 1),
                "cpu_ratio": round(job[1] / base[1], 3),
                "job_queries": job[2],
                "baseline_queries": base[2],
            }
        self._report(rows)
        # the job path's extra queries over plain Odoo grow slowly with the lines
        extra = {
            n: row["job_queries"] - row["baseline_queries"] for n, row in rows.items()
        }
        growth = (extra[SIZES[-1]] - extra[SIZES[0]]) / (SIZES[-1] - SIZES[0])
        self.assertLessEqual(growth, EXTRA_QUERIES_PER_LINE, f"extra queries: {extra}")

    def _report(self, rows):
        print(
            f"\njob -> posted invoice vs account.move create + post "
            f"(median of {REPEAT}, goal ratio <= {GOAL_RATIO})"
        )
        print(
            f"{'lines':>6} {'job ms':>9} {'base ms':>9} {'ratio':>6} "
            f"{'job cpu':>8} {'base cpu':>9} {'cpu ratio':>9} "
            f"{'job q':>6} {'base q':>7} {'extra q':>8}"
        )
        for count, row in rows.items():
            print(
                f"{count:>6} {row['job_ms']:>9.1f} {row['baseline_ms']:>9.1f} "
                f"{row['ratio']:>6.2f} {row['job_cpu_ms']:>8.1f} "
                f"{row['baseline_cpu_ms']:>9.1f} {row['cpu_ratio']:>9.2f} "
                f"{row['job_queries']:>6} {row['baseline_queries']:>7} "
                f"{row['job_queries'] - row['baseline_queries']:>8}"
            )
        write_results(
            RESULTS,
            "job -> posted invoice vs account.move create + post",
            REPEAT,
            goal_ratio=GOAL_RATIO,
            sizes={str(count): row for count, row in rows.items()},
        )
