from odoo import fields, models


class WorkshopContractTerminateWizard(models.TransientModel):
    _name = "workshop.contract.terminate.wizard"
    _description = "Terminate Service Contracts"

    contract_ids = fields.Many2many(
        "workshop.contract", string="Contracts", required=True
    )
    termination_date = fields.Date(
        string="Last Day of Service",
        required=True,
        default=fields.Date.context_today,
        help="A date in the past settles now (credit note for days billed beyond "
        "it, final invoice for what is owed); today or later is settled the day "
        "after that date.",
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        """Terminate the contracts on the date given, for the reason given."""
        self.ensure_one()
        self.contract_ids.action_terminate(self.termination_date, self.reason)
        return {"type": "ir.actions.act_window_close"}
