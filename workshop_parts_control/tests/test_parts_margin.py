from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import PartsCommon

MODELS = "odoo.addons.workshop_parts_control.models"
JOB_MODEL = f"{MODELS}.workshop_job.margin.WorkshopJob"
LINE_MODEL = f"{MODELS}.workshop_job_line.margin.WorkshopJobLine"


@tagged("post_install", "-at_install")
class TestPartsMargin(PartsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.labour.standard_price = 30.0

    def _job_with_oil(self):
        """A job with 1 h labour (90 sold, 30 cost) and 2 L of oil issued
        (9 sold, 4 cost each); the oil's cost rises to 6 afterwards."""
        job = self._open_job()
        self._issue(job, {self.oil: 2})
        self.oil.standard_price = 6.0
        return job.with_user(self.manager)

    def test_manager_sees_revenue_costs_and_margin(self):
        job = self._job_with_oil()
        valued = job._workshop_stock_valuation_installed()
        # with inventory valuation the issue keeps the cost it left the shelf at
        parts_cost = 8.0 if valued else 12.0
        self.assertEqual(job.workshop_revenue, 108.0)
        self.assertEqual(job.workshop_parts_cost, parts_cost)
        self.assertEqual(job.workshop_labour_cost, 30.0)
        self.assertEqual(job.workshop_margin, 108.0 - parts_cost - 30.0)
        self.assertAlmostEqual(
            job.workshop_margin_percent, 100 * (78.0 - parts_cost) / 108.0
        )

    def test_a_line_being_typed_without_product_costs_nothing(self):
        # the form's "Add a line" computes the margin of a line with no product
        job = self._job_with_oil()
        with Form(job) as form:
            with form.line_ids.new() as line:
                line.kind = "fee"
            # before the fix this raised "Expected singleton: uom.uom()"; in the
            # form, the oil is costed at the valuation or at the product cost
            self.assertIn(form.workshop_parts_cost, (8.0, 12.0))

    def test_without_inventory_valuation_parts_cost_is_the_product_cost(self):
        job = self._job_with_oil()
        with patch(f"{JOB_MODEL}._workshop_stock_valuation_installed", lambda s: False):
            job.invalidate_recordset(["workshop_parts_cost"])
            self.assertEqual(job.workshop_parts_cost, 12.0)

    def test_returned_parts_leave_the_cost(self):
        job = self._job_with_oil()
        self._return(job, {self.oil: 1})
        job.invalidate_recordset(["workshop_parts_cost"])
        self.assertEqual(job.workshop_revenue, 99.0)
        expected = 4.0 if job._workshop_stock_valuation_installed() else 6.0
        self.assertEqual(job.workshop_parts_cost, expected)

    def test_consigned_parts_cost_the_vendor_price(self):
        vendor = self._vendor("Lube Consign BV", self.belt, 8.5)
        self.env["stock.quant"]._update_available_quantity(self.belt, self.stock, -10)
        self._consign(self.belt, 3, vendor)
        job = self._open_job()
        self._issue(job, {self.belt: 2})
        job = job.with_user(self.manager)
        self.assertEqual(job.workshop_parts_cost, 17.0)

    def test_labour_cost_counts_the_hours(self):
        job = self._open_job()
        job.line_ids.filtered(lambda ln: ln.kind == "labour").quantity = 2.5
        self.assertEqual(job.with_user(self.manager).workshop_labour_cost, 75.0)

    def test_technician_hourly_cost_beats_the_labour_product_cost(self):
        job = self._open_job()
        labour = job.line_ids.filtered(lambda ln: ln.kind == "labour")
        labour.write({"quantity": 2.0, "technician_id": self.technician.id})
        with patch(
            f"{LINE_MODEL}._workshop_technician_hourly_cost",
            lambda line: 42.0 if line.technician_id == self.technician else 0.0,
        ):
            self.assertEqual(job.with_user(self.manager).workshop_labour_cost, 84.0)
        labour.technician_id = self.technician2
        job.invalidate_recordset(["workshop_labour_cost"])
        self.assertEqual(job.with_user(self.manager).workshop_labour_cost, 60.0)

    def test_margin_is_for_service_managers_only(self):
        job = self._job_with_oil()
        for user in (self.coordinator, self.technician):
            with self.assertRaises(AccessError):
                job.with_user(user).read(["workshop_margin"])
        self.assertTrue(job.read(["workshop_margin"]))
        Job = self.env["workshop.job"]
        arch = Job.with_user(self.coordinator).get_views([(False, "form")])
        self.assertNotIn("workshop_margin", arch["views"]["form"]["arch"])
        arch = Job.with_user(self.manager).get_views([(False, "form")])
        self.assertIn("workshop_margin", arch["views"]["form"]["arch"])
