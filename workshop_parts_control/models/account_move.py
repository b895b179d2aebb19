from odoo import api, models


class AccountMove(models.Model):
    _inherit = "account.move"

    @api.depends("invoice_line_ids.workshop_consignment_line_id")
    def _compute_workshop_job_ids(self):
        # a consignment vendor bill shows the job cards its parts were installed on
        res = super()._compute_workshop_job_ids()
        for move in self:
            jobs = move.line_ids.workshop_consignment_line_id.job_id
            if jobs:
                move.workshop_job_ids |= jobs
                move.workshop_job_count = len(move.workshop_job_ids)
        return res
