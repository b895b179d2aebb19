from odoo.tests import HttpCase, tagged

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestPortal(HttpCase, WorkshopCommon):
    def test_customer_follows_own_jobs_only(self):
        job = self._create_job(self._standard_lines(), client_order_ref="PO-PORTAL-1")
        self._user(
            "ws_cust", "portal", password="ws_cust_pw1", partner_id=self.ap_contact.id
        )
        stranger_partner = self.env["res.partner"].create(
            {"name": "Stranger Inc", "is_company": True}
        )
        self._user(
            "ws_stranger",
            "portal",
            password="ws_stranger_pw1",
            partner_id=stranger_partner.id,
        )

        self.authenticate("ws_cust", "ws_cust_pw1")
        listing = self.url_open("/my/workshop_jobs")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(job.name, listing.text)
        detail = self.url_open(f"/my/workshop_jobs/{job.id}")
        self.assertIn("PO-PORTAL-1", detail.text)
        self.assertIn("Oil filter", detail.text)

        self.authenticate("ws_stranger", "ws_stranger_pw1")
        self.assertNotIn(job.name, self.url_open("/my/workshop_jobs").text)
        denied = self.url_open(f"/my/workshop_jobs/{job.id}")
        self.assertNotIn("PO-PORTAL-1", denied.text)
        # the job's share link works for anyone holding its token
        shared = self.url_open(job.get_portal_url())
        self.assertIn("PO-PORTAL-1", shared.text)
