from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class WorkshopContractPeriod(models.Model):
    """The ledger of billed periods: one live row per contract, period and kind,
    written before the invoice in the same transaction. Its unique index (on
    live rows) is what makes billing a period twice impossible, whatever path
    bills it.

    No user writes or deletes a row (access rights: read only). The engine
    writes them, and when an invoice stops counting (cancelled, deleted, fully
    credited) it marks its rows released instead of deleting them: the period is
    then billed again by the next run, and the row stays as the history."""

    _name = "workshop.contract.period"
    _description = "Billed Contract Period"
    _order = "contract_id, period_start desc, id desc"

    contract_id = fields.Many2one(
        "workshop.contract", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    kind = fields.Selection(
        [("invoice", "Invoice"), ("credit", "Credit")],
        default="invoice",
        required=True,
    )
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    billed_from = fields.Date(required=True)
    billed_to = fields.Date(required=True)
    move_id = fields.Many2one(
        "account.move", string="Invoice", ondelete="set null", index="btree_not_null"
    )
    move_name = fields.Char(
        string="Invoice Number", help="The invoice's number when it was released."
    )
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount_untaxed = fields.Monetary(related="move_id.amount_untaxed_signed")
    is_released = fields.Boolean(
        string="Released",
        index=True,
        help="Its invoice stopped counting (cancelled, deleted or fully "
        "credited): the period is billed again.",
    )
    release_reason = fields.Char()
    release_move_id = fields.Many2one(
        "account.move",
        string="Released by",
        ondelete="set null",
        index="btree_not_null",
        help="The credit note that released the period.",
    )

    def init(self):
        # one live row per contract, period and kind; released rows are history
        self.env.cr.execute(
            SQL(
                "ALTER TABLE workshop_contract_period "
                "DROP CONSTRAINT IF EXISTS "
                "workshop_contract_period_contract_period_kind_uniq"
            )
        )
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS workshop_contract_period_live_uniq
                       ON workshop_contract_period (contract_id, period_start, kind)
                    WHERE is_released IS NOT TRUE"""
            )
        )

    def _release(self, reason, by=None):
        """Mark these rows released (their invoice no longer counts), once:
        rows already released are left as they are. Engine only (sudo)."""
        live = self.filtered(lambda row: not row.is_released)
        for row in live:
            row.write(
                {
                    "is_released": True,
                    "release_reason": reason,
                    "release_move_id": by.id if by else False,
                    "move_name": row.move_id.name or False,
                }
            )
        for contract in live.contract_id:
            contract.message_post(
                body=_(
                    "Billed period(s) %(periods)s released (%(reason)s): they "
                    "will be billed again.",
                    periods=", ".join(
                        str(row.period_start)
                        for row in live.filtered(
                            lambda r, c=contract: r.contract_id == c
                        )
                    ),
                    reason=reason,
                )
            )
        return live

    def _reclaim(self, move):
        """Count these released rows of ``move`` again (``move`` came back),
        unless their period was billed again since: then ``move`` must stay
        out, and this raises."""
        rows = self.filtered("is_released")
        if not rows:
            return rows
        live = self.search(
            [
                ("contract_id", "in", rows.contract_id.ids),
                ("is_released", "=", False),
                ("period_start", "in", rows.mapped("period_start")),
            ]
        )
        clash = live.filtered(
            lambda r: any(
                (r.contract_id, r.period_start, r.kind)
                == (o.contract_id, o.period_start, o.kind)
                for o in rows
            )
        )
        if clash:
            raise UserError(
                _(
                    "%(move)s billed contract periods that were billed again since "
                    "(%(others)s): it cannot count again. Keep it cancelled, or "
                    "cancel the newer invoice first.",
                    move=move.display_name,
                    others=", ".join(
                        sorted({m or "/" for m in clash.move_id.mapped("name")})
                    ),
                )
            )
        rows.write(
            {
                "is_released": False,
                "release_reason": False,
                "release_move_id": False,
            }
        )
        return rows
