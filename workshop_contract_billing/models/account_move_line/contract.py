from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    workshop_contract_line_id = fields.Many2one(
        "workshop.contract.line",
        string="Service Contract Line",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
