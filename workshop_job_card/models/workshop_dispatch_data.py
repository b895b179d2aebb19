from collections import defaultdict
from datetime import timedelta

import pytz

from odoo import _, fields, models
from odoo.tools.misc import format_datetime

from ..tools import dispatch as planner
from .workshop_job import COORDINATOR, TECHNICIAN
from .workshop_job_dispatch import dispatch_duration

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
# Fields of a job the board reads (one query, plus one per many2many and one
# for the SLA status's dates).
JOB_FIELDS = [
    "name",
    "state",
    "priority",
    "partner_id",
    "site_partner_id",
    "job_type_id",
    "scheduled_datetime",
    "scheduled_end_datetime",
    "technician_ids",
    "required_skill_ids",
    "labour_estimate_hours",
    "resolution_deadline",
    "sla_status",
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
        # one recordset, so that reading a resource reads them all (a slice
        # such as user.resource_ids[:1] would read them one by one)
        resource_of = {}
        for resource in users.resource_ids:
            resource_of.setdefault(resource.user_id.id, resource)
        empty = self.env["resource.resource"]
        # the calendar is the technician's own or his company's
        for user in users:
            resource = resource_of.get(user.id, empty)
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
        """``({user id: [Booking]}, rows)``: the users' jobs that overlap
        [start, end] (sorted bookings, and rows of :meth:`_read_jobs`),
        without ``exclude``."""
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
        rows = self._read_jobs(domain, order="scheduled_datetime, id")
        bookings = {uid: [] for uid in users.ids}
        for row in rows:
            booking = planner.Booking(
                row["scheduled_datetime"], row["end"], row["id"], row["location"]
            )
            for uid in row["technician_ids"]:
                if uid in bookings:
                    bookings[uid].append(booking)
        for schedule in bookings.values():
            schedule.sort()
        return bookings, rows

    def _panel_jobs(self):
        """Open jobs without a date or without a technician, SLA-tightest first."""
        domain = [
            ("state", "in", MOVABLE_STATES),
            "|",
            ("scheduled_datetime", "=", False),
            ("technician_ids", "=", False),
        ]
        return self._read_jobs(
            domain, order="resolution_deadline, priority desc, id", limit=PANEL_LIMIT
        )

    def _read_jobs(self, domain, order=None, limit=None):
        """Jobs as plain rows (``search_read`` without display names), with
        their end, site location, customer, city and type name added: a fixed
        number of queries, and no record access per job afterwards."""
        rows = self.env["workshop.job"].search_read(
            domain, JOB_FIELDS, order=order, limit=limit, load=None
        )
        partner_ids = {r["partner_id"] for r in rows} | {
            r["site_partner_id"] for r in rows if r["site_partner_id"]
        }
        partners = {
            p["id"]: p
            for p in self.env["res.partner"]
            .browse(partner_ids)
            .read(PARTNER_FIELDS, load=None)
        }
        type_ids = {r["job_type_id"] for r in rows if r["job_type_id"]}
        types = {
            t["id"]: t["name"]
            for t in self.env["workshop.job.type"].browse(type_ids).read(["name"])
        }
        for row in rows:
            site = partners[row["site_partner_id"] or row["partner_id"]]
            row["partner"] = partners[row["partner_id"]]["name"] or ""
            row["site"] = site["name"] or ""
            row["city"] = site["city"] or ""
            row["location"] = self._location(site)
            row["job_type"] = types.get(row["job_type_id"], "")
            row["duration"] = dispatch_duration(
                row["scheduled_datetime"],
                row["scheduled_end_datetime"],
                row["labour_estimate_hours"],
            )
            start = row["scheduled_datetime"]
            row["end"] = start and (
                row["scheduled_end_datetime"] or start + row["duration"]
            )
        return rows

    @staticmethod
    def _need(row):
        """A row of :meth:`_read_jobs` as the planner sees it."""
        return planner.Need(
            id=row["id"],
            duration=row["duration"],
            skill_ids=frozenset(row["required_skill_ids"]),
            deadline=row["resolution_deadline"] or None,
            location=row["location"],
            name=row["name"],
        )

    @staticmethod
    def _location(partner):
        """(lat, lon) of a partner record or read row; None when not set."""
        if partner and (partner["partner_latitude"] or partner["partner_longitude"]):
            return (partner["partner_latitude"], partner["partner_longitude"])
        return None

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
        """{id: name} of job records or rows."""
        return {job["id"]: job["name"] for job in jobs}

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

    def _job_card(self, row):
        keys = ("id", "name", "state", "priority", "partner", "site", "city")
        card = {key: row[key] for key in keys}
        card.update(
            job_type=row["job_type"],
            start=_dt(row["scheduled_datetime"]),
            end=_dt(row["end"]),
            technician_ids=row["technician_ids"],
            skill_ids=row["required_skill_ids"],
            sla_status=row["sla_status"],
            deadline=_dt(row["resolution_deadline"]),
            duration_hours=row["duration"].total_seconds() / 3600.0,
            movable=row["state"] in MOVABLE_STATES,
        )
        return card

    def _job_cards(self, rows, techs, bookings):
        """The board's jobs, each with its conflicts per technician row."""
        cards = []
        names = self._names(rows)
        describe = {}  # the same conflict reads the same: say it once
        for row in rows:
            card = self._job_card(row)
            need = self._need(row)
            start, end = row["scheduled_datetime"], row["end"]
            card["conflicts"] = []
            for uid in row["technician_ids"]:
                if uid not in techs:
                    continue
                found = planner.slot_conflicts(
                    techs[uid], need, start, end, bookings[uid]
                )
                for conflict in found:
                    key = repr(sorted(conflict.items()))
                    if key not in describe:
                        describe[key] = self._describe([conflict], names)[0]
                    card["conflicts"].append(dict(describe[key], technician_id=uid))
            cards.append(card)
        return cards
