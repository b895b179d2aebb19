from decimal import Decimal
from unittest.mock import patch

from psycopg2.errors import ReadOnlySqlTransaction

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import tagged
from odoo.tools import SQL

from ..report import leak_facts
from ..report.leak_facts import (
    DIRTY_TABLE,
    FACT_COLUMNS,
    FACT_TABLE,
    LIVE_VIEW,
    MARKED_TABLES,
    mark_jobs,
    refresh_facts,
    uninstall_facts,
)
from .common import LeakageCommon

RECON = "workshop.leakage.reconciliation"


class _Rollback(Exception):
    pass


@tagged("post_install", "-at_install")
class TestStoredFacts(LeakageCommon):
    """The stored facts of the reconciliation follow every change of a job, and
    only of the jobs that changed."""

    def setUp(self):
        super().setUp()
        refresh_facts(self.env)

    # ------------------------------------------------------------------
    def _facts(self, table, job):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM %s WHERE job_id = %s ORDER BY product_id",
                SQL(", ").join(SQL.identifier(name) for name in FACT_COLUMNS),
                SQL.identifier(table),
                job.id,
            )
        )
        return [
            tuple(
                round(float(value), 6) if isinstance(value, Decimal | float) else value
                for value in row
            )
            for row in self.env.cr.fetchall()
        ]

    def _marked(self):
        self.env.flush_all()
        self.env.cr.execute(SQL(f"SELECT DISTINCT job_id FROM {DIRTY_TABLE}"))
        return {row[0] for row in self.env.cr.fetchall()}

    def _assert_stored_is_live(self, job):
        self.assertIn(job.id, self._marked())
        refresh_facts(self.env)
        self.assertFalse(self._marked())
        stored = self._facts(FACT_TABLE, job)
        self.assertTrue(stored)
        self.assertEqual(stored, self._facts(LIVE_VIEW, job))
        return stored

    def _triggers(self):
        """Triggers and functions of the stored facts in the database."""
        self.env.cr.execute(
            SQL(
                "SELECT (SELECT COUNT(*) FROM pg_trigger WHERE tgname LIKE %s) "
                "+ (SELECT COUNT(*) FROM pg_proc WHERE proname LIKE %s)",
                f"{DIRTY_TABLE}_%",
                "workshop_leakage_%",
            )
        )
        return self.env.cr.fetchone()[0]

    # ------------------------------------------------------------------
    def test_every_change_of_a_job_reaches_its_stored_facts(self):
        job = self._job_with_parts({self.oil: 3, self.belt: 1}, returns={self.oil: 1})
        self._assert_stored_is_live(job)
        self.assertEqual(self._recon(job)[self.oil].qty_used, 2)
        invoice = self._invoice(job, post=False)
        self._assert_stored_is_live(job)
        self.assertEqual(self._recon(job)[self.oil].leak_kind, "in_billing")
        invoice.action_post()
        self._assert_stored_is_live(job)
        self.assertEqual(self._recon(job)[self.oil].leak_kind, "ok")
        self._credit(invoice, {self.oil: 1})
        self._assert_stored_is_live(job)
        row = self._recon(job)[self.oil]
        self.assertEqual((row.qty_invoiced, row.qty_difference), (1, 1))
        self.assertEqual(row.leak_kind, "not_invoiced")

    def _all_facts(self, table):
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM %s ORDER BY job_id, product_id",
                SQL(", ").join(SQL.identifier(name) for name in FACT_COLUMNS),
                SQL.identifier(table),
            )
        )
        return self.env.cr.fetchall()

    def test_many_jobs_marked_rebuild_every_fact(self):
        self._job_with_parts({self.oil: 2})
        self._invoice(self._job_with_parts({self.belt: 1}))
        refresh_facts(self.env)
        self.env.cr.execute(SQL(f"UPDATE {FACT_TABLE} SET qty_issued = -1"))
        mark_jobs(self.env.cr)
        with patch.object(leak_facts, "FULL_REBUILD_MIN_JOBS", 1):
            self.assertEqual(
                refresh_facts(self.env), self.env["workshop.job"].search_count([])
            )
        self.assertFalse(self._marked())
        self.assertEqual(self._all_facts(FACT_TABLE), self._all_facts(LIVE_VIEW))

    def test_a_change_marks_only_its_job_and_a_rollback_none(self):
        first = self._job_with_parts({self.oil: 1})
        second = self._job_with_parts({self.belt: 1})
        refresh_facts(self.env)
        self.assertFalse(self._marked())
        self._invoice(first)
        self.assertEqual(self._marked(), {first.id})
        self.assertEqual(refresh_facts(self.env), 1)
        # assertRaises rolls its savepoint back
        with self.assertRaises(_Rollback):
            self._invoice(second)
            self.assertEqual(self._marked(), {second.id})
            raise _Rollback
        self.assertFalse(self._marked())
        self.assertEqual(refresh_facts(self.env), 0)

    def test_time_thresholds_and_prices_apply_without_a_refresh(self):
        job = self._job_with_parts({self.oil: 2})
        refresh_facts(self.env)
        self.assertEqual(self._recon(job)[self.oil].leak_kind, "in_billing")
        self._age_done(job, 5)
        self.company.workshop_leak_done_days = 2
        self.oil.list_price = 10.0
        self.assertFalse(self._marked())
        row = self._recon(job)[self.oil]
        self.assertEqual(row.leak_kind, "done_not_invoiced")
        self.assertAlmostEqual(row.value_sale, 20.0)
        self.company.workshop_leak_done_days = 10
        self.assertEqual(self._recon(job)[self.oil].leak_kind, "in_billing")

    def test_the_difference_filter_is_the_classification(self):
        clean = self._job_with_parts({self.oil: 1})
        self._invoice(clean)
        leaking = self._job_with_parts({self.oil: 2, self.belt: 1})
        self._invoice(leaking, post=False)
        Recon = self.env[RECON]
        jobs = [("job_id", "in", (clean | leaking).ids)]
        with_difference = Recon.search(jobs + [("has_difference", "=", True)])
        self.assertTrue(with_difference)
        self.assertEqual(
            with_difference, Recon.search(jobs + [("leak_kind", "!=", "ok")])
        )
        self.assertEqual(
            Recon.search(jobs + [("has_difference", "=", False)]),
            Recon.search(jobs + [("leak_kind", "=", "ok")]),
        )
        self.assertEqual(with_difference.job_id, leaking)

    def test_consumption_location_and_labour_product_changes_mark_jobs(self):
        job = self._job_with_parts({self.oil: 2})
        refresh_facts(self.env)
        self.stock.name = "Shelves"  # not a consumption location: nothing
        self.assertFalse(self._marked())
        self.consumption.workshop_is_consumption = False
        self.assertIn(job.id, self._marked())
        refresh_facts(self.env)
        # the part stays on the job card, no longer issued from the shelf
        self.assertEqual(self._recon(job)[self.oil].qty_issued, 0)
        self.consumption.workshop_is_consumption = True
        self._assert_stored_is_live(job)
        self.assertEqual(self._recon(job)[self.oil].qty_issued, 2)
        labour = self.env["product.product"].create(
            {"name": "Overtime Labour", "type": "service", "list_price": 90.0}
        )
        self.company.workshop_labour_product_id = labour
        self.assertIn(job.id, self._marked())

    def test_a_new_product_unit_reaches_the_stored_facts(self):
        job = self._create_job([("labour", self.labour, 16.0)])
        other = self._create_job([("travel", self.travel, 12.0)])
        refresh_facts(self.env)
        self.assertEqual(self._recon(job)[self.labour].qty_issued, 16)
        self.labour.uom_id = self.env.ref("uom.product_uom_day")  # 8 hours
        self.assertEqual(self._marked(), {job.id})
        self.assertNotIn(other.id, self._marked())
        self._assert_stored_is_live(job)
        self.assertEqual(self._recon(job)[self.labour].qty_issued, 2)

    def test_a_new_unit_ratio_reaches_the_stored_facts(self):
        dozen = self.env["uom.uom"].create(
            {
                "name": "Pack of 10",
                "category_id": self.oil.uom_id.category_id.id,
                "uom_type": "bigger",
                "factor_inv": 10.0,
            }
        )
        job = self._job_with_parts({self.oil: 2})
        invoice = self._invoice(job, post=False)
        line = invoice.invoice_line_ids.filtered(lambda aml: aml.product_id == self.oil)
        line.write({"product_uom_id": dozen.id, "quantity": 1})
        invoice.action_post()
        refresh_facts(self.env)
        self.assertEqual(self._recon(job)[self.oil].qty_invoiced, 10)
        dozen.factor_inv = 2.0  # no open stock move uses it: stock allows it
        self.assertIn(job.id, self._marked())
        self._assert_stored_is_live(job)
        self.assertEqual(self._recon(job)[self.oil].qty_invoiced, 2)
        self.assertEqual(self._recon(job)[self.oil].leak_kind, "ok")

    def test_a_concurrent_refresh_leaves_the_marks_for_the_next_read(self):
        job = self._job_with_parts({self.oil: 2})
        refresh_facts(self.env)
        self._invoice(job)
        # this transaction refreshes: it holds the lock until it ends
        self.assertEqual(refresh_facts(self.env), 1)
        with sql_db.db_connect(self.env.cr.dbname).cursor() as other:
            other_env = api.Environment(other, SUPERUSER_ID, {})
            other.execute(
                SQL(f"INSERT INTO {DIRTY_TABLE} (job_id) VALUES (%s)", job.id)
            )
            # a second reader does not wait: it reads what is stored ...
            self.assertIsNone(refresh_facts(other_env))
            self.assertIsInstance(other_env[RECON].search_count([]), int)
            # ... and its marks stay for the next read
            other.execute(SQL(f"SELECT job_id FROM {DIRTY_TABLE}"))
            self.assertIn(job.id, [row[0] for row in other.fetchall()])
            other.rollback()
        self.assertFalse(self._marked())
        self.assertEqual(self._recon(job)[self.oil].leak_kind, "ok")

    def test_a_read_only_request_asks_for_a_read_write_cursor(self):
        # cursors of requests share this test's transaction; read-only ones
        # behave as on a read replica
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)
        job = self._job_with_parts({self.oil: 2})
        refresh_facts(self.env)
        with self.registry.cursor(readonly=True) as ro_cr:
            ro_env = api.Environment(ro_cr, SUPERUSER_ID, {})
            # nothing marked: a read-only request reads the stored facts
            self.assertTrue(ro_env[RECON].search([("job_id", "=", job.id)]))
        self._invoice(job)
        self.env.flush_all()
        with (
            self.assertRaises(ReadOnlySqlTransaction),
            self.registry.cursor(readonly=True) as ro_cr,
        ):
            api.Environment(ro_cr, SUPERUSER_ID, {})[RECON].search(
                [("job_id", "=", job.id)]
            )
        self.assertEqual(self._marked(), {job.id})

    def test_one_job_detail_reads_a_fixed_number_of_queries(self):
        small = self._job_with_parts({self.oil: 1})
        large = self._job_with_parts({self.oil: 4, self.belt: 2, self.alternator: 1})
        Recon = self.env[RECON].with_user(self.manager)
        spec = {
            "job_id": {"fields": {"display_name": {}}},
            "product_id": {"fields": {"display_name": {}}},
            "qty_used": {},
            "qty_invoiced": {},
            "qty_difference": {},
            "value_sale": {},
            "leak_kind": {},
        }
        Recon.web_search_read([("job_id", "=", small.id)], spec)  # access caches
        for job in (small, large, small):
            refresh_facts(self.env)
            self.env.invalidate_all()
            # a check for marks before each search and fetch, the rows, the
            # names of the job and of the products: none of it grows with
            # the lines of the job
            with self.assertQueryCount(11):
                result = Recon.web_search_read([("job_id", "=", job.id)], spec)
            self.assertEqual(result["length"], len(job.line_ids.product_id))

    def test_uninstall_drops_the_triggers_first(self):
        self.assertEqual(self._triggers(), 4 * len(MARKED_TABLES) + 2)
        job = self._job_with_parts({self.oil: 1})
        with self.assertRaises(_Rollback):  # rolled back to its savepoint
            uninstall_facts(self.env.cr)
            self.assertEqual(self._triggers(), 0)
            # stock and invoicing keep working without the tables
            self._invoice(job)
            self.env.flush_all()
            raise _Rollback
        self.assertEqual(self._triggers(), 4 * len(MARKED_TABLES) + 2)
