from odoo import fields, models

CLERK = "workshop_parts_control.group_workshop_parts_clerk"
MANAGER = "workshop_job_card.group_workshop_manager"


class ResCompany(models.Model):
    _inherit = "res.company"

    workshop_strict_parts_control = fields.Boolean(
        string="Strict Parts Control",
        default=True,
        help="Stock-tracked parts reach job cards only through issue and return "
        "pickings: part lines cannot be typed, and no stock enters a workshop "
        "consumption location without a job card.",
    )
    workshop_negative_stock = fields.Selection(
        [("block", "Block the issue"), ("alert", "Allow and alert the parts clerk")],
        string="Issue Beyond Stock",
        default="block",
        required=True,
        help="What happens when an issue would take a location's stock below zero.",
    )
    workshop_parts_clerk_id = fields.Many2one(
        "res.users",
        string="Lead Parts Clerk",
        help="Receives the follow-up activities of the parts counter (negative "
        "stock, core returns) alone. Empty: every parts clerk of the company "
        "receives them.",
    )
    workshop_core_credit_policy = fields.Selection(
        [
            ("keep", "Keep the core charge"),
            ("credit", "Credit the core charge when the core is returned"),
        ],
        string="Returned Cores",
        default="keep",
        required=True,
        help="Keep: the customer pays the core charge; the returned core is only "
        "recorded. Credit: a core returned before the job is invoiced is not "
        "billed; after invoicing, the coordinator gets an activity to credit it.",
    )

    def _workshop_parts_clerks(self):
        """The users who get this company's parts-counter activities: its lead
        parts clerk, else the internal users of the Parts Clerk group in the
        company. Service managers hold the group through their role and are
        left out: the alerts are for the counter staff."""
        self.ensure_one()
        if self.workshop_parts_clerk_id.active:
            return self.workshop_parts_clerk_id
        # sudo: reading group membership to address activities, not to grant
        group = self.env.ref(CLERK).sudo()
        managers = self.env.ref(MANAGER).sudo().users
        return (group.users - managers).filtered(
            lambda u: not u.share and self in u.company_ids
        )
