from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_is_zero

from ..tools.field_rights import FieldRight
from ..tools.privilege import grant, is_granted
from .workshop_job.workshop_job import COORDINATOR

LINE_KINDS = [
    ("part", "Part"),
    ("labour", "Labour"),
    ("travel", "Travel"),
    ("fee", "Fee"),
    ("section", "Section"),
    ("note", "Note"),
]
BILLED_KINDS = ("part", "labour", "travel", "fee")
# The privilege of time logs writing the quantity of their labour line (also
# once it is billed: a credit note re-opens it) — see tools/privilege.py.
TIMELOG_ROLLUP = "workshop_job_card.timelog_rollup"
# Who may set what on a job line: prices and billing flags are the office's.
LINE_FIELD_RIGHTS = {
    fname: FieldRight(groups=(COORDINATOR,))
    for fname in ("price_unit", "discount", "tax_ids", "is_billable", "approval_state")
}
# Changed by someone who cannot approve, these send an approved line back to
# approval: they decide what the customer pays for.
REAPPROVE_FIELDS = ("is_warranty", "kind", "product_id", "estimated_qty")
# What may not change once a line is on a posted invoice.
BILLED_FIELDS = {
    "product_id",
    "quantity",
    "product_uom_id",
    "price_unit",
    "discount",
    "tax_ids",
    "is_billable",
    "is_warranty",
    "kind",
    "job_id",
}


class WorkshopJobLine(models.Model):
    _name = "workshop.job.line"
    _description = "Workshop Job Line"
    _inherit = ["workshop.field.rights.mixin"]
    _order = "job_id, sequence, id"
    _check_company_auto = True
    _workshop_state_field = "job_state"
    _workshop_field_rights = LINE_FIELD_RIGHTS

    job_id = fields.Many2one(
        "workshop.job",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="job_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(
        related="job_id.currency_id", store=True, precompute=True
    )
    job_state = fields.Selection(related="job_id.state", string="Job State")
    sequence = fields.Integer(default=10)
    kind = fields.Selection(LINE_KINDS, required=True, default="part")
    display_type = fields.Selection(
        [("line_section", "Section"), ("line_note", "Note")],
        compute="_compute_display_type",
    )
    product_id = fields.Many2one(
        "product.product",
        check_company=True,
        domain="[('sale_ok', '=', True)]",
        index="btree_not_null",
    )
    name = fields.Text(
        string="Description",
        compute="_compute_name",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure")
    estimated_qty = fields.Float(
        string="Estimate",
        digits="Product Unit of Measure",
        help="Planned quantity (labour hours) from the template or the quote.",
    )
    product_uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        compute="_compute_product_uom_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    technician_id = fields.Many2one(
        "res.users", string="Technician", index="btree_not_null"
    )
    timelog_ids = fields.One2many("workshop.job.timelog", "line_id", string="Time Logs")
    price_unit = fields.Float(
        string="Unit Price",
        digits="Product Price",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        precompute=True,
    )
    discount = fields.Float(string="Discount (%)", digits="Discount")
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
        string="Subtotal", compute="_compute_amounts", store=True
    )
    price_total = fields.Monetary(
        string="Total", compute="_compute_amounts", store=True
    )
    is_billable = fields.Boolean(string="Billable", default=True)
    is_warranty = fields.Boolean(
        string="Warranty", help="Shown on the invoice at zero price."
    )
    approval_state = fields.Selection(
        [
            ("approved", "Approved"),
            ("to_approve", "To Approve"),
            ("rejected", "Rejected"),
        ],
        default="approved",
        required=True,
        copy=False,
    )
    invoice_line_ids = fields.One2many(
        "account.move.line",
        "workshop_job_line_id",
        string="Invoice Lines",
        readonly=True,
    )
    qty_invoiced = fields.Float(
        compute="_compute_qty_invoiced", store=True, digits="Product Unit of Measure"
    )
    qty_to_invoice = fields.Float(
        compute="_compute_qty_invoiced", store=True, digits="Product Unit of Measure"
    )
    is_invoiceable = fields.Boolean(compute="_compute_qty_invoiced", store=True)
    # the technician app's id of the line (issue 14): a replayed outbox never
    # adds it twice
    client_uuid = fields.Char(copy=False, index="btree_not_null")

    _sql_constraints = [
        (
            "quantity_positive",
            "CHECK(quantity >= 0)",
            "A line quantity cannot be negative.",
        ),
        (
            "discount_range",
            "CHECK(discount >= 0 AND discount <= 100)",
            "A discount is between 0 and 100%.",
        ),
        (
            "client_uuid_uniq",
            "unique(client_uuid)",
            "This line of the technician app was already recorded.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("kind")
    def _compute_display_type(self):
        mapping = {"section": "line_section", "note": "line_note"}
        for line in self:
            line.display_type = mapping.get(line.kind, False)

    @api.depends("product_id", "technician_id")
    def _compute_name(self):
        for line in self:
            if not line.product_id:
                line.name = (
                    line.name or (line.kind and dict(LINE_KINDS)[line.kind]) or "/"
                )
                continue
            name = line.product_id.get_product_multiline_description_sale()
            if line.technician_id:
                name = f"{name} — {line.technician_id.name}"
            line.name = name

    @api.depends("product_id")
    def _compute_product_uom_id(self):
        for line in self:
            line.product_uom_id = line.product_id.uom_id

    @api.depends("product_id", "product_uom_id", "job_id.pricelist_id")
    def _compute_price_unit(self):
        for line in self:
            if not line.product_id or line.kind not in BILLED_KINDS:
                line.price_unit = line.price_unit or 0.0
                continue
            pricelist = line.job_id.pricelist_id
            uom = line.product_uom_id or line.product_id.uom_id
            if pricelist:
                line.price_unit = pricelist._get_product_price(
                    line.product_id, line.quantity or 1.0, uom=uom
                )
            else:
                line.price_unit = line.product_id.uom_id._compute_price(
                    line.product_id.lst_price, uom
                )

    @api.depends("product_id", "job_id.fiscal_position_id", "company_id")
    def _compute_tax_ids(self):
        for line in self:
            company = line.company_id or line.job_id.company_id or self.env.company
            taxes = line.product_id.taxes_id._filter_taxes_by_company(company)
            line.tax_ids = line.job_id.fiscal_position_id.map_tax(taxes)

    @api.depends("quantity", "price_unit", "discount", "tax_ids", "is_warranty", "kind")
    def _compute_amounts(self):
        for line in self:
            if line.kind not in BILLED_KINDS or line.is_warranty:
                line.price_subtotal = line.price_total = 0.0
                continue
            price = line.price_unit * (1 - (line.discount or 0.0) / 100.0)
            taxes = line.tax_ids.compute_all(
                price,
                currency=line.currency_id,
                quantity=line.quantity,
                product=line.product_id,
                partner=line.job_id.partner_invoice_id,
            )
            line.price_subtotal = taxes["total_excluded"]
            line.price_total = taxes["total_included"]

    @api.depends(
        "quantity",
        "product_uom_id",
        "kind",
        "is_billable",
        "approval_state",
        "invoice_line_ids.quantity",
        "invoice_line_ids.parent_state",
        "invoice_line_ids.product_uom_id",
        "invoice_line_ids.move_id.move_type",
    )
    def _compute_qty_invoiced(self):
        for line in self:
            qty = 0.0
            for aml in line.invoice_line_ids:
                if aml.parent_state == "cancel":
                    continue
                sign = -1 if aml.move_id.move_type == "out_refund" else 1
                aml_qty = aml.quantity
                if (
                    aml.product_uom_id
                    and line.product_uom_id
                    and aml.product_uom_id != line.product_uom_id
                ):
                    aml_qty = aml.product_uom_id._compute_quantity(
                        aml_qty, line.product_uom_id
                    )
                qty += sign * aml_qty
            line.qty_invoiced = qty
            billable = (
                line.kind in BILLED_KINDS
                and line.is_billable
                and line.approval_state == "approved"
            )
            line.qty_to_invoice = (line.quantity - qty) if billable else 0.0
            rounding = line.product_uom_id.rounding or 0.001
            line.is_invoiceable = billable and not float_is_zero(
                line.qty_to_invoice, precision_rounding=rounding
            )

    # ------------------------------------------------------------------
    # Invoicing
    # ------------------------------------------------------------------
    def _prepare_invoice_line_vals(self, billing_round, plan=None):
        """Values of the invoice line that bills this job line's open quantity
        (``plan``: what the job's ``_plan_invoicing`` returned, for addons that
        extend this). A plain dict, no side effects."""
        self.ensure_one()
        if self.kind == "section":
            return {
                "display_type": "line_section",
                "name": self.name,
                "sequence": self.sequence,
            }
        if self.kind == "note":
            return {
                "display_type": "line_note",
                "name": self.name,
                "sequence": self.sequence,
            }
        name = self.name
        if self.is_warranty:
            name = _("%s (warranty)", name)
        return {
            "display_type": "product",
            "sequence": self.sequence,
            "product_id": self.product_id.id,
            "name": name,
            "quantity": self.qty_to_invoice,
            "product_uom_id": self.product_uom_id.id,
            "price_unit": 0.0 if self.is_warranty else self.price_unit,
            "discount": self.discount,
            "tax_ids": [fields.Command.set(self.tax_ids.ids)],
            "workshop_job_line_id": self.id,
            "workshop_billing_round": billing_round,
        }

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------
    def _check_job_editable(self):
        locked = self.job_id.filtered(lambda j: j.state in ("invoiced", "cancelled"))
        if locked:
            raise UserError(
                _(
                    "Job %(jobs)s is %(state)s: its lines cannot "
                    "change. Issue a credit note "
                    "to re-open an invoiced job.",
                    jobs=", ".join(locked.mapped("name")),
                    state=locked[0]
                    ._fields["state"]
                    .convert_to_export(locked[0].state, locked[0]),
                )
            )

    @api.constrains("price_unit")
    def _check_price_unit(self):
        negative = self.filtered(lambda line: line.price_unit < 0)
        if negative:
            raise ValidationError(
                _(
                    "A unit price cannot be negative (%(lines)s): "
                    "give a discount instead.",
                    lines=", ".join(negative.mapped("name")),
                )
            )

    def _may_approve(self):
        return self.env.su or self.env.user.has_group(COORDINATOR)

    @api.model_create_multi
    def create(self, vals_list):
        self._default_travel_product(vals_list)
        lines = super().create(vals_list)
        lines._check_job_editable()
        if not self._may_approve():
            # extra parts and fees added in the field wait for the office's approval
            # (sudo: the approval state is the office's field)
            lines.filtered(
                lambda line: line.kind in ("part", "fee")
                and line.approval_state == "approved"
            ).sudo().write({"approval_state": "to_approve"})
        lines.job_id.filtered("is_exception_accepted")._as_workflow().write(
            {"is_exception_accepted": False}
        )
        return lines

    def _default_travel_product(self, vals_list):
        """Travel lines without a product take the company's travel product."""
        for vals in vals_list:
            if vals.get("kind") == "travel" and not vals.get("product_id"):
                job = self.env["workshop.job"].browse(vals.get("job_id"))
                product = job.company_id.workshop_travel_product_id or self.env.ref(
                    "workshop_job_card.product_travel_km", raise_if_not_found=False
                )
                if product:
                    vals["product_id"] = product.id

    def write(self, vals):
        billing_vals = BILLED_FIELDS & set(vals)
        if billing_vals:
            self._check_job_editable()
            billed = self.filtered(lambda line: line._has_posted_billing())
            if billed and not is_granted(self.env, TIMELOG_ROLLUP):
                raise UserError(
                    _(
                        "Line(s) %(lines)s are on a posted "
                        "invoice: they cannot change. "
                        "Issue a credit note first.",
                        lines=", ".join(billed.mapped("name")),
                    )
                )
        reapprove = self._to_reapprove(vals)
        res = super().write(vals)
        if reapprove:
            # sudo: the approval state is the office's field
            reapprove.sudo().write({"approval_state": "to_approve"})
        if billing_vals | ({"approval_state", "estimated_qty"} & set(vals)):
            self.job_id.filtered("is_exception_accepted")._as_workflow().write(
                {"is_exception_accepted": False}
            )
        return res

    def _to_reapprove(self, vals):
        """The approved lines whose billing basis ``vals`` change, when the
        writer cannot approve lines."""
        if not set(REAPPROVE_FIELDS) & set(vals) or self._may_approve():
            return self.browse()
        return self.filtered(
            lambda line: line.approval_state == "approved"
            and any(
                fname in vals
                and not self._workshop_same(line._fields[fname], line, vals[fname])
                for fname in REAPPROVE_FIELDS
            )
        )

    def _as_timelog_rollup(self):
        """These lines in an environment where time logs may set their quantity."""
        return grant(self, TIMELOG_ROLLUP)

    def _has_posted_billing(self):
        """True while posted invoices bill this line (net of posted credit notes):
        a fully credited line may be corrected and billed again."""
        self.ensure_one()
        # sudo: a check, not a read for the user (coordinators without billing
        # rights edit lines too)
        net = sum(
            (-1 if aml.move_id.move_type == "out_refund" else 1) * aml.quantity
            for aml in self.sudo().invoice_line_ids
            if aml.parent_state == "posted"
        )
        return not float_is_zero(
            net, precision_rounding=self.product_uom_id.rounding or 0.001
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_invoiced(self):
        self._check_job_editable()
        # sudo: a check, not a read for the user
        if self.sudo().invoice_line_ids.filtered(lambda a: a.parent_state != "cancel"):
            raise UserError(_("A line that is on an invoice cannot be deleted."))

    def action_approve(self):
        """Approve extra lines added in the field (coordinator)."""
        if not self._may_approve():
            raise AccessError(_("Only a service coordinator can approve lines."))
        self.write({"approval_state": "approved"})
        return True

    def action_reject(self):
        """Reject extra lines: they stay on the job card but are never billed."""
        if not self._may_approve():
            raise AccessError(_("Only a service coordinator can reject lines."))
        self.write({"approval_state": "rejected"})
        return True
