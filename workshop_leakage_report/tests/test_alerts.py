from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import LeakageCommon


@tagged("post_install", "-at_install")
class TestAlerts(LeakageCommon):
    def _alerts(self, job, xmlid):
        kind = self.env.ref(f"workshop_leakage_report.{xmlid}")
        job.invalidate_recordset(["activity_ids"])
        return job.activity_ids.filtered(lambda a: a.activity_type_id == kind)

    def _cron(self):
        self.env["workshop.job"]._cron_workshop_leakage_alerts()

    def test_leak_over_threshold_alerts_the_coordinator_once(self):
        job = self._job_with_parts({self.oil: 4})
        self._invoice(job, edit=lambda inv: self._line(inv, self.oil).unlink())
        small = self._job_with_parts({self.oil: 1})
        self._invoice(small, edit=lambda inv: self._line(inv, self.oil).unlink())
        self._cron()
        self._cron()
        alerts = self._alerts(job, "mail_activity_type_leakage_alert")
        self.assertEqual(len(alerts), 1)
        self.assertEqual(alerts.user_id, self.coordinator)
        self.assertIn("36.00", alerts.note)
        self.assertFalse(
            self._alerts(small, "mail_activity_type_leakage_alert"),
            "9.00 at risk is below the 20.00 threshold",
        )

    def test_done_not_invoiced_alerts_whatever_the_value(self):
        job = self._job_with_parts({self.oil: 1})
        self._age_done(job, 5)
        self._cron()
        self.assertEqual(len(self._alerts(job, "mail_activity_type_leakage_alert")), 1)

    def test_ignored_alert_escalates_to_the_manager_once(self):
        job = self._job_with_parts({self.oil: 4})
        self._invoice(job, edit=lambda inv: self._line(inv, self.oil).unlink())
        self._cron()
        alert = self._alerts(job, "mail_activity_type_leakage_alert")
        self._cron()
        self.assertFalse(self._alerts(job, "mail_activity_type_leakage_escalation"))
        alert.date_deadline = fields.Date.today() - timedelta(days=5)
        self._cron()
        self._cron()
        escalation = self._alerts(job, "mail_activity_type_leakage_escalation")
        self.assertEqual(len(escalation), 1)
        self.assertEqual(escalation.user_id, self.manager)
        self.assertEqual(len(self._alerts(job, "mail_activity_type_leakage_alert")), 1)
