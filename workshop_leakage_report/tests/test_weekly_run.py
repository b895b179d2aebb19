from datetime import date, timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from .common import LeakageCommon


@tagged("post_install", "-at_install")
class TestWeeklyRun(LeakageCommon):
    def _leaking_job(self, product, qty):
        job = self._job_with_parts({product: qty})
        self._invoice(job, edit=lambda inv: self._line(inv, product).unlink())
        return job

    def test_weekly_run_stores_a_run_and_notifies_once(self):
        self._leaking_job(self.oil, 4)
        Run = self.env["workshop.leakage.run"]
        Run._cron_weekly_check()
        Run._cron_weekly_check()
        run = Run.search([("company_id", "=", self.company.id)])
        self.assertEqual(len(run), 1)
        self.assertEqual(run.mode, "full")
        self.assertEqual(run.leak_count, 1)
        self.assertEqual(run.job_count, 1)
        self.assertAlmostEqual(run.value_risk, 36.0)
        self.assertAlmostEqual(run.value_cost, 16.0)
        self.assertEqual(run.line_ids.leak_kind, "not_invoiced")
        mails = self.env["mail.mail"].search(
            [("model", "=", run._name), ("res_id", "=", run.id)]
        )
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.recipient_ids, self.manager.partner_id)
        self.assertIn(f"/odoo/workshop.leakage.run/{run.id}", mails.body_html)
        self.assertEqual(len(run.activity_ids), 1)
        self.assertEqual(run.activity_ids.user_id, self.manager)
        self.assertTrue(run.notified_datetime)

    def test_next_week_rereads_only_what_changed(self):
        clean = self._job_with_parts({self.belt: 1})
        clean_invoice = self._invoice(clean)
        leaking = self._leaking_job(self.oil, 4)
        Run = self.env["workshop.leakage.run"]
        first = Run._run_for_company(self.company, today=date(2026, 11, 16))
        self.assertAlmostEqual(first.value_risk, 36.0)
        # everything so far happened before the first run; the clean job was
        # last touched long before it
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT now() AT TIME ZONE 'UTC'"))
        tx_now = self.env.cr.fetchone()[0]
        long_ago = tx_now - timedelta(days=10)
        self.env.cr.execute(
            SQL(
                "UPDATE workshop_leakage_run SET run_datetime = %s WHERE id = %s",
                tx_now - timedelta(days=1),
                first.id,
            )
        )
        for table, column, ids in (
            ("workshop_job", "id", clean.ids),
            ("workshop_job_line", "job_id", clean.ids),
            ("stock_move", "workshop_job_id", clean.ids),
            ("account_move", "id", clean_invoice.ids),
            ("account_move_line", "move_id", clean_invoice.ids),
        ):
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET write_date = %s WHERE %s = ANY(%s)",
                    SQL.identifier(table),
                    long_ago,
                    SQL.identifier(column),
                    ids,
                )
            )
        self.env.invalidate_all()
        new_leak = self._leaking_job(self.belt, 2)
        changed = self.env["workshop.leakage.job.total"]._changed_job_ids(
            self.company, tx_now - timedelta(days=1)
        )
        self.assertIn(new_leak.id, changed)
        self.assertIn(leaking.id, changed, "signed, not fully invoiced")
        self.assertNotIn(clean.id, changed)
        second = Run._run_for_company(self.company, today=date(2026, 11, 23))
        self.assertEqual(second.mode, "incremental")
        self.assertEqual(second.previous_run_id, first)
        self.assertEqual(second.jobs_scanned, len(changed))
        self.assertAlmostEqual(second.value_risk, 36.0 + 50.0)
        self.assertAlmostEqual(second.value_risk_change, 50.0)
        self.assertEqual(second.leak_count, 2)
        # the stored totals equal a full reconciliation
        full = self.env["workshop.leakage.exception"]._read_group(
            [("company_id", "=", self.company.id), ("job_id", "!=", False)],
            [],
            ["value_risk:sum"],
        )[0][0]
        self.assertAlmostEqual(second.value_risk, full)
        self.assertEqual(fields.Date.to_string(second.week_start), "2026-11-23")
