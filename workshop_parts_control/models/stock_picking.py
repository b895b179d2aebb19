from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    workshop_job_id = fields.Many2one(
        "workshop.job",
        string="Job Card",
        index="btree_not_null",
        check_company=True,
        # backorders (copies) stay with the job
        copy=True,
        help="The job card these parts are issued to or returned from.",
    )
    workshop_operation = fields.Selection(related="picking_type_id.workshop_operation")

    @api.constrains("workshop_job_id", "picking_type_id", "company_id")
    def _check_workshop_job_company(self):
        for picking in self.filtered("workshop_job_id"):
            companies = picking.company_id | picking.picking_type_id.company_id
            if companies != picking.workshop_job_id.company_id:
                raise ValidationError(
                    _(
                        "Transfer %(picking)s and job %(job)s belong to different "
                        "companies.",
                        picking=picking.name,
                        job=picking.workshop_job_id.name,
                    )
                )

    def write(self, vals):
        if "workshop_job_id" in vals:
            moved = self.filtered(
                lambda p: p.workshop_job_id.id != vals["workshop_job_id"]
                and any(m.state == "done" for m in p.move_ids)
            )
            if moved:
                raise UserError(
                    _(
                        "Transfer %s has issued parts already: it cannot move to "
                        "another job card. Return the parts and issue them again.",
                        ", ".join(moved.mapped("name")),
                    )
                )
        res = super().write(vals)
        if {"workshop_job_id", "picking_type_id"} & set(vals):
            self._workshop_check_job_takes_parts()
        return res

    @api.model_create_multi
    def create(self, vals_list):
        pickings = super().create(vals_list)
        pickings._workshop_check_job_takes_parts()
        return pickings

    def _workshop_check_job_takes_parts(self):
        """Issues go to jobs whose work is open; returns (and core returns)
        come from jobs not yet invoiced."""
        for picking in self.filtered("workshop_job_id"):
            job = picking.workshop_job_id
            if picking.picking_type_id.workshop_operation == "issue":
                job._workshop_check_can_issue_parts()
            else:
                job._workshop_check_can_receive_parts()

    def action_view_workshop_job(self):
        """Open the job card of the transfer."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "workshop.job",
            "res_id": self.workshop_job_id.id,
            "views": [(False, "form")],
        }
