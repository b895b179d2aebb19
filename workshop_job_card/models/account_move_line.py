from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    workshop_job_line_id = fields.Many2one(
        "workshop.job.line",
        string="Job Line",
        index="btree_not_null",
        copy=False,
        readonly=True,
        ondelete="restrict",
    )
    workshop_billing_round = fields.Integer(
        copy=False,
        readonly=True,
        help="The job's billing round this line belongs to (see the unique index).",
    )

    def init(self):
        res = super().init()
        # The database itself refuses a second live invoice line for the same
        # job line in the same billing round, whatever path writes it.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS account_move_line_workshop_billing_uniq
                ON account_move_line (workshop_job_line_id, workshop_billing_round)
             WHERE workshop_job_line_id IS NOT NULL
               AND workshop_billing_round > 0
               AND parent_state != 'cancel'
            """
        )
        return res

    def _copy_data_extend_business_fields(self, values):
        # credit notes keep the link to the job line they reverse
        res = super()._copy_data_extend_business_fields(values)
        values["workshop_job_line_id"] = self.workshop_job_line_id.id
        return res
