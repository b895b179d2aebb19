from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"  # pylint: disable=consider-merging-classes-inherited

    # the technician app's id of a part used from the van (issue 14)
    workshop_client_uuid = fields.Char(copy=False, index="btree_not_null")

    _sql_constraints = [
        (
            "workshop_client_uuid_uniq",
            "unique(workshop_client_uuid)",
            "This part of the technician app was already issued.",
        ),
    ]
