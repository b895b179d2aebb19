import uuid

from odoo.tests import tagged

from .test_technician_app_browser import TechnicianAppBrowserCommon


@tagged("post_install", "-at_install")
class TestTechnicianAppParts(TechnicianAppBrowserCommon):
    """Van parts and parts requests through the technician app's sync."""

    def sync(self, *actions):
        app = self.env["workshop.technician.app"].with_user(self.technician)
        return app._sync(list(actions))["results"]

    def action(self, kind, **values):
        return dict(
            uuid=str(uuid.uuid4()), type=kind, job_id=self.phone_job.id, **values
        )

    def test_van_part_used_once_even_when_replayed(self):
        issue = self.action("van_issue", product_id=self.seal.id, quantity=1)
        self.assertEqual(self.sync(issue)[0]["status"], "applied")
        self.assertEqual(self.sync(issue)[0]["status"], "duplicate")
        self.assertEqual(self._on_hand(self.seal, self.van), 2)
        move = self.env["stock.move"].search(
            [("workshop_client_uuid", "=", issue["uuid"])]
        )
        self.assertEqual(move.product_id, self.seal)
        line = self.phone_job.line_ids.filtered(lambda ln: ln.product_id == self.seal)
        self.assertEqual(line.quantity, 1)

    def test_part_no_longer_in_the_van_is_a_conflict(self):
        result = self.sync(
            self.action("van_issue", product_id=self.seal.id, quantity=5)
        )[0]
        self.assertEqual(result["status"], "conflict")
        self.assertIn("no longer in your van", result["message"])
        self.assertEqual(self._on_hand(self.seal, self.van), 3)
        self.assertFalse(self.phone_job.line_ids)

    def test_parts_request_recorded_once(self):
        request = self.action("request_part", product_id=self.oil.id, quantity=2)
        self.sync(request, request)
        requests = self.phone_job.workshop_request_ids
        self.assertEqual(len(requests), 1)
        self.assertEqual(requests.client_uuid, request["uuid"])

    def test_day_keeps_van_stock_barcodes_and_requests(self):
        self.sync(self.action("request_part", product_id=self.oil.id, quantity=2))
        day = self.env["workshop.technician.app"].with_user(self.technician)._read_day()
        self.assertEqual(
            [(v["product_id"], v["quantity"]) for v in day["van"]], [(self.seal.id, 3)]
        )
        barcodes = {p["barcode"] for p in day["products"]}
        self.assertIn("2009990000777", barcodes)
        job = next(j for j in day["jobs"] if j["id"] == self.phone_job.id)
        self.assertEqual(job["requests"][0]["product_id"][0], self.oil.id)
        self.assertEqual(job["office_note"], "Gate code 4711")
        self.assertTrue(job["site"]["has_position"])
