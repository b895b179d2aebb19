from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import LeakageCommon


@tagged("post_install", "-at_install")
class TestLedgers(LeakageCommon):
    """Weekly runs, their lines and the stored job totals are a ledger: the
    weekly check writes them (as itself), no user group writes or deletes
    them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        job = cls._create_job([("fee", cls.part_filter, 2)])
        job.scheduled_datetime = "2026-11-20 08:00:00"
        job.action_schedule()
        job.action_dispatch()
        job.action_arrive()
        job.resolution = "<p>Done.</p>"
        job.action_done()
        cls.job = job

    def setUp(self):
        super().setUp()
        self._age_done(self.job, 5)
        self.leak_run = self.env["workshop.leakage.run"]._run_for_company(self.company)
        self.assertTrue(self.leak_run.line_ids)
        self.totals = self.env["workshop.leakage.job.total"].search(
            [("job_id", "=", self.job.id)]
        )
        self.assertTrue(self.totals)

    def _ledgers(self):
        return (
            (self.leak_run, {"leak_count": 0}),
            (self.leak_run.line_ids, {"leak_count": 0}),
            (self.totals, {"row_count": 0}),
        )

    def test_no_group_writes_or_deletes_runs_lines_or_totals(self):
        users = (
            self.technician,
            self.pure_coordinator,
            self.coordinator,
            self.accountant,
            self.manager,
        )
        for user in users:
            for records, vals in self._ledgers():
                with self.subTest(user=user.login, model=records._name, op="write"):
                    with self.assertRaises(AccessError):
                        records.with_user(user).write(vals)
                with self.subTest(user=user.login, model=records._name, op="unlink"):
                    with self.assertRaises(AccessError):
                        records.with_user(user).unlink()
        self.assertEqual(self.leak_run.leak_count, 1)
        self.assertEqual(self.leak_run.line_ids.leak_count, 1)

    def test_no_group_creates_a_run(self):
        for user in (self.accountant, self.manager):
            with self.assertRaises(AccessError):
                self.env["workshop.leakage.run"].with_user(user).create(
                    {"company_id": self.company.id, "week_start": "2020-01-06"}
                )

    def test_manager_still_comments_and_closes_the_review(self):
        run = self.leak_run.with_user(self.manager)
        run.message_post(body="Seen, the fee is on the next invoice.")
        activity = run.activity_ids.filtered(lambda a: a.user_id == self.manager)
        self.assertEqual(len(activity), 1)
        activity.action_feedback(feedback="Done")
        self.assertFalse(self.leak_run.activity_ids)
