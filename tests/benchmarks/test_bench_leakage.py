"""Benchmark: the leakage reconciliation at 10k, 100k and 1M stock moves.

The workshop history is written by batched SQL (``leakage_data.py``): for a scale of
``S`` stock moves, ``S / 10`` jobs with nine lines each, ``S`` done parts moves into
(and a few out of) the workshop consumption location, and posted invoices and credit
notes with about ``S`` journal items, with deliberate leaks. The scales grow the same
database (10k, then the 90k more, …) inside the test's transaction, rolled back at the
end. The new jobs are marked for the stored facts as the report's triggers would.

At each scale:

- facts rebuild: the first read after the generation recomputes the stored facts
  of every new job (``refresh_facts``, one set-based rebuild: what an install or
  a mass import costs once);
- incremental refresh: one stock move of 1, then of 100 jobs is changed (the
  triggers mark them) and ``refresh_facts`` recomputes only those jobs: what a
  read pays after a day of work;
- as a service manager through the ORM, what the web client calls:
  summary, first page: the reconciliation list as its menu opens it
  (``web_search_read``, filter "With a Difference", 80 rows, count up to
  10,000); summary, totals: the pivot's totals by "Where It Broke"; job detail:
  one job's rows (the same job at every scale); stored summary: the totals per
  job the weekly run keeps (``workshop.leakage.job.total``, refreshed first by
  ``_refresh``, whose time is reported): totals by kind and the first 80 jobs
  by revenue at risk.

Baseline, same run, same numbers: plain ORM reads (``search_read`` of the done parts
moves, job lines, time logs and posted invoice lines, in keyset-paginated batches,
as superuser so record rules cost it nothing) summed in Python. The figures are
medians of ``REPEAT`` runs with a cold record cache (above 100k stock moves the
baseline runs once). Reported: milliseconds, SQL queries, view / ORM speed-up
(goal ≥ 20×, summary ≤ 2 s), the growth per 10× data (≈ 10 for what reads the
whole history, ≈ 1 for one job, for the refresh of a fixed number of jobs and for
the summary pages).

Asserted, not timed: the views and the baseline agree (rows, quantities, rows with
a difference), the refresh recomputes exactly the jobs changed, and the views'
query counts do not change with the data size.

Environment: ``WORKSHOP_BENCH_LEAKAGE_SCALES`` (stock moves, default
``10000,100000,1000000``), ``WORKSHOP_BENCH_LEAKAGE_REPEAT`` (default 5),
``WORKSHOP_BENCH_LEAKAGE_BASELINE_MAX`` (largest scale at which the ORM baseline
runs, default: all). Run alone::

    ./scripts/bench tests/benchmarks/test_bench_leakage.py
"""

import json
import os
import statistics
import time
from collections import defaultdict
from pathlib import Path

from lxml import etree

from odoo.tests import TransactionCase, new_test_user
from odoo.tools import SQL

from odoo.addons.workshop_leakage_report.report.leak_facts import refresh_facts

from .common import write_results
from .leakage_data import MOVES_PER_JOB, LeakageData

SCALES = tuple(
    int(scale)
    for scale in os.environ.get(
        "WORKSHOP_BENCH_LEAKAGE_SCALES", "10000,100000,1000000"
    ).split(",")
)
REPEAT = int(os.environ.get("WORKSHOP_BENCH_LEAKAGE_REPEAT", "5"))
BASELINE_MAX = int(os.environ.get("WORKSHOP_BENCH_LEAKAGE_BASELINE_MAX", "0")) or max(
    SCALES
)
# the baseline is repeated (median) up to this many jobs, then run once
BASELINE_REPEAT_MAX_JOBS = 10000
GOAL_SECONDS = 2.0
GOAL_SPEEDUP = 20.0
PAGE = 80
COUNT_LIMIT = 10000
# Job index 501: the first part issued but not invoiced (i % 20 == 1); exists at
# every scale, so its detail is timed on the same rows each time.
DETAIL_JOB = 501
BATCH = 20000
EPSILON = 1e-6
BILLED_KINDS = ("part", "labour", "travel", "fee")
OPEN_STATES_FALLBACK = ("draft", "scheduled", "dispatched", "en_route", "on_site")
RECON = "workshop.leakage.reconciliation"
TOTAL = "workshop.leakage.job.total"
TOTAL_MEASURES = ["row_count:sum", "quantity:sum", "value_risk:sum"]
TOTAL_SPEC = {
    "job_id": {"fields": {"display_name": {}}},
    "leak_kind": {},
    "row_count": {},
    "quantity": {},
    "currency_id": {"fields": {"display_name": {}}},
    "value_risk": {},
}
# the filter "With a Difference" the menu opens with
DIFFERENCE = [("has_difference", "=", True)]
MEASURES = ["qty_used:sum", "qty_invoiced:sum", "qty_difference:sum", "value_sale:sum"]
RESULTS = Path(__file__).resolve().parent / "results" / "leakage.json"


def _print(text=""):
    print(text)  # pylint: disable=print-used


class TestBenchLeakage(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        if RECON not in cls.env:
            raise AssertionError("workshop_leakage_report is not installed")
        cls.manager = new_test_user(
            cls.env,
            login="bench_leakage_manager",
            groups="base.group_user,workshop_job_card.group_workshop_manager,"
            "account.group_account_invoice,stock.group_stock_user",
        )

    # ------------------------------------------------------------------
    # Measuring
    # ------------------------------------------------------------------
    def _measure(self, func):
        """(seconds, queries, result) of ``func`` with a cold record cache."""
        self.env.flush_all()
        self.env.invalidate_all()
        cr = self.env.cr
        queries = cr.sql_log_count
        start = time.perf_counter()
        result = func()
        return time.perf_counter() - start, cr.sql_log_count - queries, result

    def _median(self, func, repeat):
        runs = [self._measure(func) for _i in range(repeat)]
        return (
            statistics.median(run[0] for run in runs),
            max(run[1] for run in runs),
            runs[-1][2],
        )

    def _touch_and_refresh(self, jobs):
        """Change one done move of each of the ``jobs`` latest jobs (the
        triggers mark them), then time the refresh of the stored facts."""
        self.env.cr.execute(
            SQL(
                """
                UPDATE stock_move SET quantity = quantity
                 WHERE id IN (SELECT min(m.id) FROM stock_move m
                               WHERE m.workshop_job_id IN (
                                   SELECT id FROM workshop_job
                                    ORDER BY id DESC LIMIT %s)
                               GROUP BY m.workshop_job_id)
                """,
                jobs,
            )
        )
        return self._measure(lambda: refresh_facts(self.env))

    def _refresh_median(self, jobs):
        runs = [self._touch_and_refresh(jobs) for _i in range(REPEAT)]
        for run in runs:
            self.assertEqual(run[2], jobs, "the refresh recomputes the jobs changed")
        return statistics.median(run[0] for run in runs), max(r[1] for r in runs)

    # ------------------------------------------------------------------
    # The views, as the web client calls them
    # ------------------------------------------------------------------
    def _list_spec(self):
        """web_search_read specification of the reconciliation list view."""
        Recon = self.env[RECON]
        arch = Recon.get_views([(False, "list")])["views"]["list"]["arch"]
        spec = {}
        for node in etree.fromstring(arch).iter("field"):
            name = node.get("name")
            field = Recon._fields[name]
            spec[name] = (
                {"fields": {"display_name": {}}} if field.type == "many2one" else {}
            )
        return spec

    def _view_page(self, spec):
        Recon = self.env[RECON].with_user(self.manager)
        return Recon.web_search_read(
            DIFFERENCE, spec, limit=PAGE, count_limit=COUNT_LIMIT + 1
        )

    def _view_totals(self):
        Recon = self.env[RECON].with_user(self.manager)
        return Recon.web_read_group(DIFFERENCE, MEASURES, ["leak_kind"], lazy=False)

    def _stored_summary(self):
        """The summary from the totals per job the weekly run stores: totals by
        kind and the first page of jobs by revenue at risk."""
        Total = self.env[TOTAL].with_user(self.manager)
        groups = Total.web_read_group([], TOTAL_MEASURES, ["leak_kind"], lazy=False)
        page = Total.web_search_read(
            [], TOTAL_SPEC, limit=PAGE, count_limit=COUNT_LIMIT + 1
        )
        return groups, page

    def _view_detail(self, spec, job_id):
        Recon = self.env[RECON].with_user(self.manager)
        return Recon.web_search_read(
            [("job_id", "=", job_id)], spec, limit=PAGE, count_limit=COUNT_LIMIT + 1
        )

    # ------------------------------------------------------------------
    # The baseline: ORM reads and Python sums
    # ------------------------------------------------------------------
    def _orm_rows(self, model, domain, field_names):
        """search_read in id-ordered batches (a careful batch script: bounded
        memory, no OFFSET rescans), values as plain ids."""
        Model = self.env[model]
        rows, last = [], 0
        while True:
            batch = Model.search_read(
                domain + [("id", ">", last)],
                field_names,
                order="id",
                limit=BATCH,
                load=None,
            )
            rows.extend(batch)
            if len(batch) < BATCH:
                return rows
            last = batch[-1]["id"]
            self.env.invalidate_all()

    def _orm_reconcile(self, job_id=None):
        """Per (job, product) what the reconciliation view holds, from ORM reads:
        {(job, product): [kind, issued, returned, logged, labour, invoiced]}."""
        return self._orm_sum(**self._orm_read(job_id))

    def _orm_read(self, job_id):
        """Every record the reconciliation reads, as plain dicts."""
        env = self.env

        def in_job(path):
            return [(path, "=", job_id)] if job_id else []

        roots = env["stock.location"].search([("workshop_is_consumption", "=", True)])
        consumption = set(
            env["stock.location"].search([("id", "child_of", roots.ids)]).ids
        )
        factors = {
            row["id"]: row["factor"]
            for row in env["uom.uom"]
            .with_context(active_test=False)
            .search_read([], ["factor"])
        }
        product_uom = {}
        moves = self._orm_rows(
            "stock.move",
            [("state", "=", "done"), ("workshop_job_id", "!=", False)]
            + in_job("workshop_job_id")
            + [
                "|",
                ("location_id", "in", list(consumption)),
                ("location_dest_id", "in", list(consumption)),
            ],
            [
                "workshop_job_id",
                "product_id",
                "quantity",
                "product_uom",
                "location_id",
                "location_dest_id",
            ],
        )
        lines = self._orm_rows(
            "workshop.job.line",
            [("kind", "in", BILLED_KINDS), ("product_id", "!=", False)]
            + in_job("job_id"),
            [
                "job_id",
                "product_id",
                "kind",
                "quantity",
                "product_uom_id",
                "workshop_is_stock_line",
                "is_billable",
                "approval_state",
            ],
        )
        logs = self._orm_rows(
            "workshop.job.timelog",
            [("stop_datetime", "!=", False)] + in_job("job_id"),
            ["job_id", "line_id", "duration_hours"],
        )
        invoice_lines = {}
        for move_type, sign in (("out_invoice", 1), ("out_refund", -1)):
            domain = [
                ("parent_state", "=", "posted"),
                ("display_type", "=", "product"),
                ("move_id.move_type", "=", move_type),
            ]
            invoice_lines[sign] = self._orm_rows(
                "account.move.line",
                domain
                + [("workshop_job_line_id", "!=", False)]
                + in_job("workshop_job_line_id.job_id"),
                [
                    "move_id",
                    "workshop_job_line_id",
                    "product_id",
                    "quantity",
                    "product_uom_id",
                ],
            ) + self._orm_rows(
                "account.move.line",
                domain
                + [
                    ("workshop_job_line_id", "=", False),
                    ("move_id.workshop_job_id", "!=", False),
                ]
                + in_job("move_id.workshop_job_id"),
                [
                    "move_id",
                    "workshop_job_line_id",
                    "product_id",
                    "quantity",
                    "product_uom_id",
                ],
            )
        product_ids = {row["product_id"] for row in moves + lines}
        product_ids.update(
            row["product_id"] for rows_ in invoice_lines.values() for row in rows_
        )
        for row in self._orm_rows(
            "product.product", [("id", "in", list(product_ids))], ["uom_id"]
        ):
            product_uom[row["id"]] = row["uom_id"]
        line_info = {row["id"]: row for row in lines}
        # job lines of invoice lines outside the lines read (other kinds)
        missing = {
            row["workshop_job_line_id"]
            for rows_ in invoice_lines.values()
            for row in rows_
            if row["workshop_job_line_id"]
            and row["workshop_job_line_id"] not in line_info
        }
        if missing:
            for row in self._orm_rows(
                "workshop.job.line", [("id", "in", list(missing))], ["job_id", "kind"]
            ):
                line_info[row["id"]] = row
        phantom_moves = {
            row["move_id"]
            for rows_ in invoice_lines.values()
            for row in rows_
            if not row["workshop_job_line_id"]
        }
        move_job = (
            {
                row["id"]: row["workshop_job_id"]
                for row in self._orm_rows(
                    "account.move",
                    [("id", "in", list(phantom_moves))],
                    ["workshop_job_id"],
                )
            }
            if phantom_moves
            else {}
        )
        return {
            "consumption": consumption,
            "factors": factors,
            "product_uom": product_uom,
            "moves": moves,
            "lines": lines,
            "logs": logs,
            "invoice_lines": invoice_lines,
            "line_info": line_info,
            "move_job": move_job,
        }

    def _orm_sum(
        self,
        consumption,
        factors,
        product_uom,
        moves,
        lines,
        logs,
        invoice_lines,
        line_info,
        move_job,
    ):
        """The Python sums of the baseline."""
        rows = defaultdict(lambda: [None, 0.0, 0.0, 0.0, 0.0, 0.0])

        def to_product_unit(product_id, uom_id, qty):
            return qty / factors[uom_id] * factors[product_uom[product_id]]

        for move in moves:
            row = rows[(move["workshop_job_id"], move["product_id"])]
            row[0] = row[0] or "part"
            qty = to_product_unit(
                move["product_id"], move["product_uom"], move["quantity"]
            )
            if move["location_dest_id"] in consumption:
                row[1] += qty
            if move["location_id"] in consumption:
                row[2] += qty
        for line in lines:
            row = rows[(line["job_id"], line["product_id"])]
            row[0] = min(row[0], line["kind"]) if row[0] else line["kind"]
            billed = line["is_billable"] and line["approval_state"] == "approved"
            uom = line["product_uom_id"] or product_uom[line["product_id"]]
            qty = to_product_unit(line["product_id"], uom, line["quantity"])
            if billed and line["kind"] == "labour":
                row[4] += qty
            elif billed and not line["workshop_is_stock_line"]:
                row[1] += qty
        for log in logs:
            line = line_info.get(log["line_id"])
            if line:
                rows[(log["job_id"], line["product_id"])][3] += log["duration_hours"]
        for sign, rows_ in invoice_lines.items():
            for aml in rows_:
                if aml["workshop_job_line_id"]:
                    job = line_info[aml["workshop_job_line_id"]]["job_id"]
                else:
                    job = move_job[aml["move_id"]]
                row = rows[(job, aml["product_id"])]
                row[0] = row[0] or "part"
                uom = aml["product_uom_id"] or product_uom[aml["product_id"]]
                row[5] += sign * to_product_unit(
                    aml["product_id"], uom, aml["quantity"]
                )
        return rows

    def _orm_summary(self, rows):
        """The same figures as the views: totals, and the first page of rows with
        a difference (job desc, product) with their jobs' states."""
        totals = {
            "rows": 0,
            "issued": 0.0,
            "returned": 0.0,
            "invoiced": 0.0,
            "with_difference": 0,
        }
        page = []
        for (job, product), (
            _kind,
            issued,
            returned,
            logged,
            labour,
            invoiced,
        ) in rows.items():
            issued += max(logged, labour)
            totals["rows"] += 1
            totals["issued"] += issued
            totals["returned"] += returned
            totals["invoiced"] += invoiced
            if abs(issued - returned - invoiced) > EPSILON:
                totals["with_difference"] += 1
                page.append((-job, product))
        page.sort()
        jobs = self.env["workshop.job"].search_read(
            [("id", "in", list({-job for job, _p in page[:PAGE]}))],
            ["state", "partner_id"],
        )
        totals["page_jobs"] = len(jobs)
        return totals, set(page)

    def _baseline_summary(self):
        return self._orm_summary(self._orm_reconcile())

    def _baseline_detail(self, job_id):
        return self._orm_summary(self._orm_reconcile(job_id))

    # ------------------------------------------------------------------
    # Checks: the views and the baseline say the same
    # ------------------------------------------------------------------
    def _view_figures(self, domain=None):
        """Rows, quantities and rows with a difference of the view (one query)."""
        figures = dict.fromkeys(("rows", "issued", "returned", "invoiced"), 0)
        figures["with_difference"] = 0
        for kind, count, issued, returned, invoiced in self.env[RECON]._read_group(
            domain or [],
            ["leak_kind"],
            ["__count", "qty_issued:sum", "qty_returned:sum", "qty_invoiced:sum"],
        ):
            figures["rows"] += count
            figures["issued"] += issued
            figures["returned"] += returned
            figures["invoiced"] += invoiced
            if kind != "ok":
                figures["with_difference"] += count
        return figures

    def _assert_same(self, view, baseline, what):
        for key in ("rows", "with_difference"):
            self.assertEqual(view[key], baseline[key], f"{what}: {key}")
        for key in ("issued", "returned", "invoiced"):
            self.assertAlmostEqual(view[key], baseline[key], 3, f"{what}: {key}")

    # ------------------------------------------------------------------
    def test_bench_leakage_reconciliation(self):
        data = LeakageData(self.env).setup_masters()
        self._jobs_before = 0
        spec = self._list_spec()
        results = {}
        for scale in SCALES:
            jobs = scale // MOVES_PER_JOB
            start = time.perf_counter()
            generation = data.grow(jobs)
            generated = time.perf_counter() - start
            counts = data.counts()
            _print(f"\n{scale:,} moves: data generated in {generated:.1f} s: {counts}")
            job_id = (
                self.env["workshop.job"]
                .search([("name", "=", f"BENCH/{DETAIL_JOB:07d}")])
                .id
            )
            rebuild = self._measure(lambda: refresh_facts(self.env))
            self.assertGreaterEqual(rebuild[2], jobs - self._jobs_before)
            self._jobs_before = jobs
            refresh_one = self._refresh_median(1)
            refresh_many = self._refresh_median(100)
            start = time.perf_counter()
            self.env[TOTAL]._refresh(self.env.company)
            refresh = time.perf_counter() - start
            self._view_page(spec)  # warm-up: caches of views, rules, groups
            self._stored_summary()
            page = self._median(lambda: self._view_page(spec), REPEAT)
            totals = self._median(self._view_totals, REPEAT)
            stored = self._median(self._stored_summary, REPEAT)
            detail = self._median(
                lambda job_id=job_id: self._view_detail(spec, job_id), REPEAT
            )
            row = {
                "stock_moves": counts["stock_moves"],
                "counts": counts,
                "generation_s": round(generated, 1),
                "generation_steps_s": generation,
                "view_page_ms": round(page[0] * 1000, 1),
                "view_page_queries": page[1],
                "view_totals_ms": round(totals[0] * 1000, 1),
                "view_totals_queries": totals[1],
                "view_summary_ms": round((page[0] + totals[0]) * 1000, 1),
                "stored_summary_ms": round(stored[0] * 1000, 1),
                "stored_summary_queries": stored[1],
                "stored_refresh_s": round(refresh, 2),
                "facts_rebuild_s": round(rebuild[0], 2),
                "facts_rebuild_jobs": rebuild[2],
                "facts_refresh_1_job_ms": round(refresh_one[0] * 1000, 1),
                "facts_refresh_1_job_queries": refresh_one[1],
                "facts_refresh_100_jobs_ms": round(refresh_many[0] * 1000, 1),
                "facts_refresh_100_jobs_queries": refresh_many[1],
                "view_detail_ms": round(detail[0] * 1000, 1),
                "view_detail_queries": detail[1],
                "page_rows": len(page[2]["records"]),
                "page_length": page[2]["length"],
                "detail_rows": len(detail[2]["records"]),
            }
            if scale <= BASELINE_MAX:
                repeat = REPEAT if jobs <= BASELINE_REPEAT_MAX_JOBS else 1
                base = self._median(self._baseline_summary, repeat)
                base_detail = self._median(
                    lambda job_id=job_id: self._baseline_detail(job_id), REPEAT
                )
                view_figures = self._view_figures()
                self._assert_same(view_figures, base[2][0], f"{scale} summary")
                self._assert_same(
                    self._view_figures([("job_id", "=", job_id)]),
                    base_detail[2][0],
                    f"{scale} detail",
                )
                # the first page shows rows the baseline finds with a difference
                self.assertLessEqual(
                    {
                        (-r["job_id"]["id"], r["product_id"]["id"])
                        for r in page[2]["records"]
                    },
                    base[2][1],
                )
                self.assertEqual(len(page[2]["records"]), min(PAGE, len(base[2][1])))
                row.update(
                    {
                        "baseline_repeat": repeat,
                        "baseline_summary_ms": round(base[0] * 1000, 1),
                        "baseline_summary_queries": base[1],
                        "baseline_detail_ms": round(base_detail[0] * 1000, 1),
                        "baseline_detail_queries": base_detail[1],
                        "speedup_summary": round(base[0] / (page[0] + totals[0]), 1),
                        "speedup_stored_summary": round(base[0] / stored[0], 1),
                        "speedup_detail": round(base_detail[0] / detail[0], 1),
                        "view_rows": view_figures["rows"],
                        "view_rows_with_difference": view_figures["with_difference"],
                    }
                )
            results[scale] = row
            _print(json.dumps(row))
        self._report(results)
        # the views' query counts do not depend on the data size
        for key in (
            "view_page_queries",
            "view_totals_queries",
            "view_detail_queries",
            "stored_summary_queries",
            "facts_refresh_1_job_queries",
            "facts_refresh_100_jobs_queries",
        ):
            counts = {scale: row[key] for scale, row in results.items()}
            self.assertEqual(len(set(counts.values())), 1, f"{key}: {counts}")

    # ------------------------------------------------------------------
    def _growth(self, results, key):
        """{"10000->100000": time ratio} between consecutive scales."""
        scales = [s for s in results if key in results[s]]
        return {
            f"{a}->{b}": round(results[b][key] / results[a][key], 2)
            for a, b in zip(scales, scales[1:], strict=False)
            if results[a][key]
        }

    def _report(self, results):
        _print(
            f"\nleakage reconciliation: views vs ORM reads (median of {REPEAT}; "
            f"goal <= {GOAL_SECONDS} s, speed-up >= {GOAL_SPEEDUP}x)"
        )
        _print(
            f"{'moves':>9} {'page ms':>8} {'q':>2} {'totals ms':>9} {'q':>2} "
            f"{'x':>6} {'detail ms':>9} {'q':>2} {'x':>5} {'ORM sum ms':>10} "
            f"{'ORM job ms':>10} {'rebuild s':>9} {'1 job ms':>8} {'100 ms':>7} "
            f"{'stored ms':>9} {'x':>6} {'totals s':>8} {'gen s':>6}"
        )
        nan = float("nan")
        for scale, row in results.items():
            _print(
                f"{scale:>9} {row['view_page_ms']:>8.1f} {row['view_page_queries']:>2} "
                f"{row['view_totals_ms']:>9.1f} {row['view_totals_queries']:>2} "
                f"{row.get('speedup_summary', nan):>6.1f} "
                f"{row['view_detail_ms']:>9.1f} {row['view_detail_queries']:>2} "
                f"{row.get('speedup_detail', nan):>5.1f} "
                f"{row.get('baseline_summary_ms', nan):>10.1f} "
                f"{row.get('baseline_detail_ms', nan):>10.1f} "
                f"{row['facts_rebuild_s']:>9.2f} "
                f"{row['facts_refresh_1_job_ms']:>8.1f} "
                f"{row['facts_refresh_100_jobs_ms']:>7.1f} "
                f"{row['stored_summary_ms']:>9.1f} "
                f"{row.get('speedup_stored_summary', nan):>6.1f} "
                f"{row['stored_refresh_s']:>8.2f} "
                f"{row['generation_s']:>6.1f}"
            )
        growth = {
            key: self._growth(results, key)
            for key in (
                "stored_summary_ms",
                "stored_refresh_s",
                "facts_rebuild_s",
                "facts_refresh_1_job_ms",
                "facts_refresh_100_jobs_ms",
                "view_page_ms",
                "view_totals_ms",
                "view_summary_ms",
                "view_detail_ms",
                "baseline_summary_ms",
                "baseline_detail_ms",
            )
        }
        _print(f"time ratio per 10x data: {json.dumps(growth)}")
        write_results(
            RESULTS,
            "leakage reconciliation: SQL views vs ORM reads",
            REPEAT,
            echo=_print,
            goal_seconds=GOAL_SECONDS,
            goal_speedup=GOAL_SPEEDUP,
            scales={str(scale): row for scale, row in results.items()},
            growth_per_10x=growth,
        )
