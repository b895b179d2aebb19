from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from .common import LeakageCommon


@tagged("post_install", "-at_install")
class TestCronIsolation(LeakageCommon):
    """One bad job or company does not stop the leakage crons: it is rolled
    back alone, recorded where a person sees it, and the others go on."""

    def _leaking_job(self):
        job = self._job_with_parts({self.oil: 4})
        self._invoice(job, edit=lambda inv: self._line(inv, self.oil).unlink())
        return job

    def test_alerts_go_on_when_one_job_fails(self):
        bad, good = self._leaking_job(), self._leaking_job()
        Job = type(self.env["workshop.job"])
        original = Job.activity_schedule

        def schedule(job, *args, **kwargs):
            res = original(job, *args, **kwargs)
            if job == bad:
                # the alert just scheduled goes with the failure
                raise ValueError("coordinator calendar unreachable")
            return res

        with patch.object(
            Job, "activity_schedule", autospec=True, side_effect=schedule
        ):
            self.env["workshop.job"]._cron_workshop_leakage_alerts()
        alert = self.env.ref("workshop_leakage_report.mail_activity_type_leakage_alert")
        (bad | good).invalidate_recordset()
        self.assertEqual(good.activity_ids.activity_type_id, alert)
        self.assertFalse(
            bad.activity_ids.filtered(lambda a: a.activity_type_id == alert)
        )
        note = bad.message_ids.filtered(
            lambda m: "coordinator calendar unreachable" in (m.body or "")
        )
        self.assertEqual(len(note), 1)
        self.assertIn("Leak alert not scheduled", note.body)
        # the next run, without the fault, alerts the job
        self.env["workshop.job"]._cron_workshop_leakage_alerts()
        bad.invalidate_recordset()
        self.assertEqual(bad.activity_ids.activity_type_id, alert)

    def test_weekly_run_goes_on_when_one_company_fails(self):
        south = self._company()
        self.manager.company_ids = [Command.link(south.id)]
        self._leaking_job()
        Total = type(self.env["workshop.leakage.job.total"])
        original = Total._refresh

        def refresh(model, company, job_ids=None):
            if company == south:
                raise ValueError("disk full")
            return original(model, company, job_ids)

        Run = self.env["workshop.leakage.run"]
        with patch.object(Total, "_refresh", autospec=True, side_effect=refresh):
            Run._cron_weekly_check()
        ours = Run.search([("company_id", "=", self.company.id)])
        self.assertEqual(ours.state, "done")
        self.assertEqual(ours.leak_count, 1)
        failed = Run.search([("company_id", "=", south.id)])
        self.assertEqual(failed.state, "failed")
        self.assertIn("disk full", failed.failure_reason)
        self.assertFalse(failed.line_ids)
        self.assertTrue(
            failed.message_ids.filtered(lambda m: "disk full" in (m.body or ""))
        )
        todo = failed.activity_ids.filtered(lambda a: a.user_id == self.manager)
        self.assertEqual(len(todo), 1)
        self.assertIn("failed", todo.summary)
        # the next run of the week completes the failed one in place
        Run._cron_weekly_check()
        again = Run.search([("company_id", "=", south.id)])
        self.assertEqual(again, failed)
        self.assertEqual(again.state, "done")
        self.assertFalse(again.failure_reason)
        self.assertEqual(Run.search_count([("company_id", "=", self.company.id)]), 1)
