from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class WorkshopContractLineTier(models.Model):
    _name = "workshop.contract.line.tier"
    _description = "Workshop Contract Price Tier"
    _order = "line_id, min_assets"

    line_id = fields.Many2one(
        "workshop.contract.line", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="line_id.company_id", store=True, precompute=True, index=True
    )
    min_assets = fields.Integer(
        string="From Assets",
        required=True,
        default=1,
        help="This price per asset applies from this number of covered assets.",
    )
    price_unit = fields.Float(
        string="Price per Asset", digits="Product Price", required=True
    )

    @api.constrains("price_unit", "min_assets")
    def _check_tier(self):
        for tier in self:
            if tier.price_unit < 0 or tier.min_assets < 1:
                raise ValidationError(
                    _(
                        "Price tiers of %s: a price cannot be negative and a tier "
                        "starts at one asset or more.",
                        tier.line_id.name or tier.line_id.product_id.display_name,
                    )
                )

    _sql_constraints = [
        (
            "line_min_uniq",
            "unique(line_id, min_assets)",
            "Two tiers of a line cannot start at the same number of assets.",
        ),
    ]
