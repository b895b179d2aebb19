from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.workshop_job_card.tools.actions import domain_action

PRIORITIES = [("0", "Low"), ("1", "Normal"), ("2", "High"), ("3", "Urgent")]
# SLA milestones a service credit can be owed for
CREDIT_KINDS = [("response", "Response"), ("resolution", "Resolution")]


class WorkshopContractSlaPolicy(models.Model):
    """What a contract promises: response and resolution times per priority,
    and the service credit the customer gets on a breach."""

    _name = "workshop.contract.sla.policy"
    _description = "Workshop Contract SLA Policy"
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Empty: the policy can be used by every company.",
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")

    # ------------------------------------------------------------------
    # Times
    # ------------------------------------------------------------------
    line_ids = fields.One2many(
        "workshop.contract.sla.policy.line",
        "policy_id",
        string="Times per Priority",
        copy=True,
    )
    response_hours = fields.Float(
        help="Time to be on site for priorities without a line. "
        "0 here and no line: the job type's SLA applies."
    )
    resolution_hours = fields.Float(
        help="Time to finish the job for priorities without a line."
    )

    # ------------------------------------------------------------------
    # Service credits
    # ------------------------------------------------------------------
    credit_method = fields.Selection(
        [
            ("none", "No Service Credit"),
            ("percent", "Percentage of the Period Fee"),
            ("fixed", "Fixed Amount per Breach"),
        ],
        default="percent",
        required=True,
    )
    credit_on = fields.Selection(
        [
            ("both", "Late Response and Late Resolution"),
            ("response", "Late Response Only"),
            ("resolution", "Late Resolution Only"),
        ],
        string="Credit For",
        default="both",
        required=True,
    )
    credit_percent = fields.Float(
        string="Credit (%)",
        default=5.0,
        help="Per breach, as a share of the fee of the period it is credited on.",
    )
    credit_amount = fields.Monetary(
        string="Credit per Breach", currency_field="currency_id"
    )
    credit_cap_percent = fields.Float(
        string="Cap per Invoice (%)",
        default=100.0,
        help="Service credits on one invoice never exceed this share of its period "
        "fee; what is above the cap is forfeited (the invoice still lists the "
        "breach).",
    )
    credit_product_id = fields.Many2one(
        "product.product",
        string="Credit Product",
        check_company=True,
        default=lambda self: self.env.ref(
            "workshop_contract_billing.product_sla_service_credit",
            raise_if_not_found=False,
        ),
        help="Product of the credit lines (its income account). The lines take "
        "the taxes of the contract's fee.",
    )
    contract_ids = fields.One2many("workshop.contract", "sla_policy_id")
    contract_count = fields.Integer(compute="_compute_contract_count")

    @api.depends("company_id")
    def _compute_currency_id(self):
        for policy in self:
            policy.currency_id = (policy.company_id or self.env.company).currency_id

    def _compute_contract_count(self):
        counts = dict(
            self.env["workshop.contract"]._read_group(
                [("sla_policy_id", "in", self.ids)], ["sla_policy_id"], ["__count"]
            )
        )
        for policy in self:
            policy.contract_count = counts.get(policy, 0)

    @api.constrains(
        "credit_method",
        "credit_percent",
        "credit_amount",
        "credit_cap_percent",
        "credit_product_id",
    )
    def _check_credit(self):
        for policy in self:
            if not 0 <= policy.credit_cap_percent <= 100:
                raise ValidationError(
                    _("The credit cap of %s must be between 0 and 100%%.", policy.name)
                )
            if policy.credit_method == "none":
                continue
            if policy.credit_method == "percent" and not (
                0 < policy.credit_percent <= 100
            ):
                raise ValidationError(
                    _(
                        "The credit percentage of %s must be above 0 and at most 100.",
                        policy.name,
                    )
                )
            if policy.credit_method == "fixed" and policy.credit_amount <= 0:
                raise ValidationError(
                    _("Set a positive credit amount per breach on %s.", policy.name)
                )
            if not policy.credit_product_id:
                raise ValidationError(
                    _("Choose the product of the credit lines of %s.", policy.name)
                )

    @api.constrains("response_hours", "resolution_hours")
    def _check_hours(self):
        for policy in self:
            _check_hours(policy.response_hours, policy.resolution_hours)

    def _get_sla_hours(self, priority):
        """(response_hours, resolution_hours) of this policy for ``priority``;
        None when the policy says nothing about it (the job type decides)."""
        if not self:
            return None
        self.ensure_one()
        line = self.line_ids.filtered(lambda li: li.priority == priority)[:1]
        if line:
            return line.response_hours, line.resolution_hours
        if self.response_hours or self.resolution_hours:
            return self.response_hours, self.resolution_hours
        return None

    def _credited_kinds(self):
        """The SLA milestones whose breach earns a credit under this policy."""
        self.ensure_one()
        if self.credit_method == "none":
            return ()
        if self.credit_on == "both":
            return tuple(kind for kind, _label in CREDIT_KINDS)
        return (self.credit_on,)

    def _credit_amount(self, fee, currency, date):
        """The full credit of one breach on an invoice whose period fee is
        ``fee`` (in ``currency``), before the cap."""
        self.ensure_one()
        if self.credit_method == "percent":
            return currency.round(fee * self.credit_percent / 100.0)
        if self.credit_method == "fixed":
            company = self.company_id or self.env.company
            return self.currency_id._convert(
                self.credit_amount, currency, company, date
            )
        return 0.0

    def action_view_contracts(self):
        """Open the contracts under this SLA policy."""
        self.ensure_one()
        return domain_action(
            self.env,
            "workshop_contract_billing.workshop_contract_action",
            [("sla_policy_id", "=", self.id)],
        )


def _check_hours(response, resolution):
    if response < 0 or (resolution and resolution < response):
        raise ValidationError(
            _("SLA hours must be positive and resolution cannot come before response.")
        )
