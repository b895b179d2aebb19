from odoo import fields, models


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    # the technician app's id of a photo (issue 14): a replayed outbox never
    # stores it twice
    workshop_client_uuid = fields.Char(copy=False, index="btree_not_null")

    _sql_constraints = [
        (
            "workshop_client_uuid_uniq",
            "unique(workshop_client_uuid)",
            "This photo of the technician app was already stored.",
        ),
    ]
