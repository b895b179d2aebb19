from odoo.tests import tagged

from .common import PartsCommon


@tagged("post_install", "-at_install")
class TestPartsFlow(PartsCommon):
    def test_request_puts_parts_on_the_job_issue_transfer(self):
        job = self._open_job()
        self._request(job, self.oil, 4, note="for the sump", urgency="1")
        self._request(job, self.belt, 1)
        picking = job._workshop_get_issue_picking()
        self.assertEqual(picking.workshop_job_id, job)
        self.assertEqual(picking.picking_type_id, self.warehouse.workshop_issue_type_id)
        self.assertEqual(picking.location_dest_id, self.consumption)
        self.assertEqual(picking.priority, "1")
        self.assertEqual(
            {m.product_id: m.product_uom_qty for m in picking.move_ids},
            {self.oil: 4, self.belt: 1},
        )
        self.assertEqual(set(job.workshop_request_ids.mapped("state")), {"reserved"})
        self.assertFalse(job.line_ids.filtered("workshop_is_stock_line"))

    def test_validating_the_issue_puts_the_parts_on_the_job(self):
        job = self._open_job()
        self._issue(job, {self.oil: 4, self.belt: 1})
        line = self._part_line(job, self.oil)
        self.assertEqual(line.kind, "part")
        self.assertEqual(line.quantity, 4)
        self.assertEqual(line.workshop_qty_issued, 4)
        self.assertEqual(line.price_unit, 9.0)
        self.assertEqual(self._part_line(job, self.belt).quantity, 1)
        self.assertEqual(self._on_hand(self.oil), 96)
        self.assertEqual(set(job.workshop_request_ids.mapped("state")), {"issued"})

    def test_partial_issue_leaves_a_backorder_and_blocks_closing(self):
        job = self._open_job()
        self._request(job, self.oil, 5)
        self._validate(job._workshop_get_issue_picking(), {self.oil: 2})
        self.assertEqual(self._part_line(job, self.oil).quantity, 2)
        backorder = job._workshop_get_issue_picking()
        self.assertEqual(backorder.move_ids.product_uom_qty, 3)
        job.resolution = "<p>Oil change</p>"
        with self.assertRaisesRegex(Exception, "Parts not issued yet"):
            job.action_done()
        self._validate(backorder, {self.oil: 3})
        self.assertEqual(self._part_line(job, self.oil).quantity, 5)
        self.assertEqual(len(self._part_line(job, self.oil)), 1)
        job.action_done()
        self.assertEqual(job.state, "done")

    def test_returns_reduce_the_billable_quantity(self):
        job = self._open_job()
        self._issue(job, {self.oil: 6, self.belt: 2})
        self._return(job, {self.oil: 2})
        line = self._part_line(job, self.oil)
        self.assertEqual(
            (line.workshop_qty_issued, line.workshop_qty_returned, line.quantity),
            (6, 2, 4),
        )
        self.assertEqual(self._part_line(job, self.belt).quantity, 2)
        self.assertEqual(self._on_hand(self.oil), 96)
        self._return(job, {self.oil: 1, self.belt: 2})
        self.assertEqual(line.quantity, 3)
        self.assertEqual(self._part_line(job, self.belt).quantity, 0)

    def test_job_quantities_equal_done_moves_per_product_in_product_unit(self):
        job = self._open_job()
        self._request(job, self.oil, 1, product_uom_id=self.dozen.id)
        self._validate(job._workshop_get_issue_picking())
        self._issue(job, {self.oil: 3, self.belt: 2})
        self._return(job, {self.oil: 5, self.belt: 1})
        moves = self.env["stock.move"].search(
            [("workshop_job_id", "=", job.id), ("state", "=", "done")]
        )
        expected = {}
        for move in moves:
            sign = 1 if move.location_dest_id == self.consumption else -1
            qty = move.product_uom._compute_quantity(
                move.quantity, move.product_id.uom_id
            )
            expected[move.product_id] = expected.get(move.product_id, 0) + sign * qty
        lines = job.line_ids.filtered(lambda ln: ln.kind == "part")
        actual = {}
        for line in lines:
            actual[line.product_id] = actual.get(line.product_id, 0) + line.quantity
        self.assertEqual(actual, expected)
        self.assertEqual(actual[self.oil], 12 + 3 - 5)

    def test_issue_through_the_standard_picking_api_only(self):
        """An issue built and validated like any picking (what the Enterprise
        Barcode app or OCA stock_barcodes do) reaches the job card."""
        job = self._open_job()
        ptype = self.warehouse.workshop_issue_type_id
        picking = (
            self.env["stock.picking"]
            .with_user(self.clerk)
            .create(
                {
                    "picking_type_id": ptype.id,
                    "location_id": ptype.default_location_src_id.id,
                    "location_dest_id": ptype.default_location_dest_id.id,
                    "workshop_job_id": job.id,
                    "move_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "belt",
                                "product_id": self.belt.id,
                                "product_uom_qty": 2,
                                "product_uom": self.belt.uom_id.id,
                                "location_id": ptype.default_location_src_id.id,
                                "location_dest_id": ptype.default_location_dest_id.id,
                            },
                        )
                    ],
                }
            )
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        self.assertIs(picking.button_validate(), True)
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._part_line(job, self.belt).quantity, 2)

    def test_serial_parts_need_the_serial_and_show_it_on_job_and_invoice(self):
        job = self._open_job()
        self._request(job, self.alternator, 1)
        picking = job._workshop_get_issue_picking()
        self._validate(picking, lots={self.alternator: self.lots[:1]})
        line = self._part_line(job, self.alternator)
        self.assertEqual(line.workshop_lot_ids, self.lots[0])
        self.assertIn("ALT-SN-1", line.name)
        self._finish_and_invoice(job)
        aml = line.invoice_line_ids
        self.assertIn("ALT-SN-1", aml.name)

    def _finish_and_invoice(self, job):
        job.resolution = "<p>Done</p>"
        job.action_done()
        job.action_sign(signature=self._signature(), signed_by="Sam")
        job.with_user(self.coordinator).action_create_invoice()
        return job.invoice_ids

    def test_template_parts_become_requests(self):
        template = self.env["workshop.job.template"].create(
            {
                "name": "Service A",
                "line_ids": [
                    (0, 0, {"kind": "part", "product_id": self.oil.id, "quantity": 5}),
                    (
                        0,
                        0,
                        {"kind": "labour", "product_id": self.labour.id, "quantity": 1},
                    ),
                ],
            }
        )
        job = self._create_job(template_id=template.id)
        self.assertEqual(job.line_ids.mapped("kind"), ["labour"])
        self.assertEqual(job.workshop_request_ids.product_id, self.oil)
        self.assertEqual(job.workshop_request_ids.product_uom_qty, 5)

    def test_warehouses_get_consumption_location_and_operation_types(self):
        wh = self.env["stock.warehouse"].create({"name": "Branch", "code": "BRX"})
        self.assertTrue(wh.workshop_consumption_location_id.workshop_is_consumption)
        self.assertEqual(wh.workshop_consumption_location_id.usage, "production")
        self.assertEqual(wh.workshop_issue_type_id.workshop_operation, "issue")
        self.assertEqual(wh.workshop_return_type_id.workshop_operation, "return")
        self.assertEqual(
            wh.workshop_issue_type_id.default_location_dest_id,
            wh.workshop_consumption_location_id,
        )
        self.assertTrue(self.consumption.workshop_is_consumption)
