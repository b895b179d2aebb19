import unittest

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import ROLES, WorkshopCommon


@tagged("post_install", "-at_install")
class TestJobCardTour(WorkshopCommon, HttpCase):
    """The web client walk of a job card, from creation to its invoice
    (static/tests/tours/workshop_job_tour.esm.js), checked in the database after."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        # the tour bills the job: admin needs billing rights besides the
        # workshop manager group the addon gives it
        cls.admin.groups_id = [
            Command.link(cls.env.ref(ROLES["invoicing"]).id),
            Command.link(cls.env.ref(ROLES["manager"]).id),
        ]
        # the tour clicks "Create Invoice" itself
        cls.company.workshop_auto_invoice_on_sign = False
        # the names the tour types (workshop_job_tour.esm.js)
        cls.customer.name = "Tourbridge Garage Ltd"
        cls.part = cls._product("Tour Oil Filter", 12.5)
        hour = cls.env.ref("uom.product_uom_hour")
        cls.labour = cls._product(
            "Tour Labour Hour", 90.0, "service", uom_id=hour.id, uom_po_id=hour.id
        )
        cls.company.workshop_labour_product_id = cls.labour
        cls.technician = cls._user("ws_tour_tech", "technician", name="Tina Tourtech")

    def test_job_card_to_invoice_in_the_web_client(self):
        try:
            self.start_tour(
                "/odoo/action-workshop_job_card.workshop_job_action",
                "workshop_job_card_tour",
                login="admin",
                timeout=300,
            )
        except unittest.SkipTest as skip:
            # a tour that cannot run tests nothing: say why instead of passing
            self.fail(f"The browser tour could not run: {skip}")

        job = self.env["workshop.job"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(job), 1, "the tour creates exactly one job")
        self.assertEqual(job.state, "invoiced")
        self.assertEqual(job.invoice_status, "invoiced")
        self.assertEqual(job.technician_ids, self.technician)
        self.assertEqual(job.partner_invoice_id, self.ap_contact)
        self.assertEqual(job.signed_by, "Sam Signer")
        self.assertTrue(job.signature, "the drawn signature is stored")
        self.assertTrue(job.signed_datetime)
        self.assertIn("Replaced the oil filter", job.resolution)
        walked = ["draft", "scheduled", "dispatched", "on_site", "done", "signed"]
        self.assertEqual(
            job.stage_log_ids.sorted("id").mapped("to_state"), walked + ["invoiced"]
        )

        invoice = job.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.partner_id, self.ap_contact)
        self.assertEqual(invoice.workshop_job_id, job)
        lines = invoice.invoice_line_ids.filtered(
            lambda aml: aml.display_type == "product"
        )
        self.assertEqual(
            sorted((aml.product_id.id, aml.quantity, aml.price_unit) for aml in lines),
            sorted([(self.part.id, 2.0, 12.5), (self.labour.id, 1.5, 90.0)]),
        )
        self.assertEqual(lines.workshop_job_line_id, job.line_ids)
        self.assertEqual(invoice.amount_untaxed, 2 * 12.5 + 1.5 * 90.0)
        self.assertEqual(invoice.amount_untaxed, job.amount_untaxed)
