from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ...tools.field_rights import FieldRight
from ...tools.privilege import grant, is_granted

JOB_STATES = [
    ("draft", "Draft"),
    ("scheduled", "Scheduled"),
    ("dispatched", "Dispatched"),
    ("en_route", "En Route"),
    ("on_site", "On Site"),
    ("waiting_parts", "Waiting Parts"),
    ("done", "Done"),
    ("signed", "Signed"),
    ("invoiced", "Invoiced"),
    ("cancelled", "Cancelled"),
]

# States in which a job is still being worked on.
OPEN_STATES = (
    "draft",
    "scheduled",
    "dispatched",
    "en_route",
    "on_site",
    "waiting_parts",
)
# States in which the work is finished and billing is due.
BILLABLE_STATES = ("done", "signed")

TECHNICIAN = "workshop_job_card.group_workshop_technician"
COORDINATOR = "workshop_job_card.group_workshop_coordinator"
MANAGER = "workshop_job_card.group_workshop_manager"

# The workflow as data: action -> (states it may start from, target state, group
# allowed to trigger it). Invoicing (-> invoiced) is not in this table: it is
# reached only through action_create_invoice, which checks billing rights.
TRANSITIONS = {
    "action_schedule": (("draft",), "scheduled", COORDINATOR),
    "action_dispatch": (("scheduled",), "dispatched", COORDINATOR),
    "action_start_travel": (("dispatched",), "en_route", TECHNICIAN),
    "action_arrive": (("dispatched", "en_route"), "on_site", TECHNICIAN),
    "action_wait_parts": (("on_site",), "waiting_parts", TECHNICIAN),
    "action_resume": (("waiting_parts",), "on_site", TECHNICIAN),
    "action_done": (("on_site",), "done", TECHNICIAN),
    "action_sign": (("done",), "signed", TECHNICIAN),
    "action_cancel": (OPEN_STATES + BILLABLE_STATES, "cancelled", COORDINATOR),
    "action_draft": (("cancelled",), "draft", COORDINATOR),
}

# The privilege of the workflow's own writes (state, its time stamps, the
# billing round): see tools/privilege.py. No context key a caller can set opens it.
WORKFLOW = "workshop_job_card.workflow"

# Who may set what on a job (see tools/field_rights.py); the form follows it.
JOB_FIELD_RIGHTS = {
    # the workflow's own fields
    "state": FieldRight(privilege=WORKFLOW),
    "signed_datetime": FieldRight(privilege=WORKFLOW),
    "billing_round": FieldRight(privilege=WORKFLOW),
    # what prices are based on
    "pricelist_id": FieldRight(groups=(COORDINATOR,)),
    "fiscal_position_id": FieldRight(groups=(COORDINATOR,)),
    "currency_id": FieldRight(groups=(COORDINATOR,)),
    "partner_invoice_id": FieldRight(groups=(COORDINATOR,)),
    "partner_id": FieldRight(groups=(COORDINATOR,), when=lambda job: job.line_ids),
    # the review of invoicing exceptions
    "is_exception_accepted": FieldRight(groups=(COORDINATOR,), privilege=WORKFLOW),
    # the SLA clock (changes are tracked in the chatter)
    "priority": FieldRight(groups=(COORDINATOR,)),
    "reported_datetime": FieldRight(groups=(COORDINATOR,)),
    "arrived_datetime": FieldRight(groups=(COORDINATOR,), privilege=WORKFLOW),
    "done_datetime": FieldRight(groups=(COORDINATOR,), privilege=WORKFLOW),
    # the office's note for the technician (the technician app shows it)
    "office_note": FieldRight(groups=(COORDINATOR,)),
}

# Fields that may still change on an invoiced (locked) job.
LOCK_EXEMPT_FIELDS = {
    "state",
    "message_main_attachment_id",
    "activity_ids",
    "message_follower_ids",
    "is_exception_accepted",
    "photo_ids",
    "color",
    "kanban_state",
    # portal.mixin writes a token the first time a link to the job is shared
    # (activity or notification emails): not business data
    "access_token",
}


class WorkshopJob(models.Model):
    _name = "workshop.job"
    _description = "Workshop Job Card"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "workshop.field.rights.mixin",
    ]
    _order = "priority desc, scheduled_datetime, id desc"
    _check_company_auto = True
    _workshop_field_rights = JOB_FIELD_RIGHTS

    # ------------------------------------------------------------------
    # Identification
    # ------------------------------------------------------------------
    name = fields.Char(
        string="Reference",
        required=True,
        copy=False,
        readonly=True,
        default=lambda self: _("New"),
        index="trigram",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    state = fields.Selection(
        JOB_STATES,
        default="draft",
        required=True,
        copy=False,
        index=True,
        tracking=True,
        readonly=True,
        group_expand="_expand_states",
    )
    color = fields.Integer()
    priority = fields.Selection(
        [("0", "Low"), ("1", "Normal"), ("2", "High"), ("3", "Urgent")],
        default="1",
        required=True,
        tracking=True,
    )
    job_type_id = fields.Many2one(
        "workshop.job.type",
        string="Job Type",
        check_company=True,
        tracking=True,
    )
    template_id = fields.Many2one(
        "workshop.job.template",
        string="Template",
        check_company=True,
        help="Pre-fills the standard parts list and labour operations.",
    )

    # ------------------------------------------------------------------
    # Customer
    # ------------------------------------------------------------------
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        tracking=True,
        check_company=True,
        index=True,
    )
    partner_invoice_id = fields.Many2one(
        "res.partner",
        string="Invoice Contact",
        compute="_compute_partner_invoice_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        check_company=True,
        tracking=True,
        help="Who receives the invoice: the customer's accounts-payable contact.",
    )
    site_partner_id = fields.Many2one(
        "res.partner",
        string="Site Address",
        compute="_compute_site_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
    )
    client_order_ref = fields.Char(
        string="Customer PO",
        tracking=True,
        copy=False,
        help="Printed as the invoice reference.",
    )
    pricelist_id = fields.Many2one(
        "product.pricelist",
        compute="_compute_pricelist_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
    )
    fiscal_position_id = fields.Many2one(
        "account.fiscal.position",
        compute="_compute_fiscal_position_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
    )
    asset_id = fields.Many2one(
        "workshop.asset",
        string="Asset",
        check_company=True,
        tracking=True,
        domain="[('partner_id', 'child_of', partner_id)]",
    )

    # ------------------------------------------------------------------
    # Planning and people
    # ------------------------------------------------------------------
    user_id = fields.Many2one(
        "res.users",
        string="Coordinator",
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    technician_ids = fields.Many2many(
        "res.users",
        "workshop_job_technician_rel",
        "job_id",
        "user_id",
        string="Technicians",
        domain="[('share', '=', False)]",
        tracking=True,
    )
    scheduled_datetime = fields.Datetime(string="Scheduled", tracking=True, copy=False)
    scheduled_end_datetime = fields.Datetime(string="Scheduled End", copy=False)
    reported_datetime = fields.Datetime(
        string="Reported",
        default=fields.Datetime.now,
        required=True,
        copy=False,
        tracking=True,
    )

    # ------------------------------------------------------------------
    # The work
    # ------------------------------------------------------------------
    description = fields.Html(string="Complaint / Request")
    diagnosis = fields.Html()
    resolution = fields.Html(string="Resolution Notes")
    line_ids = fields.One2many("workshop.job.line", "job_id", string="Lines", copy=True)
    timelog_ids = fields.One2many("workshop.job.timelog", "job_id", string="Time Logs")
    stage_log_ids = fields.One2many(
        "workshop.job.stage.log", "job_id", string="State History", readonly=True
    )
    photo_ids = fields.Many2many("ir.attachment", string="Photos")
    timer_running = fields.Boolean(compute="_compute_timer_running")
    can_edit_prices = fields.Boolean(compute="_compute_can_edit_prices")

    # ------------------------------------------------------------------
    # Sign-off
    # ------------------------------------------------------------------
    signature = fields.Image(
        copy=False, attachment=True, max_width=1024, max_height=1024
    )
    signed_by = fields.Char(copy=False)
    signed_datetime = fields.Datetime(string="Signed On", copy=False, readonly=True)

    # ------------------------------------------------------------------
    # Amounts
    # ------------------------------------------------------------------
    amount_untaxed = fields.Monetary(
        string="Untaxed Amount", compute="_compute_amounts", store=True
    )
    amount_tax = fields.Monetary(string="Taxes", compute="_compute_amounts", store=True)
    amount_total = fields.Monetary(
        string="Total", compute="_compute_amounts", store=True
    )
    labour_hours = fields.Float(compute="_compute_labour", store=True)
    labour_estimate_hours = fields.Float(compute="_compute_labour", store=True)

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A job reference must be unique.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    def _expand_states(self, states, domain):
        # kanban columns in workflow order, empty ones included
        return [key for key, _label in JOB_STATES]

    @api.depends("company_id", "pricelist_id")
    def _compute_currency_id(self):
        for job in self:
            job.currency_id = job.pricelist_id.currency_id or job.company_id.currency_id

    @api.depends("partner_id")
    def _compute_partner_invoice_id(self):
        for job in self:
            job.partner_invoice_id = job.partner_id.address_get(["invoice"])["invoice"]

    @api.depends("partner_id")
    def _compute_site_partner_id(self):
        for job in self:
            job.site_partner_id = job.partner_id.address_get(["delivery"])["delivery"]

    @api.depends("partner_id", "company_id")
    def _compute_pricelist_id(self):
        for job in self:
            job.pricelist_id = job.partner_id.with_company(
                job.company_id
            ).property_product_pricelist

    @api.depends("partner_invoice_id", "site_partner_id", "company_id")
    def _compute_fiscal_position_id(self):
        fpos_model = self.env["account.fiscal.position"]
        for job in self:
            job.fiscal_position_id = fpos_model.with_company(
                job.company_id
            )._get_fiscal_position(job.partner_invoice_id, delivery=job.site_partner_id)

    @api.depends("line_ids.price_subtotal", "line_ids.price_total")
    def _compute_amounts(self):
        for job in self:
            lines = job.line_ids.filtered("is_billable")
            job.amount_untaxed = sum(lines.mapped("price_subtotal"))
            job.amount_total = sum(lines.mapped("price_total"))
            job.amount_tax = job.amount_total - job.amount_untaxed

    @api.depends("line_ids.quantity", "line_ids.estimated_qty", "line_ids.kind")
    def _compute_labour(self):
        for job in self:
            labour = job.line_ids.filtered(lambda line: line.kind == "labour")
            job.labour_hours = sum(labour.mapped("quantity"))
            job.labour_estimate_hours = sum(labour.mapped("estimated_qty"))

    @api.depends("timelog_ids.stop_datetime")
    def _compute_timer_running(self):
        for job in self:
            job.timer_running = any(
                log.user_id == self.env.user and not log.stop_datetime
                for log in job.timelog_ids
            )

    @api.depends_context("uid")
    def _compute_can_edit_prices(self):
        self.can_edit_prices = self.env.user.has_group(COORDINATOR)

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for job in self:
            job.access_url = f"/my/workshop_jobs/{job.id}"
        return res

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("state", "draft") != "draft":
                raise UserError(
                    _("A new job starts as a draft; use the workflow buttons.")
                )
            if vals.get("name", _("New")) == _("New"):
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env.company
                )
                vals["name"] = self.env["ir.sequence"].with_company(
                    company
                ).next_by_code("workshop.job") or _("New")
        jobs = super().create(vals_list)
        jobs.filtered(lambda j: j.template_id and not j.line_ids)._apply_template()
        self.env["workshop.job.stage.log"].sudo()._log(
            jobs, False
        )  # log is append-only
        return jobs

    def write(self, vals):
        if "state" in vals and not is_granted(self.env, WORKFLOW):
            raise UserError(
                _(
                    "The state of a job changes only through its "
                    "workflow buttons (%(fields)s).",
                    fields=", ".join(TRANSITIONS),
                )
            )
        locked_fields = set(vals) - LOCK_EXEMPT_FIELDS
        if locked_fields and not is_granted(self.env, WORKFLOW):
            locked = self.filtered(lambda j: j.state == "invoiced")
            if locked:
                raise UserError(
                    _(
                        "Job %(jobs)s is invoiced and locked. "
                        "Issue a credit note on its "
                        "invoice to re-open it.",
                        jobs=", ".join(locked.mapped("name")),
                    )
                )
        if "template_id" in vals and vals["template_id"]:
            res = super().write(vals)
            self.filtered(lambda j: not j.line_ids)._apply_template()
            return res
        return super().write(vals)

    @api.constrains("scheduled_datetime", "scheduled_end_datetime")
    def _check_schedule(self):
        for job in self:
            end, start = job.scheduled_end_datetime, job.scheduled_datetime
            if end and start and end < start:
                raise ValidationError(
                    _(
                        "Job %(job)s cannot end (%(end)s) before it starts "
                        "(%(start)s).",
                        job=job.name,
                        end=end,
                        start=start,
                    )
                )

    def _as_workflow(self):
        """These jobs in an environment allowed to write the workflow's fields."""
        return grant(self, WORKFLOW)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_or_cancelled(self):
        if any(job.state not in ("draft", "cancelled") for job in self):
            raise UserError(
                _("Only draft or cancelled jobs can be deleted; cancel the job first.")
            )

    # ------------------------------------------------------------------
    # Templates
    # ------------------------------------------------------------------
    def _apply_template(self):
        """Copy each job's template lines onto the job (one batch create)."""
        vals_list = []
        for job in self:
            vals_list += [
                tline._prepare_job_line_vals(job) for tline in job.template_id.line_ids
            ]
            if not job.job_type_id and job.template_id.job_type_id:
                job.job_type_id = job.template_id.job_type_id
        # sudo: the template is the office's plan, priced and approved as such
        self.env["workshop.job.line"].sudo().create(vals_list)

    @api.onchange("template_id")
    def _onchange_template_id(self):
        if self.template_id and not self.line_ids:
            self.line_ids = [
                fields.Command.create(tline._prepare_job_line_vals(self))
                for tline in self.template_id.line_ids
            ]
