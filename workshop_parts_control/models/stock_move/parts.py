from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_is_zero

from ...tools.stock_sync import as_stock_sync, is_stock_sync

# Links between a move and the job card that only this addon's code sets: a
# move linked by hand to another job's line would put its parts on that job.
SYSTEM_LINK_FIELDS = {"workshop_job_line_id", "workshop_core_line_id"}


class StockMove(models.Model):
    _inherit = "stock.move"

    workshop_job_id = fields.Many2one(
        related="picking_id.workshop_job_id",
        store=True,
        index="btree_not_null",
        string="Job Card",
    )
    workshop_job_line_id = fields.Many2one(
        "workshop.job.line",
        string="Job Card Line",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    workshop_request_id = fields.Many2one(
        "workshop.part.request",
        string="Parts Request",
        index="btree_not_null",
        readonly=True,
    )
    workshop_core_line_id = fields.Many2one(
        "workshop.job.line",
        string="Core Charge Line",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The core charge whose old part (core) this move returns to the "
        "vendor.",
    )

    # ------------------------------------------------------------------
    # Links to the job card are the system's
    # ------------------------------------------------------------------
    def _workshop_may_link(self):
        # sudo: our own code creating moves for the technician or the clerk
        return self.env.su or is_stock_sync(self.env)

    @api.model_create_multi
    def create(self, vals_list):
        if not self._workshop_may_link() and any(
            SYSTEM_LINK_FIELDS & set(vals) for vals in vals_list
        ):
            raise UserError(_("Stock moves are linked to job lines when validated."))
        moves = super().create(vals_list)
        moves._workshop_check_job_links()
        if not self.env.su:
            # no parts put on a transfer of finished work (our own code checks
            # the job before it opens a transfer as superuser)
            moves.picking_id._workshop_check_job_takes_parts()
        return moves

    def write(self, vals):
        if not self._workshop_may_link():
            changed = {
                fname
                for fname in SYSTEM_LINK_FIELDS
                | {"workshop_request_id", "workshop_job_id"}
                if fname in vals
                and any(
                    move[fname] != move[fname].browse(vals[fname] or ())
                    for move in self
                )
            }
            if changed:
                raise UserError(
                    _(
                        "A stock move keeps the job card, job line and parts "
                        "request it was made for: make a new transfer of the "
                        "other job instead."
                    )
                )
        res = super().write(vals)
        if {"picking_id", "workshop_request_id", "workshop_job_id"} & set(vals):
            self._workshop_check_job_links()
        return res

    def _workshop_check_job_links(self):
        """A move belongs to the job of its transfer, and so does the parts
        request it fulfils."""
        wrong = self.filtered(
            lambda m: m.workshop_job_id != m.picking_id.workshop_job_id
            or (
                m.workshop_request_id
                and m.workshop_request_id.sudo().job_id != m.workshop_job_id
            )
        )
        if wrong:
            raise UserError(
                _(
                    "%(product)s: the move, its transfer and its parts request "
                    "must belong to the same job card.",
                    product=wrong[0].product_id.display_name,
                )
            )

    # ------------------------------------------------------------------
    # Which moves are parts moves
    # ------------------------------------------------------------------
    def _workshop_split_by_direction(self):
        """(issues, returns): the moves of ``self`` that enter, resp. leave,
        a workshop consumption location (their move lines included)."""
        locations = (
            self.location_id
            | self.location_dest_id
            | self.move_line_ids.location_id
            | self.move_line_ids.location_dest_id
        )
        consumption = locations._workshop_in_consumption()
        if not consumption:
            return self.browse(), self.browse()
        issues = self.filtered(
            lambda m: m.location_dest_id in consumption
            or m.move_line_ids.location_dest_id & consumption
        )
        returns = self.filtered(
            lambda m: m.location_id in consumption
            or m.move_line_ids.location_id & consumption
        )
        return issues, returns

    def _workshop_product_qty(self):
        """The done (or picked) quantity in the product's unit."""
        self.ensure_one()
        return self.product_uom._compute_quantity(
            self.quantity, self.product_id.uom_id, rounding_method="HALF-UP"
        )

    # ------------------------------------------------------------------
    # The rule
    # ------------------------------------------------------------------
    def _action_done(self, cancel_backorder=False):
        issues, returns = self._workshop_split_by_direction()
        parts_moves = issues | returns
        if not parts_moves:
            done = super()._action_done(cancel_backorder=cancel_backorder)
            done.filtered(
                lambda m: m.state == "done" and m.workshop_core_line_id
            )._workshop_core_returned()
            return done
        parts_moves._workshop_lock(issues)
        returns.filtered("workshop_job_id")._workshop_assign_return_owners()
        parts_moves._workshop_check_before_done(issues, returns)
        # only validated parts moves may change quants in consumption locations
        done = (
            super(StockMove, as_stock_sync(self))
            ._action_done(cancel_backorder=cancel_backorder)
            .with_env(self.env)
        )
        done_all = (done | parts_moves).filtered(lambda m: m.state == "done")
        done_all._workshop_split_by_direction()[0]._workshop_check_negative_stock()
        done_all.filtered("workshop_job_id")._workshop_propagate_to_jobs()
        done_all.workshop_job_line_id._workshop_sync_cores()
        done_all.workshop_job_id._workshop_sync_consignment_bills()
        return done

    def _workshop_lock(self, issues):
        """Serialise what decides the rule: the job rows (two issues to one job,
        or an issue racing the invoicing) and the quants the issue takes from
        (two jobs taking the last unit). Under REPEATABLE READ the second
        transaction waits, then fails and is replayed against the result of the
        first."""
        self.workshop_job_id._lock_for_invoicing()
        internal = issues.move_line_ids.location_id.filtered(
            lambda loc: loc.usage in ("internal", "transit")
        )
        products = issues.product_id.filtered("is_storable")
        if internal and products:
            self.env["stock.quant"].flush_model()
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM stock_quant WHERE product_id IN %s "
                    "AND location_id IN %s ORDER BY id FOR UPDATE",
                    tuple(products.ids),
                    tuple(internal.ids),
                )
            )

    def _workshop_check_before_done(self, issues, returns):
        for move in self:
            if float_is_zero(
                move.quantity, precision_rounding=move.product_uom.rounding
            ):
                continue
            job = move.workshop_job_id
            if not job:
                if move.company_id.workshop_strict_parts_control:
                    raise UserError(
                        _(
                            "%(product)s cannot move into or out of the workshop "
                            "consumption location %(location)s without a job card. "
                            "Issue parts with a Parts Issue transfer of the job.",
                            product=move.product_id.display_name,
                            location=(
                                move.location_dest_id
                                if move in issues
                                else move.location_id
                            ).display_name,
                        )
                    )
                continue
            if move in issues:
                job._workshop_check_can_issue_parts()
            else:
                job._workshop_check_can_receive_parts()
            if move in issues and move.product_id.tracking != "none":
                missing = move.move_line_ids.filtered(
                    lambda ml: not ml.lot_id and not ml.lot_name and ml.quantity
                )
                if missing:
                    raise UserError(
                        _(
                            "Scan the lot/serial number of %(product)s issued to "
                            "%(job)s: tracked parts are issued by serial.",
                            product=move.product_id.display_name,
                            job=job.name,
                        )
                    )
        returns.filtered("workshop_job_id")._workshop_check_return_quantities()

    def _workshop_check_return_quantities(self):
        """Refuse returning more of a part than the job has net received."""
        if not self:
            return
        done = self.search(
            [
                ("workshop_job_id", "in", self.workshop_job_id.ids),
                ("product_id", "in", self.product_id.ids),
                ("state", "=", "done"),
            ]
        )
        issued_moves, returned_moves = done._workshop_split_by_direction()
        balance = {}
        for moves, sign in ((issued_moves, 1), (returned_moves | self, -1)):
            for move in moves:
                key = (move.workshop_job_id, move.product_id)
                balance[key] = (
                    balance.get(key, 0.0) + sign * move._workshop_product_qty()
                )
        for (job, product), qty in balance.items():
            if float_compare(qty, 0.0, precision_rounding=product.uom_id.rounding) < 0:
                raise UserError(
                    _(
                        "You are returning more %(product)s than %(job)s received "
                        "(%(over)s %(uom)s too many). Check the quantities.",
                        product=product.display_name,
                        job=job.name,
                        over=-qty,
                        uom=product.uom_id.name,
                    )
                )

    def _workshop_check_negative_stock(self):
        """Block (or report to the parts clerk) issues that took a location's
        stock below zero."""
        lines = self.move_line_ids.filtered(
            lambda ml: ml.product_id.is_storable
            and ml.location_id.usage in ("internal", "transit")
        )
        if not lines:
            return
        groups = self.env["stock.quant"]._read_group(
            [
                ("product_id", "in", lines.product_id.ids),
                ("location_id", "in", lines.location_id.ids),
            ],
            ["product_id", "location_id"],
            ["quantity:sum"],
        )
        negative = [
            (product, location, qty)
            for product, location, qty in groups
            if float_compare(qty, 0.0, precision_rounding=product.uom_id.rounding) < 0
        ]
        if not negative:
            return
        company = self.company_id[:1]
        if company.workshop_negative_stock == "block":
            product, location, qty = negative[0]
            raise UserError(
                _(
                    "Not enough %(product)s in %(location)s: the issue would leave "
                    "%(qty)s %(uom)s. Count the shelf or receive the parts first.",
                    product=product.display_name,
                    location=location.display_name,
                    qty=qty,
                    uom=product.uom_id.name,
                )
            )
        self.workshop_job_id._workshop_alert_negative_stock(negative)

    # ------------------------------------------------------------------
    # Propagation: done moves → job card part lines
    # ------------------------------------------------------------------
    def _workshop_propagate_to_jobs(self):
        """Link the done parts moves to their job's part line (one per job and
        product, created when missing) and set the lines' quantities from
        the done moves."""
        if not self:
            return
        # sudo: the parts clerk validates stock; the job card's part line is the
        # consequence of that stock move, written by the system, not an edit.
        Line = as_stock_sync(self.env["workshop.job.line"].sudo())
        todo = self.filtered(lambda m: not m.workshop_job_line_id)
        lines = Line.search(
            [
                ("job_id", "in", todo.workshop_job_id.ids),
                ("workshop_is_stock_line", "=", True),
            ]
        )
        by_key = {(line.job_id, line.product_id): line for line in lines}
        # new lines are created with the quantity their moves bring, so that the
        # sync below has nothing left to write on them (one write per line costs
        # more than the whole create on a long issue)
        issues = todo._workshop_split_by_direction()[0]
        new_vals = {}
        for move in todo:
            key = (move.workshop_job_id, move.product_id)
            if key in by_key:
                continue
            if key not in new_vals:
                new_vals[key] = move._workshop_prepare_job_line_vals()
            if move in issues:
                new_vals[key]["quantity"] += move._workshop_product_qty()
        for line in Line.create(list(new_vals.values())):
            by_key[(line.job_id, line.product_id)] = line
        for move in as_stock_sync(todo):
            move.workshop_job_line_id = by_key[(move.workshop_job_id, move.product_id)]
        Line.browse(self.workshop_job_line_id.ids)._workshop_sync_quantity()

    def _workshop_prepare_job_line_vals(self):
        """Values of the part line a job receives for this move's product."""
        self.ensure_one()
        request = self.workshop_request_id
        return {
            "job_id": self.workshop_job_id.id,
            "kind": "part",
            "product_id": self.product_id.id,
            "product_uom_id": self.product_id.uom_id.id,
            "quantity": 0.0,
            "workshop_is_stock_line": True,
            "is_warranty": request.is_warranty,
            "workshop_warranty_state": "to_approve" if request.is_warranty else False,
            "sequence": 100,
        }

    def _workshop_core_returned(self):
        """Done core returns: let their core charge lines follow."""
        self.workshop_core_line_id._workshop_core_returned()
