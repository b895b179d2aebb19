from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PartsCommon


@tagged("post_install", "-at_install")
class TestPartsSpecial(PartsCommon):
    def test_warranty_part_blocks_invoicing_until_a_manager_approves(self):
        job = self._open_job()
        self._request(job, self.belt, 1, is_warranty=True)
        self._validate(job._workshop_get_issue_picking())
        line = self._part_line(job, self.belt)
        self.assertTrue(line.is_warranty)
        self.assertEqual(line.workshop_warranty_state, "to_approve")
        job.resolution = "<p>x</p>"
        job.action_done()
        job.action_sign(signature=self._signature(), signed_by="Sam")
        self.assertIn("Warranty", job.invoice_exception)
        with self.assertRaisesRegex(UserError, "Warranty"):
            job.with_user(self.coordinator).action_create_invoice()
        with self.assertRaises(AccessError):
            line.with_user(self.coordinator).action_workshop_approve_warranty()
        with self.assertRaises(UserError):
            line.with_user(self.manager).write({"workshop_warranty_state": "approved"})
        line.with_user(self.manager).action_workshop_approve_warranty()
        job.with_user(self.coordinator).action_create_invoice()
        aml = line.invoice_line_ids
        self.assertEqual(aml.price_unit, 0.0)

    def test_request_access_follows_the_job(self):
        job = self._open_job()
        request = self._request(job, self.oil, 1)
        self.assertEqual(request.with_user(self.technician).state, "reserved")
        Request = self.env["workshop.part.request"]
        self.assertFalse(
            Request.with_user(self.technician2).search([("id", "=", request.id)])
        )
        with self.assertRaises(AccessError):
            Request.with_user(self.technician2).create(
                {"job_id": job.id, "product_id": self.oil.id}
            )

    def test_other_company_sees_nothing_and_cannot_issue(self):
        job = self._open_job()
        self._issue(job, {self.oil: 1})
        other = self._company("Other Workshop Ltd")
        other_wh = self.env["stock.warehouse"].search([("company_id", "=", other.id)])
        self.assertTrue(other_wh.workshop_issue_type_id)
        user_b = self._user("ws_b_clerk", "clerk", companies=other)
        self.assertFalse(self.env["workshop.part.request"].with_user(user_b).search([]))
        self.assertFalse(
            self.env["stock.picking"]
            .with_user(user_b)
            .search([("workshop_job_id", "!=", False)])
        )
        vals = job._workshop_prepare_picking_vals(other_wh.workshop_issue_type_id)
        with self.assertRaises(UserError):
            self.env["stock.picking"].create(vals)

    def test_other_company_user_cannot_change_a_request(self):
        job = self._open_job()
        request = self._request(job, self.belt, 1)
        other = self._company("Other Workshop Ltd")
        user_b = self._user("ws_b_coord", "clerk", "coordinator", companies=other)
        as_b = request.with_user(user_b)
        for call in (
            lambda r: r.write({"product_uom_qty": 3}),
            lambda r: r.write({"note": "mine now"}),
            lambda r: r.action_cancel(),
            lambda r: r.unlink(),
        ):
            with self.assertRaises(AccessError):
                call(as_b)
        self.assertEqual((request.product_uom_qty, request.state), (1, "reserved"))
        self.assertFalse(request.note)

    def test_technician_issues_from_own_van_only(self):
        van = self.env["stock.location"].create(
            {
                "name": "Van Tina",
                "usage": "internal",
                "location_id": self.warehouse.view_location_id.id,
                "workshop_van_user_id": self.technician.id,
            }
        )
        self.env["stock.quant"]._update_available_quantity(self.belt, van, 2)
        job = self._open_job()
        job.with_user(self.technician).action_workshop_van_issue(self.belt.id, 1)
        self.assertEqual(self._part_line(job, self.belt).quantity, 1)
        self.assertEqual(self._on_hand(self.belt, van), 1)
        with self.assertRaises(AccessError):
            job.with_user(self.technician2).action_workshop_van_issue(self.belt.id, 1)
        orderpoint = self.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": self.belt.id,
                "location_id": van.id,
                "product_min_qty": 2,
                "product_max_qty": 4,
            }
        )
        self.assertEqual(orderpoint.warehouse_id, self.warehouse)
        self.assertEqual(orderpoint.qty_to_order, 3)
