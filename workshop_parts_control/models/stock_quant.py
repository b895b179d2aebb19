from odoo import _, api, models
from odoo.exceptions import UserError

from ..tools.stock_sync import is_stock_sync


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _workshop_check_consumption_write(self, locations):
        """Stock in a workshop consumption location changes only through a
        validated parts issue or return of a job card."""
        if is_stock_sync(self.env):
            return
        locations = locations._workshop_in_consumption()
        if locations:
            raise UserError(
                _(
                    "Stock in %s changes only through the parts issue and return "
                    "transfers of job cards.",
                    ", ".join(locations.mapped("display_name")),
                )
            )

    @api.model
    def _update_available_quantity(
        self, product_id, location_id, quantity=False, **kwargs
    ):
        self._workshop_check_consumption_write(location_id)
        return super()._update_available_quantity(
            product_id, location_id, quantity, **kwargs
        )

    @api.model_create_multi
    def create(self, vals_list):
        location_ids = {v["location_id"] for v in vals_list if v.get("location_id")}
        self._workshop_check_consumption_write(
            self.env["stock.location"].browse(location_ids)
        )
        return super().create(vals_list)

    def write(self, vals):
        if {"quantity", "inventory_quantity", "location_id"} & set(vals):
            locations = self.location_id
            if vals.get("location_id"):
                locations |= self.env["stock.location"].browse(vals["location_id"])
            self._workshop_check_consumption_write(locations)
        return super().write(vals)
