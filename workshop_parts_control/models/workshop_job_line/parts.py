from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare

from odoo.addons.workshop_job_card.models.workshop_job.workshop_job import MANAGER
from odoo.addons.workshop_job_card.tools.privilege import is_granted

from ...tools.stock_sync import as_stock_sync, is_stock_sync
from ..workshop_job.parts import TEMPLATE_TO_REQUEST

# What stock decides on a part line: nobody types these.
STOCK_FIELDS = {
    "product_id",
    "quantity",
    "product_uom_id",
    "kind",
    "job_id",
    "workshop_is_stock_line",
}
# What stock moves compute on a line (stored, so a plain write would store a
# hand-typed value): written by nobody, only recomputed.
STOCK_FACT_FIELDS = {
    "workshop_move_ids",
    "workshop_qty_issued",
    "workshop_qty_returned",
    "workshop_lot_ids",
    "workshop_qty_consigned",
    "workshop_consignment_owner_ids",
    "workshop_consignment_bill_line_ids",
    "workshop_core_line_ids",
    "workshop_core_move_ids",
    "workshop_core_qty_returned",
}


class WorkshopJobLine(models.Model):
    _inherit = "workshop.job.line"

    workshop_is_stock_line = fields.Boolean(
        string="From Stock",
        readonly=True,
        copy=False,
        help="The quantity of this part line is what was issued minus what was "
        "returned through the job's stock transfers.",
    )
    workshop_move_ids = fields.One2many(
        "stock.move", "workshop_job_line_id", string="Stock Moves", readonly=True
    )
    workshop_qty_issued = fields.Float(
        string="Issued",
        compute="_compute_workshop_qty",
        store=True,
        digits="Product Unit of Measure",
    )
    workshop_qty_returned = fields.Float(
        string="Returned",
        compute="_compute_workshop_qty",
        store=True,
        digits="Product Unit of Measure",
    )
    workshop_lot_ids = fields.Many2many(
        "stock.lot",
        string="Serial Numbers",
        compute="_compute_workshop_lot_ids",
        # technicians see the serials fitted on their job without stock rights
        compute_sudo=True,
    )
    workshop_warranty_state = fields.Selection(
        [("to_approve", "To Approve"), ("approved", "Approved")],
        string="Warranty Approval",
        readonly=True,
        copy=False,
    )

    def init(self):
        res = super().init()
        # one stock part line per job and product, whatever path writes: two
        # concurrent first issues of a part cannot both create it
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS workshop_job_line_stock_part_uniq "
                "ON workshop_job_line (job_id, product_id) WHERE workshop_is_stock_line"
            )
        )
        return res

    # ------------------------------------------------------------------
    # Quantities from stock
    # ------------------------------------------------------------------
    @api.depends(
        "workshop_move_ids.state",
        "workshop_move_ids.quantity",
        "workshop_move_ids.product_uom",
        "product_uom_id",
    )
    def _compute_workshop_qty(self):
        issued, back = self._workshop_done_moves_by_line()
        for line in self:
            uom = line.product_uom_id or line.product_id.uom_id
            line.workshop_qty_issued = sum(
                m.product_uom._compute_quantity(m.quantity, uom)
                for m in issued.get(line.id, ())
            )
            line.workshop_qty_returned = sum(
                m.product_uom._compute_quantity(m.quantity, uom)
                for m in back.get(line.id, ())
            )

    @api.depends("workshop_move_ids.state", "workshop_move_ids.move_line_ids.lot_id")
    def _compute_workshop_lot_ids(self):
        issued, back = self._workshop_done_moves_by_line()
        Move = self.env["stock.move"]
        for line in self:
            line.workshop_lot_ids = (
                Move.concat(*issued.get(line.id, ())).move_line_ids.lot_id
                - Move.concat(*back.get(line.id, ())).move_line_ids.lot_id
            )

    def _workshop_done_moves_by_line(self):
        """({line id: [done issue moves]}, {line id: [done return moves]}): one
        pass over the moves, however many lines (a 100-line issue stays linear)."""
        moves = self.workshop_move_ids.filtered(lambda m: m.state == "done")
        issues, returns = moves._workshop_split_by_direction()
        result = ({}, {})
        for index, direction in enumerate((issues, returns)):
            for move in direction:
                result[index].setdefault(move.workshop_job_line_id.id, []).append(move)
        return result

    def _workshop_sync_quantity(self):
        """Set each stock part line's quantity to issued − returned, and show
        its serial numbers in the description (and so on the invoice)."""
        for line in as_stock_sync(self):
            qty = line.workshop_qty_issued - line.workshop_qty_returned
            name = line.product_id.get_product_multiline_description_sale()
            if line.workshop_lot_ids:
                name += "\n" + _(
                    "Serial/Lot: %s", ", ".join(line.workshop_lot_ids.mapped("name"))
                )
            vals = {}
            rounding = line.product_uom_id.rounding or 0.001
            if float_compare(line.quantity, qty, precision_rounding=rounding):
                vals["quantity"] = qty
            if line.name != name:
                vals["name"] = name
            if vals:
                line.write(vals)

    # ------------------------------------------------------------------
    # The rule
    # ------------------------------------------------------------------
    def _workshop_is_stock_controlled(self, vals):
        """Would a line with ``vals`` (over this line's values) be a part that
        only stock may put on a job card?"""
        kind = vals.get("kind", self.kind if self else "part")
        if "product_id" in vals:
            product = self.env["product.product"].browse(vals["product_id"])
        else:
            product = self.product_id
        if "job_id" in vals:
            job = self.env["workshop.job"].browse(vals["job_id"])
        else:
            job = self.job_id
        return job._workshop_is_stock_part(kind, product)

    def _workshop_check_stock_facts(self, fnames):
        """Refuse setting what only stock transfers decide."""
        facts = STOCK_FACT_FIELDS & set(fnames)
        if facts and not is_stock_sync(self.env):
            raise UserError(
                _(
                    "%(fields)s of a job line follow its parts transfers: they "
                    "cannot be set by hand. Issue or return the parts instead.",
                    fields=", ".join(
                        sorted(
                            self._fields[f]._description_string(self.env) for f in facts
                        )
                    ),
                )
            )

    def _workshop_refuse_hand_part(self, product):
        raise UserError(
            _(
                "%(product)s is a stock-tracked part: it reaches the job card only "
                "when the parts counter issues it. Request the part from the job "
                "(Parts Requests) instead of typing a line.",
                product=product.display_name,
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        if is_stock_sync(self.env):
            return super().create(vals_list)
        to_request = []
        for vals in list(vals_list):
            self._workshop_check_stock_facts(vals)
            if vals.get("workshop_is_stock_line") or vals.get(
                "workshop_warranty_state"
            ):
                raise UserError(_("Only stock transfers create stock part lines."))
            if not self.browse()._workshop_is_stock_controlled(vals):
                continue
            if not is_granted(self.env, TEMPLATE_TO_REQUEST):
                self._workshop_refuse_hand_part(
                    self.env["product.product"].browse(vals.get("product_id"))
                )
            vals_list.remove(vals)
            to_request.append(vals)
        if to_request:
            self.env["workshop.part.request"].create(
                [
                    {
                        "job_id": vals["job_id"],
                        "product_id": vals["product_id"],
                        "product_uom_qty": vals.get("quantity") or 1.0,
                    }
                    for vals in to_request
                ]
            )
        return super().create(vals_list)

    def write(self, vals):
        self._workshop_check_stock_facts(vals)
        if not is_stock_sync(self.env):
            if STOCK_FIELDS & set(vals):
                for line in self:
                    if line.workshop_is_stock_line or (
                        line._workshop_is_stock_controlled(vals)
                    ):
                        line._workshop_refuse_hand_part(line.product_id)
            if "workshop_warranty_state" in vals:
                raise UserError(_("Approve warranty parts with the Approve button."))
        res = super().write(vals)
        if vals.get("is_warranty") and not is_stock_sync(self.env):
            # a part from stock flagged warranty waits for a manager again
            super(WorkshopJobLine, self.filtered("workshop_is_stock_line")).write(
                {"workshop_warranty_state": "to_approve"}
            )
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_issued(self):
        if self.filtered("workshop_move_ids"):
            raise UserError(
                _(
                    "Issued parts stay on the job card: return them to the store "
                    "with a Parts Return transfer instead of deleting the line."
                )
            )

    def action_workshop_approve_warranty(self):
        """A service manager approves warranty parts: the job may be invoiced."""
        if not self.env.user.has_group(MANAGER):
            raise AccessError(_("Only a service manager approves warranty parts."))
        lines = self.filtered(lambda ln: ln.workshop_warranty_state == "to_approve")
        super(WorkshopJobLine, lines).write({"workshop_warranty_state": "approved"})
        return True
