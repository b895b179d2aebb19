from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import LeakageCommon

INJECTIONS = ["'; DROP TABLE workshop_job; --", "%' OR 1=1 --", "\\'); SELECT 1; --"]


@tagged("post_install", "-at_install")
class TestAccess(LeakageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mine = cls._create_job(
            [("fee", cls.part_filter, 2)], user_id=cls.pure_coordinator.id
        )
        cls.theirs = cls._create_job([("fee", cls.part_pads, 1)])
        for job in cls.mine | cls.theirs:
            cls._finish_class(job)

    @classmethod
    def _finish_class(cls, job):
        job.scheduled_datetime = "2026-11-20 08:00:00"
        job.action_schedule()
        job.action_dispatch()
        job.action_arrive()
        job.resolution = "<p>Done.</p>"
        job.action_done()

    def setUp(self):
        super().setUp()
        self._age_done(self.mine, 5)
        self._age_done(self.theirs, 5)

    def test_coordinator_sees_exceptions_of_own_jobs_without_values(self):
        Exception_ = self.env["workshop.leakage.exception"].with_user(
            self.pure_coordinator
        )
        self.env.flush_all()
        leaks = Exception_.search([])
        self.assertEqual(leaks.job_id, self.mine)
        self.assertEqual(leaks.mapped("leak_kind"), ["done_not_invoiced"])
        with self.assertRaises(AccessError):
            leaks.read(["value_sale"])
        recon = self.env["workshop.leakage.reconciliation"].with_user(
            self.pure_coordinator
        )
        self.assertEqual(recon.search([]).job_id, self.mine)

    def test_manager_and_accountant_see_every_job_with_values(self):
        self.env.flush_all()
        for user in (self.manager, self.accountant):
            leaks = self.env["workshop.leakage.exception"].with_user(user).search([])
            self.assertEqual(leaks.job_id, self.mine | self.theirs)
            values = leaks.read(["value_sale"])
            self.assertAlmostEqual(
                sum(v["value_sale"] for v in values), 2 * 12.5 + 80.0
            )

    def test_technician_has_no_access_to_the_report(self):
        for model in (
            "workshop.leakage.exception",
            "workshop.leakage.reconciliation",
            "workshop.leakage.billing.lag",
            "workshop.leakage.run",
        ):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.technician).search([])

    def test_coordinator_cannot_export_values(self):
        with self.assertRaises(AccessError):
            self.env["workshop.leakage.dashboard"].with_user(
                self.pure_coordinator
            ).create({})

    def test_only_a_manager_runs_the_weekly_check_by_hand(self):
        with self.assertRaises(AccessError):
            self.env["workshop.leakage.run"].with_user(self.accountant).action_run_now()
        action = (
            self.env["workshop.leakage.run"].with_user(self.manager).action_run_now()
        )
        run = self.env["workshop.leakage.run"].browse(action["res_id"])
        self.assertEqual(run.leak_count, 2)

    def test_injection_like_filters_find_nothing_and_raise_nothing(self):
        self.env.flush_all()
        for model in (
            "workshop.leakage.exception",
            "workshop.leakage.reconciliation",
            "workshop.leakage.billing.lag",
            "workshop.leakage.parts.usage",
        ):
            Model = self.env[model].with_user(self.manager)
            for value in INJECTIONS:
                self.assertFalse(Model.search([("job_id.name", "ilike", value)]))
                self.assertFalse(Model.search([("partner_id", "ilike", value)]))
                self.assertEqual(
                    Model._read_group([("job_id", "=", value)], [], ["__count"]),
                    [(0,)],
                )
        self.assertTrue(self.env["workshop.job"].search_count([]))
