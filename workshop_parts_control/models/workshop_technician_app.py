"""The technician app (workshop_job_card, issue 14) with parts control: the van
stock and the barcodes the technician may scan are kept on the phone, and the
outbox takes two more actions, both through the methods the job form calls:

- ``van_issue``: a part used from the technician's van
  (:meth:`workshop.job.action_workshop_van_issue`);
- ``request_part``: parts requested from the warehouse
  (``workshop.part.request`` create).

What they create keeps the action's UUID (``stock.move.workshop_client_uuid``,
``workshop.part.request.client_uuid``, unique in the database).
"""

from odoo import _, api, models
from odoo.tools import float_compare

from odoo.addons.workshop_job_card.models.workshop_technician_app import (
    SyncConflict,
    is_number,
)

# How many products of the catalogue the phone keeps for requests by scan.
CATALOGUE_LIMIT = 2000


class WorkshopTechnicianApp(models.AbstractModel):
    _inherit = "workshop.technician.app"

    # ------------------------------------------------------------------
    # The day: van stock, barcodes, parts reserved
    # ------------------------------------------------------------------
    @api.model
    def _technician_vans(self):
        # sudo: technicians have no stock rights; their own vans only
        return (
            self.env["stock.location"]
            .sudo()
            .search(
                [
                    ("workshop_van_user_id", "=", self.env.uid),
                    ("company_id", "in", self.env.companies.ids),
                ]
            )
        )

    @api.model
    def _read_day_extra(self, jobs, payload):
        res = super()._read_day_extra(jobs, payload)
        vans = self._technician_vans()
        # sudo: see _technician_vans
        quants = (
            self.env["stock.quant"]
            .sudo()
            .search_read(
                [("location_id", "child_of", vans.ids), ("quantity", ">", 0)],
                ["product_id", "lot_id", "quantity", "reserved_quantity", "company_id"],
            )
            if vans
            else []
        )
        requests = self.env["workshop.part.request"].search_read(
            [("job_id", "in", jobs.ids), ("state", "!=", "cancelled")],
            [
                "job_id",
                "product_id",
                "product_uom_qty",
                "qty_issued",
                "state",
                "client_uuid",
            ],
        )
        catalogue = self.env["product.product"].search(
            [("type", "=", "consu"), ("sale_ok", "=", True)], limit=CATALOGUE_LIMIT
        )
        products = catalogue | self.env["product.product"].browse(
            {quant["product_id"][0] for quant in quants}
        )
        payload["products"] = products.read(
            ["display_name", "barcode", "default_code", "uom_id", "tracking"]
        )
        payload["van"] = [
            {
                "product_id": quant["product_id"][0],
                "lot_id": quant["lot_id"] and quant["lot_id"][0],
                "lot_name": quant["lot_id"] and quant["lot_id"][1],
                "company_id": quant["company_id"][0],
                "quantity": quant["quantity"] - quant["reserved_quantity"],
            }
            for quant in quants
        ]
        payload["has_van"] = bool(vans)
        by_job = {job["id"]: job for job in payload["jobs"]}
        for job in payload["jobs"]:
            job["requests"] = []
        for request in requests:
            by_job[request["job_id"][0]]["requests"].append(request)
        return res

    # ------------------------------------------------------------------
    # The outbox
    # ------------------------------------------------------------------
    @api.model
    def _sync_action_types(self):
        return super()._sync_action_types() | {"van_issue", "request_part"}

    @api.model
    def _client_uuid_fields(self):
        return super()._client_uuid_fields() + [
            ("stock.move", "workshop_client_uuid"),
            ("workshop.part.request", "client_uuid"),
        ]

    def _sync_action_van_issue(self, job, action):
        product_id, quantity = action.get("product_id"), action.get("quantity", 1.0)
        lot_id = action.get("lot_id") or False
        van = self._technician_vans().filtered(
            lambda loc: loc.company_id == job.company_id
        )[:1]
        product = self.env["product.product"].browse(
            product_id if self._is_id(product_id) else []
        )
        if van and product.exists() and is_number(quantity):
            lot = (
                self.env["stock.lot"]
                .sudo()
                .browse(lot_id if self._is_id(lot_id) else [])
            )
            # sudo: see _technician_vans
            available = (
                self.env["stock.quant"]
                .sudo()
                ._get_available_quantity(product, van, lot_id=lot or None)
            )
            if (
                float_compare(
                    available, quantity, precision_rounding=product.uom_id.rounding
                )
                < 0
            ):
                raise SyncConflict(
                    _(
                        "%(product)s is no longer in your van (%(qty)s left): "
                        "not recorded on %(job)s.",
                        product=product.display_name,
                        qty=max(available, 0.0),
                        job=job.name,
                    )
                )
        # sudo: the moves of the job's transfers, to find the one this issue makes
        job_moves = [("picking_id.workshop_job_id", "=", job.id)]
        Move = self.env["stock.move"].sudo()
        before = Move.search(job_moves)
        job.action_workshop_van_issue(product_id, quantity, lot_id)
        new = Move.search(job_moves + [("product_id", "=", product_id)]) - before
        new[:1].workshop_client_uuid = action["uuid"]

    def _sync_action_request_part(self, job, action):
        vals = {
            "job_id": job.id,
            "product_id": action.get("product_id"),
            "product_uom_qty": action.get("quantity", 1.0),
            "client_uuid": action["uuid"],
        }
        if isinstance(action.get("note"), str):
            vals["note"] = action["note"]
        if action.get("urgency") in ("0", "1", "2"):
            vals["urgency"] = action["urgency"]
        self.env["workshop.part.request"].create(vals)
