from odoo import models
from odoo.tools import float_compare


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _workshop_split_by_owner(self, balance, uom):
        """Spread this move line over the owners of ``balance`` ({owner:
        quantity in ``uom``}, consumed), splitting it where one owner has
        less than the line; what is left stays the company's own."""
        self.ensure_one()
        qty = self.product_uom_id._compute_quantity(self.quantity, uom)
        for owner, available in balance.items():
            if float_compare(available, 0.0, precision_rounding=uom.rounding) <= 0:
                continue
            take = min(available, qty)
            balance[owner] -= take
            if float_compare(take, qty, precision_rounding=uom.rounding) >= 0:
                self.owner_id = owner
                return
            qty -= take
            self.copy(
                {
                    "quantity": uom._compute_quantity(take, self.product_uom_id),
                    "owner_id": owner.id,
                    "move_id": self.move_id.id,
                    "picked": self.picked,
                }
            )
            self.quantity = uom._compute_quantity(qty, self.product_uom_id)
