from odoo.tests import tagged

from odoo.addons.workshop_job_card.tests.common import _report

from .common import ServiceCommon


@tagged("post_install", "-at_install")
class TestCoverageQueries(ServiceCommon):
    def _queries_to_invoice(self, job):
        self._finish(job)
        job = job.with_user(self.coordinator)
        job.env.invalidate_all()
        self.env.flush_all()
        before = self.cr.sql_log_count
        job.action_create_invoice()
        self.env.flush_all()
        return self.cr.sql_log_count - before

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
        covered = self._queries_to_invoice(self._covered_job(lines, day="2026-03-12"))
        _report(
            f"queries to invoice a 4-line job: not covered {plain}, covered "
            f"{covered} (+{covered - plain}, ratio {covered / plain:.2f})"
        )
        self.assertLessEqual(covered - plain, 40)
