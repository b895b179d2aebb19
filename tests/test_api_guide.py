"""Every example of docs/api.md, run in order against the test server.

The guide's examples are written for the demo database; this test builds the few
records they look up (the demo's logins, customer and products) in an empty test
database, points the first example at the test server, and runs every ``python``
block of the guide in one namespace, as a reader would paste them one after the
other. An example that no longer matches the code fails here.
"""

import re
from pathlib import Path

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "api.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.M | re.S)


def guide_examples():
    """The guide's python blocks, in order."""
    return BLOCK.findall(GUIDE.read_text(encoding="utf-8"))


@tagged("post_install", "-at_install")
class TestApiGuide(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        company = env.company
        hour = env.ref("uom.product_uom_hour")
        Product = env["product.product"]
        labour = Product.create(
            {
                "name": "Mechanic labour",
                "type": "service",
                "list_price": 95.0,
                "uom_id": hour.id,
                "uom_po_id": hour.id,
            }
        )
        company.workshop_labour_product_id = labour
        Product.create(
            {
                "name": 'Wiper Blade Set 26"/22"',
                "default_code": "WIP-2622",
                "type": "consu",
                "list_price": 34.0,
            }
        )
        oil_filter = Product.create(
            {
                "name": "Oil Filter, spin-on (light duty)",
                "default_code": "FIL-OIL-LD",
                "barcode": "2004410101010",
                "type": "consu",
                "is_storable": True,
                "list_price": 14.5,
            }
        )
        stock = (
            env["stock.warehouse"]
            .search([("company_id", "=", company.id)], limit=1)
            .lot_stock_id
        )
        env["stock.quant"]._update_available_quantity(oil_filter, stock, 10)
        env["res.partner"].create(
            {"name": "Bayline Logistics Inc.", "is_company": True}
        )
        env["workshop.job.type"].create(
            {"name": "Repair", "response_hours": 4, "resolution_hours": 24}
        )
        groups = {
            "coordinator": "workshop_job_card.group_workshop_coordinator,"
            "account.group_account_invoice",
            "mechanic": "workshop_job_card.group_workshop_technician",
            "parts": "workshop_parts_control.group_workshop_parts_clerk",
            "accountant": "account.group_account_invoice",
            "manager": "workshop_job_card.group_workshop_manager,"
            "account.group_account_manager",
        }
        for login, user_groups in groups.items():
            new_test_user(
                env,
                login=login,
                password=login,
                groups=user_groups,
                company_ids=[Command.set(company.ids)],
            )

    def test_every_example_of_the_guide_runs(self):
        blocks = guide_examples()
        self.assertGreaterEqual(len(blocks), 10, "the guide lost its examples")
        url = self.base_url()
        db = self.env.cr.dbname
        first = re.sub(r'^URL = ".*"$', f'URL = "{url}"', blocks[0], flags=re.M)
        first = re.sub(r'^DB = ".*"$', f'DB = "{db}"', first, flags=re.M)
        self.assertNotEqual(first, blocks[0], "the first example sets URL and DB")
        namespace = {"__name__": "api_guide"}
        self.env.flush_all()
        for number, block in enumerate([first, *blocks[1:]], start=1):
            with self.subTest(example=number):
                exec(compile(block, f"docs/api.md example {number}", "exec"), namespace)  # noqa: S102 pylint: disable=exec-used
        self.env.invalidate_all()
        # what the examples did is in the database
        job = self.env["workshop.job"].search(
            [("client_order_ref", "=", "PO-API-1001")]
        )
        self.assertEqual(job.state, "invoiced")
        self.assertEqual(job.invoice_ids.state, "posted")
        self.assertEqual(len(job.invoice_ids), 1)
        contract = self.env["workshop.contract"].search(
            [("title", "=", "Fleet maintenance plan")]
        )
        self.assertTrue(contract.invoice_ids)
