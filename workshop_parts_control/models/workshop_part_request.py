from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

URGENCY = [("0", "Normal"), ("1", "Urgent"), ("2", "Vehicle Off Road")]
# What the stock moves of a request decide (stored computes a plain write
# would overwrite) and who asked: nobody sets these by hand.
SYSTEM_FIELDS = {"move_ids", "qty_issued", "state", "requested_by_id"}


class WorkshopPartRequest(models.Model):
    _name = "workshop.part.request"
    _description = "Workshop Parts Request"
    _order = "urgency desc, id"
    _check_company_auto = True

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
    product_id = fields.Many2one(
        "product.product",
        required=True,
        check_company=True,
        domain="[('type', '=', 'consu')]",
    )
    product_uom_qty = fields.Float(
        string="Quantity", required=True, default=1.0, digits="Product Unit of Measure"
    )
    product_uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        compute="_compute_product_uom_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    note = fields.Char()
    urgency = fields.Selection(URGENCY, default="0", required=True)
    is_warranty = fields.Boolean(
        string="Warranty",
        help="The part is replaced under warranty: a service manager approves "
        "it before the job is invoiced.",
    )
    requested_by_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True
    )
    # the technician app's id of the request (issue 14)
    client_uuid = fields.Char(copy=False, index="btree_not_null")
    move_ids = fields.One2many("stock.move", "workshop_request_id", readonly=True)
    qty_issued = fields.Float(
        compute="_compute_state", store=True, digits="Product Unit of Measure"
    )
    state = fields.Selection(
        [
            ("requested", "Requested"),
            ("reserved", "Reserved"),
            ("issued", "Issued"),
            ("cancelled", "Cancelled"),
        ],
        compute="_compute_state",
        store=True,
        index=True,
    )

    _sql_constraints = [
        (
            "qty_positive",
            "CHECK(product_uom_qty > 0)",
            "A parts request needs a quantity above zero.",
        ),
        (
            "client_uuid_uniq",
            "unique(client_uuid)",
            "This parts request of the technician app was already recorded.",
        ),
    ]

    @api.depends("product_id")
    def _compute_product_uom_id(self):
        for request in self:
            request.product_uom_id = request.product_id.uom_id

    @api.depends("move_ids.state", "move_ids.quantity")
    def _compute_state(self):
        for request in self:
            moves = request.move_ids
            done = moves.filtered(lambda m: m.state == "done")
            request.qty_issued = sum(
                m.product_uom._compute_quantity(m.quantity, request.product_uom_id)
                for m in done
            )
            open_moves = moves.filtered(lambda m: m.state not in ("done", "cancel"))
            if open_moves.filtered(
                lambda m: m.state in ("assigned", "partially_available")
            ):
                request.state = "reserved"
            elif open_moves or not moves:
                request.state = "requested"
            elif done:
                request.state = "issued"
            else:
                request.state = "cancelled"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # the author is who creates the request (its default)
            self._check_system_fields(
                {
                    fname: value
                    for fname, value in vals.items()
                    if not (fname == "requested_by_id" and value == self.env.uid)
                }
            )
        requests = super().create(vals_list)
        requests.job_id._workshop_check_can_request_parts()
        requests._add_to_issue_pickings()
        return requests

    def write(self, vals):
        self._check_system_fields(vals)
        if "job_id" in vals and any(r.job_id.id != vals["job_id"] for r in self):
            raise UserError(
                _(
                    "A parts request stays on its job card: cancel it and request "
                    "the part on the other job."
                )
            )
        changes_parts = {"product_id", "product_uom_qty", "product_uom_id"} & set(vals)
        if changes_parts:
            self.job_id._workshop_check_can_request_parts()
        res = super().write(vals)
        if changes_parts:
            self._update_open_moves()
        return res

    @api.model
    def _check_system_fields(self, vals):
        fnames = SYSTEM_FIELDS & set(vals)
        if fnames:
            raise UserError(
                _(
                    "%(fields)s of a parts request follow its stock moves and its "
                    "author: they cannot be set by hand.",
                    fields=", ".join(
                        sorted(
                            self._fields[f]._description_string(self.env)
                            for f in fnames
                        )
                    ),
                )
            )

    def _add_to_issue_pickings(self):
        """Put each request on its job's open parts issue transfer (created when
        the job has none) and reserve the stock."""
        # sudo: technicians request parts; the transfer belongs to the parts
        # clerk, who has stock rights the technician does not.
        requests = self.sudo()
        moves = self.env["stock.move"].sudo()
        for job, job_requests in requests.grouped("job_id").items():
            picking = job._workshop_get_issue_picking(create=True)
            moves |= moves.create(
                [req._prepare_move_vals(picking) for req in job_requests]
            )
            if job_requests.filtered(lambda r: r.urgency != "0"):
                picking.priority = "1"
        moves._action_confirm()
        moves._action_assign()

    def _prepare_move_vals(self, picking):
        """Values of the stock move that issues this request on the job's parts
        issue transfer ``picking``. No side effects."""
        self.ensure_one()
        return dict(
            self.env["stock.move"]._workshop_prepare_issue_move_vals(
                picking, self.product_id, self.product_uom_qty, self.product_uom_id
            ),
            workshop_request_id=self.id,
            description_picking=self.note or False,
        )

    def _update_open_moves(self):
        for request in self.sudo():
            open_moves = request.move_ids.filtered(
                lambda m: m.state not in ("done", "cancel")
            )
            if not open_moves:
                raise UserError(
                    _("Request for %s is issued or cancelled: request again.")
                    % request.product_id.display_name
                )
            remaining = request.product_uom_qty - request.qty_issued
            if (
                float_compare(
                    remaining, 0.0, precision_rounding=request.product_uom_id.rounding
                )
                <= 0
            ):
                raise UserError(_("Parts already issued cannot be un-requested."))
            open_moves[0].write(
                {
                    "product_id": request.product_id.id,
                    "product_uom": request.product_uom_id.id,
                    "product_uom_qty": remaining,
                }
            )
            open_moves[1:]._action_cancel()
            open_moves[0]._action_assign()

    def action_cancel(self):
        """Withdraw the request: its parts still on the shelf stay there."""
        # whoever may change the request may withdraw it (a public RPC method)
        self.check_access("write")
        # sudo: technicians have no rights on stock moves; only this request's
        # open moves are cancelled
        self.sudo().move_ids.filtered(
            lambda m: m.state not in ("done", "cancel")
        )._action_cancel()
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_moved(self):
        if self.move_ids.filtered(lambda m: m.state != "cancel"):
            raise UserError(
                _("A request with a transfer cannot be deleted: cancel it instead.")
            )
