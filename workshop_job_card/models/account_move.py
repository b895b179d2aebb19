from odoo import api, fields, models

from ..tools.actions import records_action


class AccountMove(models.Model):
    _inherit = "account.move"

    workshop_job_id = fields.Many2one(
        "workshop.job",
        string="Job Card",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The job this invoice bills (empty on invoices grouping several jobs).",
    )
    workshop_job_ids = fields.Many2many(
        "workshop.job", string="Job Cards", compute="_compute_workshop_job_ids"
    )
    workshop_job_count = fields.Integer(compute="_compute_workshop_job_ids")

    @api.depends("invoice_line_ids.workshop_job_line_id")
    def _compute_workshop_job_ids(self):
        for move in self:
            jobs = move.line_ids.workshop_job_line_id.job_id | move.workshop_job_id
            move.workshop_job_ids = jobs
            move.workshop_job_count = len(jobs)

    def action_view_workshop_jobs(self):
        """Open the job cards this invoice bills."""
        self.ensure_one()
        return records_action(
            self.workshop_job_ids, "workshop_job_card.workshop_job_action"
        )

    def _reverse_moves(self, default_values_list=None, cancel=False):
        if not default_values_list:
            default_values_list = [{} for _move in self]
        for move, default_values in zip(self, default_values_list, strict=False):
            if move.workshop_job_id:
                default_values.setdefault("workshop_job_id", move.workshop_job_id.id)
        return super()._reverse_moves(
            default_values_list=default_values_list, cancel=cancel
        )

    # The job's state follows its invoices: every path that changes what an
    # invoice bills (post, cancel, reset, delete) re-syncs the jobs.
    def _workshop_jobs(self):
        return self.line_ids.workshop_job_line_id.job_id

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._workshop_jobs()._sync_invoiced_state()
        return posted

    def button_cancel(self):
        jobs = self._workshop_jobs()
        res = super().button_cancel()
        jobs._sync_invoiced_state()
        return res

    def button_draft(self):
        jobs = self._workshop_jobs()
        res = super().button_draft()
        jobs._sync_invoiced_state()
        return res

    def unlink(self):
        jobs = self._workshop_jobs()
        res = super().unlink()
        jobs.exists()._sync_invoiced_state()
        return res
