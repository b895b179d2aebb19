from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited

    workshop_contract_credit_id = fields.Many2one(
        "workshop.contract.credit",
        string="SLA Service Credit",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )

    def _copy_data_extend_business_fields(self, values):
        # a credit note reversing the line gives the service credit back: it
        # goes on the next contract invoice (see the credit's state)
        res = super()._copy_data_extend_business_fields(values)
        values["workshop_contract_credit_id"] = self.workshop_contract_credit_id.id
        return res

    def _other_credit_lines(self):
        """The live lines of other invoices that carry this line's credit
        (none when credit notes took back as many as they are)."""
        self.ensure_one()
        credit = self.workshop_contract_credit_id
        if not credit:
            return self.browse()
        given, taken_back = credit._given_and_taken_back()
        others = given - self
        return others if len(others) > len(taken_back) else others.browse()
