from collections import defaultdict

from odoo import _, api, fields, models
from odoo.tools import float_compare


class WorkshopJobLine(models.Model):
    _inherit = "workshop.job.line"  # pylint: disable=consider-merging-classes-inherited

    workshop_qty_consigned = fields.Float(
        string="Consigned",
        compute="_compute_workshop_qty_consigned",
        store=True,
        digits="Product Unit of Measure",
        help="Part of the quantity installed from stock a vendor owns "
        "(consignment): the vendor bills it once the job's work is done.",
    )
    workshop_consignment_owner_ids = fields.Many2many(
        "res.partner",
        string="Consigned By",
        compute="_compute_workshop_consignment_owner_ids",
        # technicians see who owns the parts without reading stock moves
        compute_sudo=True,
        help="The vendors who own the consigned parts of this line.",
    )
    workshop_consignment_bill_line_ids = fields.One2many(
        "account.move.line",
        "workshop_consignment_line_id",
        string="Consignment Bill Lines",
        readonly=True,
    )

    @api.depends(
        "workshop_move_ids.state",
        "workshop_move_ids.move_line_ids.owner_id",
        "workshop_move_ids.move_line_ids.quantity",
        "product_uom_id",
    )
    def _compute_workshop_qty_consigned(self):
        consigned = self._workshop_consigned_by_owner()
        for line in self:
            line.workshop_qty_consigned = sum(
                q for (ln, _owner), q in consigned.items() if ln == line
            )

    @api.depends("workshop_move_ids.state", "workshop_move_ids.move_line_ids.owner_id")
    def _compute_workshop_consignment_owner_ids(self):
        consigned = self._workshop_consigned_by_owner()
        for line in self:
            owners = [o.id for (ln, o), q in consigned.items() if ln == line and q > 0]
            line.workshop_consignment_owner_ids = [fields.Command.set(owners)]

    def _workshop_consigned_by_owner(self):
        """{(line, owner): quantity in the line's unit} of vendor-owned parts
        net issued to these lines (issued minus returned, done moves only).

        The owner is the ``owner_id`` of the done move lines; parts owned by
        the line's own company are not consigned."""
        result = defaultdict(float)
        moves = self.workshop_move_ids.filtered(lambda m: m.state == "done")
        issues, returns = moves._workshop_split_by_direction()
        for moves_, sign in ((issues, 1), (returns, -1)):
            for ml in moves_.move_line_ids:
                line = ml.move_id.workshop_job_line_id
                owner = ml.owner_id
                if not owner or owner == line.company_id.partner_id:
                    continue
                uom = line.product_uom_id or line.product_id.uom_id
                result[line, owner] += sign * ml.product_uom_id._compute_quantity(
                    ml.quantity, uom
                )
        return result

    def _workshop_consignment_billed(self):
        """{(line, owner): quantity} on live vendor bills (net of vendor credit
        notes) of these lines."""
        result = defaultdict(float)
        for aml in self.workshop_consignment_bill_line_ids:
            if aml.parent_state == "cancel":
                continue
            line = aml.workshop_consignment_line_id
            sign = -1 if aml.move_id.move_type == "in_refund" else 1
            qty = aml.product_uom_id._compute_quantity(
                aml.quantity, line.product_uom_id or aml.product_uom_id
            )
            result[line, aml.workshop_consignment_owner_id] += sign * qty
        return result

    def _workshop_consignment_price(self, owner, quantity):
        """What ``owner`` charges per unit of this line (in the line's unit and
        the company's currency): its vendor price list entry, else the
        product's cost."""
        self.ensure_one()
        company = self.company_id
        product = self.product_id.with_company(company)
        uom = self.product_uom_id or product.uom_id
        today = fields.Date.context_today(self)
        seller = product._select_seller(
            partner_id=owner, quantity=quantity, uom_id=uom, date=today
        )
        if seller:
            price = seller.currency_id._convert(
                seller.price_discounted, company.currency_id, company, today
            )
            return seller.product_uom._compute_price(price, uom)
        return product.uom_id._compute_price(product.standard_price, uom)

    def _workshop_prepare_consignment_bill_line_vals(self, owner, quantity, round_):
        """Values of the vendor bill line paying ``owner`` for ``quantity``
        installed consigned units of this line. No side effects."""
        self.ensure_one()
        return {
            "display_type": "product",
            "product_id": self.product_id.id,
            "name": f"{self.job_id.name}: {self.product_id.display_name}",
            "quantity": quantity,
            "product_uom_id": (self.product_uom_id or self.product_id.uom_id).id,
            "price_unit": self._workshop_consignment_price(owner, quantity),
            "workshop_consignment_line_id": self.id,
            "workshop_consignment_owner_id": owner.id,
            "workshop_consignment_round": round_,
        }

    def _workshop_reduce_consignment_bill(self, owner, quantity):
        """``quantity`` consigned units of this line came back after the
        vendor bill was prepared: take them off draft bill lines; what posted
        bills paid becomes a follow-up activity for the parts clerk."""
        self.ensure_one()
        rounding = (self.product_uom_id or self.product_id.uom_id).rounding
        drafts = self.workshop_consignment_bill_line_ids.filtered(
            lambda a: a.workshop_consignment_owner_id == owner
            and a.parent_state == "draft"
            and a.move_id.move_type == "in_invoice"
        ).sorted("id", reverse=True)
        for aml in drafts:
            if float_compare(quantity, 0.0, precision_rounding=rounding) <= 0:
                break
            take = min(aml.quantity, quantity)
            quantity -= take
            bill = aml.move_id.sudo()  # sudo: see _workshop_get_consignment_bill
            if float_compare(take, aml.quantity, precision_rounding=rounding) >= 0:
                bill.write({"invoice_line_ids": [fields.Command.unlink(aml.id)]})
                if not bill.invoice_line_ids:
                    bill.unlink()
            else:
                bill.write(
                    {
                        "invoice_line_ids": [
                            fields.Command.update(
                                aml.id, {"quantity": aml.quantity - take}
                            )
                        ]
                    }
                )
        if float_compare(quantity, 0.0, precision_rounding=rounding) > 0:
            job = self.job_id
            summary = _("Vendor credit for returned consignment")
            note = _(
                "%(qty)s %(product)s consigned by %(owner)s came back after the "
                "vendor bill was posted: ask %(owner)s for a credit note.",
                qty=quantity,
                product=self.product_id.display_name,
                owner=owner.display_name,
            )
            for user in job._workshop_activity_users():
                if job.activity_ids.filtered(
                    lambda a, u=user: a.user_id == u
                    and a.summary == summary
                    and self.product_id.display_name in (a.note or "")
                ):
                    continue  # already asked; one reminder per part is enough
                # sudo: the clerk validating the return may not write the job
                job.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=summary,
                    note=note,
                    user_id=user.id,
                )
