from odoo.tests import tagged

from odoo.addons.workshop_job_card.tests.common import QueryCount

from .common import ServiceCommon

# what coverage adds to invoicing a 4-line job of which 3 lines are covered
COVERAGE_QUERIES = 19


@tagged("post_install", "-at_install")
class TestCoverageQueries(ServiceCommon):
    def _queries_to_invoice(self, job):
        self._finish(job)
        job = job.with_user(self.coordinator)
        job.env.invalidate_all()
        with QueryCount(self.env) as queries:
            job.action_create_invoice()
        return queries.count

    def test_coverage_adds_a_bounded_number_of_queries_to_invoicing(self):
        lines = [
            ("labour", self.labour, 5),
            ("part", self.part_pads, 1),
            ("part", self.part_filter, 2),
            ("travel", self.travel, 20),
        ]
        # warm-up, so that neither measure pays for first-time caches
        self._queries_to_invoice(self._covered_job(lines, job_type=self.job_type))
        plain = self._queries_to_invoice(
            self._covered_job(lines, job_type=self.job_type, day="2026-03-11")
        )
        job = self._covered_job(lines, day="2026-03-12")
        self._finish(job)
        job = job.with_user(self.coordinator)
        job.env.invalidate_all()
        # the plan (period, locked allowance, what is left of it), the split
        # invoice lines and the coverage rows written once the invoice exists
        with self.assertQueryCount(plain + COVERAGE_QUERIES):
            job.action_create_invoice()
        self.assertTrue(job.invoice_ids.invoice_line_ids.workshop_covered_contract_id)
