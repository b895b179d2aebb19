from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, float_is_zero

from ...tools.actions import records_action
from ...tools.locks import lock_rows
from .workshop_job import BILLABLE_STATES, COORDINATOR

INVOICE_STATUS = [
    ("no", "Nothing to Invoice"),
    ("to_invoice", "To Invoice"),
    ("to_reinvoice", "To Re-invoice"),
    ("invoiced", "Fully Invoiced"),
]


class WorkshopJob(models.Model):
    _inherit = "workshop.job"  # pylint: disable=consider-merging-classes-inherited

    invoice_ids = fields.Many2many(
        "account.move", string="Invoices", compute="_compute_invoice_ids"
    )
    invoice_count = fields.Integer(compute="_compute_invoice_ids")
    invoice_status = fields.Selection(
        INVOICE_STATUS, compute="_compute_invoice_status", store=True, index=True
    )
    billing_round = fields.Integer(
        copy=False,
        readonly=True,
        help="Incremented each time the job is invoiced; with a unique index on "
        "invoice lines it makes double invoicing impossible in the database.",
    )
    invoice_exception = fields.Text(
        string="Invoicing Exceptions", compute="_compute_invoice_exception", store=True
    )
    has_invoice_exception = fields.Boolean(
        string="Exception to Review",
        compute="_compute_invoice_exception",
        store=True,
        index=True,
    )
    is_exception_accepted = fields.Boolean(
        string="Exceptions Accepted",
        copy=False,
        tracking=True,
        help="A coordinator reviewed the price/labour "
        "exceptions and lets the job be invoiced.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    def _compute_invoice_ids(self):
        for job in self:
            moves = job.line_ids.invoice_line_ids.move_id
            job.invoice_ids = moves
            job.invoice_count = len(moves)

    @api.depends(
        "state",
        "line_ids.qty_to_invoice",
        "line_ids.is_billable",
        "line_ids.invoice_line_ids.move_id.move_type",
        "line_ids.invoice_line_ids.parent_state",
    )
    def _compute_invoice_status(self):
        for job in self:
            to_bill = job.line_ids.filtered("is_invoiceable")
            if job.state not in BILLABLE_STATES + ("invoiced",):
                job.invoice_status = "no"
            elif to_bill:
                refunded = any(
                    aml.move_id.move_type == "out_refund"
                    and aml.parent_state == "posted"
                    for aml in job.line_ids.invoice_line_ids
                )
                job.invoice_status = "to_reinvoice" if refunded else "to_invoice"
            elif job.line_ids.invoice_line_ids.filtered(
                lambda a: a.parent_state != "cancel"
            ):
                job.invoice_status = "invoiced"
            else:
                job.invoice_status = "no"

    @api.depends(
        "line_ids.price_unit",
        "line_ids.is_billable",
        "line_ids.approval_state",
        "line_ids.quantity",
        "labour_hours",
        "labour_estimate_hours",
        "company_id.workshop_labour_overrun_pct",
        "is_exception_accepted",
    )
    def _compute_invoice_exception(self):
        for job in self:
            blocking, acceptable = job._get_invoice_exceptions()
            reasons = blocking + acceptable
            job.invoice_exception = "\n".join(reasons) or False
            job.has_invoice_exception = bool(blocking) or (
                bool(acceptable) and not job.is_exception_accepted
            )

    def _get_invoice_exceptions(self):
        """Return (blocking, acceptable) lists of reasons that keep the job
        from being invoiced automatically.

        Blocking reasons need the data fixed (lines to approve); acceptable
        ones can be accepted by a coordinator after review. Other addons
        extend both lists.
        """
        self.ensure_one()
        blocking, acceptable = [], []
        waiting = self.line_ids.filtered(
            lambda line: line.approval_state == "to_approve"
        )
        if waiting:
            blocking.append(
                _(
                    "%(count)s line(s) waiting for approval: %(lines)s",
                    count=len(waiting),
                    lines=", ".join(waiting.mapped("name")),
                )
            )
        unpriced = self.line_ids.filtered(
            lambda line: line.is_billable
            and line.kind in ("part", "labour", "travel", "fee")
            and line.approval_state == "approved"
            and not line.is_warranty
            and not float_is_zero(
                line.quantity, precision_rounding=line.product_uom_id.rounding or 0.01
            )
            and line.currency_id.is_zero(line.price_unit)
        )
        if unpriced:
            acceptable.append(
                _(
                    "Billable line(s) with no price: %(lines)s",
                    lines=", ".join(unpriced.mapped("name")),
                )
            )
        pct = self.company_id.workshop_labour_overrun_pct
        estimate = self.labour_estimate_hours
        if (
            estimate
            and float_compare(self.labour_hours, estimate * (1 + pct / 100.0), 2) > 0
        ):
            acceptable.append(
                _(
                    "Labour %(actual).2f h is over the estimate "
                    "of %(estimate).2f h by more "
                    "than %(pct)s%%.",
                    actual=self.labour_hours,
                    estimate=estimate,
                    pct=pct,
                )
            )
        return blocking, acceptable

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_accept_exceptions(self):
        """A coordinator reviewed the price/labour exceptions: allow invoicing."""
        if not self.env.user.has_group(COORDINATOR):
            raise AccessError(
                _("Only a service coordinator can accept invoicing exceptions.")
            )
        self._as_workflow().write({"is_exception_accepted": True})
        return True

    def action_create_invoice(self, grouped=False):
        """Create the customer invoice(s) of the jobs from all their billable lines.

        One invoice per job, or one per invoice contact when ``grouped`` is
        true. Idempotent: jobs already fully invoiced are skipped, and two
        concurrent calls cannot bill the same lines twice (row lock on the jobs
        plus a unique index on invoice lines). Returns an action showing the
        invoices of the jobs.
        """
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(_("Only users with billing rights can create invoices."))
        self._create_invoices(grouped=grouped)
        return self._action_view_invoices()

    def action_view_invoices(self):
        """Open the invoices and credit notes of the job."""
        return self._action_view_invoices()

    def _action_view_invoices(self):
        return records_action(
            self.invoice_ids,
            "account.action_move_out_invoice_type",
            context={"default_move_type": "out_invoice"},
        )

    # ------------------------------------------------------------------
    # The invoicing pipeline
    # ------------------------------------------------------------------
    def _lock_for_invoicing(self):
        """Lock the job rows: a concurrent invoicing of the same jobs waits,
        then fails with a serialization error and is replayed by Odoo against
        the committed result."""
        lock_rows(self)

    def _create_invoices(self, grouped=False, auto=False):
        """Invoice the jobs; return the new invoices.

        With ``auto`` (automatic invoicing), jobs with exceptions are skipped
        instead of refused.
        """
        self._lock_for_invoicing()
        jobs = self._filter_invoiceable(auto=auto)
        if not jobs:
            return self.env["account.move"]
        plan = jobs._plan_invoicing()
        moves = self.env["account.move"]
        for company, company_jobs in jobs.grouped("company_id").items():
            vals_list = [
                group._prepare_invoice_vals(plan)
                for group in company_jobs._group_for_invoicing(grouped)
            ]
            moves |= (
                self.env["account.move"]
                .with_company(company)
                .with_context(default_move_type="out_invoice")
                .create(vals_list)
            )
        for job in jobs:
            job._as_workflow().write({"billing_round": job.billing_round + 1})
        jobs._record_invoicing(moves, plan)
        jobs._sync_invoiced_state()
        for job in jobs:
            # Markup: the links are HTML; a plain str body would be escaped.
            job.message_post(
                body=Markup(_("Invoiced: %s"))
                % Markup(", ").join(
                    m._get_html_link() for m in moves if job in m.workshop_job_ids
                ),
            )
        return moves

    def _filter_invoiceable(self, auto=False):
        """Keep the jobs that have something to invoice; refuse (or, with
        ``auto``, skip) the ones that cannot be invoiced."""
        jobs = self.browse()
        for job in self:
            if job.state not in BILLABLE_STATES + ("invoiced",):
                if auto:
                    continue
                raise UserError(
                    _(
                        "Job %(job)s is not done yet: finish it before invoicing.",
                        job=job.name,
                    )
                )
            if not job.line_ids.filtered("is_invoiceable"):
                continue  # already invoiced: calling again creates nothing
            if job.has_invoice_exception:
                if auto:
                    continue
                raise UserError(
                    _(
                        "Job %(job)s has exceptions to review "
                        "before invoicing:\n%(reasons)s",
                        job=job.name,
                        reasons=job.invoice_exception,
                    )
                )
            jobs |= job
        if jobs and not auto:
            missing = jobs.filtered(lambda j: not j.partner_invoice_id)
            if missing:
                raise UserError(
                    _(
                        "Set an invoice contact on %s.",
                        ", ".join(missing.mapped("name")),
                    )
                )
        return jobs

    def _plan_invoicing(self):
        """What the invoices of these (locked, invoiceable) jobs need decided
        before their values are built: a plain dict, passed as ``plan`` to
        ``_prepare_invoice_vals`` and ``_record_invoicing``. Empty here; other
        addons add their key (may lock and read, never writes)."""
        return {}

    def _record_invoicing(self, moves, plan):
        """Record what ``plan`` decided, now that ``moves`` (the new invoices of
        these jobs) exist. Nothing here."""

    def _group_for_invoicing(self, grouped):
        """Split the jobs into the recordsets that share one invoice."""
        if not grouped:
            return [job for job in self]
        groups = self.grouped(
            lambda j: (j.partner_invoice_id, j.currency_id, j.fiscal_position_id)
        )
        return list(groups.values())

    def _prepare_invoice_vals(self, plan=None):
        """Values of one customer invoice for the jobs of ``self`` (one job,
        or several of the same invoice contact when grouped); ``plan`` is what
        ``_plan_invoicing`` returned. No side effects: called alone with the
        same plan, it returns what gets invoiced."""
        plan = plan or {}
        first = self[0]
        line_vals = []
        for job in self:
            job_lines = job._prepare_invoice_line_vals_list(plan)
            if len(self) > 1 and job_lines:
                line_vals.append(
                    {
                        "display_type": "line_section",
                        "name": _(
                            "%(job)s — %(asset)s",
                            job=job.name,
                            asset=job.asset_id.display_name or job.partner_id.name,
                        ),
                    }
                )
            line_vals += job_lines
        refs = [ref for ref in self.mapped("client_order_ref") if ref]
        return {
            "move_type": "out_invoice",
            "partner_id": first.partner_invoice_id.id,
            "partner_shipping_id": first.site_partner_id.id,
            "fiscal_position_id": first.fiscal_position_id.id,
            "currency_id": first.currency_id.id,
            "company_id": first.company_id.id,
            "ref": ", ".join(refs) or False,
            "invoice_origin": ", ".join(self.mapped("name")),
            "invoice_user_id": (first.user_id or self.env.user).id,
            "workshop_job_id": first.id if len(self) == 1 else False,
            "invoice_line_ids": [fields.Command.create(vals) for vals in line_vals],
        }

    def _prepare_invoice_line_vals_list(self, plan=None):
        """Invoice line values of this job: its invoiceable lines, with the
        sections and notes that head them (``plan``: see ``_plan_invoicing``)."""
        plan = plan or {}
        self.ensure_one()
        round_ = self.billing_round + 1
        result, pending_headers = [], []
        for line in self.line_ids.sorted(lambda line: (line.sequence, line.id)):
            if line.kind == "section":
                pending_headers = [line]
            elif line.kind == "note":
                pending_headers.append(line)
            elif line.is_invoiceable:
                result += [
                    h._prepare_invoice_line_vals(round_, plan=plan)
                    for h in pending_headers
                ]
                pending_headers = []
                result.append(line._prepare_invoice_line_vals(round_, plan=plan))
        return result

    def _sync_invoiced_state(self):
        """Align job states with their invoices: a job with nothing left to bill
        is invoiced (and locked); an invoiced job whose invoice was cancelled or
        credited goes back to be re-invoiced."""
        # No flush here: the ORM recomputes the job lines' invoiced quantities on
        # read. A flush_all would also compute every pending field of a new draft
        # invoice (payment_state is a costly query) only for posting to redo it.
        for job in self:
            has_open = bool(job.line_ids.filtered("is_invoiceable"))
            live = job.line_ids.invoice_line_ids.filtered(
                lambda a: a.parent_state != "cancel"
            )
            if job.state in BILLABLE_STATES and not has_open and live:
                job._set_state("invoiced")
            elif job.state == "invoiced" and has_open:
                job._set_state("signed" if job.signed_datetime else "done")
                job.message_post(
                    body=_(
                        "Billing re-opened: a credit note or "
                        "cancellation reversed part of "
                        "the invoice. The job is to be re-invoiced."
                    )
                )

    def _auto_invoice_on_sign(self):
        jobs = self.filtered(lambda j: j.company_id.workshop_auto_invoice_on_sign)
        if not jobs:
            return
        # sudo: the company chose to invoice on sign-off; technicians who sign
        # have no billing rights themselves.
        moves = jobs.sudo()._create_invoices(auto=True)
        for job in jobs.filtered("has_invoice_exception"):
            job.message_post(
                body=_(
                    "Not invoiced automatically: exceptions to review.\n%s",
                    job.invoice_exception,
                )
            )
        return moves
