from odoo import fields, models


class WorkshopSkill(models.Model):
    _name = "workshop.skill"
    _description = "Workshop Skill"
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one("res.company", index=True)
    # edited from the skill: coordinators keep the list without rights on users
    user_ids = fields.Many2many(
        "res.users",
        "workshop_skill_res_users_rel",
        "skill_id",
        "user_id",
        string="Technicians",
        domain="[('share', '=', False)]",
    )

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)", "A skill must be unique."),
    ]
