from odoo import Command
from odoo.tests import tagged

from .common import LeakageCommon


@tagged("post_install", "-at_install")
class TestCleanJobs(LeakageCommon):
    def _assert_clean(self, job):
        rows = self._recon(job)
        self.assertTrue(rows)
        self.assertEqual(
            {p.display_name: r.leak_kind for p, r in rows.items()},
            {p.display_name: "ok" for p in rows},
        )
        self.assertFalse(self._job_leaks(job))

    def test_returns_credit_note_and_reinvoicing_leave_no_difference(self):
        job = self._job_with_parts(
            {self.oil: 6, self.belt: 2}, returns={self.oil: 2, self.belt: 1}
        )
        invoice = self._invoice(job)
        self._assert_clean(job)
        self._credit(invoice)
        self.assertEqual(self._recon(job)[self.oil].leak_kind, "not_invoiced")
        self._invoice(job)
        self._assert_clean(job)
        oil = self._recon(job)[self.oil]
        self.assertEqual(
            (oil.qty_issued, oil.qty_returned, oil.qty_invoiced), (6, 2, 4)
        )

    def test_partial_credit_then_reinvoicing_reconciles(self):
        job = self._job_with_parts({self.oil: 5})
        invoice = self._invoice(job)
        self._credit(invoice, {self.oil: 2})
        oil = self._recon(job)[self.oil]
        self.assertEqual((oil.qty_invoiced, oil.leak_kind), (3, "not_invoiced"))
        self._invoice(job)
        self._assert_clean(job)

    def test_invoice_in_foreign_currency_counts_in_company_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        if eur == self.company.currency_id:
            eur = self.env.ref("base.USD")
            eur.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": eur.id,
                "rate": 2.0,
                "name": "2020-01-01",
                "company_id": self.company.id,
            }
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Foreign", "currency_id": eur.id}
        )
        job = self._job_with_parts({self.oil: 4}, pricelist_id=pricelist.id)
        invoice = self._invoice(job)
        self.assertEqual(invoice.currency_id, eur)
        oil = self._recon(job)[self.oil]
        self.assertEqual(oil.leak_kind, "ok")
        line = self._line(invoice, self.oil)
        self.assertAlmostEqual(oil.amount_invoiced, -line.balance)
        self.assertAlmostEqual(oil.amount_invoiced, line.price_subtotal / 2.0)
        self._assert_clean(job)

    def test_each_company_sees_only_its_own_leaks(self):
        other = self._company("Workshop North")
        job = self._create_job(
            [("fee", self.part_filter, 2)],
            company_id=other.id,
            pricelist_id=False,
        )
        job.with_company(other).scheduled_datetime = "2026-11-20 08:00:00"
        self._finish(job.with_company(other), sign=False)
        self._age_done(job, 10)
        rows = self._recon(job)
        self.assertEqual(rows[self.part_filter].company_id, other)
        self.assertEqual(rows[self.part_filter].leak_kind, "done_not_invoiced")
        Exception_ = self.env["workshop.leakage.exception"].with_user(self.accountant)
        self.assertFalse(Exception_.search([("company_id", "=", other.id)]))
        self.assertFalse(Exception_.search([("job_id", "=", job.id)]))
        self.accountant.company_ids = [Command.link(other.id)]
        both = Exception_.with_context(
            allowed_company_ids=[self.company.id, other.id]
        ).search([("job_id", "=", job.id)])
        self.assertEqual(both.company_id, other)
