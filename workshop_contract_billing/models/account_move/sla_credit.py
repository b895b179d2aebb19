from odoo import Command, _, models


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def button_draft(self):
        # A cancelled invoice released its SLA credits; when one has gone on
        # another invoice since, bringing this one back must not credit it twice.
        cancelled = self.filtered(lambda m: m.state == "cancel")
        res = super().button_draft()
        for move in cancelled:
            stale = move.invoice_line_ids.filtered(lambda li: li._other_credit_lines())
            if not stale:
                continue
            elsewhere = stale.mapped(lambda li: li._other_credit_lines().move_id.name)
            move.write({"invoice_line_ids": [Command.delete(li.id) for li in stale]})
            move.message_post(
                body=_(
                    "Service credits removed: they were credited on %s while this "
                    "invoice was cancelled.",
                    ", ".join(sorted(set(elsewhere))),
                )
            )
        return res
