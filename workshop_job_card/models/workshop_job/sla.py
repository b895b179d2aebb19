from datetime import timedelta

from odoo import api, fields, models
from odoo.osv import expression

SLA_STATUS = [
    ("none", "No SLA"),
    ("on_track", "On Track"),
    ("at_risk", "At Risk"),
    ("breached", "Breached"),
    ("met", "Met"),
]


def _not(domain):
    return ["!", *expression.normalize_domain(domain)]


def sla_status_at(job, now):
    """The SLA status of ``job`` at ``now``: a job record or a mapping with its
    state, deadlines, risk dates, arrival and completion (the dispatch board
    reads them as plain rows)."""
    if job["state"] == "cancelled" or (
        not job["response_deadline"] and not job["resolution_deadline"]
    ):
        return "none"
    checks = (
        (
            job["response_deadline"],
            job["response_risk_datetime"],
            job["arrived_datetime"],
        ),
        (
            job["resolution_deadline"],
            job["resolution_risk_datetime"],
            job["done_datetime"],
        ),
    )
    status = "met"
    for deadline, risk_from, reached in checks:
        if not deadline:
            continue
        if reached:
            if reached > deadline:
                return "breached"
            continue
        if now > deadline:
            return "breached"
        status = "at_risk" if now >= risk_from or status == "at_risk" else "on_track"
    return status


class WorkshopJob(models.Model):
    _inherit = "workshop.job"  # pylint: disable=consider-merging-classes-inherited

    response_deadline = fields.Datetime(compute="_compute_sla_deadlines", store=True)
    resolution_deadline = fields.Datetime(compute="_compute_sla_deadlines", store=True)
    response_risk_datetime = fields.Datetime(
        compute="_compute_sla_deadlines", store=True
    )
    resolution_risk_datetime = fields.Datetime(
        compute="_compute_sla_deadlines", store=True
    )
    arrived_datetime = fields.Datetime(
        string="Arrived On Site", readonly=True, copy=False, index=True, tracking=True
    )
    done_datetime = fields.Datetime(
        string="Done On", readonly=True, copy=False, index=True, tracking=True
    )
    sla_status = fields.Selection(
        SLA_STATUS,
        string="SLA",
        compute="_compute_sla_status",
        search="_search_sla_status",
    )

    def _get_sla_hours(self):
        """Return (response_hours, resolution_hours) for this job.

        The job type's rule for the job's priority; other addons (contracts)
        override this to apply their own SLA policy.
        """
        self.ensure_one()
        return self.job_type_id._get_sla_hours(self.priority)

    @api.depends("reported_datetime", "priority", "job_type_id", "company_id")
    def _compute_sla_deadlines(self):
        for job in self:
            response, resolution = (
                job._get_sla_hours() if job.reported_datetime else (0, 0)
            )
            risk = (job.company_id.workshop_sla_risk_pct or 0.0) / 100.0
            start = job.reported_datetime
            job.response_deadline = response and start + timedelta(hours=response)
            job.resolution_deadline = resolution and start + timedelta(hours=resolution)
            job.response_risk_datetime = response and start + timedelta(
                hours=response * (1 - risk)
            )
            job.resolution_risk_datetime = resolution and start + timedelta(
                hours=resolution * (1 - risk)
            )

    @api.depends(
        "response_deadline",
        "resolution_deadline",
        "arrived_datetime",
        "done_datetime",
        "state",
    )
    def _compute_sla_status(self):
        now = fields.Datetime.now()
        for job in self:
            job.sla_status = job._sla_status_at(now)

    def _sla_status_at(self, now):
        self.ensure_one()
        return sla_status_at(self, now)

    def _search_sla_status(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise NotImplementedError(operator)
        values = {value} if isinstance(value, str) else set(value)
        domains = [self._sla_status_domain(status) for status in values]
        domain = expression.OR(domains) if domains else expression.FALSE_DOMAIN
        if operator in ("!=", "not in"):
            domain = _not(domain)
        return domain

    @api.model
    def _sla_status_domain(self, status):
        """The domain of the jobs whose ``sla_status`` is ``status`` now; the
        same decision as ``_sla_status_at``, as SQL."""
        now = fields.Datetime.now()
        no_sla = expression.OR(
            [
                [
                    ("response_deadline", "=", False),
                    ("resolution_deadline", "=", False),
                ],
                [("state", "=", "cancelled")],
            ]
        )
        late = expression.OR(
            [
                [("sla_response_late", "=", True)],
                [("sla_resolution_late", "=", True)],
                [("arrived_datetime", "=", False), ("response_deadline", "<", now)],
                [("done_datetime", "=", False), ("resolution_deadline", "<", now)],
            ]
        )
        breached = expression.AND([_not(no_sla), late])
        risky = expression.OR(
            [
                [
                    ("arrived_datetime", "=", False),
                    ("response_risk_datetime", "<=", now),
                ],
                [
                    ("done_datetime", "=", False),
                    ("resolution_risk_datetime", "<=", now),
                ],
            ]
        )
        at_risk = expression.AND([_not(no_sla), _not(late), risky])
        pending = expression.OR(
            [
                [("arrived_datetime", "=", False), ("response_deadline", "!=", False)],
                [("done_datetime", "=", False), ("resolution_deadline", "!=", False)],
            ]
        )
        on_track = expression.AND([_not(no_sla), _not(late), _not(risky), pending])
        met = expression.AND([_not(no_sla), _not(late), _not(pending)])
        return {
            "none": no_sla,
            "breached": breached,
            "at_risk": at_risk,
            "on_track": on_track,
            "met": met,
        }[status]

    # Stored lateness flags let the search above stay a plain SQL domain.
    sla_response_late = fields.Boolean(compute="_compute_sla_late", store=True)
    sla_resolution_late = fields.Boolean(compute="_compute_sla_late", store=True)

    @api.depends(
        "response_deadline", "resolution_deadline", "arrived_datetime", "done_datetime"
    )
    def _compute_sla_late(self):
        for job in self:
            job.sla_response_late = bool(
                job.response_deadline
                and job.arrived_datetime
                and job.arrived_datetime > job.response_deadline
            )
            job.sla_resolution_late = bool(
                job.resolution_deadline
                and job.done_datetime
                and job.done_datetime > job.resolution_deadline
            )
