from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare

from odoo.addons.workshop_job_card.models.workshop_job.workshop_job import OPEN_STATES
from odoo.addons.workshop_job_card.tools.actions import records_action
from odoo.addons.workshop_job_card.tools.privilege import grant

from ..stock_move.kinds import OPEN_MOVE_STATES, WORKSHOP_MOVE_ROUTES

# Privilege of _apply_template: the stock-tracked parts of a job template become
# parts requests instead of being refused as hand-typed part lines.
TEMPLATE_TO_REQUEST = "workshop_parts_control.template_to_request"


class WorkshopJob(models.Model):
    _inherit = "workshop.job"

    barcode = fields.Char(
        compute="_compute_barcode",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Printed on the job card; the parts counter scans it.",
    )
    workshop_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Parts Warehouse",
        compute="_compute_workshop_warehouse_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
    )
    workshop_picking_ids = fields.One2many(
        "stock.picking", "workshop_job_id", string="Parts Transfers", readonly=True
    )
    workshop_picking_count = fields.Integer(compute="_compute_workshop_picking_count")
    workshop_request_ids = fields.One2many(
        "workshop.part.request", "job_id", string="Parts Requests"
    )

    @api.depends("name")
    def _compute_barcode(self):
        for job in self:
            job.barcode = job.name if job.name and job.name != _("New") else False

    @api.depends("company_id")
    def _compute_workshop_warehouse_id(self):
        # one search per company, not per job (jobs are often created in batches)
        by_company = {}
        for job in self:
            company = job.company_id
            if job.workshop_warehouse_id.company_id != company:
                if company not in by_company:
                    by_company[company] = self.env["stock.warehouse"].search(
                        [("company_id", "=", company.id)], limit=1
                    )
                job.workshop_warehouse_id = by_company[company]

    def _compute_workshop_picking_count(self):
        for job in self:
            job.workshop_picking_count = len(job.workshop_picking_ids)

    # ------------------------------------------------------------------
    # Guards
    # ------------------------------------------------------------------
    def _workshop_check_can_receive_parts(self):
        locked = self.filtered(lambda j: j.state in ("cancelled", "invoiced"))
        if locked:
            raise UserError(
                _(
                    "Job %(job)s is %(state)s: no parts can be issued to or "
                    "returned from it.",
                    job=locked[0].name,
                    state=dict(self._fields["state"].selection)[locked[0].state],
                )
            )

    def _workshop_check_can_issue_parts(self):
        """Parts are issued only while the work is open. A finished job (done,
        signed) still takes returns, until it is invoiced: a part found unused
        after the work may go back to the shelf."""
        self._workshop_check_can_receive_parts()
        closed = self.filtered(lambda j: j.state not in OPEN_STATES)
        if closed:
            raise UserError(
                _(
                    "Job %(job)s is %(state)s: the work is finished, no more parts "
                    "can be issued to it. Issue further parts to a new job card.",
                    job=closed[0].name,
                    state=dict(self._fields["state"].selection)[closed[0].state],
                )
            )

    def _workshop_check_can_request_parts(self):
        closed = self.filtered(lambda j: j.state not in OPEN_STATES)
        if closed:
            raise UserError(
                _(
                    "Job %s is closed: parts can be requested only while the "
                    "work is open.",
                    closed[0].name,
                )
            )

    def _workshop_open_parts(self):
        """Requests still waiting for the counter and parts transfers that are
        reserved or in progress but not validated."""
        self.ensure_one()
        requests = self.workshop_request_ids.filtered(
            lambda r: r.state in ("requested", "reserved")
        )
        # sudo: technicians close their jobs without stock rights; this only
        # reads whether parts are still pending
        moves = (
            self.sudo()
            .workshop_picking_ids.filtered(
                lambda p: p.picking_type_id.workshop_operation == "issue"
            )
            .move_ids.filtered(lambda m: m.state in OPEN_MOVE_STATES)
        )
        return requests, moves

    def _workshop_open_parts_message(self):
        requests, moves = self._workshop_open_parts()
        if not (requests or moves):
            return False
        products = (requests.product_id | moves.product_id).mapped("display_name")
        return _(
            "Parts not issued yet (open requests or reserved transfers): "
            "%(products)s. Issue them at the parts counter or cancel the requests.",
            products=", ".join(products),
        )

    def _workshop_net_issued(self):
        """{product: net quantity issued} over the job's stock part lines."""
        self.ensure_one()
        result = {}
        for line in self.line_ids.filtered("workshop_is_stock_line"):
            result[line.product_id] = result.get(line.product_id, 0.0) + (
                line.workshop_qty_issued - line.workshop_qty_returned
            )
        return {
            p: q
            for p, q in result.items()
            if float_compare(q, 0.0, precision_rounding=p.uom_id.rounding) > 0
        }

    # ------------------------------------------------------------------
    # Workflow hooks
    # ------------------------------------------------------------------
    def action_done(self):
        """Finish the work, once every requested part is issued or cancelled."""
        for job in self:
            message = job._workshop_open_parts_message()
            if message:
                raise UserError(_("Job %(job)s: %(msg)s", job=job.name, msg=message))
        return super().action_done()

    def action_cancel(self):
        """Cancel the job and withdraw its open parts requests and transfers."""
        for job in self:
            if job._workshop_net_issued():
                raise UserError(
                    _(
                        "Job %s has parts issued to it: return them with a Parts "
                        "Return transfer before cancelling the job.",
                        job.name,
                    )
                )
        res = super().action_cancel()
        # sudo: cancelling the job withdraws its requests for the parts clerk
        self.sudo().workshop_request_ids.action_cancel()
        self.sudo().workshop_picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        ).action_cancel()
        return res

    @api.depends(
        "workshop_request_ids.state",
        "workshop_picking_ids.state",
        "line_ids.workshop_warranty_state",
    )
    def _compute_invoice_exception(self):
        return super()._compute_invoice_exception()

    def _get_invoice_exceptions(self):
        blocking, acceptable = super()._get_invoice_exceptions()
        message = self._workshop_open_parts_message()
        if message:
            blocking.append(message)
        warranty = self.line_ids.filtered(
            lambda ln: ln.workshop_warranty_state == "to_approve"
        )
        if warranty:
            blocking.append(
                _(
                    "Warranty part(s) waiting for a service manager's approval: " "%s",
                    ", ".join(warranty.mapped("product_id.display_name")),
                )
            )
        return blocking, acceptable

    # ------------------------------------------------------------------
    # Templates: stock-tracked parts become parts requests, not typed lines
    # ------------------------------------------------------------------
    def _workshop_is_stock_part(self, kind, product):
        """Would a ``kind`` line of ``product`` on this job (or, without a job,
        in the current company) be a part that only stock may put on it?"""
        company = self.company_id or self.env.company
        return (
            kind == "part"
            and product.is_storable
            and company.workshop_strict_parts_control
        )

    def _apply_template(self):
        # a job whose parts were already requested (the form's onchange) has its
        # template applied: do not request the parts twice
        jobs = self.filtered(lambda j: not j.workshop_request_ids)
        return super(WorkshopJob, grant(jobs, TEMPLATE_TO_REQUEST))._apply_template()

    @api.onchange("template_id")
    def _onchange_template_id(self):
        # the form's path: the same split as _apply_template, so that saving the
        # form never sends a stock part line that strict mode would refuse
        if not self.template_id or self.line_ids or self.workshop_request_ids:
            return
        lines, requests = [], []
        for tline in self.template_id.line_ids:
            if self._workshop_is_stock_part(tline.kind, tline.product_id):
                requests.append(self._workshop_prepare_template_request_vals(tline))
            else:
                lines.append(tline._prepare_job_line_vals(self))
        self.line_ids = [fields.Command.create(vals) for vals in lines]
        self.workshop_request_ids = [fields.Command.create(v) for v in requests]

    def _workshop_prepare_template_request_vals(self, template_line):
        """Values of the parts request a stock-tracked template part becomes
        (without ``job_id``: the form's one2many sets it). No side effects."""
        return {
            "product_id": template_line.product_id.id,
            "product_uom_qty": template_line.quantity or 1.0,
            "note": template_line.name or False,
        }

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for vals in vals_list:
            # issued parts belong to the original job; the copy requests its own
            vals["line_ids"] = [
                cmd
                for cmd in vals.get("line_ids", [])
                if not (
                    cmd[0] == 0
                    and self.env["workshop.job.line"]._workshop_is_stock_controlled(
                        dict(cmd[2], job_id=self[:1].id)
                    )
                )
            ]
        return vals_list

    # ------------------------------------------------------------------
    # Transfers
    # ------------------------------------------------------------------
    def _workshop_get_issue_picking(self, create=False, location=None):
        """The job's open parts issue transfer (from ``location`` when given),
        created when ``create`` and there is none."""
        self.ensure_one()
        self._workshop_check_can_issue_parts()
        warehouse = self.workshop_warehouse_id
        if not warehouse.workshop_issue_type_id:
            raise UserError(
                _("Set a parts warehouse with a Parts Issue operation on %s.")
                % self.name
            )
        ptype, src, dest = self._workshop_get_move_route("issue", location)
        picking = self.workshop_picking_ids.filtered(
            lambda p: p.picking_type_id == ptype
            and p.location_id == src
            and p.state not in ("done", "cancel")
        )[:1]
        if picking or not create:
            return picking
        return (
            self.env["stock.picking"]
            .sudo()
            .create(self._workshop_prepare_picking_vals(ptype, src, dest))
        )

    def _workshop_get_move_route(self, kind, location=None):
        """(operation type, source, destination) of this job's transfers of
        parts moves of ``kind`` (``WORKSHOP_MOVE_ROUTES``); ``location``, when
        given, is the source (a technician's van)."""
        self.ensure_one()
        warehouse = self.workshop_warehouse_id
        type_field, source, destination = WORKSHOP_MOVE_ROUTES[kind]
        picking_type = warehouse[type_field]

        def resolve(spec, default):
            if not spec:
                return default
            return self.env.ref(spec) if "." in spec else warehouse[spec]

        return (
            picking_type,
            location or resolve(source, picking_type.default_location_src_id),
            resolve(destination, picking_type.default_location_dest_id),
        )

    def _workshop_prepare_picking_vals(self, picking_type, location=None, dest=None):
        """Values of a parts transfer of this job. No side effects."""
        self.ensure_one()
        return {
            "picking_type_id": picking_type.id,
            "location_id": (location or picking_type.default_location_src_id).id,
            "location_dest_id": (dest or picking_type.default_location_dest_id).id,
            "workshop_job_id": self.id,
            "origin": self.name,
            "company_id": self.company_id.id,
            "partner_id": self.partner_id.id,
        }

    def action_workshop_return_parts(self):
        """Prepare a Parts Return transfer of every part net issued to the job."""
        self.ensure_one()
        self._workshop_check_can_receive_parts()
        if not self.env.user.has_group("stock.group_stock_user"):
            raise AccessError(_("Only the parts counter returns parts to stock."))
        net = self._workshop_net_issued()
        if not net:
            raise UserError(_("Job %s has no issued parts to return.", self.name))
        ptype, src, dest = self._workshop_get_move_route("return")
        picking = self.env["stock.picking"].create(
            self._workshop_prepare_picking_vals(ptype, src, dest)
        )
        Move = self.env["stock.move"]
        Move.create(
            [
                Move._workshop_prepare_return_move_vals(picking, product, qty)
                for product, qty in net.items()
            ]
        )
        picking.action_confirm()
        return self._workshop_picking_action(picking)

    def action_workshop_view_pickings(self):
        """Open the parts transfers of the job."""
        return self._workshop_picking_action(self.workshop_picking_ids)

    def _workshop_picking_action(self, pickings):
        return records_action(
            pickings,
            "stock.action_picking_tree_all",
            context={"default_workshop_job_id": self.id},
        )

    def _workshop_activity_users(self):
        """Who follows up the parts counter's alerts on this job: the parts
        clerks of its company, else its coordinator, else the current user."""
        self.ensure_one()
        return self.company_id._workshop_parts_clerks() or self.user_id or self.env.user

    def _workshop_alert_negative_stock(self, negative):
        """Give the parts clerks an activity for each job whose issue took stock
        below zero (company setting 'alert')."""
        summary = ", ".join(
            f"{product.display_name} @ {location.display_name}: {qty:g}"
            for product, location, qty in negative
        )
        for job in self:
            for user in job._workshop_activity_users():
                # sudo: the clerk validating the issue may not write the job
                job.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=_("Negative stock after issue"),
                    note=_("Count the shelf and correct the stock: %s", summary),
                    user_id=user.id,
                )
