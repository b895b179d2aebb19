"""Benchmark: validating a job's parts issue against plain stock (``scripts/bench``).

For 10 and 100 lines, the addon path is timed against a baseline measured in the same
run and the same process:

- parts issue: the issue transfer of a job card (from the warehouse's stock to its
  workshop consumption location), every line reserved and picked, validated by a
  parts clerk with ``button_validate``. That includes the rule's checks and locks
  and the propagation to the job: a part line per product, linked to its move.
- baseline: the same-shaped transfer (same number of storable products, same
  quantities, stock → a ``production`` location, internal operation type) validated
  by a plain inventory user with ``button_validate``, in a second database without
  any workshop addon: only the Odoo modules the workshop addons build on (``stock``,
  ``account``, ``barcodes``, ``mail``, ``portal``, and what Odoo installs with them,
  such as ``stock_account``, whose stock valuation costs two queries per line on
  both sides). That database (``<bench db>_baseline``) is created by this benchmark
  when it is missing or unusable (``odoo -i ...`` with the same addons path and
  connection settings), reused otherwise, and opened with its own registry in this
  process; everything the baseline writes there is rolled back.

Each side runs ``REPEAT`` times, alternately, with a cold record cache; the medians
and the SQL query counts are printed as a table and written to
``results/parts.json``. Goal: parts issue / baseline <= 1.3 (wall clock) at 100
lines. Timings are reported, never asserted (machines differ); the queries are:
the queries per line of the addon path must not exceed the baseline's by more
than ``EXTRA_QUERIES_PER_LINE`` (measured between 10 and 100 lines), i.e. the
addon costs a constant number of queries per validation, not per line.
"""

import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tools import config

from odoo.addons.workshop_parts_control.tests.common import PartsCommon

from .common import write_results

_logger = logging.getLogger(__name__)

SIZES = (10, 100)
REPEAT = 5
GOAL_RATIO = 1.3
EXTRA_QUERIES_PER_LINE = 0.1
STOCK_PER_PRODUCT = 10_000
RESULTS = Path(__file__).resolve().parent / "results" / "parts.json"


def measure(env, func):
    """(wall seconds, CPU seconds of this process, queries) of ``func`` run in
    ``env`` with a cold record cache, flush included."""
    env.flush_all()
    env.invalidate_all()
    cr = env.cr
    queries = cr.sql_log_count
    cpu = time.process_time()
    start = time.perf_counter()
    func()
    env.flush_all()
    return (
        time.perf_counter() - start,
        time.process_time() - cpu,
        cr.sql_log_count - queries,
    )


def analyze(env):
    """Planner statistics as autovacuum keeps them on a live database (a fresh one
    was never analyzed; ANALYZE counts this transaction's rows too)."""
    env.flush_all()
    env.cr.execute(
        "ANALYZE stock_move, stock_move_line, stock_quant, stock_picking,"
        " product_product, product_template, stock_location"
    )


class BaselineDatabase:
    """The baseline: a database beside the benchmark's with ``modules`` (the
    Odoo modules the workshop addons depend on) and no workshop addon."""

    def __init__(self, dbname, modules):
        self.dbname = dbname
        self.modules = sorted(modules)

    def _is_ready(self):
        try:
            conn = psycopg2.connect(**self._connect_params())
        except psycopg2.OperationalError:
            return None  # no such database
        try:
            with conn.cursor() as cr:
                cr.execute(
                    "SELECT name FROM ir_module_module WHERE state = 'installed'"
                    " AND (name IN %s OR name LIKE 'workshop%%')",
                    [tuple(self.modules)],
                )
                installed = {name for (name,) in cr.fetchall()}
        except psycopg2.Error:
            return False
        finally:
            conn.close()
        return installed == set(self.modules)

    def _connect_params(self):
        params = {"dbname": self.dbname}
        for key, option in (
            ("host", "db_host"),
            ("port", "db_port"),
            ("user", "db_user"),
            ("password", "db_password"),
        ):
            if config[option]:
                params[key] = config[option]
        return params

    def ensure(self):
        """Create (or recreate) the database unless a usable one is there."""
        ready = self._is_ready()
        if ready:
            return
        if ready is False:
            _logger.warning("recreating the unusable database %s", self.dbname)
            odoo.service.db.exp_drop(self.dbname)
        args = [
            sys.executable,
            "-m",
            "odoo",
            "--database",
            self.dbname,
            "--init",
            ",".join(self.modules),
            "--without-demo=all",
            "--stop-after-init",
            "--no-http",
            "--log-level=warn",
            "--addons-path",
            config["addons_path"],
        ]
        for option, flag in (
            ("db_host", "--db_host"),
            ("db_port", "--db_port"),
            ("db_user", "--db_user"),
            ("db_password", "--db_password"),
        ):
            if config[option]:
                args += [flag, str(config[option])]
        _logger.info("creating the baseline database %s (%s)", self.dbname, args[6])
        subprocess.run(args, check=True, env=dict(os.environ, PYTHONWARNINGS="ignore"))
        if not self._is_ready():
            raise RuntimeError(f"could not install {self.modules} in {self.dbname}")

    def registry(self):
        """The database's registry, loaded in this process. Odoo runs the
        at_install tests of every module it loads while tests are enabled:
        not for this one, which is only a baseline."""
        test_enable = config["test_enable"]
        config["test_enable"] = False
        try:
            return Registry(self.dbname)
        finally:
            config["test_enable"] = test_enable


class TestBenchParts(PartsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bench_products = cls.env["product.product"].create(
            [
                {
                    "name": f"Bench part {i:03d}",
                    "type": "consu",
                    "is_storable": True,
                    "default_code": f"BENCH-{i:03d}",
                }
                for i in range(max(SIZES))
            ]
        )
        Quant = cls.env["stock.quant"]
        for product in cls.bench_products:
            Quant._update_available_quantity(product, cls.stock, STOCK_PER_PRODUCT)

    # ------------------------------------------------------------------
    # Parts issue of a job (this database)
    # ------------------------------------------------------------------
    def _issue_picking(self, count):
        job = self._open_job()
        picking = job._workshop_get_issue_picking(create=True)
        moves = self.env["stock.move"].create(
            [
                {
                    "name": product.display_name,
                    "picking_id": picking.id,
                    "product_id": product.id,
                    "product_uom_qty": 1 + i % 3,
                    "product_uom": product.uom_id.id,
                    "location_id": picking.location_id.id,
                    "location_dest_id": picking.location_dest_id.id,
                }
                for i, product in enumerate(self.bench_products[:count])
            ]
        )
        moves._action_confirm()
        moves._action_assign()
        moves.picked = True
        self.env.flush_all()
        return job, picking

    def _run_issue(self, count):
        job, picking = self._issue_picking(count)
        picking = picking.with_user(self.clerk)
        result = measure(self.env, picking.button_validate)
        self.assertEqual(picking.state, "done")
        lines = job.line_ids.filtered("workshop_is_stock_line")
        self.assertEqual(len(lines), count)
        self.assertEqual(lines.workshop_move_ids, picking.move_ids)
        self.assertEqual(
            sorted(lines.mapped("quantity")),
            sorted(picking.move_ids.mapped("quantity")),
        )
        return result

    # ------------------------------------------------------------------
    # Baseline: the same transfer in a database without workshop addons
    # ------------------------------------------------------------------
    def _baseline_setup(self, env):
        """Products with stock, a consumption-like location, an internal
        operation type and a plain inventory user, in the baseline database."""
        warehouse = env["stock.warehouse"].search([], limit=1)
        location = env["stock.location"].create(
            {
                "name": "Bench Consumption",
                "usage": "production",
                "location_id": warehouse.view_location_id.id,
            }
        )
        ptype = env["stock.picking.type"].create(
            {
                "name": "Bench Issue",
                "code": "internal",
                "sequence_code": "BI",
                "warehouse_id": warehouse.id,
                "default_location_src_id": warehouse.lot_stock_id.id,
                "default_location_dest_id": location.id,
                "create_backorder": "always",
                "use_create_lots": False,
                "use_existing_lots": True,
            }
        )
        products = env["product.product"].create(
            [
                {
                    "name": f"Bench part {i:03d}",
                    "type": "consu",
                    "is_storable": True,
                    "default_code": f"BENCH-{i:03d}",
                }
                for i in range(max(SIZES))
            ]
        )
        for product in products:
            env["stock.quant"]._update_available_quantity(
                product, warehouse.lot_stock_id, STOCK_PER_PRODUCT
            )
        user = env["res.users"].create(
            {
                "name": "Bench Stock User",
                "login": "bench_stock_user",
                "groups_id": [Command.set(env.ref("stock.group_stock_user").ids)],
            }
        )
        return {"type": ptype, "products": products, "user": user}

    def _run_baseline(self, env, setup, count):
        ptype = setup["type"]
        picking = env["stock.picking"].create(
            {
                "picking_type_id": ptype.id,
                "location_id": ptype.default_location_src_id.id,
                "location_dest_id": ptype.default_location_dest_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.display_name,
                            "product_id": product.id,
                            "product_uom_qty": 1 + i % 3,
                            "product_uom": product.uom_id.id,
                            "location_id": ptype.default_location_src_id.id,
                            "location_dest_id": ptype.default_location_dest_id.id,
                        }
                    )
                    for i, product in enumerate(setup["products"][:count])
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        env.flush_all()
        picking = picking.with_user(setup["user"])
        result = measure(env, picking.button_validate)
        self.assertEqual(picking.state, "done")
        return result

    def _workshop_dependencies(self):
        """The Odoo modules the installed workshop addons depend on."""
        self.env.cr.execute(
            "SELECT DISTINCT dep.name FROM ir_module_module_dependency dep"
            " JOIN ir_module_module mod ON mod.id = dep.module_id"
            " WHERE mod.state = 'installed' AND mod.name LIKE 'workshop%%'"
            " AND dep.name NOT LIKE 'workshop%%'"
        )
        return [name for (name,) in self.env.cr.fetchall()]

    # ------------------------------------------------------------------
    def test_bench_validate_parts_issue(self):
        baseline = BaselineDatabase(
            f"{self.env.cr.dbname}_baseline", self._workshop_dependencies()
        )
        baseline.ensure()
        base_cr = baseline.registry().cursor()
        try:
            base_env = api.Environment(base_cr, SUPERUSER_ID, {})
            setup = self._baseline_setup(base_env)
            # warm-up: caches of groups, rules, sequences, routes
            self._run_issue(3)
            self._run_baseline(base_env, setup, 3)
            rows = self._measure_sizes(base_env, setup)
        finally:
            base_cr.rollback()
            base_cr.close()
        self._report(rows)
        per_line = {
            side: (
                rows[SIZES[-1]][f"{side}_queries"] - rows[SIZES[0]][f"{side}_queries"]
            )
            / (SIZES[-1] - SIZES[0])
            for side in ("issue", "baseline")
        }
        self.assertLessEqual(
            per_line["issue"] - per_line["baseline"],
            EXTRA_QUERIES_PER_LINE,
            f"queries per line: {per_line}",
        )

    def _measure_sizes(self, base_env, setup):
        rows = {}
        for count in SIZES:
            analyze(self.env)
            analyze(base_env)
            issue_runs, base_runs = [], []
            for i in range(REPEAT):
                # alternate the order so that neither side always runs first
                if i % 2:
                    issue_runs.append(self._run_issue(count))
                    base_runs.append(self._run_baseline(base_env, setup, count))
                else:
                    base_runs.append(self._run_baseline(base_env, setup, count))
                    issue_runs.append(self._run_issue(count))
            issue = [statistics.median(run[i] for run in issue_runs) for i in range(3)]
            base = [statistics.median(run[i] for run in base_runs) for i in range(3)]
            rows[count] = {
                "issue_ms": round(issue[0] * 1000, 1),
                "baseline_ms": round(base[0] * 1000, 1),
                "ratio": round(issue[0] / base[0], 3),
                "issue_cpu_ms": round(issue[1] * 1000, 1),
                "baseline_cpu_ms": round(base[1] * 1000, 1),
                "cpu_ratio": round(issue[1] / base[1], 3),
                "issue_queries": issue[2],
                "baseline_queries": base[2],
            }
        return rows

    def _report(self, rows):
        first, last = SIZES[0], SIZES[-1]
        per_line = {
            side: round(
                (rows[last][f"{side}_queries"] - rows[first][f"{side}_queries"])
                / (last - first),
                2,
            )
            for side in ("issue", "baseline")
        }
        print(
            f"\nvalidate a job's parts issue (incl. propagation to the job) vs the "
            f"same transfer in a database without workshop addons (median of {REPEAT}, "
            f"goal ratio <= {GOAL_RATIO})"
        )
        print(
            f"{'lines':>6} {'issue ms':>9} {'base ms':>9} {'ratio':>6} "
            f"{'issue cpu':>9} {'base cpu':>9} {'cpu ratio':>9} "
            f"{'issue q':>8} {'base q':>7} {'extra q':>8}"
        )
        for count, row in rows.items():
            print(
                f"{count:>6} {row['issue_ms']:>9.1f} {row['baseline_ms']:>9.1f} "
                f"{row['ratio']:>6.2f} {row['issue_cpu_ms']:>9.1f} "
                f"{row['baseline_cpu_ms']:>9.1f} {row['cpu_ratio']:>9.2f} "
                f"{row['issue_queries']:>8} {row['baseline_queries']:>7} "
                f"{row['issue_queries'] - row['baseline_queries']:>8}"
            )
        print(
            f"queries per line ({first} -> {last} lines): issue "
            f"{per_line['issue']}, baseline {per_line['baseline']}"
        )
        write_results(
            RESULTS,
            "validate a job's parts issue vs the same transfer "
            "in a database without workshop addons",
            REPEAT,
            goal_ratio=GOAL_RATIO,
            queries_per_line=per_line,
            sizes={str(count): row for count, row in rows.items()},
        )
