"""Shared fixtures for workshop_parts_control tests."""

from odoo import Command
from odoo.tests import Form

from odoo.addons.workshop_job_card.tests.common import WorkshopCommon


class PartsCommon(WorkshopCommon):
    """WorkshopCommon plus stock-tracked parts on the shelf of the company's
    warehouse, a parts clerk and helpers to request, issue and return."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.workshop_strict_parts_control = True
        cls.company.workshop_negative_stock = "block"
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock = cls.warehouse.lot_stock_id
        cls.consumption = cls.warehouse.workshop_consumption_location_id
        cls.oil = cls._part(
            "Engine oil 5W30 1L",
            100,
            list_price=9.0,
            standard_price=4.0,
            barcode="WSPC-OIL",
        )
        cls.belt = cls._part(
            "V-belt", 10, list_price=25.0, standard_price=11.0, barcode="WSPC-BELT"
        )
        cls.alternator = cls._part(
            "Alternator 24V",
            list_price=420.0,
            standard_price=250.0,
            tracking="serial",
            barcode="WSPC-ALT",
        )
        cls.dozen = cls.env.ref("uom.product_uom_dozen")
        cls.lots = cls.env["stock.lot"].create(
            [{"name": f"ALT-SN-{i}", "product_id": cls.alternator.id} for i in (1, 2)]
        )
        for lot in cls.lots:
            cls.env["stock.quant"]._update_available_quantity(
                cls.alternator, cls.stock, 1, lot_id=lot
            )
        cls.clerk = cls._user("ws_clerk", "clerk", name="Carl Clerk")

    # ------------------------------------------------------------------
    # Fixture builders
    # ------------------------------------------------------------------
    @classmethod
    def _part(cls, name, qty=0.0, location=None, **vals):
        """A storable goods part (``vals`` over the defaults), with ``qty`` of
        it on the shelf (or in ``location``) when given."""
        part = cls.env["product.product"].create(
            dict({"name": name, "type": "consu", "is_storable": True}, **vals)
        )
        if qty:
            cls.env["stock.quant"]._update_available_quantity(
                part, location or cls.stock, qty
            )
        return part

    @classmethod
    def _van(cls, user=None, name="Van Tina"):
        """The van stock location of ``user`` (default: the technician)."""
        return cls.env["stock.location"].create(
            {
                "name": name,
                "usage": "internal",
                "location_id": cls.warehouse.view_location_id.id,
                "workshop_van_user_id": (user or cls.technician).id,
            }
        )

    # ------------------------------------------------------------------
    @classmethod
    def _open_job(cls, **vals):
        """A job on site with a labour line (so it can be closed)."""
        job = cls._create_job([("labour", cls.labour, 1.0)], **vals)
        job.scheduled_datetime = "2026-11-20 08:00:00"
        job.action_schedule()
        job.action_dispatch()
        job.action_arrive()
        return job

    def _request(self, job, product, qty, **vals):
        return (
            self.env["workshop.part.request"]
            .with_user(self.technician)
            .create(
                dict(job_id=job.id, product_id=product.id, product_uom_qty=qty, **vals)
            )
        )

    def _validate(self, picking, quantities=None, lots=None):
        """Set the counted quantity per product ({product: qty}) or serials
        ({product: lots}) and validate as the parts clerk through the
        standard picking API; partial quantities leave a backorder."""
        picking = picking.with_user(self.clerk)
        for move in picking.move_ids:
            if lots and move.product_id in lots:
                move.move_line_ids.unlink()
                for lot in lots[move.product_id]:
                    self.env["stock.move.line"].create(
                        dict(move._prepare_move_line_vals(quantity=1), lot_id=lot.id)
                    )
            elif quantities and move.product_id in quantities:
                move.quantity = quantities[move.product_id]
            move.picked = True
        res = picking.button_validate()
        if (
            isinstance(res, dict)
            and res.get("res_model") == "stock.backorder.confirmation"
        ):
            Form(
                self.env[res["res_model"]]
                .with_user(self.clerk)
                .with_context(**res["context"])
            ).save().process()
        return picking

    def _issue(self, job, quantities, lots=None):
        """Request parts on ``job`` and issue them all at the counter."""
        for product, qty in quantities.items():
            self._request(job, product, qty)
        picking = job._workshop_get_issue_picking()
        return self._validate(picking, quantities, lots=lots)

    def _return(self, job, quantities):
        """Return ``{product: qty}`` from ``job`` to the shelf."""
        action = job.with_user(self.clerk).action_workshop_return_parts()
        picking = self.env["stock.picking"].browse(action["res_id"])
        for move in picking.move_ids:
            move.quantity = quantities.get(move.product_id, 0.0)
        return self._validate(picking, quantities)

    def _part_line(self, job, product):
        return job.line_ids.filtered(
            lambda ln: ln.workshop_is_stock_line and ln.product_id == product
        )

    def _on_hand(self, product, location=None):
        return sum(
            self.env["stock.quant"]
            .search(
                [
                    ("product_id", "=", product.id),
                    ("location_id", "=", (location or self.stock).id),
                ]
            )
            .mapped("quantity")
        )

    # ------------------------------------------------------------------
    # Consignment and cores
    # ------------------------------------------------------------------
    @classmethod
    def _vendor(cls, name, product=None, price=None, company=None):
        """A vendor partner; with ``product`` and ``price``, its vendor price
        for that product (in ``company`` when given)."""
        vendor = cls.env["res.partner"].create({"name": name, "is_company": True})
        if product is not None:
            cls.env["product.supplierinfo"].create(
                {
                    "partner_id": vendor.id,
                    "product_tmpl_id": product.product_tmpl_id.id,
                    "price": price,
                    "company_id": company.id if company else False,
                }
            )
        return vendor

    @classmethod
    def _consign(cls, product, qty, owner, location=None):
        """Put ``qty`` of ``product`` owned by ``owner`` on the shelf."""
        cls.env["stock.quant"]._update_available_quantity(
            product, location or cls.stock, qty, owner_id=owner
        )

    @classmethod
    def _core_part(cls, name, core_charge=75.0, company=None):
        """A stock-tracked part with a core: (part, core product)."""
        Product = cls.env["product.product"]
        company_id = company.id if company else False
        core = Product.create(
            {
                "name": f"{name} core",
                "type": "consu",
                "is_storable": False,
                "list_price": 60.0,
                "company_id": company_id,
            }
        )
        part = Product.create(
            {
                "name": name,
                "type": "consu",
                "is_storable": True,
                "sale_ok": True,
                "list_price": 300.0,
                "standard_price": 180.0,
                "workshop_has_core": True,
                "workshop_core_product_id": core.id,
                "workshop_core_charge": core_charge,
                "company_id": company_id,
            }
        )
        return part, core


__all__ = ["PartsCommon", "Command"]
