"""A renewal can complete a period that the old end date cut short (a contract
ending mid-month with calendar periods): the ledger then holds the period's
first part as ``invoice`` and its rest as ``topup``, so the rest is billed once
and the unique index still guards both."""

from odoo import fields, models


class WorkshopContractPeriod(models.Model):
    _inherit = "workshop.contract.period"

    kind = fields.Selection(
        selection_add=[("topup", "Top-up")], ondelete={"topup": "cascade"}
    )
