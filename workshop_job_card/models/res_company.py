from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    workshop_auto_invoice_on_sign = fields.Boolean(
        string="Invoice Jobs on Sign-off",
        help="Create the customer invoice as soon as the customer signs the job "
        "(jobs with exceptions are left for review).",
    )
    workshop_labour_overrun_pct = fields.Float(
        string="Labour Overrun Tolerance (%)",
        default=20.0,
        help="Labour above the estimate by more than this is an invoicing exception.",
    )
    workshop_sla_risk_pct = fields.Float(
        string="SLA At-Risk Threshold (%)",
        default=25.0,
        help="A job is at risk when less than this share of its SLA window remains.",
    )
    workshop_timelog_max_hours = fields.Float(
        string="Longest Time Log (hours)",
        default=16.0,
        help="A technician cannot log more than this in one time log; a service "
        "coordinator can. 0: no limit.",
    )
    workshop_labour_product_id = fields.Many2one(
        "product.product",
        string="Default Labour Product",
        help="Rate product for technicians without their own.",
    )
    workshop_travel_product_id = fields.Many2one(
        "product.product", string="Travel Product"
    )

    @api.constrains(
        "workshop_labour_overrun_pct",
        "workshop_sla_risk_pct",
        "workshop_timelog_max_hours",
    )
    def _check_workshop_thresholds(self):
        for company in self:
            if (
                company.workshop_labour_overrun_pct < 0
                or company.workshop_timelog_max_hours < 0
                or not 0 <= company.workshop_sla_risk_pct <= 100
            ):
                raise ValidationError(
                    _(
                        "Workshop thresholds cannot be negative, and the SLA at-risk "
                        "threshold is a share between 0 and 100%."
                    )
                )
