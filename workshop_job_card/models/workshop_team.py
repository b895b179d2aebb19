from odoo import fields, models


class WorkshopTeam(models.Model):
    _name = "workshop.team"
    _description = "Workshop Field Team"
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.company
    )
    member_ids = fields.Many2many(
        "res.users",
        "workshop_team_res_users_rel",
        "team_id",
        "user_id",
        string="Technicians",
        domain="[('share', '=', False)]",
    )
