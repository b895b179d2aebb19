from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import WorkshopCommon

T0 = datetime(2026, 11, 20, 8, 0, 0)


@tagged("post_install", "-at_install")
class TestSla(WorkshopCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.workshop_sla_risk_pct = 25
        cls.job_type.write(
            {
                "response_hours": 4,
                "resolution_hours": 24,
                "sla_rule_ids": [
                    (
                        0,
                        0,
                        {"priority": "3", "response_hours": 1, "resolution_hours": 8},
                    )
                ],
            }
        )

    def _job(self, **vals):
        return self._create_job(
            self._standard_lines(), reported_datetime=T0, scheduled_datetime=T0, **vals
        )

    def _search(self, status):
        return self.env["workshop.job"].search([("sla_status", "=", status)])

    def test_deadlines_follow_type_and_priority(self):
        normal = self._job()
        urgent = self._job(priority="3")
        self.assertEqual(normal.response_deadline, T0 + timedelta(hours=4))
        self.assertEqual(normal.resolution_deadline, T0 + timedelta(hours=24))
        self.assertEqual(urgent.response_deadline, T0 + timedelta(hours=1))
        self.assertEqual(urgent.resolution_deadline, T0 + timedelta(hours=8))

    def test_status_on_track_at_risk_breached(self):
        job = self._job()
        with freeze_time(T0 + timedelta(hours=1)):
            job.invalidate_recordset(["sla_status"])
            self.assertEqual(job.sla_status, "on_track")
            self.assertIn(job, self._search("on_track"))
        with freeze_time(T0 + timedelta(hours=3, minutes=30)):
            job.invalidate_recordset(["sla_status"])
            self.assertEqual(job.sla_status, "at_risk")
            self.assertIn(job, self._search("at_risk"))
            self.assertNotIn(job, self._search("on_track"))
        with freeze_time(T0 + timedelta(hours=5)):
            job.invalidate_recordset(["sla_status"])
            self.assertEqual(job.sla_status, "breached")
            self.assertIn(job, self._search("breached"))
            self.assertNotIn(job, self._search("at_risk"))

    def test_arrival_in_time_then_done_in_time_is_met(self):
        job = self._job()
        with freeze_time(T0 + timedelta(hours=2)):
            job.action_schedule()
            job.action_dispatch()
            job.action_arrive()
        self.assertEqual(job.arrived_datetime, T0 + timedelta(hours=2))
        with freeze_time(T0 + timedelta(hours=6)):
            job.invalidate_recordset(["sla_status"])
            self.assertEqual(
                job.sla_status, "on_track", "response met, resolution pending"
            )
            job.resolution = "<p>ok</p>"
            job.action_done()
        with freeze_time(T0 + timedelta(days=10)):
            job.invalidate_recordset(["sla_status"])
            self.assertEqual(job.sla_status, "met")
            self.assertIn(job, self._search("met"))

    def test_late_arrival_stays_breached(self):
        job = self._job()
        with freeze_time(T0 + timedelta(hours=6)):
            job.action_schedule()
            job.action_dispatch()
            job.action_arrive()
            job.resolution = "<p>ok</p>"
            job.action_done()
        with freeze_time(T0 + timedelta(days=3)):
            job.invalidate_recordset(["sla_status"])
            self.assertEqual(job.sla_status, "breached")
            self.assertIn(job, self._search("breached"))

    def test_job_without_sla(self):
        job = self._create_job(self._standard_lines(), job_type_id=False)
        self.assertEqual(job.sla_status, "none")
        self.assertIn(job, self._search("none"))

    def test_search_agrees_with_computed_status(self):
        jobs = self.env["workshop.job"]
        jobs |= self._job()  # untouched
        jobs |= self._job(priority="3")  # tighter SLA
        jobs |= self._create_job(self._standard_lines(), job_type_id=False)
        cancelled = self._job()
        cancelled.action_cancel()
        jobs |= cancelled
        on_time = self._job()
        with freeze_time(T0 + timedelta(hours=1)):
            on_time.action_schedule()
            on_time.action_dispatch()
            on_time.action_arrive()
        jobs |= on_time
        for hours in (0.5, 3.5, 5, 20, 30):
            with freeze_time(T0 + timedelta(hours=hours)):
                jobs.invalidate_recordset(["sla_status"])
                for status in ("none", "on_track", "at_risk", "breached", "met"):
                    expected = jobs.filtered(lambda j, s=status: j.sla_status == s)
                    found = self.env["workshop.job"].search(
                        [("id", "in", jobs.ids), ("sla_status", "=", status)]
                    )
                    self.assertEqual(found, expected, f"{status} at +{hours}h")
        self.assertEqual(cancelled.sla_status, "none")
