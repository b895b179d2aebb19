from odoo import fields, models


class StockPickingType(models.Model):
    _inherit = "stock.picking.type"

    workshop_operation = fields.Selection(
        [("issue", "Parts Issue"), ("return", "Parts Return")],
        copy=False,
        index="btree_not_null",
    )
