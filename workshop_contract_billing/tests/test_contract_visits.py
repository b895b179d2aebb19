from psycopg2 import errors as pg_errors

from odoo import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ServiceCommon


@tagged("post_install", "-at_install")
class TestContractVisits(ServiceCommon):
    def _run_visits(self, day):
        """Run the visit cron as of ``day``; return the jobs it created."""
        return self.env["workshop.contract"]._cron_contract_visits(
            date_ref=self._d(day)
        )

    def _visits(self):
        return self.env["workshop.job"].search(
            [("contract_id", "=", self.service_contract.id)]
        )

    # ------------------------------------------------------------------
    # Generation ahead of time
    # ------------------------------------------------------------------
    def test_cron_creates_the_visits_of_periods_starting_within_the_lead_time(self):
        jobs = self._run_visits("2026-03-20")  # lead 14 days: March and April
        self.assertEqual(
            sorted(str(d) for d in jobs.mapped("visit_period_start")),
            ["2026-03-01", "2026-04-01"],
        )
        march = jobs.filtered(lambda j: str(j.visit_period_start) == "2026-03-01")
        self.assertEqual(march.state, "draft")
        self.assertEqual(march.job_type_id, self.preventive)
        self.assertEqual(march.asset_id, self.van)
        self.assertEqual(march.contract_id, self.service_contract)
        self.assertEqual(
            str(march.scheduled_datetime.date()), "2026-03-20", "not in the past"
        )
        self.assertEqual(
            sorted(march.line_ids.mapped("kind")), ["labour", "part"], "template"
        )
        self.assertFalse(
            self._run_visits("2026-03-10").filtered(
                lambda j: str(j.visit_period_start) == "2026-05-01"
            )
        )

    def test_second_cron_run_creates_no_second_job_for_a_visit(self):
        first = self._run_visits("2026-03-20")
        self.assertEqual(len(first), 2)
        self.assertFalse(self._run_visits("2026-03-20"))
        self.assertFalse(self._run_visits("2026-03-25"))
        self.assertEqual(self._visits(), first)

    def test_database_refuses_a_second_job_for_the_same_visit_slot(self):
        job = self._run_visits("2026-03-20")[:1]
        with mute_logger("odoo.sql_db"), self.assertRaises(pg_errors.UniqueViolation):
            with self.env.cr.savepoint():
                job.copy(
                    {
                        "contract_visit_id": job.contract_visit_id.id,
                        "visit_period_start": job.visit_period_start,
                        "visit_number": job.visit_number,
                    }
                )

    def test_visits_per_covered_asset_and_per_period(self):
        self.service_contract.covered_asset_ids = [
            Command.create({"asset_id": self.assets[1].id})
        ]
        self.service_contract.visit_ids.visits_per_period = 2
        jobs = self._run_visits("2026-03-01").filtered(
            lambda j: str(j.visit_period_start) == "2026-03-01"
        )
        self.assertEqual(len(jobs), 4)  # 2 vans × 2 visits
        self.assertEqual(
            sorted(str(d.date()) for d in jobs.mapped("scheduled_datetime")),
            ["2026-03-01", "2026-03-01", "2026-03-16", "2026-03-16"],
        )

    # ------------------------------------------------------------------
    # Shortfall at period end
    # ------------------------------------------------------------------
    def test_period_ending_short_of_visits_is_flagged_for_the_account_manager(self):
        self._run_visits("2026-03-20")
        self._run_visits("2026-04-01")
        march = self.service_contract.allowance_ids.filtered(
            lambda a: str(a.period_start) == "2026-03-01"
        )
        self.assertTrue(march.is_shortfall)
        self.assertEqual(march.visits_promised, 1)
        self.assertEqual(march.visits_done, 0)
        self.assertEqual(march.visit_shortfall, 1)
        self.assertTrue(self.service_contract.has_visit_shortfall)
        self.assertIn(
            self.service_contract,
            self.env["workshop.contract"].search([("has_visit_shortfall", "=", True)]),
        )
        activity = self.service_contract.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.service_contract.user_id)
        # counted once: a second run adds no activity
        self._run_visits("2026-04-02")
        self.assertEqual(len(self.service_contract.activity_ids), 1)

    def test_done_visit_leaves_no_shortfall(self):
        jobs = self._run_visits("2026-03-20")
        march = jobs.filtered(lambda j: str(j.visit_period_start) == "2026-03-01")
        march.technician_ids = self.technician
        self._finish(march)
        self._run_visits("2026-04-01")
        allowance = self.service_contract.allowance_ids.filtered(
            lambda a: str(a.period_start) == "2026-03-01"
        )
        self.assertTrue(allowance.visits_checked)
        self.assertFalse(allowance.is_shortfall)
        self.assertEqual(allowance.visits_done, 1)
        self.assertFalse(self.service_contract.has_visit_shortfall)
        self.assertFalse(self.service_contract.activity_ids)

    def test_generated_visit_is_covered_on_its_invoice(self):
        jobs = self._run_visits("2026-03-20")
        march = jobs.filtered(lambda j: str(j.visit_period_start) == "2026-03-01")
        march.technician_ids = self.technician
        invoice = self._invoice_job(march)
        self.assertEqual(invoice.amount_total, 0.0)
        self.assertEqual(
            self._product_lines(invoice),
            [("Labour standard", 1.0, 0.0, True), ("Oil filter", 1.0, 0.0, True)],
        )
