from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.workshop_leakage_report import post_init_hook

from .common import LeakageCommon


def monday(day):
    return day - timedelta(days=day.weekday())


@tagged("post_install", "-at_install")
class TestBackfill(LeakageCommon):
    """At install the weekly run rebuilds its trend: one reconstructed run per
    past week with activity, created once, adding up the leaks of that week
    and before as a run would."""

    def setUp(self):
        super().setUp()
        self.today = fields.Date.context_today(self.env.user)
        self.Run = self.env["workshop.leakage.run"]
        self.ages = {}
        for product, qty, days in ((self.oil, 4, 22), (self.belt, 2, 9)):
            job = self._job_with_parts({product: qty})
            self._invoice(job, edit=lambda inv, p=product: self._line(inv, p).unlink())
            self._age_done(job, days)
            self.ages[job] = days
        clean = self._job_with_parts({self.belt: 1})
        self._invoice(clean)
        self._age_done(clean, 40)
        self.ages[clean] = 40
        self.env.flush_all()

    def _runs(self):
        return self.Run.search([("company_id", "=", self.company.id)])

    def _week_of(self, days):
        return monday(self.today - timedelta(days=days))

    def test_one_reconstructed_run_per_past_week_with_activity_created_once(self):
        first = self.Run._backfill_history(today=self.today)
        self.assertEqual(
            sorted(
                first.filtered(lambda r: r.company_id == self.company).mapped(
                    "week_start"
                )
            ),
            sorted({self._week_of(days) for days in self.ages.values()}),
        )
        self.assertTrue(all(first.mapped("is_reconstructed")))
        # nobody is notified of history
        self.assertFalse(first.activity_ids)
        self.assertFalse(
            self.env["mail.mail"].search(
                [("model", "=", self.Run._name), ("res_id", "in", first.ids)]
            )
        )
        # the hook again (an update, a second call): nothing new
        self.assertFalse(self.Run._backfill_history(today=self.today))
        post_init_hook(self.env)
        self.assertEqual(
            self._runs(), first.filtered(lambda r: r.company_id == self.company)
        )
        self.env.cr.execute(
            "SELECT company_id, week_start, COUNT(*) FROM workshop_leakage_run "
            "GROUP BY 1, 2 HAVING COUNT(*) > 1"
        )
        self.assertFalse(self.env.cr.fetchall())

    def test_figures_are_what_a_run_adds_up_for_that_week(self):
        runs = self.Run._backfill_history(today=self.today)
        by_week = {run.week_start: run for run in runs}
        oldest = by_week[self._week_of(40)]
        self.assertEqual((oldest.leak_count, oldest.value_risk), (0, 0.0))
        # the oil leak alone (36.00 at risk), then both leaks
        oil_week = by_week[self._week_of(22)]
        self.assertEqual(oil_week.leak_count, 1)
        self.assertEqual(oil_week.line_ids.leak_kind, "not_invoiced")
        self.assertAlmostEqual(oil_week.value_risk, 36.0)
        latest = by_week[self._week_of(9)]
        self.assertAlmostEqual(
            latest.value_risk_change, latest.value_risk - oil_week.value_risk
        )
        # the latest week holds every leak known today: what a run computes
        self.env["workshop.leakage.job.total"]._refresh(self.company)
        summary = self.Run._summary_by_kind(self.company)
        self.assertEqual(
            {
                line.leak_kind: (
                    line.job_count,
                    line.leak_count,
                    line.value_sale,
                    line.value_cost,
                    line.value_risk,
                )
                for line in latest.line_ids
            },
            {
                kind: (jobs, rows, sale, cost, risk)
                for kind, (jobs, rows, _qty, sale, cost, risk) in summary.items()
            },
        )
        self.assertEqual(latest.job_count, 2)
        self.assertEqual(latest.leak_count, sum(v[1] for v in summary.values()))
        self.assertAlmostEqual(latest.value_risk, sum(v[5] for v in summary.values()))

    def test_this_weeks_run_reads_everything_and_measures_against_history(self):
        runs = self.Run._backfill_history(today=self.today)
        latest = runs.sorted("week_start")[-1]
        run = self.Run._run_for_company(self.company, today=self.today)
        self.assertFalse(run.is_reconstructed)
        # a reconstructed run stored no totals: a full reconciliation
        self.assertEqual(run.mode, "full")
        self.assertFalse(run.since_datetime)
        self.assertEqual(run.previous_run_id, latest)
        self.assertAlmostEqual(run.value_risk, latest.value_risk)
        self.assertAlmostEqual(run.value_risk_change, 0.0)
        self.assertTrue(run.activity_ids)
