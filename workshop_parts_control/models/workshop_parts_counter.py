from odoo import _, api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_is_zero


class WorkshopPartsCounter(models.AbstractModel):
    """Server side of the parts-counter screen: plain methods a JSON-RPC
    client (the OWL screen, a handheld, a test) calls with scanned codes."""

    _name = "workshop.parts.counter"
    _description = "Workshop Parts Counter"

    @api.model
    def _check_clerk(self):
        if not self.env.user.has_group("stock.group_stock_user"):
            raise AccessError(_("The parts counter is for inventory users."))

    @api.model
    def scan_job(self, barcode):
        """Open the scanned job card's parts issue transfer (created if none)."""
        self._check_clerk()
        code = (barcode or "").strip()
        job = self._find_job(code)
        if not job:
            raise UserError(_("No job card with barcode %s.", code))
        picking = job._workshop_get_issue_picking(create=True)
        return self._picking_data(picking)

    @api.model
    def open_picking(self, picking_id):
        """The open parts transfer of a job as a dict, to resume counting it."""
        self._check_clerk()
        return self._picking_data(self._get_picking(picking_id))

    @api.model
    def scan(self, picking_id, barcode):
        """Count one unit of the scanned product or lot/serial on the transfer."""
        self._check_clerk()
        picking = self._get_picking(picking_id)
        code = (barcode or "").strip()
        product = self.env["product.product"].search([("barcode", "=", code)], limit=1)
        lot = self.env["stock.lot"]
        if not product:
            lot = self.env["stock.lot"].search(
                [
                    ("name", "=", code),
                    ("company_id", "in", [picking.company_id.id, False]),
                ],
                limit=1,
            )
            product = lot.product_id
        if not product:
            if self._find_job(code):
                # the next job card at the counter: switch to it
                return self.scan_job(code)
            raise UserError(_("Nothing known has barcode %s.", code))
        if product.tracking != "none" and not lot:
            raise UserError(
                _("%s is tracked: scan its serial/lot number.", product.display_name)
            )
        move = picking.move_ids.filtered(
            lambda m: m.product_id == product and m.state not in ("done", "cancel")
        )[:1]
        if not move:
            Move = self.env["stock.move"]
            prepare = (
                Move._workshop_prepare_return_move_vals
                if picking.workshop_operation == "return"
                else Move._workshop_prepare_issue_move_vals
            )
            move = Move.create(prepare(picking, product, 0.0))
            move._action_confirm()
        self._count(move, lot)
        return dict(self._picking_data(picking), scanned_move_id=move.id)

    @api.model
    def set_quantity(self, picking_id, move_id, quantity):
        """Set the counted quantity of one line of the transfer."""
        self._check_clerk()
        picking = self._get_picking(picking_id)
        move = picking.move_ids.filtered(
            lambda m: m.id == move_id and m.state not in ("done", "cancel")
        )
        if not move:
            raise UserError(_("That line is not on %s.", picking.name))
        if quantity < 0:
            raise UserError(_("Enter a quantity of zero or more."))
        if float_is_zero(quantity, precision_rounding=move.product_uom.rounding):
            # nothing of it leaves the shelf: scans (and serials) are cleared
            move.write({"quantity": 0.0, "picked": True})
        elif move.product_id.tracking == "none":
            move.write({"quantity": quantity, "picked": True})
        else:
            self._set_lot_quantity(move, quantity)
        return dict(self._picking_data(picking), scanned_move_id=move.id)

    @api.model
    def _set_lot_quantity(self, move, quantity):
        """Tracked parts are counted by scanning their serial/lot numbers; only
        the quantity of the one lot scanned can be typed."""
        lines = move.move_line_ids.filtered("picked")
        if move.product_id.tracking == "serial" or len(lines.lot_id) != 1:
            raise UserError(
                _(
                    "%s is tracked: scan each serial/lot number instead of "
                    "typing a quantity.",
                    move.product_id.display_name,
                )
            )
        (move.move_line_ids - lines).unlink()
        lines[1:].unlink()
        lines[:1].quantity = move.product_uom._compute_quantity(
            quantity, lines[:1].product_uom_id
        )

    @api.model
    def validate(self, picking_id):
        """Validate the counted quantities; what is not counted is backordered."""
        self._check_clerk()
        picking = self._get_picking(picking_id)
        counted = picking.move_ids.filtered(
            lambda m: m.picked
            and not float_is_zero(m.quantity, precision_rounding=m.product_uom.rounding)
        )
        if not counted:
            raise UserError(_("Scan at least one part before validating."))
        res = picking.with_context(skip_backorder=True).button_validate()
        if isinstance(res, dict):
            raise UserError(_("The transfer needs a decision in the back office."))
        job = picking.workshop_job_id
        backorder = self.env["stock.picking"].search(
            [("backorder_id", "=", picking.id)], limit=1
        )
        return {
            "picking": picking.name,
            "job": job.name,
            "job_id": job.id,
            "backorder": backorder.name or False,
            "issued": [
                {
                    "product": move.product_id.display_name,
                    "quantity": move.quantity,
                    "uom": move.product_uom.name,
                    "lots": ", ".join(move.move_line_ids.lot_id.mapped("name")),
                }
                for move in picking.move_ids.filtered(lambda m: m.state == "done")
            ],
            "lines": [
                {
                    "product": line.product_id.display_name,
                    "quantity": line.quantity,
                    "uom": line.product_uom_id.name,
                }
                for line in job.line_ids.filtered("workshop_is_stock_line")
            ],
        }

    # ------------------------------------------------------------------
    @api.model
    def _find_job(self, code):
        if not code:
            return self.env["workshop.job"]
        return self.env["workshop.job"].search(
            ["|", ("barcode", "=", code), ("name", "=", code)], limit=1
        )

    @api.model
    def _get_picking(self, picking_id):
        picking = self.env["stock.picking"].browse(int(picking_id)).exists()
        if not picking or not picking.workshop_job_id:
            raise UserError(_("That is not a job's parts transfer."))
        if picking.state in ("done", "cancel"):
            raise UserError(_("Transfer %s is closed.", picking.name))
        picking._workshop_check_job_takes_parts()
        return picking

    @api.model
    def _count(self, move, lot):
        if lot:
            line = move.move_line_ids.filtered(lambda ml: ml.lot_id == lot)[:1]
            if line and line.picked:
                line.quantity += 1
            elif line:
                line.write({"quantity": 1, "picked": True})
            else:
                if not move.picked:
                    move.move_line_ids.unlink()  # reservation replaced by the scan
                self.env["stock.move.line"].create(
                    dict(
                        move._prepare_move_line_vals(quantity=1),
                        lot_id=lot.id,
                        picked=True,
                    )
                )
            move.picked = True
            return
        if move.picked:
            move.quantity += 1
        else:
            move.write({"quantity": 1, "picked": True})

    @api.model
    def _picking_data(self, picking):
        job = picking.workshop_job_id
        return {
            "picking_id": picking.id,
            "picking": picking.name,
            "source": picking.location_id.display_name,
            "job": job.name,
            "job_id": job.id,
            "job_state": dict(job._fields["state"]._description_selection(self.env))[
                job.state
            ],
            "customer": job.partner_id.display_name,
            "asset": job.asset_id.display_name or "",
            "scanned_move_id": False,
            "lines": [
                {
                    "move_id": move.id,
                    "product": move.product_id.display_name,
                    "demand": move.product_uom_qty,
                    "counted": move.quantity if move.picked else 0.0,
                    "uom": move.product_uom.name,
                    "lots": ", ".join(
                        move.move_line_ids.filtered("picked").lot_id.mapped("name")
                    ),
                    "tracking": move.product_id.tracking,
                }
                for move in picking.move_ids.filtered(lambda m: m.state != "cancel")
            ],
        }
