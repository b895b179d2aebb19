from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PartsCommon


@tagged("post_install", "-at_install")
class TestPartsConsignment(PartsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.battery = cls._part(
            "Battery 12V 95Ah", sale_ok=True, list_price=160.0, standard_price=90.0
        )
        cls.vendor = cls._vendor("Volt Batteries SA", cls.battery, 70.0)
        cls._consign(cls.battery, 10, cls.vendor)

    def _bills(self, vendor=None):
        return self.env["account.move"].search(
            [
                ("move_type", "=", "in_invoice"),
                ("partner_id", "=", (vendor or self.vendor).id),
            ]
        )

    def _close(self, job):
        """The technician closes the work: no billing rights needed for the
        vendor bill to be prepared."""
        job.resolution = "<p>Battery replaced.</p>"
        job.with_user(self.technician).action_done()

    def test_job_line_knows_the_owner_of_consigned_parts(self):
        job = self._open_job()
        self._issue(job, {self.battery: 2})
        line = self._part_line(job, self.battery)
        self.assertEqual(line.workshop_qty_consigned, 2)
        self.assertEqual(line.workshop_consignment_owner_ids, self.vendor)
        own = self._open_job()
        self._issue(own, {self.oil: 1})
        self.assertFalse(self._part_line(own, self.oil).workshop_qty_consigned)

    def test_vendor_bills_only_what_was_installed_once_the_work_is_done(self):
        job = self._open_job()
        self._issue(job, {self.battery: 3})
        self._return(job, {self.battery: 1})
        self.assertFalse(self._bills(), "nothing is installed while work is open")
        # the returned battery is the vendor's again, on the shelf
        quants = self.env["stock.quant"].search(
            [("product_id", "=", self.battery.id), ("location_id", "=", self.stock.id)]
        )
        self.assertEqual(quants.owner_id, self.vendor)
        self.assertEqual(sum(quants.mapped("quantity")), 8)
        self._close(job)
        bill = self._bills()
        self.assertEqual(len(bill), 1)
        self.assertEqual(bill.state, "draft")
        self.assertEqual(bill.company_id, self.company)
        bill_line = bill.invoice_line_ids
        self.assertEqual(bill_line.quantity, 2)
        self.assertEqual(bill_line.price_unit, 70.0)
        self.assertEqual(
            bill_line.workshop_consignment_line_id, self._part_line(job, self.battery)
        )
        self.assertIn(job, bill.workshop_job_ids)
        action = job.with_user(self.accountant).action_workshop_view_consignment_bills()
        self.assertEqual(action["res_id"], bill.id)
        with self.assertRaises(AccessError):
            job.with_user(self.technician).action_workshop_view_consignment_bills()
        # the customer pays the installed batteries on the job invoice
        job.action_sign(signature=self._signature(), signed_by="Sam")
        job.with_user(self.coordinator).action_create_invoice()
        invoiced = self._part_line(job, self.battery).invoice_line_ids
        self.assertEqual(invoiced.quantity, 2)
        self.assertEqual(invoiced.price_unit, 160.0)
        self.assertEqual(self._bills(), bill, "invoicing prepares no second bill")

    def test_mixed_return_gives_the_vendor_its_parts_back_first(self):
        self.env["stock.quant"]._update_available_quantity(self.battery, self.stock, 1)
        job = self._open_job()
        self._request(job, self.battery, 3)
        picking = job._workshop_get_issue_picking()
        move = picking.move_ids
        move.move_line_ids.unlink()
        MoveLine = self.env["stock.move.line"]
        for owner, qty in ((self.vendor, 2), (self.env["res.partner"], 1)):
            MoveLine.create(
                dict(move._prepare_move_line_vals(quantity=qty), owner_id=owner.id)
            )
        self._validate(picking)
        line = self._part_line(job, self.battery)
        self.assertEqual(line.quantity, 3)
        self.assertEqual(line.workshop_qty_consigned, 2)
        self._return(job, {self.battery: 3})
        self.assertEqual(line.workshop_qty_consigned, 0)
        returned = self.env["stock.move"].search(
            [("workshop_job_id", "=", job.id), ("location_dest_id", "=", self.stock.id)]
        )
        by_owner = {
            ml.owner_id: ml.quantity for ml in returned.move_line_ids if ml.quantity
        }
        self.assertEqual(by_owner, {self.vendor: 2, self.env["res.partner"]: 1})
        self.assertEqual(self._on_hand(self.battery), 11)

    def test_vendor_bill_is_never_prepared_twice(self):
        job = self._open_job()
        self._issue(job, {self.battery: 1})
        self._close(job)
        job._workshop_sync_consignment_bills()
        job._workshop_sync_consignment_bills()
        bill_line = self._bills().invoice_line_ids
        self.assertEqual(len(bill_line), 1)
        # a second writer (another worker, an import) is refused by the database
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                bill_line.copy(
                    {
                        "move_id": bill_line.move_id.id,
                        "workshop_consignment_line_id": (
                            bill_line.workshop_consignment_line_id.id
                        ),
                        "workshop_consignment_round": 1,
                    }
                )
                self.env.flush_all()

    def test_jobs_of_one_vendor_share_its_draft_bill(self):
        first, second = self._open_job(), self._open_job()
        self._issue(first, {self.battery: 1})
        self._issue(second, {self.battery: 2})
        self._close(first)
        self._close(second)
        bill = self._bills()
        self.assertEqual(len(bill), 1)
        self.assertEqual(sorted(bill.invoice_line_ids.mapped("quantity")), [1, 2])

    def test_part_returned_after_the_work_shrinks_the_draft_bill(self):
        job = self._open_job()
        self._issue(job, {self.battery: 2})
        self._close(job)
        self._return(job, {self.battery: 1})
        self.assertEqual(self._bills().invoice_line_ids.quantity, 1)
        self._return(job, {self.battery: 1})
        self.assertFalse(self._bills(), "a bill with nothing installed goes away")

    def test_part_returned_after_the_bill_is_posted_asks_for_a_vendor_credit(self):
        job = self._open_job()
        self._issue(job, {self.battery: 2})
        self._close(job)
        bill = self._bills()
        bill.invoice_date = "2026-11-30"
        bill.action_post()
        self._return(job, {self.battery: 1})
        self.assertEqual(bill.invoice_line_ids.quantity, 2)
        activity = job.activity_ids.filtered(
            lambda a: a.user_id == self.clerk and "credit" in (a.summary or "")
        )
        self.assertEqual(len(activity), 1)
        self.assertIn(self.vendor.name, activity.note)
        job._workshop_sync_consignment_bills()
        self.assertEqual(len(job.activity_ids), 1, "one reminder, not one per sync")

    def test_without_vendor_price_the_bill_uses_the_product_cost(self):
        other_vendor = self._vendor("Spark Parts Ltd")
        self.oil.seller_ids.unlink()
        self._consign(self.oil, 5, other_vendor)
        job = self._open_job()
        # the company's own 100 L are reserved first: take them all
        self.env["stock.quant"]._update_available_quantity(self.oil, self.stock, -100)
        self._issue(job, {self.oil: 2})
        self._close(job)
        line = self._bills(other_vendor).invoice_line_ids
        self.assertEqual(line.quantity, 2)
        self.assertEqual(line.price_unit, 4.0)

    def test_consignment_bill_is_in_the_job_company(self):
        other = self._company(
            "North Workshop Ltd", chart=True, currency_id=self.company.currency_id.id
        )
        other_wh = self.env["stock.warehouse"].search([("company_id", "=", other.id)])
        self.env["product.supplierinfo"].create(
            {
                "partner_id": self.vendor.id,
                "product_tmpl_id": self.battery.product_tmpl_id.id,
                "price": 65.0,
                "company_id": other.id,
                "sequence": 1,
            }
        )
        self._consign(self.battery, 3, self.vendor, location=other_wh.lot_stock_id)
        self.env = self.env(
            context=dict(
                self.env.context, allowed_company_ids=[other.id, self.company.id]
            )
        )
        self.clerk.company_ids |= other
        self.technician.company_ids |= other
        job = self._open_job(company_id=other.id, job_type_id=False)
        job = job.with_env(self.env)
        self.assertEqual(job.workshop_warehouse_id, other_wh)
        self._issue(job, {self.battery: 1})
        self._close(job)
        bill = self._bills()
        self.assertEqual(bill.company_id, other)
        self.assertEqual(bill.invoice_line_ids.price_unit, 65.0)

    def test_consigned_part_cannot_be_billed_before_the_work_is_done(self):
        job = self._open_job()
        self._issue(job, {self.battery: 1})
        job._workshop_sync_consignment_bills()
        self.assertFalse(self._bills())
        with self.assertRaises(UserError):
            job.with_user(self.coordinator).action_create_invoice()

    def test_technician_sees_who_owns_the_parts_on_the_job(self):
        job = self._open_job()
        self._issue(job, {self.battery: 1})
        line = self._part_line(job, self.battery).with_user(self.technician)
        line.invalidate_recordset()
        self.assertEqual(line.workshop_consignment_owner_ids, self.vendor)
        self.assertEqual(line.workshop_qty_consigned, 1)
        self.assertFalse(line.workshop_lot_ids)
        job.with_user(self.technician).get_views([(False, "form")])
