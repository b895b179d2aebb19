from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    workshop_asset_ids = fields.One2many(
        "workshop.asset", "partner_id", string="Assets"
    )
