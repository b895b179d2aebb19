import math

from odoo import _, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare


class WorkshopJob(models.Model):
    _inherit = "workshop.job"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Van stock
    # ------------------------------------------------------------------
    def action_workshop_van_issue(self, product_id, quantity=1.0, lot_id=False):
        """Issue a part from the technician's own van to the job, on site.

        Still a parts issue transfer, validated at once.

        ``product_id``: an active goods product of the job's company;
        ``quantity``: above zero, in the product's unit; ``lot_id``: the
        lot/serial number of a tracked product (one unit per serial)."""
        self.ensure_one()
        user = self.env.user
        if user not in self.technician_ids:
            raise AccessError(
                _("Only a technician of %s issues parts to it.", self.name)
            )
        self._workshop_check_can_issue_parts()
        van = self.env["stock.location"].search(
            [
                ("workshop_van_user_id", "=", user.id),
                ("company_id", "=", self.company_id.id),
            ],
            limit=1,
        )
        if not van:
            raise UserError(_("You have no van stock location."))
        product, quantity, lot = self._workshop_check_van_issue(
            product_id, quantity, lot_id
        )
        # sudo: technicians have no stock rights; the rule (own van, own job) is
        # checked above and the issue goes through the same validated moves
        picking = self.sudo()._workshop_get_issue_picking(create=True, location=van)
        Move = self.env["stock.move"].sudo()
        move = Move.create(
            Move._workshop_prepare_issue_move_vals(picking, product, quantity)
        )
        move._action_confirm()
        move.move_line_ids.unlink()
        self.env["stock.move.line"].sudo().create(
            dict(move._prepare_move_line_vals(quantity=quantity), lot_id=lot.id)
        )
        move.picked = True
        picking.with_context(skip_backorder=True).button_validate()
        return True

    def _workshop_check_van_issue(self, product_id, quantity, lot_id):
        """(product, quantity, lot) of a van issue to this job, or a UserError
        saying what is wrong with the input (an RPC client sends anything)."""
        self.ensure_one()
        product = self.env["product.product"]
        if isinstance(product_id, int) and not isinstance(product_id, bool):
            product = product.browse(product_id).exists()
        if not product:
            raise UserError(_("Choose the part to issue from your van."))
        if not product.active:
            raise UserError(
                _("%s is archived: it cannot be issued.", product.display_name)
            )
        if product.type != "consu":
            raise UserError(
                _(
                    "%s is not goods: only parts are issued from a van.",
                    product.display_name,
                )
            )
        if product.company_id and product.company_id != self.company_id:
            raise UserError(
                _(
                    "%(product)s belongs to another company than job %(job)s.",
                    product=product.display_name,
                    job=self.name,
                )
            )
        if isinstance(quantity, bool) or not isinstance(quantity, int | float):
            raise UserError(_("Enter the quantity to issue as a number."))
        rounding = product.uom_id.rounding
        if (
            not math.isfinite(quantity)
            or float_compare(quantity, 0.0, precision_rounding=rounding) <= 0
        ):
            raise UserError(
                _(
                    "Issue a quantity above zero of %s; bring unused parts back "
                    "with a Parts Return transfer.",
                    product.display_name,
                )
            )
        # sudo: technicians have no stock rights; the lot is only checked
        # against the product and the job, and then issued as it is
        lot = self.env["stock.lot"].sudo()
        if lot_id:
            if isinstance(lot_id, int) and not isinstance(lot_id, bool):
                lot = lot.browse(lot_id).exists()
            if not lot or lot.product_id != product:
                raise UserError(
                    _(
                        "That lot/serial number is not one of %s: scan the "
                        "number on the part.",
                        product.display_name,
                    )
                )
            if lot.company_id and lot.company_id != self.company_id:
                raise UserError(
                    _(
                        "Lot/serial number %(lot)s belongs to another company "
                        "than job %(job)s.",
                        lot=lot.name,
                        job=self.name,
                    )
                )
        if product.tracking != "none" and not lot:
            raise UserError(
                _("%s is tracked: scan its serial/lot number.", product.display_name)
            )
        if (
            product.tracking == "serial"
            and float_compare(quantity, 1.0, precision_rounding=rounding) != 0
        ):
            raise UserError(
                _(
                    "Issue %s one serial number at a time (quantity 1).",
                    product.display_name,
                )
            )
        return product, quantity, lot
