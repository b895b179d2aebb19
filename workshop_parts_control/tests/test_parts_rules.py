from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PartsCommon


@tagged("post_install", "-at_install")
class TestPartsRules(PartsCommon):
    """Every way around "no issue, no part" is refused by the ORM."""

    def test_hand_typed_part_line_refused(self):
        job = self._open_job()
        with self.assertRaisesRegex(UserError, "stock-tracked part"):
            self.env["workshop.job.line"].create(
                {
                    "job_id": job.id,
                    "kind": "part",
                    "product_id": self.oil.id,
                    "quantity": 2,
                }
            )
        with self.assertRaisesRegex(UserError, "stock-tracked part"):
            job.with_user(self.coordinator).write(
                {
                    "line_ids": [
                        Command.create({"kind": "part", "product_id": self.belt.id})
                    ]
                }
            )
        with self.assertRaisesRegex(UserError, "stock-tracked part"):
            self._create_job([("part", self.oil, 1)])
        self.assertFalse(job.line_ids.filtered(lambda ln: ln.kind == "part"))

    def test_quantity_and_product_of_issued_line_cannot_be_edited(self):
        job = self._open_job()
        self._issue(job, {self.oil: 2})
        line = self._part_line(job, self.oil)
        for vals in (
            {"quantity": 1},
            {"quantity": 20},
            {"product_id": self.belt.id},
            {"kind": "fee"},
            {"workshop_is_stock_line": False},
        ):
            with self.assertRaisesRegex(UserError, "stock-tracked part"):
                line.with_user(self.coordinator).write(vals)
        with self.assertRaises(UserError):
            line.unlink()
        self.assertEqual((line.quantity, line.product_id), (2, self.oil))

    def test_labour_line_cannot_turn_into_a_stock_part(self):
        job = self._open_job()
        labour = job.line_ids
        with self.assertRaisesRegex(UserError, "stock-tracked part"):
            labour.write({"kind": "part", "product_id": self.oil.id})

    def test_forged_context_does_not_open_the_door(self):
        """The stock door is an object no RPC client can send."""
        job = self._open_job()
        for forged in (True, 1, "1", {"x": 1}):
            with self.assertRaises(UserError):
                self.env["workshop.job.line"].with_context(
                    workshop_stock_sync=forged
                ).create({"job_id": job.id, "kind": "part", "product_id": self.oil.id})
        with self.assertRaises(UserError):
            self.env["stock.quant"].with_context(
                workshop_stock_sync=True
            )._update_available_quantity(self.oil, self.consumption, 5)
        # the template's door (a typed part becomes a request) is no key either
        with self.assertRaisesRegex(UserError, "stock-tracked part"):
            self.env["workshop.job.line"].with_context(
                workshop_template_to_request=True
            ).create({"job_id": job.id, "kind": "part", "product_id": self.oil.id})
        self.assertFalse(job.workshop_request_ids)

    def test_move_into_consumption_without_job_refused(self):
        move = self.env["stock.move"].create(
            {
                "name": "bypass",
                "product_id": self.oil.id,
                "product_uom_qty": 3,
                "product_uom": self.oil.uom_id.id,
                "location_id": self.stock.id,
                "location_dest_id": self.consumption.id,
            }
        )
        move._action_confirm()
        move._action_assign()
        move.picked = True
        with self.assertRaisesRegex(UserError, "without a job card"):
            move._action_done()
        self.assertEqual(move.state, "assigned")
        self.assertEqual(self._on_hand(self.oil), 100)
        self.assertEqual(self._on_hand(self.oil, self.consumption), 0)

    def test_move_into_a_child_of_consumption_without_job_refused(self):
        child = self.env["stock.location"].create(
            {"name": "Bay 3", "location_id": self.consumption.id, "usage": "production"}
        )
        move = self.env["stock.move"].create(
            {
                "name": "bypass",
                "product_id": self.belt.id,
                "product_uom_qty": 1,
                "product_uom": self.belt.uom_id.id,
                "location_id": self.stock.id,
                "location_dest_id": child.id,
                "quantity": 1,
                "picked": True,
            }
        )
        with self.assertRaisesRegex(UserError, "without a job card"):
            move._action_done()

    def test_internal_transfer_retargeted_to_consumption_refused(self):
        ptype = self.warehouse.int_type_id
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": ptype.id,
                "location_id": self.stock.id,
                "location_dest_id": self.stock.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "x",
                            "product_id": self.oil.id,
                            "product_uom_qty": 1,
                            "product_uom": self.oil.uom_id.id,
                            "location_id": self.stock.id,
                            "location_dest_id": self.stock.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_line_ids.location_dest_id = self.consumption
        picking.move_ids.picked = True
        with self.assertRaisesRegex(UserError, "without a job card"):
            picking.button_validate()

    def test_quant_writes_into_consumption_refused(self):
        Quant = self.env["stock.quant"]
        with self.assertRaisesRegex(UserError, "changes only through"):
            Quant._update_available_quantity(self.oil, self.consumption, 5)
        with self.assertRaisesRegex(UserError, "changes only through"):
            Quant.sudo().create(
                {
                    "product_id": self.oil.id,
                    "location_id": self.consumption.id,
                    "quantity": 5,
                }
            )
        quant = Quant.search(
            [("product_id", "=", self.oil.id), ("location_id", "=", self.stock.id)]
        )
        with self.assertRaisesRegex(UserError, "changes only through"):
            quant.sudo().write({"location_id": self.consumption.id})
        self.assertEqual(self._on_hand(self.oil, self.consumption), 0)

    def test_inventory_adjustment_in_consumption_refused(self):
        job = self._open_job()
        self._issue(job, {self.oil: 3})
        quant = self.env["stock.quant"].search(
            [
                ("product_id", "=", self.oil.id),
                ("location_id", "=", self.consumption.id),
            ]
        )
        self.assertEqual(quant.quantity, 3)
        with self.assertRaises(UserError):
            quant.with_context(inventory_mode=True).write({"inventory_quantity": 0})
            quant.action_apply_inventory()
        self.assertEqual(self._part_line(job, self.oil).quantity, 3)
        self.assertEqual(self._on_hand(self.oil, self.consumption), 3)

    def test_returning_more_than_issued_refused(self):
        job = self._open_job()
        self._issue(job, {self.oil: 2})
        action = job.with_user(self.clerk).action_workshop_return_parts()
        picking = self.env["stock.picking"].browse(action["res_id"])
        picking.move_ids.quantity = 3
        picking.move_ids.picked = True
        with self.assertRaisesRegex(UserError, "returning more"):
            picking.with_user(self.clerk).button_validate()
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(self._part_line(job, self.oil).quantity, 2)
        self.assertEqual(self._on_hand(self.oil), 98)

    def test_issue_to_cancelled_job_refused(self):
        job = self._open_job()
        self._request(job, self.oil, 1)
        picking = job._workshop_get_issue_picking()
        job.with_user(self.coordinator).action_cancel()
        self.assertEqual(picking.state, "cancel")
        self.assertEqual(job.workshop_request_ids.state, "cancelled")
        with self.assertRaisesRegex(UserError, "Cancelled"):
            job._workshop_get_issue_picking(create=True)
        with self.assertRaisesRegex(UserError, "closed"):
            self._request(job, self.oil, 1)

    def test_issue_to_invoiced_job_refused(self):
        job = self._open_job()
        self._issue(job, {self.oil: 1})
        job.resolution = "<p>x</p>"
        job.action_done()
        job.action_sign(signature=self._signature(), signed_by="Sam")
        job.with_user(self.coordinator).action_create_invoice()
        self.assertEqual(job.state, "invoiced")
        ptype = self.warehouse.workshop_issue_type_id
        with self.assertRaisesRegex(UserError, "Invoiced"):
            self.env["stock.picking"].create(job._workshop_prepare_picking_vals(ptype))
        with self.assertRaisesRegex(UserError, "Invoiced"):
            job.with_user(self.clerk).action_workshop_return_parts()

    def test_issue_to_done_or_signed_job_refused_returns_allowed(self):
        job = self._open_job(resolution="<p>x</p>")
        self._issue(job, {self.oil: 2})
        job.action_done()
        ptype = self.warehouse.workshop_issue_type_id
        counter = self.env["workshop.parts.counter"].with_user(self.clerk)
        with self.assertRaisesRegex(UserError, "work is finished"):
            job._workshop_get_issue_picking(create=True)
        with self.assertRaisesRegex(UserError, "work is finished"):
            self.env["stock.picking"].create(job._workshop_prepare_picking_vals(ptype))
        with self.assertRaisesRegex(UserError, "closed"):
            self._request(job, self.oil, 1)
        # a part found unused after the work goes back to the shelf
        self._return(job, {self.oil: 1})
        self.assertEqual(self._part_line(job, self.oil).quantity, 1)
        job.action_sign(signature=self._signature(), signed_by="Sam")
        with self.assertRaisesRegex(UserError, "work is finished"):
            counter.scan_job(job.barcode)
        self._return(job, {self.oil: 1})
        self.assertEqual(self._part_line(job, self.oil).quantity, 0)
        self.assertEqual(self._on_hand(self.oil), 100)

    def test_cancel_with_issued_parts_refused(self):
        job = self._open_job()
        self._issue(job, {self.belt: 1})
        with self.assertRaisesRegex(UserError, "return them"):
            job.with_user(self.coordinator).action_cancel()
        self._return(job, {self.belt: 1})
        job.with_user(self.coordinator).action_cancel()
        self.assertEqual(job.state, "cancelled")

    def test_done_refused_with_open_request(self):
        job = self._open_job(resolution="<p>x</p>")
        self._request(job, self.belt, 1)
        with self.assertRaisesRegex(UserError, "Parts not issued yet"):
            job.action_done()
        self.assertEqual(job.state, "on_site")
        job.workshop_request_ids.action_cancel()
        job.action_done()
        self.assertEqual(job.state, "done")

    def test_invoicing_refused_with_unissued_reserved_parts(self):
        job = self._open_job()
        self._issue(job, {self.oil: 1})
        picking = job._workshop_get_issue_picking(create=True)
        job.resolution = "<p>x</p>"
        job.action_done()
        move_vals = {
            "name": "x",
            "picking_id": picking.id,
            "product_id": self.belt.id,
            "product_uom_qty": 1,
            "product_uom": self.belt.uom_id.id,
            "location_id": self.stock.id,
            "location_dest_id": self.consumption.id,
        }
        # the clerk cannot reserve more for the job after it was closed...
        with self.assertRaisesRegex(UserError, "work is finished"):
            self.env["stock.move"].with_user(self.clerk).create(move_vals)
        # ...but data from before that rule may still hold such a reservation
        self.env["stock.move"].create(move_vals)
        picking.action_confirm()
        picking.action_assign()
        self.assertTrue(job.has_invoice_exception)
        with self.assertRaisesRegex(UserError, "Parts not issued yet"):
            job.with_user(self.coordinator).action_create_invoice()
        self.assertFalse(job.invoice_ids)
        picking.action_cancel()
        job.with_user(self.coordinator).action_create_invoice()
        self.assertEqual(
            job.invoice_ids.invoice_line_ids.filtered(
                lambda a: a.product_id == self.oil
            ).quantity,
            1,
        )

    def test_issue_beyond_stock_blocked(self):
        job = self._open_job()
        self._request(job, self.belt, 12)
        picking = job._workshop_get_issue_picking()
        picking.move_ids.quantity = 12
        picking.move_ids.picked = True
        with self.assertRaises(UserError) as refusal:
            picking.with_user(self.clerk).button_validate()
        self.assertIn("Not enough", str(refusal.exception))
        self.assertEqual(self._on_hand(self.belt), 10)
        self.assertFalse(self._part_line(job, self.belt))

    def test_issue_beyond_stock_alerts_the_clerk(self):
        self.company.workshop_negative_stock = "alert"
        self.company.workshop_parts_clerk_id = self.clerk
        job = self._open_job()
        self._issue(job, {self.belt: 12})
        self.assertEqual(self._on_hand(self.belt), -2)
        self.assertEqual(self._part_line(job, self.belt).quantity, 12)
        activity = job.activity_ids.filtered(lambda a: a.user_id == self.clerk)
        self.assertIn("Negative stock", activity.summary)

    def test_serial_required_at_issue(self):
        job = self._open_job()
        self._request(job, self.alternator, 1)
        picking = job._workshop_get_issue_picking()
        picking.move_ids.move_line_ids.lot_id = False
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        with self.assertRaises(UserError):
            picking.with_user(self.clerk).button_validate()
        self.assertFalse(self._part_line(job, self.alternator))

    def test_done_transfer_cannot_move_to_another_job(self):
        job, other = self._open_job(), self._open_job()
        picking = self._issue(job, {self.oil: 1})
        with self.assertRaisesRegex(UserError, "another job"):
            picking.write({"workshop_job_id": other.id})

    def test_lenient_company_allows_hand_typed_parts(self):
        self.company.workshop_strict_parts_control = False
        job = self._create_job([("part", self.oil, 2)])
        self.assertEqual(job.line_ids.quantity, 2)
        move = self.env["stock.move"].create(
            {
                "name": "free",
                "product_id": self.oil.id,
                "product_uom_qty": 1,
                "product_uom": self.oil.uom_id.id,
                "location_id": self.stock.id,
                "location_dest_id": self.consumption.id,
                "quantity": 1,
                "picked": True,
            }
        )
        move._action_done()
        self.assertEqual(move.state, "done")

    def test_non_stock_goods_may_still_be_typed(self):
        job = self._create_job([("part", self.part_filter, 2)])
        self.assertEqual(job.line_ids.quantity, 2)
