import unittest

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import PartsCommon


class TechnicianAppBrowserCommon(PartsCommon):
    """A technician with a van holding a part with a barcode, and a job
    dispatched to him today at a site with coordinates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.workshop_auto_invoice_on_sign = False
        cls.van = cls.env["stock.location"].create(
            {
                "name": "Van Tina",
                "usage": "internal",
                "location_id": cls.warehouse.view_location_id.id,
                "workshop_van_user_id": cls.technician.id,
            }
        )
        cls.seal = cls.env["product.product"].create(
            {
                "name": "Water pump seal",
                "type": "consu",
                "is_storable": True,
                "sale_ok": True,
                "list_price": 18.0,
                "barcode": "2009990000777",
            }
        )
        cls.env["stock.quant"]._update_available_quantity(cls.seal, cls.van, 3)
        cls.phone_customer = cls.env["res.partner"].create(
            {
                "name": "Phone Tour Garage",
                "is_company": True,
                "street": "2 Harbour Lane",
                "city": "Hull",
                "partner_latitude": 53.7457,
                "partner_longitude": -0.3367,
            }
        )
        cls.phone_job = cls._create_job(
            partner_id=cls.phone_customer.id,
            scheduled_datetime=fields.Datetime.now(),
            technician_ids=[Command.set(cls.technician.ids)],
            office_note="Gate code 4711",
        )
        cls.phone_job.action_schedule()
        cls.phone_job.action_dispatch()


@tagged("post_install", "-at_install")
class TestTechnicianAppTour(HttpCase, TechnicianAppBrowserCommon):
    """My Day's full day online on a phone viewport
    (static/tests/tours/technician_app_tour.esm.js)."""

    browser_size = "390x844"
    touch_enabled = True

    def test_full_day_on_a_phone_ends_ready_to_invoice(self):
        try:
            self.start_tour(
                "/odoo/action-workshop_job_card.workshop_technician_app_action",
                "workshop_technician_app_tour",
                login="ws_tech",
                timeout=240,
            )
        except unittest.SkipTest as skip:
            self.fail(f"The browser tour could not run: {skip}")
        job = self.phone_job
        self.assertEqual(job.state, "signed")
        self.assertEqual(job.signed_by, "Pat Customer")
        self.assertTrue(job.signature)
        self.assertIn("water pump seal", job.resolution.lower())
        self.assertEqual(len(job.timelog_ids), 1)
        self.assertTrue(job.timelog_ids.client_uuid)
        self.assertEqual(len(job.photo_ids), 1)
        part = job.line_ids.filtered(lambda line: line.product_id == self.seal)
        self.assertEqual(part.quantity, 1)
        self.assertEqual(self._on_hand(self.seal, self.van), 2)
        self.assertEqual(job.invoice_status, "to_invoice")
        self.assertEqual(
            job.stage_log_ids.sorted("id").mapped("to_state"),
            [
                "draft",
                "scheduled",
                "dispatched",
                "en_route",
                "on_site",
                "done",
                "signed",
            ],
        )
