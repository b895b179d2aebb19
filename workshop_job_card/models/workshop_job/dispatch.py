from datetime import timedelta

from odoo import api, fields, models

from ...tools.dispatch import Need

# A job without an estimate takes this long on the board.
DEFAULT_DURATION = timedelta(hours=1)
MIN_DURATION = timedelta(minutes=30)


def dispatch_duration(start, end, estimate_hours):
    """How long a job takes on the board: its schedule, else its labour
    estimate, else an hour."""
    if start and end:
        return max(end - start, MIN_DURATION)
    if estimate_hours:
        return max(timedelta(hours=estimate_hours), MIN_DURATION)
    return DEFAULT_DURATION


class WorkshopJob(models.Model):
    _inherit = "workshop.job"  # pylint: disable=consider-merging-classes-inherited

    required_skill_ids = fields.Many2many(
        "workshop.skill",
        "workshop_job_skill_rel",
        "job_id",
        "skill_id",
        string="Required Skills",
        compute="_compute_required_skill_ids",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        help="Skills the technicians of this job need; the job type's by default.",
    )

    @api.depends("job_type_id")
    def _compute_required_skill_ids(self):
        for job in self:
            job.required_skill_ids = job.job_type_id.skill_ids

    def _dispatch_duration(self):
        self.ensure_one()
        return dispatch_duration(
            self.scheduled_datetime,
            self.scheduled_end_datetime,
            self.labour_estimate_hours,
        )

    def _dispatch_location(self):
        self.ensure_one()
        site = self.site_partner_id or self.partner_id
        if site.partner_latitude or site.partner_longitude:
            return (site.partner_latitude, site.partner_longitude)
        return None

    def _dispatch_need(self):
        """The job as the planner sees it (tools/dispatch.py)."""
        self.ensure_one()
        return Need(
            id=self.id,
            duration=self._dispatch_duration(),
            skill_ids=frozenset(self.required_skill_ids.ids),
            deadline=self.resolution_deadline or None,
            location=self._dispatch_location(),
            name=self.name,
        )
