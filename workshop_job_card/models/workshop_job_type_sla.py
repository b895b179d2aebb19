from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class WorkshopJobTypeSla(models.Model):
    _name = "workshop.job.type.sla"
    _description = "Workshop SLA Rule"
    _order = "job_type_id, priority desc"

    job_type_id = fields.Many2one(
        "workshop.job.type", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="job_type_id.company_id", store=True, index=True, precompute=True
    )
    priority = fields.Selection(
        [("0", "Low"), ("1", "Normal"), ("2", "High"), ("3", "Urgent")], required=True
    )
    response_hours = fields.Float(required=True)
    resolution_hours = fields.Float(required=True)

    _sql_constraints = [
        (
            "type_priority_uniq",
            "unique(job_type_id, priority)",
            "One SLA rule per priority.",
        ),
    ]

    @api.constrains("response_hours", "resolution_hours")
    def _check_hours(self):
        for rule in self:
            if rule.response_hours < 0 or rule.resolution_hours < rule.response_hours:
                raise ValidationError(
                    _(
                        "SLA hours must be positive and resolution "
                        "cannot come before response."
                    )
                )
