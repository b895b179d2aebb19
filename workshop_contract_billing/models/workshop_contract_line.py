from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from .pricing import LineTerms, amount_for_count, period_price


class WorkshopContractLine(models.Model):
    _name = "workshop.contract.line"
    _description = "Workshop Contract Line"
    _order = "contract_id, sequence, id"
    _check_company_auto = True

    contract_id = fields.Many2one(
        "workshop.contract", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, precompute=True
    )
    currency_id = fields.Many2one(related="contract_id.currency_id")
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        [
            ("fixed", "Fixed Fee"),
            ("per_asset", "Fee per Covered Asset"),
            ("tiered", "Tiered by Number of Assets"),
        ],
        default="fixed",
        required=True,
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        check_company=True,
        domain="[('sale_ok', '=', True)]",
    )
    name = fields.Text(
        string="Description",
        compute="_compute_name",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure")
    price_unit = fields.Float(
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        precompute=True,
        digits="Product Price",
        help="Price per period (per asset for a per-asset line).",
    )
    tier_ids = fields.One2many(
        "workshop.contract.line.tier", "line_id", string="Tiers", copy=True
    )
    tax_ids = fields.Many2many(
        "account.tax",
        string="Taxes",
        compute="_compute_tax_ids",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        domain="[('type_tax_use', '=', 'sale')]",
    )
    price_subtotal = fields.Monetary(
        compute="_compute_price_subtotal",
        help="One full period with the assets covered today.",
    )

    @api.depends("product_id")
    def _compute_name(self):
        for line in self:
            line.name = line.product_id.get_product_multiline_description_sale()

    @api.depends("product_id", "contract_id.pricelist_id")
    def _compute_price_unit(self):
        for line in self:
            if not line.product_id:
                continue
            pricelist = line.contract_id.pricelist_id
            line.price_unit = (
                pricelist._get_product_price(line.product_id, 1.0)
                if pricelist
                else line.product_id.lst_price
            )

    @api.depends("product_id", "company_id")
    def _compute_tax_ids(self):
        for line in self:
            line.tax_ids = line.product_id.taxes_id.filtered(
                lambda t, c=line.company_id: t.company_id == c
            )

    @api.depends("kind", "quantity", "price_unit", "tier_ids.price_unit")
    def _compute_price_subtotal(self):
        today = fields.Date.context_today(self)
        for line in self:
            count = len(line.contract_id.covered_asset_ids._active_on(today))
            line.price_subtotal = line.quantity * line._amount_for_count(count)

    @api.constrains("price_unit", "quantity")
    def _check_amounts(self):
        for line in self:
            if line.price_unit < 0 or line.quantity < 0:
                raise ValidationError(
                    _(
                        "Contract line %s: price and quantity cannot be negative "
                        "(a discount for an SLA breach is a service credit; end "
                        "the contract early with Terminate).",
                        line.name or line.product_id.display_name,
                    )
                )

    @api.constrains("kind", "tier_ids")
    def _check_tiers(self):
        for line in self.filtered(lambda li: li.kind == "tiered"):
            if not line.tier_ids:
                raise ValidationError(
                    _("Tiered line %s needs at least one tier.", line.name)
                )

    # ------------------------------------------------------------------
    # Pricing for a period
    # ------------------------------------------------------------------
    def _pricing_terms(self, rounding=None):
        """The terms the line's price depends on, as plain values
        (``pricing.LineTerms``); ``rounding``: of the contract's currency, when
        the caller has it at hand (the forecast, for thousands of lines)."""
        self.ensure_one()
        kind = self.kind
        return LineTerms(
            kind,
            self.quantity,
            self.price_unit,
            tuple(sorted((tier.min_assets, tier.price_unit) for tier in self.tier_ids))
            if kind == "tiered"
            else (),
            rounding or self.contract_id.currency_id.rounding,
        )

    def _amount_for_count(self, asset_count):
        """Price of one full period with ``asset_count`` covered assets (per unit
        of quantity)."""
        return amount_for_count(self._pricing_terms(), asset_count)

    def _period_price(self, period, segments):
        """(quantity, unit price) this line bills for ``period``, or None when
        there is nothing to bill: ``pricing.period_price``, the one pricing of
        a contract line, which the billing engine invoices and the forecast
        adds up. ``segments``: (days, asset count) of the covered part (unused
        by a fixed fee). Pure."""
        return period_price(self._pricing_terms(), period, segments)

    def _prepare_invoice_line_vals(self, period, segments):
        """Values of the invoice line billing this line for ``period`` (a
        ``periods.Period``); None when there is nothing to bill. A plain dict, no
        side effects."""
        self.ensure_one()
        priced = self._period_price(period, segments)
        if not priced:
            return None
        quantity, price = priced
        factor = period.billed_days / period.days
        env = self.env
        name = _(
            "%(name)s\nPeriod: %(start)s – %(end)s",
            name=self.name,
            start=format_date(env, period.billed_from),
            end=format_date(env, period.billed_to),
        )
        if factor != 1:
            name += _(
                " (prorated %(days)s/%(total)s days)",
                days=period.billed_days,
                total=period.days,
            )
        return {
            "display_type": "product",
            "sequence": self.sequence,
            "product_id": self.product_id.id,
            "name": name,
            "quantity": quantity,
            "price_unit": price,
            "tax_ids": [fields.Command.set(self.tax_ids.ids)],
            "workshop_contract_line_id": self.id,
        }
