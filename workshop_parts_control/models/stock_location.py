from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class StockLocation(models.Model):
    _inherit = "stock.location"

    workshop_is_consumption = fields.Boolean(
        string="Workshop Consumption",
        readonly=True,
        copy=False,
        help="Parts that enter this location (or one below it) are used on job "
        "cards: every move in or out of it must belong to a job.",
    )
    workshop_van_user_id = fields.Many2one(
        "res.users",
        string="Van Technician",
        index="btree_not_null",
        copy=False,
        help="The technician whose service vehicle this location is: they may "
        "issue parts from it to their own jobs.",
    )

    _sql_constraints = [
        (
            "workshop_van_user_uniq",
            "unique(workshop_van_user_id, company_id)",
            "A technician has one van location per company.",
        ),
    ]

    @api.constrains("workshop_van_user_id", "usage")
    def _check_workshop_van(self):
        for location in self.filtered("workshop_van_user_id"):
            if location.usage != "internal":
                raise ValidationError(
                    _("A van location holds stock: make %s an internal location.")
                    % location.display_name
                )

    def _workshop_in_consumption(self):
        """The locations of ``self`` that are, or lie below, a workshop
        consumption location (one query, whatever the size of ``self``)."""
        if not self:
            return self
        roots = set(
            self.sudo()
            .with_context(active_test=False)
            .search([("workshop_is_consumption", "=", True)])
            .ids
        )
        return self.filtered(
            lambda loc: roots.intersection(
                int(part) for part in (loc.parent_path or "").split("/") if part
            )
        )
