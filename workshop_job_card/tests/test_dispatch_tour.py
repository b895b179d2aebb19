from datetime import timedelta

from odoo.tests import HttpCase, new_test_user, tagged

from .common import ROLES
from .common_dispatch import make_technician, working_hours


@tagged("post_install", "-at_install")
class TestDispatchTour(HttpCase):
    """The dispatch board in the browser (static/tests/tours/
    workshop_dispatch_tour.esm.js), checked in the database after."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        # round the clock, every day: the tour's slots never fall outside hours
        calendar = working_hours(cls.env, "Tour round the clock", 0, 24, days=7)
        cls.tech = make_technician(
            new_test_user(
                cls.env,
                login="ws_tour_dora",
                name="Dora Dispatch",
                groups=ROLES["technician"],
            ),
            calendar,
        )
        cls.job_type = cls.env["workshop.job.type"].create(
            {"name": "Tour visit", "response_hours": 48, "resolution_hours": 96}
        )
        cls.jobs = {
            name: cls.env["workshop.job"].create(
                {
                    "partner_id": cls.env["res.partner"]
                    .create({"name": f"Tour {name}", "is_company": True})
                    .id,
                    "job_type_id": cls.job_type.id,
                }
            )
            for name in ("Alpha", "Bravo", "Charlie", "Delta", "Echo")
        }

    def test_dispatch_tour(self):
        self.start_tour("/odoo", "workshop_dispatch_tour", login="admin", timeout=180)
        alpha = self.jobs["Alpha"]
        self.assertEqual(alpha.state, "scheduled")
        self.assertEqual(alpha.technician_ids, self.tech)
        self.assertEqual(
            alpha.scheduled_end_datetime - alpha.scheduled_datetime, timedelta(hours=3)
        )
        for name in ("Bravo", "Charlie", "Delta", "Echo"):
            job = self.jobs[name]
            self.assertEqual((job.state, job.technician_ids), ("scheduled", self.tech))
        schedule = sorted(
            (job.scheduled_datetime, job.scheduled_end_datetime)
            for job in self.jobs.values()
        )
        for (_s1, end), (start, _e2) in zip(schedule, schedule[1:], strict=False):
            self.assertLessEqual(end, start, "the board double-booked Dora")
        self.assertTrue(
            alpha.stage_log_ids.filtered(lambda log: log.to_state == "scheduled")
        )
