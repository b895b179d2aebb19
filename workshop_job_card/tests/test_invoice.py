from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestJobInvoice(WorkshopCommon):
    def _invoice(self, job):
        job.with_user(self.coordinator).action_create_invoice()
        return job.invoice_ids

    def test_invoice_has_every_billable_line_and_nothing_else(self):
        job = self._create_job(self._standard_lines() + [("note", None, 0)])
        job.line_ids.filtered(
            lambda line: line.product_id == self.part_pads
        ).is_billable = False
        self._finish(job)
        invoice = self._invoice(job)
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(
            invoice.partner_id, self.ap_contact, "billed to the AP contact"
        )
        self.assertEqual(invoice.ref, "PO-4711")
        self.assertEqual(invoice.invoice_origin, job.name)
        self.assertEqual(invoice.workshop_job_id, job)
        products = invoice.invoice_line_ids.filtered(
            lambda a: a.display_type == "product"
        )
        self.assertEqual(
            sorted((a.product_id.name, a.quantity, a.price_unit) for a in products),
            sorted(
                [
                    ("Oil filter", 2.0, 12.5),
                    ("Labour standard", 1.5, 90.0),
                    ("Travel km", 30.0, 0.8),
                ]
            ),
        )
        self.assertEqual(
            products.workshop_job_line_id,
            job.line_ids.filtered("is_billable").filtered(
                lambda line: line.kind in ("part", "labour", "travel")
            ),
        )
        self.assertEqual(products.tax_ids, self.tax_15)
        # the section heads its lines; the trailing note has no billable line after it
        sections = invoice.invoice_line_ids.filtered(
            lambda a: a.display_type == "line_section"
        )
        self.assertEqual(len(sections), 1)
        self.assertFalse(
            invoice.invoice_line_ids.filtered(lambda a: a.display_type == "line_note")
        )
        self.assertAlmostEqual(invoice.amount_untaxed, 2 * 12.5 + 1.5 * 90 + 30 * 0.8)
        self.assertAlmostEqual(invoice.amount_total, invoice.amount_untaxed * 1.15)
        self.assertEqual(job.state, "invoiced")
        self.assertEqual(job.invoice_status, "invoiced")

    def test_discount_and_warranty_lines(self):
        job = self._create_job(
            [("part", self.part_pads, 1), ("part", self.part_filter, 1)]
        )
        job.line_ids[0].discount = 10
        job.line_ids[1].is_warranty = True
        self._finish(job)
        invoice = self._invoice(job)
        pads = invoice.invoice_line_ids.filtered(
            lambda a: a.product_id == self.part_pads
        )
        self.assertEqual(pads.discount, 10)
        warranty = invoice.invoice_line_ids.filtered(
            lambda a: a.product_id == self.part_filter
        )
        self.assertEqual(warranty.price_unit, 0.0)
        self.assertIn("warranty", warranty.name)
        self.assertAlmostEqual(invoice.amount_untaxed, 72.0)

    def test_fiscal_position_maps_taxes(self):
        tax_0 = self.env["account.tax"].create(
            {"name": "Export 0%", "amount": 0, "type_tax_use": "sale"}
        )
        fpos = self.env["account.fiscal.position"].create(
            {
                "name": "Export",
                "tax_ids": [
                    Command.create(
                        {"tax_src_id": self.tax_15.id, "tax_dest_id": tax_0.id}
                    )
                ],
            }
        )
        self.customer.property_account_position_id = fpos
        self.ap_contact.property_account_position_id = fpos
        job = self._finish(self._create_job(self._standard_lines()))
        self.assertEqual(job.fiscal_position_id, fpos)
        invoice = self._invoice(job)
        self.assertEqual(invoice.fiscal_position_id, fpos)
        self.assertEqual(invoice.invoice_line_ids.tax_ids, tax_0)

    def test_second_invoice_click_creates_nothing(self):
        job = self._finish(self._create_job(self._standard_lines()))
        invoice = self._invoice(job)
        action = job.with_user(self.coordinator).action_create_invoice()
        self.assertEqual(job.invoice_ids, invoice)
        self.assertEqual(action["res_id"], invoice.id)
        self.assertEqual(
            self.env["account.move"].search_count([("workshop_job_id", "=", job.id)]), 1
        )

    def test_job_not_done_is_refused(self):
        job = self._create_job(self._standard_lines())
        with self.assertRaisesRegex(UserError, "not done"):
            job.with_user(self.coordinator).action_create_invoice()
        self.assertFalse(job.invoice_ids)

    def test_technician_cannot_invoice(self):
        job = self._finish(self._create_job(self._standard_lines()))
        with self.assertRaises(AccessError):
            job.with_user(self.technician).action_create_invoice()
        self.assertFalse(job.invoice_ids)

    def test_accountant_can_invoice(self):
        job = self._finish(self._create_job(self._standard_lines()))
        job.with_user(self.accountant).action_create_invoice()
        self.assertEqual(len(job.invoice_ids), 1)

    def test_invoiced_job_is_locked(self):
        job = self._finish(self._create_job(self._standard_lines()))
        self._invoice(job)
        with self.assertRaises(UserError):
            job.client_order_ref = "PO-CHANGED"
        with self.assertRaises(UserError):
            job.line_ids[1].quantity = 5
        with self.assertRaises(UserError):
            self.env["workshop.job.line"].create(
                {"job_id": job.id, "kind": "part", "product_id": self.part_filter.id}
            )
        with self.assertRaises(UserError):
            job.line_ids[1].unlink()
        with self.assertRaises(UserError):
            job.action_cancel()

    def test_invoiced_job_still_takes_activities_and_portal_links(self):
        job = self._finish(self._create_job(self._standard_lines()))
        self._invoice(job)
        job.access_token = False
        job.activity_schedule(
            "mail.mail_activity_data_todo", summary="Call the customer"
        )
        self.assertTrue(job._portal_ensure_token())
        self.assertEqual(job.activity_ids.summary, "Call the customer")

    def test_posted_line_cannot_change_after_credit_reopens_job(self):
        job = self._finish(
            self._create_job(
                [("part", self.part_filter, 2), ("part", self.part_pads, 1)]
            )
        )
        invoice = self._invoice(job)
        invoice.action_post()
        # credit only the pads
        refund = invoice._reverse_moves()
        refund.invoice_line_ids.filtered(
            lambda a: a.product_id == self.part_filter
        ).unlink()
        refund.action_post()
        self.assertEqual(job.state, "signed")
        self.assertEqual(job.invoice_status, "to_reinvoice")
        filter_line = job.line_ids.filtered(
            lambda line: line.product_id == self.part_filter
        )
        with self.assertRaisesRegex(UserError, "posted invoice"):
            filter_line.quantity = 3

    def test_full_credit_note_reopens_and_reinvoice_bills_again(self):
        job = self._finish(self._create_job(self._standard_lines()))
        invoice = self._invoice(job)
        invoice.action_post()
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"reason": "wrong customer", "journal_id": invoice.journal_id.id})
        )
        wizard.refund_moves()
        refund = job.invoice_ids.filtered(lambda m: m.move_type == "out_refund")
        self.assertEqual(len(refund), 1)
        self.assertEqual(refund.workshop_job_id, job)
        refund.action_post()
        self.assertEqual(job.state, "signed")
        self.assertEqual(job.invoice_status, "to_reinvoice")
        self.assertTrue(all(line.qty_invoiced == 0 for line in job.line_ids))
        job.with_user(self.coordinator).action_create_invoice()
        new = job.invoice_ids.filtered(lambda m: m.move_type == "out_invoice") - invoice
        self.assertEqual(len(new), 1)
        self.assertAlmostEqual(new.amount_total, invoice.amount_total)
        self.assertEqual(job.state, "invoiced")

    def test_fully_credited_line_can_be_corrected_and_rebilled(self):
        job = self._finish(self._create_job([("part", self.part_filter, 2)]))
        invoice = self._invoice(job)
        invoice.action_post()
        invoice._reverse_moves().action_post()
        job.line_ids.with_user(self.coordinator).quantity = 3
        job.with_user(self.coordinator).action_create_invoice()
        new = job.invoice_ids.filtered(lambda m: m.move_type == "out_invoice") - invoice
        self.assertEqual(new.invoice_line_ids.quantity, 3)

    def test_partial_credit_reinvoices_only_what_it_reversed(self):
        job = self._finish(
            self._create_job(
                [("part", self.part_filter, 2), ("part", self.part_pads, 1)]
            )
        )
        invoice = self._invoice(job)
        invoice.action_post()
        refund = invoice._reverse_moves()
        refund.invoice_line_ids.filtered(
            lambda a: a.product_id == self.part_filter
        ).unlink()
        refund.action_post()
        job.with_user(self.coordinator).action_create_invoice()
        new = job.invoice_ids.filtered(lambda m: m.move_type == "out_invoice") - invoice
        self.assertEqual(new.invoice_line_ids.product_id, self.part_pads)
        self.assertEqual(new.invoice_line_ids.quantity, 1)

    def test_cancelled_draft_invoice_releases_lines(self):
        job = self._finish(self._create_job(self._standard_lines()))
        invoice = self._invoice(job)
        invoice.button_cancel()
        self.assertEqual(job.state, "signed")
        self.assertEqual(job.invoice_status, "to_invoice")
        job.with_user(self.coordinator).action_create_invoice()
        self.assertEqual(
            len(job.invoice_ids.filtered(lambda m: m.state != "cancel")), 1
        )
        self.assertEqual(job.state, "invoiced")

    def test_deleted_draft_invoice_releases_lines(self):
        job = self._finish(self._create_job(self._standard_lines()))
        invoice = self._invoice(job)
        invoice.unlink()
        self.assertEqual(job.state, "signed")
        self.assertEqual(job.invoice_status, "to_invoice")

    def test_grouped_invoice_per_customer(self):
        jobs = self._create_job(self._standard_lines()) | self._create_job(
            [("part", self.part_pads, 2)], client_order_ref="PO-2"
        )
        other = self.env["res.partner"].create({"name": "Other Co", "is_company": True})
        other_job = self._create_job(
            [("part", self.part_filter, 1)], partner_id=other.id
        )
        for job in jobs | other_job:
            self._finish(job)
        (jobs | other_job).with_user(self.coordinator).action_create_invoice(
            grouped=True
        )
        invoice = jobs.invoice_ids
        self.assertEqual(
            len(invoice), 1, "one invoice for the two jobs of the customer"
        )
        self.assertFalse(invoice.workshop_job_id)
        self.assertEqual(invoice.workshop_job_ids, jobs)
        self.assertEqual(invoice.ref, "PO-4711, PO-2")
        self.assertEqual(
            len(
                invoice.invoice_line_ids.filtered(
                    lambda a: a.display_type == "line_section"
                )
            ),
            3,
            "one section per job + the job's own",
        )
        self.assertEqual(len(other_job.invoice_ids), 1)
        self.assertNotEqual(other_job.invoice_ids, invoice)
        self.assertTrue(all(j.state == "invoiced" for j in jobs | other_job))

    def test_wizard_invoices_only_ready_jobs(self):
        ready = self._finish(self._create_job(self._standard_lines()))
        not_done = self._create_job(self._standard_lines())
        wizard = (
            self.env["workshop.job.invoice.wizard"]
            .with_user(self.coordinator)
            .with_context(
                active_model="workshop.job", active_ids=(ready | not_done).ids
            )
            .create({})
        )
        self.assertEqual(wizard.job_count, 1)
        self.assertEqual(wizard.skipped_count, 1)
        wizard.action_create_invoices()
        self.assertEqual(ready.state, "invoiced")
        self.assertFalse(not_done.invoice_ids)

    # ------------------------------------------------------------------
    # exceptions
    # ------------------------------------------------------------------
    def test_unpriced_line_is_an_exception(self):
        free = self.env["product.product"].create(
            {"name": "Unpriced gasket", "list_price": 0}
        )
        job = self._finish(
            self._create_job([("part", free, 1), ("part", self.part_filter, 1)])
        )
        self.assertTrue(job.has_invoice_exception)
        self.assertIn("no price", job.invoice_exception)
        self.assertIn(
            job, self.env["workshop.job"].search([("has_invoice_exception", "=", True)])
        )
        with self.assertRaisesRegex(UserError, "exceptions"):
            job.with_user(self.coordinator).action_create_invoice()
        job.with_user(self.coordinator).action_accept_exceptions()
        self.assertFalse(job.has_invoice_exception)
        job.with_user(self.coordinator).action_create_invoice()
        self.assertEqual(job.state, "invoiced")

    def test_technician_cannot_accept_exceptions(self):
        free = self.env["product.product"].create(
            {"name": "Unpriced gasket", "list_price": 0}
        )
        job = self._finish(self._create_job([("part", free, 1)]))
        with self.assertRaises(AccessError):
            job.with_user(self.technician).action_accept_exceptions()

    def test_labour_over_estimate_is_an_exception(self):
        self.company.workshop_labour_overrun_pct = 20
        job = self._create_job([("labour", self.labour, 1.0)])
        job.line_ids.estimated_qty = 1.0
        self.assertFalse(job.has_invoice_exception)
        job.line_ids.quantity = 1.2
        self.assertFalse(job.has_invoice_exception, "within tolerance")
        job.line_ids.quantity = 1.3
        self.assertTrue(job.has_invoice_exception)
        self.assertIn("estimate", job.invoice_exception)

    def test_technician_line_waits_for_approval(self):
        job = self._create_job(self._standard_lines())
        extra = (
            self.env["workshop.job.line"]
            .with_user(self.technician)
            .create(
                {
                    "job_id": job.id,
                    "kind": "part",
                    "product_id": self.part_pads.id,
                    "quantity": 1,
                }
            )
        )
        self.assertEqual(extra.approval_state, "to_approve")
        self.assertTrue(job.has_invoice_exception)
        self.assertIn("approval", job.invoice_exception)
        # an accepted exception does not release lines waiting approval
        job.with_user(self.coordinator).action_accept_exceptions()
        self.assertTrue(job.has_invoice_exception)
        extra.with_user(self.coordinator).action_approve()
        self.assertFalse(job.has_invoice_exception)

    def test_rejected_line_is_never_billed(self):
        job = self._create_job(self._standard_lines())
        extra = (
            self.env["workshop.job.line"]
            .with_user(self.technician)
            .create(
                {
                    "job_id": job.id,
                    "kind": "part",
                    "product_id": self.part_pads.id,
                    "quantity": 4,
                }
            )
        )
        extra.with_user(self.coordinator).action_reject()
        self._finish(job)
        invoice = self._invoice(job)
        self.assertFalse(
            invoice.invoice_line_ids.filtered(lambda a: a.workshop_job_line_id == extra)
        )

    def test_technician_cannot_set_prices(self):
        job = self._create_job(self._standard_lines())
        line = job.line_ids.filtered(lambda line: line.kind == "part")[0]
        with self.assertRaises(AccessError):
            line.with_user(self.technician).price_unit = 1.0
        with self.assertRaises(AccessError):
            self.env["workshop.job.line"].with_user(self.technician).create(
                {
                    "job_id": job.id,
                    "kind": "part",
                    "product_id": self.part_pads.id,
                    "price_unit": 0.01,
                }
            )
        line.with_user(self.coordinator).price_unit = 11.0
        self.assertEqual(line.price_unit, 11.0)

    # ------------------------------------------------------------------
    # automatic invoicing
    # ------------------------------------------------------------------
    def test_sign_off_invoices_when_company_says_so(self):
        self.company.workshop_auto_invoice_on_sign = True
        job = self._create_job(self._standard_lines())
        self._finish(job, sign=False)
        job.with_user(self.technician).action_sign(
            signature=self._signature(), signed_by="Sam"
        )
        self.assertEqual(job.state, "invoiced")
        self.assertEqual(len(job.invoice_ids), 1)

    def test_sign_off_leaves_exceptions_for_review(self):
        self.company.workshop_auto_invoice_on_sign = True
        free = self.env["product.product"].create(
            {"name": "Unpriced gasket", "list_price": 0}
        )
        job = self._finish(self._create_job([("part", free, 1)]))
        self.assertEqual(job.state, "signed")
        self.assertFalse(job.invoice_ids)
        self.assertTrue(job.has_invoice_exception)

    def test_no_auto_invoice_by_default(self):
        job = self._finish(self._create_job(self._standard_lines()))
        self.assertEqual(job.state, "signed")
        self.assertFalse(job.invoice_ids)

    def test_form_flow_as_coordinator(self):
        form = Form(self.env["workshop.job"].with_user(self.coordinator))
        form.partner_id = self.customer
        self.assertEqual(form.partner_invoice_id, self.ap_contact)
        with form.line_ids.new() as line:
            line.kind = "part"
            line.product_id = self.part_pads
        job = form.save()
        self.assertEqual(job.line_ids.price_unit, 80.0)
        self.assertEqual(job.amount_untaxed, 80.0)
