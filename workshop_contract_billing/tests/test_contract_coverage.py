from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import ServiceCommon


@tagged("post_install", "-at_install")
class TestContractCoverage(ServiceCommon):
    def _allowance(self, start="2026-03-01"):
        allowance = self.service_contract.allowance_ids.filtered(
            lambda a: a.period_start == self._d(start)
        )
        self.assertEqual(len(allowance), 1)
        return allowance

    # ------------------------------------------------------------------
    # Which contract covers a job
    # ------------------------------------------------------------------
    def test_job_on_covered_asset_gets_the_running_contract(self):
        job = self._covered_job([("labour", self.labour, 1)])
        self.assertEqual(job.contract_id, self.service_contract)
        other_van = self._covered_job([], asset_id=self.assets[1].id)
        self.assertFalse(other_van.contract_id, "Van 2 is not covered")
        before_start = self._covered_job([], day="2025-12-20")
        self.assertFalse(before_start.contract_id, "the contract did not run yet")
        draft = self._contract(
            activate=False,
            covered_asset_ids=[Command.create({"asset_id": self.assets[2].id})],
        )
        on_draft = self._covered_job([], asset_id=self.assets[2].id)
        self.assertFalse(on_draft.contract_id, "a draft contract covers nothing")
        self.assertTrue(draft)

    def test_technician_job_on_covered_asset_gets_the_contract(self):
        job = (
            self.env["workshop.job"]
            .with_user(self.technician)
            .create(
                {
                    "partner_id": self.customer.id,
                    "asset_id": self.van.id,
                    "job_type_id": self.preventive.id,
                    "scheduled_datetime": "2026-03-10 08:00:00",
                }
            )
        )
        self.assertEqual(job.sudo().contract_id, self.service_contract)

    def test_accountant_invoices_a_covered_job(self):
        job = self._finish(self._covered_job([("labour", self.labour, 5)]))
        job.with_user(self.accountant).action_create_invoice()
        self.assertEqual(
            self._product_lines(job.invoice_ids),
            [
                ("Labour standard", 1.0, 90.0, False),
                ("Labour standard", 4.0, 0.0, True),
            ],
        )

    def test_coordinator_changes_the_contract_technician_cannot(self):
        job = self._covered_job([("labour", self.labour, 1)])
        with self.assertRaises(AccessError):
            job.with_user(self.technician).write({"contract_id": False})
        job.with_user(self.coordinator).write({"contract_id": False})
        self.assertFalse(job.contract_id)
        job.with_user(self.coordinator).write({"contract_id": self.service_contract.id})
        self.assertEqual(job.contract_id, self.service_contract)

    def test_technician_cannot_read_the_coverage_ledger(self):
        job = self._covered_job([("labour", self.labour, 2)])
        self._invoice_job(job)
        allowance = self._allowance()
        with self.assertRaises(AccessError):
            allowance.with_user(self.technician).read(["labour_hours_used"])
        with self.assertRaises(AccessError):
            allowance.usage_ids.with_user(self.technician).read(["quantity"])
        with self.assertRaises(AccessError):
            allowance.usage_ids.with_user(self.coordinator).unlink()
        self.assertEqual(
            job.line_ids.with_user(self.technician).read(["qty_invoiced"])[0][
                "qty_invoiced"
            ],
            2.0,
        )

    def test_contract_not_covering_the_asset_is_refused(self):
        job = self._covered_job([], asset_id=self.assets[1].id)
        with self.assertRaises(ValidationError):
            job.with_user(self.coordinator).write(
                {"contract_id": self.service_contract.id}
            )

    # ------------------------------------------------------------------
    # Covered lines on the job invoice
    # ------------------------------------------------------------------
    def test_covered_lines_are_invoiced_at_zero_with_the_contract_reference(self):
        job = self._covered_job(
            [("labour", self.labour, 2), ("part", self.part_filter, 2)]
        )
        invoice = self._invoice_job(job)
        self.assertEqual(
            self._product_lines(invoice),
            [("Labour standard", 2.0, 0.0, True), ("Oil filter", 2.0, 0.0, True)],
        )
        self.assertEqual(invoice.amount_total, 0.0)
        covered = invoice.invoice_line_ids.filtered("workshop_covered_contract_id")
        self.assertTrue(
            all(self.service_contract.name in name for name in covered.mapped("name"))
        )
        self.assertEqual(job.state, "invoiced")
        allowance = self._allowance()
        self.assertEqual(allowance.labour_hours_used, 2.0)
        self.assertEqual(allowance.parts_amount_used, 25.0)
        self.assertEqual(allowance.covered_amount, 205.0)
        self.assertEqual(job.line_ids.mapped("qty_covered"), [2.0, 2.0])

    def test_left_off_mode_keeps_covered_lines_off_the_invoice(self):
        self.service_contract.covered_lines_display = "hidden"
        job = self._covered_job(
            [("labour", self.labour, 2), ("part", self.part_filter, 2)]
        )
        invoice = self._invoice_job(job)
        self.assertFalse(self._product_lines(invoice))
        note = invoice.invoice_line_ids.filtered(
            lambda a: a.display_type == "line_note"
        )
        self.assertIn(self.service_contract.name, note.name)
        self.assertEqual(invoice.amount_total, 0.0)
        self.assertEqual(job.state, "invoiced", "nothing is left to bill")
        self.assertEqual(job.invoice_ids, invoice)
        self.assertEqual(job.line_ids.mapped("qty_invoiced"), [2.0, 2.0])
        self.assertEqual(self._allowance().labour_hours_used, 2.0)

    def test_left_off_mode_bills_only_what_exceeds_the_cap(self):
        self.service_contract.covered_lines_display = "hidden"
        job = self._covered_job([("section", None, 0), ("labour", self.labour, 5)])
        invoice = self._invoice_job(job)
        self.assertEqual(
            self._product_lines(invoice), [("Labour standard", 1.0, 90.0, False)]
        )
        self.assertEqual(job.state, "invoiced")

    def test_cap_reached_mid_line_splits_it_into_covered_and_billed(self):
        first = self._covered_job([("labour", self.labour, 3)])
        self._invoice_job(first)
        second = self._covered_job([("labour", self.labour, 3)], day="2026-03-20")
        invoice = self._invoice_job(second)
        self.assertEqual(
            self._product_lines(invoice),
            [
                ("Labour standard", 1.0, 0.0, True),
                ("Labour standard", 2.0, 90.0, False),
            ],
        )
        self.assertEqual(invoice.amount_untaxed, 180.0)
        self.assertEqual(self._allowance().labour_hours_used, 4.0)
        self.assertEqual(second.state, "invoiced")
        self.assertEqual(second.line_ids.qty_invoiced, 3.0)

    def test_two_jobs_invoiced_together_share_the_cap(self):
        jobs = self._covered_job([("labour", self.labour, 3)]) | self._covered_job(
            [("labour", self.labour, 3)], day="2026-03-12"
        )
        for job in jobs:
            self._finish(job)
        jobs.with_user(self.coordinator).action_create_invoice(grouped=True)
        invoice = jobs.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(
            self._product_lines(invoice),
            [
                ("Labour standard", 1.0, 0.0, True),
                ("Labour standard", 2.0, 90.0, False),
                ("Labour standard", 3.0, 0.0, True),
            ],
        )
        self.assertEqual(self._allowance().labour_hours_used, 4.0)
        self.assertEqual(set(jobs.mapped("state")), {"invoiced"})

    def test_parts_cap_covers_whole_units_and_bills_the_rest(self):
        job = self._covered_job(
            [("part", self.part_pads, 1), ("part", self.part_filter, 2)]
        )
        invoice = self._invoice_job(job)
        # 100.00 of parts: the pads (80.00), then one filter (12.50) of two
        self.assertEqual(
            self._product_lines(invoice),
            [
                ("Brake pads", 1.0, 0.0, True),
                ("Oil filter", 1.0, 0.0, True),
                ("Oil filter", 1.0, 12.5, False),
            ],
        )
        self.assertEqual(self._allowance().parts_amount_used, 92.5)

    def test_cap_starts_afresh_in_the_next_period(self):
        self._invoice_job(self._covered_job([("labour", self.labour, 4)]))
        april = self._covered_job([("labour", self.labour, 4)], day="2026-04-02")
        invoice = self._invoice_job(april)
        self.assertEqual(
            self._product_lines(invoice), [("Labour standard", 4.0, 0.0, True)]
        )
        self.assertEqual(self._allowance("2026-04-01").labour_hours_used, 4.0)
        self.assertEqual(self._allowance("2026-03-01").labour_hours_used, 4.0)

    def test_job_type_not_covered_is_billed_normally(self):
        job = self._covered_job([("labour", self.labour, 2)], job_type=self.job_type)
        self.assertEqual(job.contract_id, self.service_contract)
        invoice = self._invoice_job(job)
        self.assertEqual(
            self._product_lines(invoice), [("Labour standard", 2.0, 90.0, False)]
        )
        self.assertFalse(self._allowance().usage_ids)

    def test_warranty_line_stays_warranty(self):
        job = self._covered_job([("labour", self.labour, 1)])
        job.line_ids.is_warranty = True
        invoice = self._invoice_job(job)
        self.assertEqual(
            self._product_lines(invoice), [("Labour standard", 1.0, 0.0, False)]
        )

    # ------------------------------------------------------------------
    # Credit notes and cancellations give the coverage back
    # ------------------------------------------------------------------
    def test_credit_note_releases_the_coverage_it_reverses(self):
        job = self._covered_job([("labour", self.labour, 4)])
        invoice = self._invoice_job(job)
        invoice.action_post()
        self.assertEqual(self._allowance().labour_hours_used, 4.0)
        invoice._reverse_moves().action_post()
        self.assertEqual(self._allowance().labour_hours_used, 0.0)
        self.assertEqual(job.invoice_status, "to_reinvoice")
        other = self._covered_job([("labour", self.labour, 4)], day="2026-03-11")
        self.assertEqual(
            self._product_lines(self._invoice_job(other)),
            [("Labour standard", 4.0, 0.0, True)],
        )

    def test_credit_note_of_the_billed_part_keeps_the_coverage(self):
        job = self._covered_job([("labour", self.labour, 5)])
        invoice = self._invoice_job(job)
        invoice.action_post()
        refund = invoice._reverse_moves()
        refund.invoice_line_ids.filtered("workshop_covered_contract_id").unlink()
        refund.action_post()
        self.assertEqual(self._allowance().labour_hours_used, 4.0)
        self.assertEqual(job.line_ids.qty_to_invoice, 1.0, "the billed hour only")
        again = self._invoice_job(job)
        self.assertEqual(
            self._product_lines(again), [("Labour standard", 1.0, 90.0, False)]
        )

    def test_credit_note_in_left_off_mode_reopens_the_covered_work(self):
        self.service_contract.covered_lines_display = "hidden"
        job = self._covered_job(
            [("labour", self.labour, 2), ("part", self.part_pads, 2)]
        )
        invoice = self._invoice_job(job)
        # pads: 80.00 covered, the second pair billed
        self.assertEqual(
            self._product_lines(invoice), [("Brake pads", 1.0, 80.0, False)]
        )
        invoice.action_post()
        invoice._reverse_moves().action_post()
        allowance = self._allowance()
        self.assertEqual(allowance.labour_hours_used, 0.0)
        self.assertEqual(allowance.parts_amount_used, 0.0)
        self.assertEqual(job.state, "signed", "billing re-opened")
        self.assertEqual(job.line_ids.mapped("qty_invoiced"), [0.0, 0.0])
        again = self._invoice_job(job)
        self.assertEqual(self._product_lines(again), [("Brake pads", 1.0, 80.0, False)])
        self.assertEqual(job.state, "invoiced")

    def test_cancelled_invoice_gives_the_coverage_back(self):
        job = self._covered_job([("labour", self.labour, 4)])
        invoice = self._invoice_job(job)
        invoice.button_cancel()
        self.assertEqual(self._allowance().labour_hours_used, 0.0)
        again = self._invoice_job(job)
        self.assertEqual(
            self._product_lines(again), [("Labour standard", 4.0, 0.0, True)]
        )
        self.assertEqual(self._allowance().labour_hours_used, 4.0)

    def test_second_invoice_click_takes_no_more_coverage(self):
        job = self._covered_job([("labour", self.labour, 2)])
        self._invoice_job(job)
        job.with_user(self.coordinator).action_create_invoice()
        self.assertEqual(len(job.invoice_ids), 1)
        self.assertEqual(len(self._allowance().usage_ids), 1)
