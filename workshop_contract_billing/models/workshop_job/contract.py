from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from odoo.addons.workshop_job_card.models.workshop_job.workshop_job import COORDINATOR


class WorkshopJob(models.Model):
    _inherit = "workshop.job"

    service_date = fields.Date(
        compute="_compute_service_date",
        store=True,
        precompute=True,
        index=True,
        help="The day the job is done for: its scheduled day, else the day it "
        "was reported. Contract coverage and periods are read on this day.",
    )
    contract_id = fields.Many2one(
        "workshop.contract",
        string="Service Contract",
        compute="_compute_contract_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id), "
        "('state', 'in', ('active', 'to_renew'))]",
        help="The running contract that covers the job's asset on the job's day, "
        "found automatically; a coordinator may change it. Its covered job types "
        "are invoiced at zero up to the contract's caps.",
    )
    contract_visit_id = fields.Many2one(
        "workshop.contract.visit",
        string="Contract Visit",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The preventive visit of the contract this job was generated for.",
    )
    visit_period_start = fields.Date(readonly=True, copy=False)
    visit_number = fields.Integer(readonly=True, copy=False)

    def init(self):
        res = super().init()
        # One job per visit slot, whatever creates it (two cron runs, a user).
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS
                       workshop_job_contract_visit_slot_uniq
                       ON workshop_job (contract_visit_id, visit_period_start,
                                        visit_number, COALESCE(asset_id, 0))
                    WHERE contract_visit_id IS NOT NULL"""
            )
        )
        return res

    @api.depends("scheduled_datetime", "reported_datetime")
    def _compute_service_date(self):
        for job in self:
            when = job.scheduled_datetime or job.reported_datetime
            job.service_date = when and fields.Date.to_date(when)

    @api.depends("asset_id", "partner_id", "service_date", "company_id")
    def _compute_contract_id(self):
        # keep a contract that still fits (a coordinator's choice, a visit's
        # contract), else find the running contract covering the asset
        keep = self.filtered(
            lambda j: j.contract_id and j._contract_fits(j.contract_id)
        )
        todo = self - keep
        jobs = todo.filtered(lambda j: j.asset_id and j.partner_id)
        (todo - jobs).contract_id = False
        if not jobs:
            return
        # sudo: technicians create jobs but may not read contracts; the job
        # still gets the contract that covers its asset.
        contracts = (
            self.env["workshop.contract"]
            .sudo()
            .search(
                [
                    ("state", "in", ("active", "to_renew")),
                    ("asset_ids", "in", jobs.asset_id.ids),
                    ("company_id", "in", jobs.company_id.ids),
                ]
            )
        )
        for job in jobs:
            job.contract_id = next(
                (c for c in contracts if job._contract_fits(c)), False
            )

    def _contract_fits(self, contract):
        """True when ``contract`` may cover this job: the customer's, in the
        job's company, running on the job's day and covering its asset then."""
        self.ensure_one()
        contract = contract.sudo()  # sudo: see _compute_contract_id
        day = self.service_date or fields.Date.context_today(self)
        return bool(
            contract.company_id == self.company_id
            and contract.partner_id.commercial_partner_id
            == self.partner_id.commercial_partner_id
            and contract.state in ("active", "to_renew")
            and contract._period_of(day)
            and (not self.asset_id or contract._covers_asset_on(self.asset_id, day))
        )

    def _check_contract_choice(self):
        """A contract picked by hand must fit the job (``_contract_fits``)."""
        for job in self.filtered("contract_id"):
            if not job._contract_fits(job.contract_id):
                raise ValidationError(
                    _(
                        "Contract %(contract)s cannot cover job %(job)s: pick a "
                        "running contract of %(customer)s that covers %(asset)s "
                        "on %(day)s.",
                        contract=job.contract_id.sudo().name,
                        job=job.name,
                        customer=job.partner_id.commercial_partner_id.name,
                        asset=job.asset_id.display_name or _("the job"),
                        day=job.service_date,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        jobs = super().create(vals_list)
        picked = self.browse(
            job.id
            for job, vals in zip(jobs, vals_list, strict=True)
            if vals.get("contract_id")
        )
        picked._check_contract_choice()
        return jobs

    def write(self, vals):
        if "contract_id" in vals and not (
            self.env.su or self.env.user.has_group(COORDINATOR)
        ):
            if any(
                job.contract_id.id != (vals["contract_id"] or False) for job in self
            ):
                raise AccessError(
                    _("Only a service coordinator can change the contract of a job.")
                )
        res = super().write(vals)
        if vals.get("contract_id"):
            self._check_contract_choice()
        return res
