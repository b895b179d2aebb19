from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PartsCommon


@tagged("post_install", "-at_install")
class TestPartsCounter(PartsCommon):
    """The JSON-RPC methods behind the parts-counter screen."""

    def setUp(self):
        super().setUp()
        self.counter = self.env["workshop.parts.counter"].with_user(self.clerk)

    def test_scan_job_then_parts_then_validate(self):
        job = self._open_job()
        self._request(job, self.oil, 3)
        data = self.counter.scan_job(job.barcode)
        self.assertEqual(data["job"], job.name)
        picking_id = data["picking_id"]
        data = self.counter.scan(picking_id, "WSPC-OIL")
        data = self.counter.scan(picking_id, "WSPC-OIL")
        data = self.counter.scan(picking_id, "WSPC-BELT")
        counted = {ln["product"]: ln["counted"] for ln in data["lines"]}
        self.assertEqual(counted[self.oil.display_name], 2)
        self.assertEqual(counted[self.belt.display_name], 1)
        belt_move = next(
            ln for ln in data["lines"] if ln["product"] == self.belt.display_name
        )
        self.counter.set_quantity(picking_id, belt_move["move_id"], 2)
        done = self.counter.validate(picking_id)
        self.assertEqual(
            {ln["product"]: ln["quantity"] for ln in done["lines"]},
            {self.oil.display_name: 2, self.belt.display_name: 2},
        )
        self.assertEqual(self._part_line(job, self.oil).quantity, 2)
        # the third requested oil stays on a backorder
        self.assertEqual(job._workshop_get_issue_picking().move_ids.product_uom_qty, 1)

    def test_scan_serial_number(self):
        job = self._open_job()
        picking_id = self.counter.scan_job(job.name)["picking_id"]
        with self.assertRaisesRegex(UserError, "serial"):
            self.counter.scan(picking_id, "WSPC-ALT")
        self.counter.scan(picking_id, "ALT-SN-2")
        self.counter.validate(picking_id)
        self.assertEqual(
            self._part_line(job, self.alternator).workshop_lot_ids, self.lots[1]
        )

    def test_unknown_codes_and_users(self):
        with self.assertRaisesRegex(UserError, "No job card"):
            self.counter.scan_job("NOPE")
        job = self._open_job()
        picking_id = self.counter.scan_job(job.barcode)["picking_id"]
        with self.assertRaisesRegex(UserError, "Nothing known"):
            self.counter.scan(picking_id, "NOPE")
        with self.assertRaisesRegex(UserError, "at least one"):
            self.counter.validate(picking_id)
        with self.assertRaises(AccessError):
            self.env["workshop.parts.counter"].with_user(self.technician).scan_job(
                job.barcode
            )

    def test_serial_parts_are_counted_by_scanning_not_typing(self):
        job = self._open_job()
        picking_id = self.counter.scan_job(job.barcode)["picking_id"]
        move_id = self.counter.scan(picking_id, "ALT-SN-1")["scanned_move_id"]
        with self.assertRaisesRegex(UserError, "scan each serial"):
            self.counter.set_quantity(picking_id, move_id, 2)
        # a wrong scan is cleared: nothing of it is counted any more
        data = self.counter.set_quantity(picking_id, move_id, 0)
        line = next(ln for ln in data["lines"] if ln["move_id"] == move_id)
        self.assertEqual((line["counted"], line["lots"]), (0, ""))
        with self.assertRaisesRegex(UserError, "at least one"):
            self.counter.validate(picking_id)

    def test_counter_resumes_the_transfer_being_counted(self):
        job = self._open_job()
        picking_id = self.counter.scan_job(job.barcode)["picking_id"]
        self.counter.scan(picking_id, "WSPC-OIL")
        data = self.counter.open_picking(picking_id)
        self.assertEqual(data["job"], job.name)
        self.assertEqual([ln["counted"] for ln in data["lines"]], [1])
        self.counter.validate(picking_id)
        with self.assertRaisesRegex(UserError, "closed"):
            self.counter.open_picking(picking_id)
