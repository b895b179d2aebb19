from odoo import fields, models
from odoo.tools import SQL


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    workshop_consignment_line_id = fields.Many2one(
        "workshop.job.line",
        string="Consigned Job Line",
        index="btree_not_null",
        readonly=True,
        ondelete="restrict",
        help="The job line whose installed consignment parts this vendor bill "
        "line pays to their owner.",
    )
    workshop_consignment_owner_id = fields.Many2one(
        "res.partner",
        string="Consignment Owner",
        readonly=True,
        ondelete="restrict",
    )
    workshop_consignment_round = fields.Integer(
        copy=False,
        readonly=True,
        help="The job line's consignment billing round (see the unique index).",
    )

    def init(self):
        res = super().init()
        # The database itself refuses a second live vendor bill line for the same
        # installed consignment parts (job line, owner) in the same round,
        # whatever path writes it (two clicks, the cron and a click, RPC).
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS "
                "account_move_line_workshop_consignment_uniq ON account_move_line "
                "(workshop_consignment_line_id, workshop_consignment_owner_id, "
                "workshop_consignment_round) "
                "WHERE workshop_consignment_line_id IS NOT NULL "
                "AND workshop_consignment_round > 0 AND parent_state != 'cancel'"
            )
        )
        return res

    def _copy_data_extend_business_fields(self, values):
        # a vendor credit note keeps the link to the consignment it reverses
        res = super()._copy_data_extend_business_fields(values)
        values["workshop_consignment_line_id"] = self.workshop_consignment_line_id.id
        values["workshop_consignment_owner_id"] = self.workshop_consignment_owner_id.id
        return res
