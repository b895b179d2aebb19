from odoo import api, fields, models
from odoo.tools import SQL, float_round

USAGE_KINDS = [("consume", "Consumed"), ("release", "Released")]


class WorkshopContractUsage(models.Model):
    """The ledger of contract coverage: what each job invoice covered (consume
    rows) and what its credit notes gave back (release rows, negative). Rows of
    cancelled invoices or credit notes do not count; deleting one deletes its
    rows."""

    _name = "workshop.contract.usage"
    _description = "Contract Coverage Used"
    _order = "allowance_id, id"

    allowance_id = fields.Many2one(
        "workshop.contract.allowance", required=True, ondelete="restrict", index=True
    )
    contract_id = fields.Many2one(
        related="allowance_id.contract_id", store=True, index=True
    )
    company_id = fields.Many2one(related="allowance_id.company_id", store=True)
    currency_id = fields.Many2one(related="allowance_id.currency_id")
    kind = fields.Selection(USAGE_KINDS, required=True, default="consume")
    job_line_id = fields.Many2one(
        "workshop.job.line", required=True, ondelete="restrict", index=True
    )
    job_id = fields.Many2one(related="job_line_id.job_id", store=True, index=True)
    move_id = fields.Many2one(
        "account.move",
        string="Invoice / Credit Note",
        required=True,
        ondelete="cascade",
        index=True,
    )
    move_state = fields.Selection(related="move_id.state", string="Document State")
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Covered Invoice Line",
        ondelete="set null",
        index="btree_not_null",
        help="The zero-priced invoice line showing the covered work; empty when "
        "the contract leaves covered work off its invoices.",
    )
    is_shown = fields.Boolean(
        string="On the Invoice",
        help="The covered work is shown on the invoice at zero.",
    )
    billing_round = fields.Integer(
        help="The job's billing round that consumed the coverage (consume rows)."
    )
    quantity = fields.Float(digits="Product Unit of Measure")
    labour_hours = fields.Float()
    parts_amount = fields.Monetary()
    covered_amount = fields.Monetary(string="Value Covered")

    def init(self):
        # One consumption per job line and billing round, whatever path writes it
        # (the covered invoice lines themselves are outside the job card's index).
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS
                       workshop_contract_usage_consume_uniq
                       ON workshop_contract_usage (job_line_id, billing_round)
                    WHERE kind = 'consume'"""
            )
        )

    # ------------------------------------------------------------------
    # Releases from credit notes
    # ------------------------------------------------------------------
    @api.model
    def _release_for_refunds(self, refunds):
        """Write the release rows of posted credit notes ``refunds``.

        Covered work shown at zero is released by the credit note lines that
        reverse it; covered work left off the invoice is released once the
        invoice's billed lines are all credited (a full credit note). Safe to
        call again: a credit note's release rows are rewritten."""
        refunds = refunds.filtered(
            lambda m: m.move_type == "out_refund" and m.reversed_entry_id
        )
        if not refunds:
            return self.browse()
        self.search([("move_id", "in", refunds.ids), ("kind", "=", "release")]).unlink()
        consumed = self.search(
            [
                ("move_id", "in", refunds.reversed_entry_id.ids),
                ("kind", "=", "consume"),
            ]
        )
        if not consumed:
            return self.browse()
        released = self._released_by_line(consumed)
        vals_list = []
        for refund in refunds:
            invoice = refund.reversed_entry_id
            rows = consumed.filtered(lambda u, inv=invoice: u.move_id == inv)
            fully_credited = invoice._workshop_is_fully_credited()
            for row in rows:
                if row.is_shown:
                    qty = sum(
                        refund.invoice_line_ids.filtered(
                            lambda a, r=row: a.workshop_job_line_id == r.job_line_id
                            and a.workshop_covered_contract_id
                        ).mapped("quantity")
                    )
                elif fully_credited:
                    qty = row.quantity
                else:
                    continue
                qty = min(qty, row.quantity - released.get(row.id, 0.0))
                if qty <= 0:
                    continue
                released[row.id] = released.get(row.id, 0.0) + qty
                vals_list.append(row._prepare_release_vals(refund, qty))
        return self.create(vals_list)

    def _released_by_line(self, consumed):
        """{consume row id: quantity already released by other live credit notes}."""
        releases = self.search(
            [
                ("kind", "=", "release"),
                ("job_line_id", "in", consumed.job_line_id.ids),
                ("move_id.reversed_entry_id", "in", consumed.move_id.ids),
                ("move_id.state", "!=", "cancel"),
            ]
        )
        released = {}
        for row in consumed:
            released[row.id] = -sum(
                r.quantity
                for r in releases
                if r.job_line_id == row.job_line_id
                and r.move_id.reversed_entry_id == row.move_id
            )
        return released

    def _prepare_release_vals(self, refund, qty):
        """Values of the row giving back ``qty`` of this consumption."""
        self.ensure_one()
        ratio = qty / self.quantity if self.quantity else 1.0
        precision = self.currency_id.rounding or 0.01
        return {
            "allowance_id": self.allowance_id.id,
            "kind": "release",
            "job_line_id": self.job_line_id.id,
            "move_id": refund.id,
            "is_shown": self.is_shown,
            "quantity": -qty,
            "labour_hours": -self.labour_hours * ratio,
            "parts_amount": -float_round(
                self.parts_amount * ratio, precision_rounding=precision
            ),
            "covered_amount": -float_round(
                self.covered_amount * ratio, precision_rounding=precision
            ),
        }
