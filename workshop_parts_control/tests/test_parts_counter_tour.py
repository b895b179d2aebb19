import unittest

from odoo.tests import HttpCase, tagged

from .common import PartsCommon


@tagged("post_install", "-at_install")
class TestPartsCounterTour(HttpCase, PartsCommon):
    """The parts counter in the web client (static/tests/tours/
    parts_counter_tour.esm.js): a clerk scans a job card and two parts, validates,
    and the job card holds both parts, checked in the database after."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tour_oil = cls._part(
            "Tour Engine Oil 5W30", 20, sale_ok=True, barcode="2009990000012"
        )
        cls.tour_belt = cls._part(
            "Tour V-Belt", 5, sale_ok=True, barcode="2009990000029"
        )
        cls.job = cls._open_job(name="WJ/TOUR/0001")

    def test_clerk_scans_job_and_two_parts_then_finds_them_on_the_job(self):
        self._request(self.job, self.tour_oil, 2)
        try:
            self.start_tour(
                "/odoo/action-workshop_parts_control.workshop_parts_counter_action",
                "workshop_parts_counter_tour",
                login="ws_clerk",
                timeout=180,
            )
        except unittest.SkipTest as skip:
            # a tour that cannot run tests nothing: say why instead of passing
            self.fail(f"The browser tour could not run: {skip}")

        picking = self.job.workshop_picking_ids
        self.assertEqual(len(picking), 1, "one issue transfer, no backorder")
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.move_ids.write_uid, self.clerk)
        lines = self.job.line_ids.filtered("workshop_is_stock_line")
        self.assertEqual(
            {line.product_id: line.quantity for line in lines},
            {self.tour_oil: 2.0, self.tour_belt: 2.0},
        )
        self.assertEqual(lines.workshop_move_ids, picking.move_ids)
        self.assertEqual(self._on_hand(self.tour_oil), 18)
        self.assertEqual(self._on_hand(self.tour_belt), 3)
