from collections import defaultdict
from datetime import timedelta

import pytz

from odoo import _, fields, models
from odoo.tools.misc import format_datetime

from ..tools import dispatch as planner
from .workshop_job import COORDINATOR, TECHNICIAN

MOVABLE_STATES = ("draft", "scheduled", "dispatched")
# Jobs that hold a technician's time on the board.
BOARD_STATES = (
    "draft",
    "scheduled",
    "dispatched",
    "en_route",
    "on_site",
    "waiting_parts",
    "done",
    "signed",
    "invoiced",
)
# The side panel's length: the SLA-tightest jobs first.
PANEL_LIMIT = 200
# Fields of a job the board shows, fetched with the job in one query (plus one
# per many2many).
JOB_FIELDS = [
    "name",
    "state",
    "priority",
    "company_id",
    "partner_id",
    "site_partner_id",
    "job_type_id",
    "scheduled_datetime",
    "scheduled_end_datetime",
    "reported_datetime",
    "technician_ids",
    "required_skill_ids",
    "labour_estimate_hours",
    "response_deadline",
    "resolution_deadline",
    "response_risk_datetime",
    "resolution_risk_datetime",
    "arrived_datetime",
    "done_datetime",
]
PARTNER_FIELDS = ["name", "city", "partner_latitude", "partner_longitude"]


def _dt(value):
    return fields.Datetime.to_string(value) if value else False


def _utc(value):
    return value.astimezone(pytz.utc).replace(tzinfo=None)


class WorkshopDispatchData(models.AbstractModel):
    """What the dispatch board reads: technicians with their skills, home base
    and working intervals, and their jobs, in a number of queries that does
    not grow with the number of jobs (one per model read, one per calendar).
    Private methods only: the board's entry points are on ``workshop.dispatch``.
    """

    _name = "workshop.dispatch.data"
    _description = "Workshop Dispatch Board Data"

    def _technicians(self, team_id=False, skill_id=False, company=None):
        """Field technicians (the technician group, not coordinators) of the
        company (default: the user's allowed companies), by name."""
        xmlid = self.env["ir.model.data"]._xmlid_to_res_id
        companies = company or self.env.companies
        domain = [
            ("share", "=", False),
            ("groups_id", "in", [xmlid(TECHNICIAN)]),
            ("groups_id", "not in", [xmlid(COORDINATOR)]),
            ("company_ids", "in", companies.ids),
        ]
        if team_id:
            domain.append(("workshop_team_ids", "in", [int(team_id)]))
        if skill_id:
            domain.append(("workshop_skill_ids", "in", [int(skill_id)]))
        return self.env["res.users"].search_fetch(
            domain,
            [
                "name",
                "company_ids",
                "workshop_skill_ids",
                "workshop_team_ids",
                "workshop_home_partner_id",
            ],
            order="name, id",
        )

    def _tech_profiles(self, users, start, end):
        """``{user id: tools.dispatch.Technician}`` over [start, end]."""
        homes = users.workshop_home_partner_id
        homes.fetch(PARTNER_FIELDS)
        work = self._work_intervals(users, start, end)
        return {
            user.id: planner.Technician(
                id=user.id,
                name=user.name,
                skill_ids=frozenset(user.workshop_skill_ids.ids),
                home=self._location(user.workshop_home_partner_id),
                work=work[user.id],
            )
            for user in users
        }

    def _work_intervals(self, users, start, end):
        """Working intervals (calendar minus leaves, naive UTC) per user: one
        batch per calendar, as Odoo's resource module computes them."""
        members = defaultdict(list)
        # the calendar is the technician's own or his company's
        for user in users:
            resource = user.resource_ids[:1]
            calendar = resource.calendar_id or user.company_id.resource_calendar_id
            members[calendar].append((user, resource))
        utc_start, utc_end = pytz.utc.localize(start), pytz.utc.localize(end)
        result = {}
        for calendar, pairs in members.items():
            if not calendar:
                for user, _resource in pairs:
                    result[user.id] = [(start, end)]
                continue
            resources = self.env["resource.resource"].union(*(r for _u, r in pairs))
            # sudo: Odoo lets a user read only his own leaves; the board needs
            # every technician's absences (their times, never their reasons),
            # and only coordinators get here
            intervals = calendar.sudo()._work_intervals_batch(
                utc_start, utc_end, resources=resources
            )
            for user, resource in pairs:
                result[user.id] = planner.merge_intervals(
                    (_utc(s), _utc(e)) for s, e, _att in intervals[resource.id]
                )
        return result

    def _bookings(self, users, start, end, exclude=None):
        """``({user id: [Booking]}, jobs)``: the users' jobs that overlap
        [start, end], sorted, without ``exclude``."""
        domain = [
            ("technician_ids", "in", users.ids),
            ("state", "in", BOARD_STATES),
            ("scheduled_datetime", "<", end),
            "|",
            ("scheduled_end_datetime", ">", start),
            "&",
            ("scheduled_end_datetime", "=", False),
            ("scheduled_datetime", ">=", start - timedelta(days=1)),
        ]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        jobs = self.env["workshop.job"].search_fetch(
            domain, JOB_FIELDS, order="scheduled_datetime, id"
        )
        self._prefetch_partners(jobs)
        bookings = {uid: [] for uid in users.ids}
        for job in jobs:
            booking = planner.Booking(
                job.scheduled_datetime,
                self._job_end(job),
                job.id,
                job._dispatch_location(),
            )
            for uid in job.technician_ids.ids:
                if uid in bookings:
                    bookings[uid].append(booking)
        for schedule in bookings.values():
            schedule.sort()
        return bookings, jobs

    def _panel_jobs(self):
        """Open jobs without a date or without a technician, SLA-tightest first."""
        domain = [
            ("state", "in", MOVABLE_STATES),
            "|",
            ("scheduled_datetime", "=", False),
            ("technician_ids", "=", False),
        ]
        return self.env["workshop.job"].search_fetch(
            domain,
            JOB_FIELDS,
            order="resolution_deadline, priority desc, id",
            limit=PANEL_LIMIT,
        )

    def _prefetch_partners(self, jobs):
        (jobs.partner_id | jobs.site_partner_id).fetch(PARTNER_FIELDS)
        jobs.job_type_id.fetch(["name"])

    @staticmethod
    def _location(partner):
        if partner and (partner.partner_latitude or partner.partner_longitude):
            return (partner.partner_latitude, partner.partner_longitude)
        return None

    @staticmethod
    def _job_end(job):
        return job.scheduled_end_datetime or (
            job.scheduled_datetime + job._dispatch_duration()
        )

    def _describe(self, conflicts, names):
        """Conflicts as ``{code, message}`` the coordinator reads."""
        result = []
        for conflict in conflicts:
            code = conflict["code"]
            if code == "skill":
                skills = self.env["workshop.skill"].browse(conflict["skill_ids"])
                message = _("Missing skill: %s", ", ".join(skills.mapped("name")))
            elif code == "overlap":
                message = _(
                    "Overlaps %s",
                    ", ".join(names.get(i, str(i)) for i in conflict["job_ids"]),
                )
            elif code == "hours":
                message = _("Outside working hours (calendar or leave)")
            elif code == "sla":
                message = _(
                    "Ends after the SLA deadline (%s)",
                    format_datetime(self.env, conflict["deadline"], dt_format="short"),
                )
            else:
                message = _(
                    "Travel to or from %(job)s needs %(needed)s min; the gap is "
                    "%(gap)s min",
                    job=names.get(conflict["job_id"], conflict["job_id"]),
                    needed=conflict["needed_minutes"],
                    gap=conflict["gap_minutes"],
                )
            result.append({"code": code, "message": message})
        return result

    @staticmethod
    def _names(jobs):
        return {job.id: job.name for job in jobs}

    # ------------------------------------------------------------------
    # What the client gets
    # ------------------------------------------------------------------
    def _tech_card(self, user, tech):
        return {
            "id": user.id,
            "name": user.name,
            "skill_ids": sorted(tech.skill_ids),
            "team_ids": user.workshop_team_ids.ids,
            "home": user.workshop_home_partner_id.name or "",
            "work": [[_dt(s), _dt(e)] for s, e in tech.work],
        }

    def _job_card(self, job):
        site = job.site_partner_id or job.partner_id
        return {
            "id": job.id,
            "name": job.name,
            "state": job.state,
            "priority": job.priority,
            "partner": job.partner_id.name or "",
            "site": site.name or "",
            "city": site.city or "",
            "job_type": job.job_type_id.name or "",
            "start": _dt(job.scheduled_datetime),
            "end": _dt(job.scheduled_datetime and self._job_end(job)),
            "technician_ids": job.technician_ids.ids,
            "skill_ids": job.required_skill_ids.ids,
            "sla_status": job.sla_status,
            "deadline": _dt(job.resolution_deadline),
            "duration_hours": job._dispatch_duration().total_seconds() / 3600.0,
            "movable": job.state in MOVABLE_STATES,
        }

    def _job_cards(self, jobs, techs, bookings):
        """The board's jobs, each with its conflicts per technician row."""
        cards = []
        names = self._names(jobs)
        for job in jobs:
            card = self._job_card(job)
            need = job._dispatch_need()
            start, end = job.scheduled_datetime, self._job_end(job)
            card["conflicts"] = [
                dict(message, technician_id=uid)
                for uid in job.technician_ids.ids
                if uid in techs
                for message in self._describe(
                    planner.slot_conflicts(techs[uid], need, start, end, bookings[uid]),
                    names,
                )
            ]
            cards.append(card)
        return cards
