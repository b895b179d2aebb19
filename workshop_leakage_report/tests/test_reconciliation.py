from odoo.tests import tagged

from .common import LeakageCommon


@tagged("post_install", "-at_install")
class TestReconciliation(LeakageCommon):
    def test_issued_part_left_off_the_invoice_is_not_invoiced(self):
        job = self._job_with_parts({self.oil: 4, self.belt: 1})
        self._invoice(job, edit=lambda inv: self._line(inv, self.oil).unlink())
        rows = self._recon(job)
        oil = rows[self.oil]
        self.assertEqual(
            (oil.qty_issued, oil.qty_returned, oil.qty_used, oil.qty_invoiced),
            (4, 0, 4, 0),
        )
        self.assertEqual(oil.qty_difference, 4)
        self.assertEqual(oil.leak_kind, "not_invoiced")
        self.assertTrue(oil.is_leak)
        self.assertAlmostEqual(oil.value_sale, 36.0)  # 4 x list price 9
        self.assertAlmostEqual(oil.value_cost, 16.0)  # 4 x cost 4
        self.assertEqual(rows[self.belt].leak_kind, "ok")
        self.assertEqual(rows[self.labour].leak_kind, "ok")
        leak = self._job_leaks(job)
        self.assertEqual(leak.mapped("leak_kind"), ["not_invoiced"])
        self.assertEqual(leak.product_id, self.oil)
        self.assertAlmostEqual(leak.value_risk, 36.0)

    def test_invoicing_more_than_was_used_is_over_invoiced(self):
        job = self._job_with_parts({self.oil: 6}, returns={self.oil: 2})

        def raise_quantity(invoice):
            self._line(invoice, self.oil).quantity = 5

        self._invoice(job, edit=raise_quantity)
        oil = self._recon(job)[self.oil]
        self.assertEqual((oil.qty_used, oil.qty_invoiced), (4, 5))
        self.assertEqual(oil.qty_difference, -1)
        self.assertEqual(oil.leak_kind, "over_invoiced")
        self.assertAlmostEqual(oil.value_sale, -9.0)
        self.assertAlmostEqual(oil.value_risk, 9.0)

    def test_phantom_part_on_the_invoice_is_over_invoiced(self):
        job = self._job_with_parts({self.oil: 2})

        def add_belt(invoice):
            invoice.write(
                {
                    "invoice_line_ids": [
                        (0, 0, {"product_id": self.belt.id, "quantity": 1})
                    ]
                }
            )

        self._invoice(job, edit=add_belt)
        belt = self._recon(job)[self.belt]
        self.assertEqual((belt.qty_issued, belt.qty_invoiced), (0, 1))
        self.assertEqual(belt.leak_kind, "over_invoiced")

    def test_invoiced_amount_is_net_of_credit_notes_in_company_currency(self):
        job = self._job_with_parts({self.oil: 4})
        invoice = self._invoice(job)
        self._credit(invoice, {self.oil: 1})
        oil = self._recon(job)[self.oil]
        self.assertEqual(oil.qty_invoiced, 3)
        self.assertAlmostEqual(oil.amount_invoiced, 27.0)
        self.assertEqual(oil.leak_kind, "not_invoiced")
        self.assertEqual(oil.qty_difference, 1)

    def test_uom_conversions_in_moves_and_invoice_lines(self):
        job = self._open_job()
        self._request(job, self.oil, 1, product_uom_id=self.dozen.id)
        self._validate(job._workshop_get_issue_picking())
        job.resolution = "<p>Done.</p>"
        job.action_done()

        def bill_in_dozens(invoice):
            self._line(invoice, self.oil).write(
                {"product_uom_id": self.dozen.id, "quantity": 1, "price_unit": 108}
            )

        self._invoice(job, edit=bill_in_dozens)
        oil = self._recon(job)[self.oil]
        self.assertEqual((oil.qty_issued, oil.qty_invoiced), (12, 12))
        self.assertEqual(oil.leak_kind, "ok")
        self.assertFalse(self._job_leaks(job))

    def test_open_job_difference_is_work_in_progress_not_a_leak(self):
        job = self._open_job()
        self._issue(job, {self.oil: 3})
        oil = self._recon(job)[self.oil]
        self.assertEqual(oil.leak_kind, "in_progress")
        self.assertFalse(oil.is_leak)
        self.assertFalse(self._job_leaks(job))
