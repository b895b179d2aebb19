from odoo import fields, models


class WorkshopJobType(models.Model):
    _name = "workshop.job.type"
    _description = "Workshop Job Type"
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True)
    code = fields.Selection(
        [
            ("repair", "Repair"),
            ("inspection", "Inspection"),
            ("maintenance", "Maintenance"),
            ("emergency", "Emergency"),
            ("installation", "Installation"),
            ("other", "Other"),
        ],
        default="repair",
        required=True,
    )
    template_id = fields.Many2one(
        "workshop.job.template", string="Default Template", check_company=True
    )
    response_hours = fields.Float(
        help="Default time to be on site, for priorities without a rule."
    )
    resolution_hours = fields.Float(
        help="Default time to finish, for priorities without a rule."
    )
    sla_rule_ids = fields.One2many(
        "workshop.job.type.sla", "job_type_id", string="SLA per Priority"
    )
    color = fields.Integer()
    skill_ids = fields.Many2many(
        "workshop.skill",
        string="Required Skills",
        check_company=True,
        help="Skills a technician needs for jobs of this type.",
    )

    def _get_sla_hours(self, priority):
        """(response_hours, resolution_hours) for a priority; (0, 0) when no SLA."""
        if not self:
            return 0.0, 0.0
        self.ensure_one()
        rule = self.sla_rule_ids.filtered(lambda r: r.priority == priority)[:1]
        if rule:
            return rule.response_hours, rule.resolution_hours
        return self.response_hours, self.resolution_hours
