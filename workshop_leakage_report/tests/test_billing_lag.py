from odoo.tests import tagged

from .common import LeakageCommon


@tagged("post_install", "-at_install")
class TestBillingLag(LeakageCommon):
    def _lag(self, job):
        self.env.flush_all()
        Lag = self.env["workshop.leakage.billing.lag"]
        Lag.invalidate_model()
        return Lag.search([("job_id", "=", job.id)])

    def test_days_from_done_to_invoiced_and_to_sent(self):
        job = self._job_with_parts({self.oil: 1})
        self._age_done(job, 3)
        lag = self._lag(job)
        self.assertFalse(lag.is_invoiced)
        self.assertFalse(lag.posted_datetime)
        invoice = self._invoice(job)
        lag = self._lag(job)
        self.assertEqual(lag.invoice_id, invoice)
        self.assertAlmostEqual(lag.lag_post_days, 3.0, delta=0.05)
        self.assertFalse(lag.sent_datetime, "posted is not sent")
        invoice.message_post(
            body="Your invoice",
            partner_ids=invoice.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        lag = self._lag(job)
        self.assertTrue(lag.sent_datetime)
        self.assertAlmostEqual(lag.lag_sent_days, 3.0, delta=0.05)

    def test_median_and_p90_per_week_customer_type_and_coordinator(self):
        for days in (1, 2, 3, 4, 10):
            job = self._job_with_parts({self.oil: 1})
            self._age_done(job, days)
            self._invoice(job)
        self.env.flush_all()
        Stats = self.env["workshop.leakage.lag.stats"]
        by_customer = Stats.search(
            [("dimension", "=", "customer"), ("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(by_customer.job_count, 5)
        self.assertEqual(by_customer.invoiced_count, 5)
        self.assertAlmostEqual(by_customer.median_post_days, 3.0, delta=0.05)
        # percentile_cont: 4 + 0.6 * (10 - 4)
        self.assertAlmostEqual(by_customer.p90_post_days, 7.6, delta=0.05)
        by_type = Stats.search(
            [("dimension", "=", "job_type"), ("job_type_id", "=", self.job_type.id)]
        )
        self.assertAlmostEqual(by_type.median_post_days, 3.0, delta=0.05)
        by_user = Stats.search(
            [("dimension", "=", "coordinator"), ("user_id", "=", self.coordinator.id)]
        )
        self.assertEqual(by_user.job_count, 5)
        weeks = Stats.search([("dimension", "=", "week")])
        self.assertEqual(sum(weeks.mapped("job_count")), 5)
