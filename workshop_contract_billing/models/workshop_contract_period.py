from odoo import fields, models


class WorkshopContractPeriod(models.Model):
    """The ledger of billed periods: one row per contract, period and kind,
    written before the invoice in the same transaction. Its unique index is what
    makes billing a period twice impossible, whatever path bills it."""

    _name = "workshop.contract.period"
    _description = "Billed Contract Period"
    _order = "contract_id, period_start desc, id desc"

    contract_id = fields.Many2one(
        "workshop.contract", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    kind = fields.Selection(
        [("invoice", "Invoice"), ("credit", "Credit")],
        default="invoice",
        required=True,
    )
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    billed_from = fields.Date(required=True)
    billed_to = fields.Date(required=True)
    move_id = fields.Many2one(
        "account.move", string="Invoice", ondelete="cascade", index="btree_not_null"
    )
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount_untaxed = fields.Monetary(related="move_id.amount_untaxed_signed")

    _sql_constraints = [
        (
            "contract_period_kind_uniq",
            "unique(contract_id, period_start, kind)",
            "This period of the contract is already billed.",
        ),
    ]
