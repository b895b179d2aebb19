from odoo import api, fields, models
from odoo.tools import float_is_zero, float_round

from odoo.addons.workshop_job_card.models.workshop_job_line import BILLED_KINDS


class WorkshopJobLine(models.Model):
    _inherit = "workshop.job.line"

    coverage_usage_ids = fields.One2many(
        "workshop.contract.usage",
        "job_line_id",
        string="Contract Coverage",
        readonly=True,
    )
    qty_covered = fields.Float(
        string="Covered",
        compute="_compute_qty_covered",
        digits="Product Unit of Measure",
        help="Quantity covered by the service contract on the job's invoices "
        "(net of credit notes).",
    )

    def _live_coverage(self):
        # sudo: the coverage ledger is the office's; technicians' edits of a
        # line still recompute its invoiced quantity from it.
        return self.sudo().coverage_usage_ids.filtered(
            lambda u: u.move_id.state != "cancel"
        )

    @api.depends("coverage_usage_ids.quantity", "coverage_usage_ids.move_id.state")
    def _compute_qty_covered(self):
        for line in self:
            line.qty_covered = sum(line._live_coverage().mapped("quantity"))

    @api.depends(
        "coverage_usage_ids.quantity",
        "coverage_usage_ids.is_shown",
        "coverage_usage_ids.move_id.state",
    )
    def _compute_qty_invoiced(self):
        # Covered work left off the invoice has no invoice line: its coverage
        # rows count as invoiced (and their release re-opens it).
        res = super()._compute_qty_invoiced()
        for line in self:
            off = sum(u.quantity for u in line._live_coverage() if not u.is_shown)
            if not off:
                continue
            line.qty_invoiced += off
            billable = (
                line.kind in BILLED_KINDS
                and line.is_billable
                and line.approval_state == "approved"
            )
            line.qty_to_invoice = (
                (line.quantity - line.qty_invoiced) if billable else 0.0
            )
            line.is_invoiceable = billable and not float_is_zero(
                line.qty_to_invoice,
                precision_rounding=line.product_uom_id.rounding or 0.001,
            )
        return res

    # ------------------------------------------------------------------
    # Coverage planning (pure: reads and returns, the caller records)
    # ------------------------------------------------------------------
    def _plan_coverage(self, contract, budget):
        """Values of the coverage row for this line's open quantity under
        ``contract``, or None when nothing is covered. ``budget`` (a dict with
        ``hours`` and ``amount`` left in the period, None = no limit) is
        decreased by what the line takes."""
        self.ensure_one()
        qty = self.qty_to_invoice
        rounding = self.product_uom_id.rounding or 0.001
        if float_is_zero(qty, precision_rounding=rounding) or qty < 0:
            return None
        unit_price = self._coverage_unit_price(contract)
        covered, hours, parts = qty, 0.0, 0.0
        if self.kind == "labour":
            per_unit = self._hours_per_unit()
            if budget["hours"] is not None:
                covered = min(qty, budget["hours"] / per_unit if per_unit else qty)
            covered = self._round_down(covered, rounding)
            hours = covered * per_unit
            if budget["hours"] is not None:
                budget["hours"] = max(budget["hours"] - hours, 0.0)
        elif self.kind == "part":
            if budget["amount"] is not None and unit_price:
                covered = min(qty, budget["amount"] / unit_price)
            covered = self._round_down(covered, self._part_rounding())
            parts = contract.currency_id.round(covered * unit_price)
            if budget["amount"] is not None:
                budget["amount"] = max(budget["amount"] - parts, 0.0)
        if float_is_zero(covered, precision_rounding=rounding):
            return None
        return {
            "job_line_id": self.id,
            "kind": "consume",
            "quantity": covered,
            "labour_hours": hours,
            "parts_amount": parts,
            "covered_amount": contract.currency_id.round(covered * unit_price),
            "is_shown": contract.covered_lines_display == "zero",
        }

    @staticmethod
    def _round_down(qty, rounding):
        # 6 digits first: 24.999999 left of a 12.5 cap is two units, not one
        return float_round(
            float_round(qty, precision_digits=6),
            precision_rounding=rounding,
            rounding_method="DOWN",
        )

    def _part_rounding(self):
        """Parts counted in units are covered in whole units (half a brake pad
        is not a thing); parts by weight or volume to the unit's rounding."""
        self.ensure_one()
        uom = self.product_uom_id
        if uom.category_id == self.env.ref("uom.product_uom_categ_unit"):
            return max(uom.rounding, 1.0)
        return uom.rounding or 0.001

    def _hours_per_unit(self):
        self.ensure_one()
        hour = self.env.ref("uom.product_uom_hour")
        uom = self.product_uom_id
        if uom and uom.category_id == hour.category_id:
            return uom._compute_quantity(1.0, hour, round=False)
        return 1.0

    def _coverage_unit_price(self, contract):
        """Net unit price of the line, in the contract's currency."""
        self.ensure_one()
        price = self.price_unit * (1 - (self.discount or 0.0) / 100.0)
        job = self.job_id
        if job.currency_id and job.currency_id != contract.currency_id:
            price = job.currency_id._convert(
                price,
                contract.currency_id,
                job.company_id,
                job.service_date or fields.Date.context_today(self),
                round=False,
            )
        return price
