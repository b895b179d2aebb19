from odoo import fields, models

# job line kind -> the coverage flag that covers it
KIND_FLAGS = {
    "labour": "cover_labour",
    "part": "cover_parts",
    "travel": "cover_travel",
    "fee": "cover_fees",
}


class WorkshopContractCoverage(models.Model):
    """What a contract covers on the jobs of one job type. How much is covered
    per period is capped on the contract (labour hours, parts amount)."""

    _name = "workshop.contract.coverage"
    _description = "Job Type Covered by a Contract"
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
    cover_labour = fields.Boolean(
        string="Labour",
        default=True,
        help="Labour lines are covered, up to the contract's labour hours per period.",
    )
    cover_parts = fields.Boolean(
        string="Parts",
        default=True,
        help="Part lines are covered, up to the contract's parts amount per period.",
    )
    cover_travel = fields.Boolean(string="Travel", default=True)
    cover_fees = fields.Boolean(string="Fees")

    _sql_constraints = [
        (
            "contract_job_type_uniq",
            "unique(contract_id, job_type_id)",
            "A job type is covered once per contract.",
        ),
    ]

    def _covers(self, kind):
        """True when these rules cover job lines of ``kind``."""
        flag = KIND_FLAGS.get(kind)
        return bool(flag) and any(rule[flag] for rule in self)
