from odoo import api, fields, models

# the state history rows that mark each SLA milestone (as workshop_job_card
# measures them: response = on site, resolution = done)
MILESTONE_STATES = {"response": "on_site", "resolution": "done"}
MILESTONE_STAMPS = {"response": "arrived_datetime", "resolution": "done_datetime"}


class WorkshopJob(models.Model):
    _inherit = "workshop.job"  # pylint: disable=consider-merging-classes-inherited

    sla_policy_id = fields.Many2one(
        "workshop.contract.sla.policy",
        string="SLA Policy",
        compute="_compute_sla_deadlines",
        store=True,
        help="The contract's SLA policy the deadlines come from; its breaches "
        "earn the customer a service credit.",
    )

    def _get_sla_hours(self):
        # the contract's SLA policy replaces the job type's, where it says
        # something about the job's priority
        self.ensure_one()
        hours = self.contract_id.sla_policy_id._get_sla_hours(self.priority)
        return hours or super()._get_sla_hours()

    @api.depends("contract_id")
    def _compute_sla_deadlines(self):
        res = super()._compute_sla_deadlines()
        for job in self:
            policy = job.contract_id.sla_policy_id
            job.sla_policy_id = (
                policy
                if job.reported_datetime and policy._get_sla_hours(job.priority)
                else False
            )
        return res

    def _sla_milestones(self):
        """{job id: {"response": datetime, "resolution": datetime}}: when each job
        first reached each milestone, from its state history (the job's own
        stamp when the history has no row, e.g. imported jobs)."""
        rows = self.env["workshop.job.stage.log"]._read_group(
            [
                ("job_id", "in", self.ids),
                ("to_state", "in", list(MILESTONE_STATES.values())),
            ],
            ["job_id", "to_state"],
            ["date:min"],
        )
        first = {(job.id, state): date for job, state, date in rows}
        return {
            job.id: {
                kind: first.get((job.id, state)) or job[MILESTONE_STAMPS[kind]]
                for kind, state in MILESTONE_STATES.items()
            }
            for job in self
        }
