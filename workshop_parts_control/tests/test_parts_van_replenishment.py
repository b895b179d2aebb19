from odoo.tests import tagged

from .common import Command, PartsCommon


@tagged("post_install", "-at_install")
class TestPartsVanReplenishment(PartsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.van = cls._van()
        # the standard way to fill a sub-location: a route pulling from stock
        cls.route = cls.env["stock.route"].create(
            {
                "name": "Van replenishment",
                "product_selectable": False,
                "warehouse_selectable": True,
                "rule_ids": [
                    Command.create(
                        {
                            "name": "Stock → Van Tina",
                            "action": "pull",
                            "procure_method": "make_to_stock",
                            "picking_type_id": cls.warehouse.int_type_id.id,
                            "location_src_id": cls.stock.id,
                            "location_dest_id": cls.van.id,
                            "location_dest_from_rule": True,
                        }
                    )
                ],
            }
        )
        cls.env["stock.quant"]._update_available_quantity(cls.belt, cls.van, 2)

    def test_reordering_rule_refills_the_van_after_issues_on_site(self):
        orderpoint = self.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": self.belt.id,
                "location_id": self.van.id,
                "route_id": self.route.id,
                "product_min_qty": 2,
                "product_max_qty": 4,
            }
        )
        job = self._open_job()
        job.with_user(self.technician).action_workshop_van_issue(self.belt.id, 1)
        self.assertEqual(self._on_hand(self.belt, self.van), 1)
        # what the scheduler does for this rule
        orderpoint._procure_orderpoint_confirm(company_id=self.company)
        move = self.env["stock.move"].search(
            [("product_id", "=", self.belt.id), ("location_dest_id", "=", self.van.id)]
        )
        self.assertEqual(move.product_uom_qty, 3)
        self.assertEqual(move.location_id, self.stock)
        self.assertFalse(move.workshop_job_id, "a refill is no parts issue")
        self._validate(move.picking_id)
        self.assertEqual(self._on_hand(self.belt, self.van), 4)
        self.assertEqual(self._on_hand(self.belt), 7)
        orderpoint._procure_orderpoint_confirm(company_id=self.company)
        self.assertEqual(
            self.env["stock.move"].search_count(
                [
                    ("product_id", "=", self.belt.id),
                    ("location_dest_id", "=", self.van.id),
                ]
            ),
            1,
            "a full van orders nothing",
        )
