import unittest

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestJobCardTour(HttpCase):
    """The web client walk of a job card, from creation to its invoice
    (static/tests/tours/workshop_job_tour.js), checked in the database after."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        # the tour bills the job: admin needs billing rights besides the
        # workshop manager group the addon gives it
        cls.admin.groups_id = [
            Command.link(cls.env.ref("account.group_account_invoice").id),
            Command.link(cls.env.ref("workshop_job_card.group_workshop_manager").id),
        ]
        # the tour clicks "Create Invoice" itself
        cls.env.company.workshop_auto_invoice_on_sign = False
        cls.tax = cls.env["account.tax"].create(
            {"name": "Tour VAT 15%", "amount": 15.0, "type_tax_use": "sale"}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tourbridge Garage Ltd", "is_company": True}
        )
        cls.ap_contact = cls.env["res.partner"].create(
            {
                "name": "Accounts Payable",
                "type": "invoice",
                "parent_id": cls.customer.id,
                "email": "ap@tourbridge.example.com",
            }
        )
        cls.part = cls.env["product.product"].create(
            {
                "name": "Tour Oil Filter",
                "type": "consu",
                "list_price": 12.5,
                "taxes_id": [Command.set(cls.tax.ids)],
            }
        )
        hour = cls.env.ref("uom.product_uom_hour")
        cls.labour = cls.env["product.product"].create(
            {
                "name": "Tour Labour Hour",
                "type": "service",
                "list_price": 90.0,
                "uom_id": hour.id,
                "uom_po_id": hour.id,
                "taxes_id": [Command.set(cls.tax.ids)],
            }
        )
        cls.technician = new_test_user(
            cls.env,
            login="ws_tour_tech",
            name="Tina Tourtech",
            groups="workshop_job_card.group_workshop_technician",
        )

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
