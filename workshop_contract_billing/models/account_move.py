from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    workshop_contract_id = fields.Many2one(
        "workshop.contract",
        string="Service Contract",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )

    def action_view_workshop_contract(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "workshop_contract_billing.workshop_contract_action"
        )
        action.update(views=[(False, "form")], res_id=self.workshop_contract_id.id)
        return action

    def unlink(self):
        # Deleting a contract invoice releases its period, so it is billed again
        # (through the ORM, so the contracts' next invoice dates follow).
        # sudo: whoever may delete the invoice releases its period; nothing else.
        periods = (
            self.env["workshop.contract.period"]
            .sudo()
            .search([("move_id", "in", self.ids)])
        )
        periods.unlink()
        return super().unlink()


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    workshop_contract_line_id = fields.Many2one(
        "workshop.contract.line",
        string="Service Contract Line",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
