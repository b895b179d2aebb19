from odoo import _, api, fields, models
from odoo.exceptions import UserError


class WorkshopJobInvoiceWizard(models.TransientModel):
    _name = "workshop.job.invoice.wizard"
    _description = "Invoice Job Cards"

    job_ids = fields.Many2many("workshop.job", string="Jobs")
    grouped = fields.Boolean(
        string="One invoice per customer",
        help="Group the jobs of the same invoice contact, currency and fiscal position "
        "on one invoice, one section per job.",
    )
    job_count = fields.Integer(compute="_compute_counts")
    skipped_count = fields.Integer(compute="_compute_counts")

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if (
            "job_ids" in fields_list
            and self.env.context.get("active_model") == "workshop.job"
        ):
            res["job_ids"] = [
                fields.Command.set(self.env.context.get("active_ids", []))
            ]
        return res

    @api.depends("job_ids")
    def _compute_counts(self):
        for wizard in self:
            ready = wizard.job_ids.filtered(
                lambda j: j.invoice_status in ("to_invoice", "to_reinvoice")
                and not j.has_invoice_exception
            )
            wizard.job_count = len(ready)
            wizard.skipped_count = len(wizard.job_ids) - len(ready)

    def action_create_invoices(self):
        """Invoice the selected jobs that have something to invoice."""
        self.ensure_one()
        jobs = self.job_ids.filtered(
            lambda j: j.invoice_status in ("to_invoice", "to_reinvoice")
            and not j.has_invoice_exception
        )
        if not jobs:
            raise UserError(
                _(
                    "None of the selected jobs is ready to invoice "
                    "(not done, already invoiced "
                    "or with exceptions to review)."
                )
            )
        return jobs.action_create_invoice(grouped=self.grouped)
