from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

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
}


class WorkshopJob(models.Model):
    _name = "workshop.job"
    _description = "Workshop Job Card"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "priority desc, scheduled_datetime, id desc"
    _check_company_auto = True

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
        string="Reported", default=fields.Datetime.now, required=True, copy=False
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
    amount_untaxed = fields.Monetary(compute="_compute_amounts", store=True)
    amount_tax = fields.Monetary(compute="_compute_amounts", store=True)
    amount_total = fields.Monetary(compute="_compute_amounts", store=True)
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
        if "state" in vals and not self.env.context.get("workshop_transition"):
            raise UserError(
                _(
                    "The state of a job changes only through its "
                    "workflow buttons (%(fields)s).",
                    fields=", ".join(TRANSITIONS),
                )
            )
        locked_fields = set(vals) - LOCK_EXEMPT_FIELDS
        if locked_fields and not self.env.context.get("workshop_transition"):
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
        self.env["workshop.job.line"].create(vals_list)

    @api.onchange("template_id")
    def _onchange_template_id(self):
        if self.template_id and not self.line_ids:
            self.line_ids = [
                fields.Command.create(tline._prepare_job_line_vals(self))
                for tline in self.template_id.line_ids
            ]

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def _transition(self, action):
        """Check an action of the TRANSITIONS table for every job and apply it."""
        from_states, target, group = TRANSITIONS[action]
        if not self.env.user.has_group(group) and not self.env.su:
            raise AccessError(
                _(
                    "You are not allowed to do this on a job (%(action)s).",
                    action=action,
                )
            )
        for job in self:
            if job.state not in from_states:
                raise UserError(
                    _(
                        "Job %(job)s is %(state)s: it cannot go to "
                        "%(target)s from there.",
                        job=job.name,
                        state=dict(JOB_STATES)[job.state],
                        target=dict(JOB_STATES)[target],
                    )
                )
        self._set_state(target)
        return True

    def _set_state(self, target):
        """Write the new state and record it in the state history."""
        by_state = {}
        for job in self:
            by_state.setdefault(job.state, self.browse())
            by_state[job.state] |= job
        now = fields.Datetime.now()
        for from_state, jobs in by_state.items():
            jobs.with_context(workshop_transition=True).write({"state": target})
            # first arrival and first completion feed SLA and billing lag
            stamp = {"on_site": "arrived_datetime", "done": "done_datetime"}.get(target)
            if stamp:
                jobs.filtered(lambda j, f=stamp: not j[f]).with_context(
                    workshop_transition=True
                ).write({stamp: now})
            # sudo: the history is append-only and not writable by users.
            self.env["workshop.job.stage.log"].sudo()._log(jobs, from_state)

    def action_schedule(self):
        """Plan the job: it needs a scheduled date."""
        missing = self.filtered(lambda j: not j.scheduled_datetime)
        if missing:
            raise UserError(
                _(
                    "Set a scheduled date on %(jobs)s first.",
                    jobs=", ".join(missing.mapped("name")),
                )
            )
        return self._transition("action_schedule")

    def action_dispatch(self):
        """Send the job to its technicians: it needs at least one."""
        missing = self.filtered(lambda j: not j.technician_ids)
        if missing:
            raise UserError(
                _(
                    "Assign a technician to %(jobs)s first.",
                    jobs=", ".join(missing.mapped("name")),
                )
            )
        return self._transition("action_dispatch")

    def action_start_travel(self):
        """The technician leaves for the site."""
        return self._transition("action_start_travel")

    def action_arrive(self):
        """The technician is on site (starts the response-time clock's end)."""
        return self._transition("action_arrive")

    def action_wait_parts(self):
        """Work stops until parts arrive."""
        return self._transition("action_wait_parts")

    def action_resume(self):
        """Parts are there: work continues on site."""
        return self._transition("action_resume")

    def action_done(self):
        """Close the work: needs at least one line and resolution notes.

        Running timers are stopped and rolled into labour lines.
        """
        for job in self:
            if not job.line_ids.filtered(
                lambda line: line.kind not in ("section", "note")
            ):
                raise UserError(
                    _(
                        "Job %(job)s has no lines: record the work before closing it.",
                        job=job.name,
                    )
                )
            if not job._html_has_text(job.resolution):
                raise UserError(
                    _(
                        "Job %(job)s has no resolution notes: say what was done.",
                        job=job.name,
                    )
                )
        self.timelog_ids.filtered(lambda log: not log.stop_datetime).action_stop()
        return self._transition("action_done")

    def action_sign(self, signature=None, signed_by=None):
        """Record the customer's sign-off. External clients may pass the signature
        (base64 PNG) and the signer's name as arguments."""
        if signature or signed_by:
            vals = {}
            if signature:
                vals["signature"] = signature
            if signed_by:
                vals["signed_by"] = signed_by
            self.write(vals)
        for job in self:
            if not job.signature or not (job.signed_by or "").strip():
                raise UserError(
                    _(
                        "Job %(job)s needs the customer's "
                        "signature and the signer's name.",
                        job=job.name,
                    )
                )
        self.with_context(workshop_transition=True).write(
            {"signed_datetime": fields.Datetime.now()}
        )
        res = self._transition("action_sign")
        self._auto_invoice_on_sign()
        return res

    def action_cancel(self):
        """Cancel the job; refused while it has a live invoice."""
        for job in self:
            if job.invoice_ids.filtered(lambda m: m.state != "cancel"):
                raise UserError(
                    _(
                        "Job %(job)s has invoices: cancel or credit them first.",
                        job=job.name,
                    )
                )
        self.timelog_ids.filtered(lambda log: not log.stop_datetime).action_stop()
        return self._transition("action_cancel")

    def action_draft(self):
        """Bring a cancelled job back to draft."""
        return self._transition("action_draft")

    # ------------------------------------------------------------------
    # Time logging (phone buttons)
    # ------------------------------------------------------------------
    def action_timer_start(self):
        """Start the current user's timer on this job."""
        self.ensure_one()
        return self.env["workshop.job.timelog"].create({"job_id": self.id})

    def action_timer_stop(self):
        """Stop the current user's running timer on this job."""
        logs = self.timelog_ids.filtered(
            lambda log: log.user_id == self.env.user and not log.stop_datetime
        )
        if not logs:
            raise UserError(_("You have no running timer on this job."))
        return logs.action_stop()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @staticmethod
    def _html_has_text(html):
        from odoo.tools import html2plaintext

        return bool(html and html2plaintext(html).strip())
