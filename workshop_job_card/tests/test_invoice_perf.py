"""Query budget of job invoicing: it grows by a small constant per line.

A job of 10 lines and one of 100 lines are invoiced and posted; the queries of
each (``cr.sql_log_count``, after a warm-up and with a cold record cache) give the
cost per extra line, which must stay below ``PER_LINE`` (Odoo's own invoice creation
and posting included), and the 100-line job stays below an absolute cap.
"""

from odoo.tests import tagged

from .common import QueryCount, WorkshopCommon, _report

PER_LINE = 2  # queries per extra job line, invoice creation and posting included
CAP_100 = 350  # queries to invoice and post a 100-line job


@tagged("post_install", "-at_install")
class TestInvoicePerf(WorkshopCommon):
    def _lines(self, count):
        mix = [
            ("part", self.part_filter, 2),
            ("part", self.part_pads, 1),
            ("labour", self.labour, 1.5),
            ("travel", self.travel, 30),
        ]
        return [mix[i % len(mix)] for i in range(count)]

    def _queries_to_invoice(self, count):
        """Queries to invoice and post a done job of ``count`` lines."""
        job = self._finish(self._create_job(self._lines(count)))
        self.env.invalidate_all()
        job = job.with_user(self.coordinator)
        with QueryCount(self.env) as queries:
            job.action_create_invoice()
            job.invoice_ids.action_post()
        self.assertEqual(job.state, "invoiced")
        self.assertEqual(len(job.invoice_ids.invoice_line_ids), count)
        return queries.count

    def test_invoicing_queries_grow_by_a_small_constant_per_line(self):
        self._queries_to_invoice(4)  # warm-up: caches of groups, rules, accounts
        q10 = self._queries_to_invoice(10)
        q100 = self._queries_to_invoice(100)
        per_line = (q100 - q10) / 90
        _report(
            f"\ninvoice + post queries: 10 lines = {q10}, 100 lines = {q100}, "
            f"per extra line = {per_line:.2f} (budget {PER_LINE})"
        )
        self.assertLessEqual(per_line, PER_LINE)
        self.assertLessEqual(q100, CAP_100)
