from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    workshop_labour_product_id = fields.Many2one(
        "product.product",
        string="Labour Rate Product",
        help="The service product whose price is this technician's hourly rate.",
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
