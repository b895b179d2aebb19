from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime

from .workshop_contract_sla_policy import CREDIT_KINDS


class WorkshopContractCredit(models.Model):
    """The ledger of SLA breaches owed to customers: one row per job and missed
    milestone (unique), applied as a negative line on the next contract invoice.

    A credit is *applied* while one line of a live (not cancelled) invoice
    carries it; deleting or cancelling that invoice releases it for the next
    invoice. Its unique index is what makes crediting a breach twice impossible.
    """

    _name = "workshop.contract.credit"
    _description = "Workshop SLA Service Credit"
    _order = "deadline desc, id desc"
    _check_company_auto = True

    contract_id = fields.Many2one(
        "workshop.contract", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, index=True
    )
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    job_id = fields.Many2one(
        "workshop.job", required=True, ondelete="restrict", check_company=True
    )
    policy_id = fields.Many2one(
        "workshop.contract.sla.policy",
        string="SLA Policy",
        required=True,
        ondelete="restrict",
        help="The policy in force when the breach was recorded: it sets the credit.",
    )
    kind = fields.Selection(CREDIT_KINDS, string="Missed", required=True)
    deadline = fields.Datetime(required=True)
    reached_datetime = fields.Datetime(
        string="Reached On",
        help="When the job reached the milestone (empty: not yet when recorded).",
    )
    move_line_ids = fields.One2many(
        "account.move.line", "workshop_contract_credit_id", string="Invoice Lines"
    )
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Credit Line",
        compute="_compute_move_line_id",
        store=True,
        index="btree_not_null",
    )
    move_id = fields.Many2one(
        related="move_line_id.move_id", string="Invoice", store=True
    )
    amount = fields.Monetary(
        string="Credited",
        compute="_compute_move_line_id",
        store=True,
        help="Untaxed amount credited (after the policy's cap).",
    )
    state = fields.Selection(
        [("pending", "To Credit"), ("applied", "Credited")],
        compute="_compute_move_line_id",
        store=True,
        index=True,
    )

    _sql_constraints = [
        (
            "job_kind_uniq",
            "unique(job_id, kind)",
            "This breach of the job is already recorded.",
        ),
    ]

    @api.depends("job_id.name", "kind")
    def _compute_display_name(self):
        kinds = dict(CREDIT_KINDS)
        for credit in self:
            credit.display_name = f"{credit.job_id.name} – {kinds.get(credit.kind)}"

    @api.depends(
        "move_line_ids.parent_state",
        "move_line_ids.price_subtotal",
        "move_line_ids.move_id.move_type",
    )
    def _compute_move_line_id(self):
        for credit in self:
            given, taken_back = credit._given_and_taken_back()
            # applied while more live invoices carry it than credit notes took
            # it back: the newest of them holds it
            line = given[-1:] if len(given) > len(taken_back) else given.browse()
            credit.move_line_id = line
            credit.amount = -line.price_subtotal if line else 0.0
            credit.state = "applied" if line else "pending"

    def _given_and_taken_back(self):
        """(lines of live invoices carrying this credit, oldest first; lines of
        posted credit notes reversing one of them)."""
        self.ensure_one()
        lines = self.move_line_ids.sorted("id")
        given = lines.filtered(
            lambda li: li.parent_state != "cancel" and li.move_type == "out_invoice"
        )
        taken_back = lines.filtered(
            lambda li: li.parent_state == "posted" and li.move_type == "out_refund"
        )
        return given, taken_back

    @api.ondelete(at_uninstall=False)
    def _unlink_only_pending(self):
        if self.filtered("move_line_ids"):
            raise UserError(
                _(
                    "A service credit that went on an invoice cannot be deleted: "
                    "delete or cancel the invoice first."
                )
            )

    # ------------------------------------------------------------------
    # Invoice lines
    # ------------------------------------------------------------------
    def _prepare_invoice_line_vals(self, fee, currency, date, tax_command):
        """Values of the negative invoice lines crediting these breaches on an
        invoice whose period fee (untaxed) is ``fee``. Each policy's cap limits
        what these credits take together. A list of plain dicts, no side
        effects."""
        used = {}
        vals_list = []
        for sequence, credit in enumerate(self, start=1000):
            policy = credit.policy_id
            full = policy._credit_amount(fee, currency, date)
            cap = currency.round(fee * policy.credit_cap_percent / 100.0)
            amount = max(min(full, cap - used.get(policy, 0.0)), 0.0)
            used[policy] = used.get(policy, 0.0) + amount
            vals_list.append(
                {
                    "display_type": "product",
                    "sequence": sequence,
                    "product_id": policy.credit_product_id.id,
                    "name": credit._invoice_label(capped=amount < full),
                    "quantity": 1.0,
                    "price_unit": -amount,
                    "tax_ids": [tax_command],
                    "workshop_contract_credit_id": credit.id,
                }
            )
        return vals_list

    def _invoice_label(self, capped=False):
        self.ensure_one()
        deadline = format_datetime(self.env, self.deadline, dt_format="short")
        if self.kind == "response":
            label = _(
                "SLA service credit – job %(job)s: late response (due %(deadline)s)",
                job=self.job_id.name,
                deadline=deadline,
            )
        else:
            label = _(
                "SLA service credit – job %(job)s: late resolution (due %(deadline)s)",
                job=self.job_id.name,
                deadline=deadline,
            )
        if capped:
            label += _(" – reduced to the policy's cap")
        return label
