"""Contract coverage on invoices and credit notes: covered invoice lines name
their contract, and posting a credit note gives back the coverage it reverses."""

from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited

    workshop_covered_contract_id = fields.Many2one(
        "workshop.contract",
        string="Covered by Contract",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )

    def _copy_data_extend_business_fields(self, values):
        # credit notes keep the coverage of the lines they reverse
        res = super()._copy_data_extend_business_fields(values)
        values["workshop_covered_contract_id"] = self.workshop_covered_contract_id.id
        return res
