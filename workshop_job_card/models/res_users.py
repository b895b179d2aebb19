from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    workshop_labour_product_id = fields.Many2one(
        "product.product",
        string="Labour Rate Product",
        help="The service product whose price is this technician's hourly rate.",
    )
    # the dispatch board's view of a technician
    workshop_skill_ids = fields.Many2many(
        "workshop.skill",
        "workshop_skill_res_users_rel",
        "user_id",
        "skill_id",
        string="Skills",
    )
    workshop_team_ids = fields.Many2many(
        "workshop.team",
        "workshop_team_res_users_rel",
        "user_id",
        "team_id",
        string="Field Teams",
    )
    workshop_home_partner_id = fields.Many2one(
        "res.partner",
        string="Home Base",
        help="Where the technician's van starts the day (its coordinates are used "
        "for travel distances).",
    )

    def _get_workshop_labour_product(self, company):
        self.ensure_one()
        return (
            self.workshop_labour_product_id
            or company.workshop_labour_product_id
            or self.env.ref(
                "workshop_job_card.product_labour_hour", raise_if_not_found=False
            )
        )
