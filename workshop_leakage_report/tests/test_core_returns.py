from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from .common import LeakageCommon


@tagged("post_install", "-at_install")
class TestCoreReturns(LeakageCommon):
    """A core charged on a job and not sent back to the vendor within the
    grace days is a leak of its own: the vendor's core credit is at stake."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.workshop_leak_core_days = 10
        cls.starter, cls.starter_core = cls._core_part("Starter motor 24V")
        cls.vendor = cls._vendor("Rebuild Motors GmbH", cls.starter, 150.0)
        # what the vendor credits per core sent back
        cls.env["product.supplierinfo"].create(
            {
                "partner_id": cls.vendor.id,
                "product_tmpl_id": cls.starter_core.product_tmpl_id.id,
                "price": 40.0,
            }
        )
        cls.env["stock.quant"]._update_available_quantity(cls.starter, cls.stock, 5)

    def _charged_job(self, qty):
        job = self._open_job()
        self._issue(job, {self.starter: qty})
        core = job.line_ids.filtered("workshop_core_parent_id")
        self.assertEqual(core.quantity, qty)
        job.resolution = "<p>Starter replaced.</p>"
        job.action_done()
        job.action_sign(signature=self._signature(), signed_by="Sam")
        invoice = self._invoice(job)
        self.assertIn(self.starter_core, invoice.invoice_line_ids.product_id)
        return job, core.workshop_core_move_ids

    def _age(self, moves, days):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE stock_move SET create_date = %s WHERE id = ANY(%s)",
                fields.Datetime.now() - timedelta(days=days),
                moves.ids,
            )
        )

    def _core_leaks(self, job):
        return self._leaks(
            [("job_id", "=", job.id), ("leak_kind", "=", "core_not_returned")]
        )

    def test_core_not_returned_after_grace_is_a_leak_until_returned(self):
        job, moves = self._charged_job(2)
        self.assertFalse(self._core_leaks(job), "within the grace days")
        self._age(moves, 9)
        self.assertFalse(self._core_leaks(job), "within the grace days")
        self._age(moves, 11)
        leak = self._core_leaks(job)
        self.assertEqual(len(leak), 1)
        self.assertEqual(leak.product_id, self.starter_core)
        self.assertEqual(leak.stock_move_id, moves)
        self.assertAlmostEqual(leak.quantity, 2)
        self.assertAlmostEqual(leak.value_cost, 80.0)
        self.assertAlmostEqual(leak.value_risk, 80.0)
        self.assertAlmostEqual(leak.value_sale, 0.0)
        # the weekly run counts it under its own kind
        run = self.env["workshop.leakage.run"]._run_for_company(self.company)
        line = run.line_ids.filtered(lambda ln: ln.leak_kind == "core_not_returned")
        self.assertEqual(line.leak_count, 1)
        self.assertAlmostEqual(line.value_risk, 80.0)
        self.assertEqual(line.name, "Core Not Returned to Vendor")

        self._validate(moves.picking_id)
        self.assertEqual(moves.state, "done")
        self.assertFalse(self._core_leaks(job))

    def test_without_vendor_credit_the_core_cost_is_at_stake(self):
        self.starter_core.standard_price = 25.0
        self.starter_core.product_tmpl_id.seller_ids.unlink()
        job, moves = self._charged_job(1)
        self._age(moves, 11)
        self.assertAlmostEqual(self._core_leaks(job).value_risk, 25.0)

    def test_grace_days_come_from_the_company(self):
        job, moves = self._charged_job(1)
        self._age(moves, 5)
        self.assertFalse(self._core_leaks(job))
        self.company.workshop_leak_core_days = 3
        self.assertTrue(self._core_leaks(job))
