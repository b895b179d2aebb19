from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .periods import ONE_DAY


class WorkshopContractAsset(models.Model):
    _name = "workshop.contract.asset"
    _description = "Asset Covered by a Contract"
    _order = "contract_id, date_start, id"
    _check_company_auto = True

    contract_id = fields.Many2one(
        "workshop.contract", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    asset_id = fields.Many2one(
        "workshop.asset", required=True, index=True, check_company=True
    )
    date_start = fields.Date(
        string="Covered From",
        help="Empty: from the contract's start. Billing is prorated by day.",
    )
    date_end = fields.Date(
        string="Covered Until",
        help="Empty: until the contract's end. Billing is prorated by day.",
    )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for cover in self:
            if (
                cover.date_start
                and cover.date_end
                and cover.date_end < cover.date_start
            ):
                raise ValidationError(
                    _("Asset %s: coverage ends before it starts.", cover.asset_id.name)
                )

    def _active_on(self, day):
        return self.filtered(
            lambda c: (not c.date_start or c.date_start <= day)
            and (not c.date_end or c.date_end >= day)
        )

    def _segments(self, period):
        """[(days, covered asset count)] over the covered part of ``period``,
        split where an asset joins or leaves."""
        edges = {period.billed_from, period.billed_to + ONE_DAY}
        for cover in self:
            for edge in (cover.date_start, cover.date_end and cover.date_end + ONE_DAY):
                if edge and period.billed_from < edge <= period.billed_to:
                    edges.add(edge)
        edges = sorted(edges)
        return [
            ((end - start).days, len(self._active_on(start)))
            for start, end in zip(edges, edges[1:], strict=False)
        ]
