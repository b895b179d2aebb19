from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    workshop_reminder_days_before = fields.Integer(
        string="Payment Reminder Before Due (days)",
        default=3,
        help="Email the invoice contact this many days before an unpaid workshop "
        "invoice is due. 0: no reminder before the due date.",
    )
    workshop_reminder_days_after = fields.Integer(
        string="Payment Reminder After Due (days)",
        default=7,
        help="Email the invoice contact this many days after an unpaid workshop "
        "invoice was due. 0: no overdue reminder.",
    )

    @api.constrains("workshop_reminder_days_before", "workshop_reminder_days_after")
    def _check_workshop_reminder_days(self):
        for company in self:
            if (
                company.workshop_reminder_days_before < 0
                or company.workshop_reminder_days_after < 0
            ):
                raise ValidationError(
                    _(
                        "Payment reminder days of %s cannot be negative (0 turns "
                        "a reminder off).",
                        company.name,
                    )
                )
