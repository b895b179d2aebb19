from odoo import fields, models

from .workshop_job_line import LINE_KINDS


class WorkshopJobTemplateLine(models.Model):
    _name = "workshop.job.template.line"
    _description = "Workshop Job Template Line"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "workshop.job.template", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="template_id.company_id", store=True, index=True, precompute=True
    )
    sequence = fields.Integer(default=10)
    kind = fields.Selection(LINE_KINDS, required=True, default="part")
    product_id = fields.Many2one("product.product", domain="[('sale_ok', '=', True)]")
    name = fields.Char(string="Description")
    quantity = fields.Float(
        default=1.0,
        digits="Product Unit of Measure",
        help="Parts quantity, or planned hours for labour.",
    )

    def _prepare_job_line_vals(self, job):
        """Values of the job line this template line pre-fills on ``job``."""
        self.ensure_one()
        vals = {
            "sequence": self.sequence,
            "kind": self.kind,
            "product_id": self.product_id.id,
            "quantity": self.quantity if self.kind not in ("section", "note") else 0.0,
            "approval_state": "approved",
        }
        if isinstance(job.id, int):
            vals["job_id"] = job.id
        if self.name:
            vals["name"] = self.name
        if self.kind == "labour":
            vals["estimated_qty"] = self.quantity
        return vals
