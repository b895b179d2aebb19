from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class WorkshopContractVisit(models.Model):
    """Preventive visits a contract promises every period. The visit cron
    creates one job per promised visit (per covered asset when asked) ahead of
    each period; a period that ends with fewer done visits is flagged."""

    _name = "workshop.contract.visit"
    _description = "Preventive Visits Promised by a Contract"
    _order = "contract_id, id"
    _check_company_auto = True

    contract_id = fields.Many2one(
        "workshop.contract", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, precompute=True
    )
    job_type_id = fields.Many2one(
        "workshop.job.type", required=True, check_company=True
    )
    template_id = fields.Many2one(
        "workshop.job.template",
        check_company=True,
        help="Pre-fills the parts and labour of the generated jobs. Empty: the "
        "job type's default template.",
    )
    visits_per_period = fields.Integer(default=1, required=True)
    per_asset = fields.Boolean(
        string="Per Covered Asset",
        default=True,
        help="One series of visits for each asset covered during the period; "
        "otherwise one series for the whole contract.",
    )
    job_ids = fields.One2many("workshop.job", "contract_visit_id", string="Visits")

    _sql_constraints = [
        (
            "visits_positive",
            "CHECK(visits_per_period > 0)",
            "A contract promises at least one visit per period.",
        ),
    ]

    @api.depends("job_type_id", "visits_per_period")
    def _compute_display_name(self):
        for visit in self:
            visit.display_name = _(
                "%(count)s × %(type)s",
                count=visit.visits_per_period,
                type=visit.job_type_id.name or "",
            )

    @api.constrains("template_id", "job_type_id")
    def _check_template(self):
        for visit in self:
            template_type = visit.template_id.job_type_id
            if template_type and template_type != visit.job_type_id:
                raise ValidationError(
                    _(
                        "Template %(template)s is for %(type)s jobs: pick a "
                        "template of job type %(wanted)s.",
                        template=visit.template_id.name,
                        type=template_type.name,
                        wanted=visit.job_type_id.name,
                    )
                )

    def _get_template(self):
        self.ensure_one()
        return self.template_id or self.job_type_id.template_id

    def _slot_assets(self, period):
        """The assets that get a visit series in ``period`` ([False] when the
        visits are for the whole contract)."""
        self.ensure_one()
        if not self.per_asset:
            return [self.env["workshop.asset"]]
        covers = self.contract_id.covered_asset_ids.filtered(
            lambda c: (not c.date_start or c.date_start <= period.billed_to)
            and (not c.date_end or c.date_end >= period.billed_from)
        )
        return list(covers.asset_id)

    def _promised(self, period):
        """Visits promised by this rule in ``period``."""
        self.ensure_one()
        return self.visits_per_period * len(self._slot_assets(period))
