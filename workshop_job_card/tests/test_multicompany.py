"""Reliability test 12 (shared/RELIABILITY.md): multi-company isolation and billing."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import WorkshopCommon, _report


@tagged("post_install", "-at_install")
class TestInvoiceMultiCompany(WorkshopCommon):
    """Test 12: company A sees nothing of company B; B's jobs bill in B."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls._company(
            "Workshop B", chart=True, currency_id=cls.company.currency_id.id
        )
        tax_b = cls.company_b.account_sale_tax_id
        for product in cls.part_filter | cls.part_pads | cls.labour | cls.travel:
            product.taxes_id |= tax_b
        cls.env.user.company_ids |= cls.company_b
        cls.user_a = cls._user("ws_rel_a", "manager", "invoicing")
        cls.biller_ab = cls._user(
            "ws_rel_ab",
            "coordinator",
            "invoicing",
            companies=cls.company | cls.company_b,
        )

    def _job_b(self):
        return self._finish(
            self._create_job(self._standard_lines(), company_id=self.company_b.id)
        )

    def test_user_of_a_sees_nothing_of_b(self):
        job_b = self._job_b()
        self.env["workshop.job.timelog"].create(
            {
                "job_id": self._create_job(company_id=self.company_b.id).id,
                "user_id": self.technician.id,
                "start_datetime": "2026-11-20 08:00:00",
                "stop_datetime": "2026-11-20 09:00:00",
            }
        )
        counts = {}
        for model in ("workshop.job", "workshop.job.line", "workshop.job.timelog"):
            domain = [("company_id", "=", self.company_b.id)]
            self.assertTrue(self.env[model].search_count(domain), model)
            counts[model] = self.env[model].with_user(self.user_a).search_count(domain)
        _report(f"\ncompany B records seen by a user of A: {counts}")
        self.assertEqual(counts, dict.fromkeys(counts, 0))
        with self.assertRaises(AccessError):
            job_b.with_user(self.user_a).action_create_invoice()

    def test_invoices_land_in_the_company_of_their_jobs(self):
        job_a = self._finish(self._create_job(self._standard_lines()))
        job_b = self._job_b()
        other_b = self._job_b()
        jobs = (job_a | job_b | other_b).with_user(self.biller_ab)
        # the biller works in A and has B allowed: B's jobs still bill in B
        jobs = jobs.with_context(
            allowed_company_ids=(self.company | self.company_b).ids
        )
        jobs.action_create_invoice(grouped=True)
        wrong = 0
        for job in job_a | job_b | other_b:
            for move in job.invoice_ids:
                wrong += move.company_id != job.company_id
                wrong += move.journal_id.company_id != job.company_id
                wrong += any(
                    tax.company_id != job.company_id for tax in move.line_ids.tax_ids
                )
        _report(f"\nmulti-company billing: invoices in the wrong company = {wrong}")
        self.assertEqual(wrong, 0)
        self.assertEqual(len(job_b.invoice_ids), 1)
        self.assertEqual(job_b.invoice_ids, other_b.invoice_ids, "grouped within B")
        self.assertNotEqual(job_a.invoice_ids, job_b.invoice_ids)
        self.assertTrue(job_b.invoice_ids.line_ids.tax_ids)
