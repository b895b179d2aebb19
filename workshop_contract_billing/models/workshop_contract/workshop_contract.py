from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.workshop_job_card.tools.actions import domain_action
from odoo.addons.workshop_job_card.tools.field_rights import FieldRight
from odoo.addons.workshop_job_card.tools.privilege import grant

from ..periods import INTERVAL_MONTHS, iter_periods, period_anchor

COORDINATOR = "workshop_job_card.group_workshop_coordinator"
MANAGER = "workshop_job_card.group_workshop_manager"
BILLING = "account.group_account_invoice"
# privileges only this addon's code grants (tools/privilege.py of the job card):
# the workflow writing a contract's state, a termination writing its fields
TRANSITION = "workshop_contract_billing.transition"
TERMINATION = "workshop_contract_billing.termination"
# a start further back than this many months bills a year of catch-up at once:
# the user confirms it on the contract first
BACKDATING_MONTHS = 12

STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("to_renew", "To Renew"),
    ("expired", "Expired"),
    ("terminated", "Terminated"),
]
# Allowed transitions, as data: action -> (states it may start from, target state)
TRANSITIONS = {
    "activate": (("draft",), "active"),
    "to_renew": (("active",), "to_renew"),
    "renew": (("active", "to_renew"), "active"),
    "expire": (("active", "to_renew"), "expired"),
    "terminate": (("active", "to_renew"), "terminated"),
    "draft": (("active",), "draft"),
}
BILLABLE_STATES = ("active", "to_renew")


class WorkshopContract(models.Model):
    _name = "workshop.contract"
    _description = "Workshop Service Contract"
    _inherit = ["mail.thread", "mail.activity.mixin", "workshop.field.rights.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    # nobody sets these by write (RPC, import, any context): only the actions,
    # which check their rights and dates, hold the privilege
    _workshop_field_rights = {
        "state": FieldRight(privilege=TRANSITION),
        "termination_date": FieldRight(privilege=TERMINATION),
        "termination_reason": FieldRight(privilege=TERMINATION),
    }

    # ------------------------------------------------------------------
    # Parties and commercial terms
    # ------------------------------------------------------------------
    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/"
    )
    title = fields.Char(string="Description", tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    partner_invoice_id = fields.Many2one(
        "res.partner",
        string="Invoice Contact",
        compute="_compute_partner_invoice_id",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
        check_company=True,
        tracking=True,
        help="Who receives the invoices (accounts payable).",
    )
    client_order_ref = fields.Char(string="Customer PO", tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Account Manager",
        default=lambda self: self.env.user,
        tracking=True,
    )
    pricelist_id = fields.Many2one(
        "product.pricelist", check_company=True, tracking=True
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        precompute=True,
    )
    payment_term_id = fields.Many2one(
        "account.payment.term", check_company=True, tracking=True
    )
    fiscal_position_id = fields.Many2one("account.fiscal.position", check_company=True)
    journal_id = fields.Many2one(
        "account.journal",
        string="Sales Journal",
        domain="[('type', '=', 'sale')]",
        check_company=True,
        help="Empty: the company's default sales journal.",
    )

    # ------------------------------------------------------------------
    # Term and billing rule
    # ------------------------------------------------------------------
    state = fields.Selection(
        STATES, default="draft", required=True, copy=False, tracking=True, index=True
    )
    date_start = fields.Date(
        string="Start Date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    date_end = fields.Date(string="End Date", tracking=True)
    recurring_rule = fields.Selection(
        [
            ("monthly", "Monthly"),
            ("quarterly", "Quarterly"),
            ("half_yearly", "Half-yearly"),
            ("yearly", "Yearly"),
        ],
        string="Billing Period",
        default="monthly",
        required=True,
        tracking=True,
    )
    invoicing_mode = fields.Selection(
        [("advance", "In Advance"), ("arrears", "In Arrears")],
        default="advance",
        required=True,
        tracking=True,
    )
    period_alignment = fields.Selection(
        [("calendar", "Calendar Periods"), ("contract", "From the Start Date")],
        default="calendar",
        required=True,
        help="Calendar periods: months, quarters… of the calendar; a start or end "
        "mid-period is prorated by day. From the start date: every period starts on "
        "the contract's start day (Jan 31, Feb 28, Mar 31…).",
    )
    is_backdating_confirmed = fields.Boolean(
        string="Bill Past Periods",
        copy=False,
        tracking=True,
        help="The contract starts more than 12 months ago: activating it bills "
        "every period since the start at once. Tick to confirm.",
    )
    auto_post = fields.Boolean(
        string="Post Invoices",
        default=True,
        help="Post the generated invoices; otherwise they stay in draft for review.",
    )
    line_ids = fields.One2many(
        "workshop.contract.line", "contract_id", string="Lines", copy=True
    )
    covered_asset_ids = fields.One2many(
        "workshop.contract.asset", "contract_id", string="Covered Assets", copy=True
    )
    asset_ids = fields.Many2many(
        "workshop.asset",
        string="Assets",
        compute="_compute_asset_ids",
        search="_search_asset_ids",
    )
    period_ids = fields.One2many(
        "workshop.contract.period", "contract_id", string="Billed Periods", copy=False
    )
    invoice_ids = fields.One2many(
        "account.move", "workshop_contract_id", string="Invoices", copy=False
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    next_period_start = fields.Date(
        compute="_compute_next_invoice_date", store=True, copy=False
    )
    next_invoice_date = fields.Date(
        compute="_compute_next_invoice_date",
        store=True,
        copy=False,
        index=True,
        help="When the next period becomes due. Empty: everything is billed.",
    )
    billing_error = fields.Text(
        readonly=True, copy=False, help="Why the last automatic billing failed."
    )
    amount_per_period = fields.Monetary(
        compute="_compute_amount_per_period",
        help="Price of one full period with the assets covered today.",
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A contract reference must be unique per company.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("partner_id")
    def _compute_partner_invoice_id(self):
        for contract in self:
            contract.partner_invoice_id = (
                contract.partner_id.address_get(["invoice"])["invoice"]
                if contract.partner_id
                else False
            )

    @api.depends("pricelist_id", "company_id")
    def _compute_currency_id(self):
        for contract in self:
            contract.currency_id = (
                contract.pricelist_id.currency_id or contract.company_id.currency_id
            )

    @api.depends("covered_asset_ids.asset_id")
    def _compute_asset_ids(self):
        for contract in self:
            contract.asset_ids = contract.covered_asset_ids.asset_id

    def _search_asset_ids(self, operator, value):
        return [("covered_asset_ids.asset_id", operator, value)]

    def _compute_invoice_count(self):
        counts = dict(
            self.env["account.move"]._read_group(
                [("workshop_contract_id", "in", self.ids)],
                ["workshop_contract_id"],
                ["__count"],
            )
        )
        for contract in self:
            contract.invoice_count = counts.get(contract, 0)

    @api.depends(
        "date_start",
        "date_end",
        "recurring_rule",
        "invoicing_mode",
        "period_alignment",
        "period_ids.period_start",
        "period_ids.is_released",
    )
    def _compute_next_invoice_date(self):
        for contract in self:
            period = contract._first_unbilled_period()
            contract.next_period_start = period and period.start
            contract.next_invoice_date = period and period.due_date(
                contract.invoicing_mode
            )

    @api.depends("line_ids.price_subtotal")
    def _compute_amount_per_period(self):
        for contract in self:
            contract.amount_per_period = sum(contract.line_ids.mapped("price_subtotal"))

    # ------------------------------------------------------------------
    # Periods
    # ------------------------------------------------------------------
    def _interval_months(self):
        self.ensure_one()
        return INTERVAL_MONTHS[self.recurring_rule]

    def _iter_periods(self, until=None):
        """The contract's periods (``periods.Period``), from its start to its end
        or, when open-ended, to the period containing ``until``."""
        self.ensure_one()
        if not self.date_start:
            return iter(())
        months = self._interval_months()
        anchor = period_anchor(self.date_start, months, self.period_alignment)
        return iter_periods(anchor, months, self.date_start, self.date_end, until)

    def _billed_starts(self):
        return set(
            self.period_ids.filtered(
                lambda p: p.kind == "invoice" and not p.is_released
            ).mapped("period_start")
        )

    def _first_unbilled_period(self):
        billed = self._billed_starts()
        for period in self._iter_periods():
            if period.start not in billed:
                return period
        return None

    def _get_due_periods(self, date_ref):
        """Periods due on ``date_ref`` and not billed yet, oldest first (all of
        them: a run after an outage catches up every missed period)."""
        self.ensure_one()
        billed = self._billed_starts()
        return [
            period
            for period in self._iter_periods(until=date_ref)
            if period.start not in billed
            and period.due_date(self.invoicing_mode) <= date_ref
        ]

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------
    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for contract in self:
            if contract.date_end and contract.date_end < contract.date_start:
                raise ValidationError(
                    _(
                        "Contract %s ends before it starts: fix the end date.",
                        contract.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.pop("state", None)  # contracts start as drafts
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["name"] = self.env["ir.sequence"].with_company(
                    company
                ).next_by_code("workshop.contract") or _("New")
        return super().create(vals_list)

    LOCKED_WHEN_BILLED = {
        "date_start",
        "recurring_rule",
        "period_alignment",
        "invoicing_mode",
        "company_id",
    }

    def write(self, vals):
        if self.LOCKED_WHEN_BILLED & set(vals) and self.period_ids:
            raise UserError(
                _(
                    "Contract %s has billed periods: its start date, billing "
                    "period, mode and company can no longer change.",
                    ", ".join(self.filtered("period_ids").mapped("name")),
                )
            )
        res = super().write(vals)
        if {"date_start", "is_backdating_confirmed"} & set(vals):
            self.filtered(lambda c: c.state in BILLABLE_STATES)._check_backdating()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if self.filtered(lambda c: c.state != "draft" or c.period_ids):
            raise UserError(_("Only draft contracts that never billed can be deleted."))

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def _check_rights(self, group=COORDINATOR):
        if not self.env.su and not self.env.user.has_group(group):
            raise AccessError(_("You are not allowed to do this on service contracts."))

    def _check_billing_rights(self):
        """Billing rights: an invoicing user of accounting, or a workshop
        manager (the contracts' manager group)."""
        user = self.env.user
        if not self.env.su and not (user.has_group(BILLING) or user.has_group(MANAGER)):
            raise AccessError(
                _(
                    "Only invoicing users and workshop managers can change what a "
                    "service contract bills."
                )
            )

    def _check_backdating(self):
        """A start more than 12 months back bills a year or more at once: the
        contract must say it was meant."""
        limit = fields.Date.context_today(self) - relativedelta(
            months=BACKDATING_MONTHS
        )
        unconfirmed = self.filtered(
            lambda c: c.date_start < limit and not c.is_backdating_confirmed
        )
        if unconfirmed:
            raise UserError(
                _(
                    "Contract %(names)s starts more than %(months)s months ago: "
                    "activating it bills every period since. Tick 'Bill Past "
                    "Periods' to confirm, or correct the start date.",
                    names=", ".join(unconfirmed.mapped("name")),
                    months=BACKDATING_MONTHS,
                )
            )

    def _transition(self, action):
        sources, target = TRANSITIONS[action]
        wrong = self.filtered(lambda c: c.state not in sources)
        if wrong:
            raise UserError(
                _(
                    "Contract %(names)s cannot go to %(target)s from its state.",
                    names=", ".join(wrong.mapped("name")),
                    target=dict(STATES)[target],
                )
            )
        grant(self, TRANSITION).write({"state": target})

    def action_activate(self):
        """Start billing the contract (a start more than 12 months back needs
        'Bill Past Periods' ticked)."""
        self._check_rights()
        self._check_billing_rights()
        self._check_backdating()
        for contract in self:
            if not contract.line_ids:
                raise UserError(
                    _("Add at least one line to contract %s.", contract.name)
                )
        self._transition("activate")
        return True

    def action_draft(self):
        """Back to draft, only while nothing has been billed."""
        self._check_rights()
        self._check_billing_rights()
        if self.period_ids:
            raise UserError(_("A contract that has billed periods cannot go back."))
        self._transition("draft")
        return True

    def action_view_invoices(self):
        """Open the invoices of the contract."""
        self.ensure_one()
        # an action is returned without reading the contract: check it is visible
        self.check_access("read")
        return domain_action(
            self.env,
            "account.action_move_out_invoice_type",
            [("workshop_contract_id", "=", self.id)],
            context={"default_move_type": "out_invoice"},
        )
