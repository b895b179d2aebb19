import random

from odoo.tests import tagged

from .common import LeakageCommon


@tagged("post_install", "-at_install")
class TestReconciliationTruth(LeakageCommon):
    """Randomised jobs (issues, returns, dozens, partial credit notes,
    re-invoicing) that end fully invoiced: the views explain every unit."""

    def test_randomised_jobs_fully_invoiced_leave_no_unexplained_difference(self):
        rng = random.Random(4711)
        self.env["stock.quant"]._update_available_quantity(self.oil, self.stock, 500)
        self.env["stock.quant"]._update_available_quantity(self.belt, self.stock, 50)
        jobs = self.env["workshop.job"]
        for _i in range(6):
            job = self._open_job()
            oil, belt = rng.randint(1, 8), rng.randint(1, 3)
            if rng.random() < 0.5:
                self._request(job, self.oil, 1, product_uom_id=self.dozen.id)
                self._validate(job._workshop_get_issue_picking())
                oil_total = oil + 12
            else:
                oil_total = oil
            self._issue(job, {self.oil: oil, self.belt: belt})
            back = rng.randint(0, oil_total - 1)
            if back:
                self._return(job, {self.oil: back})
            job.resolution = "<p>Done.</p>"
            job.action_done()
            invoice = self._invoice(job)
            if rng.random() < 0.7:
                self._credit(invoice, {self.oil: rng.randint(1, oil_total - back)})
                self._invoice(job)
            jobs |= job
        self.env.flush_all()
        Recon = self.env["workshop.leakage.reconciliation"]
        Recon.invalidate_model()
        rows = Recon.search([("job_id", "in", jobs.ids)])
        self.assertEqual(set(rows.mapped("leak_kind")), {"ok"})
        self.assertFalse(self._leaks([("job_id", "in", jobs.ids)]))
        # the views agree with the job lines, product by product
        for line in jobs.line_ids.filtered("workshop_is_stock_line"):
            row = rows.filtered(
                lambda r, ln=line: r.job_id == ln.job_id
                and r.product_id == ln.product_id
            )
            self.assertAlmostEqual(row.qty_issued, line.workshop_qty_issued)
            self.assertAlmostEqual(row.qty_returned, line.workshop_qty_returned)
            self.assertAlmostEqual(row.qty_invoiced, line.qty_invoiced)
