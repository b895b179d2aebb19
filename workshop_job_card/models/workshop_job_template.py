from odoo import fields, models


class WorkshopJobTemplate(models.Model):
    _name = "workshop.job.template"
    _description = "Workshop Job Template"
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True)
    job_type_id = fields.Many2one("workshop.job.type", check_company=True)
    line_ids = fields.One2many("workshop.job.template.line", "template_id", copy=True)
    note = fields.Html()
