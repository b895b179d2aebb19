from collections import defaultdict
from datetime import timedelta

import pytz

from odoo import _, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_datetime

from ...tools import dispatch as planner
from ..workshop_job.dispatch import dispatch_duration
from ..workshop_job.sla import sla_status_at
from ..workshop_job.workshop_job import COORDINATOR, TECHNICIAN

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
# Fields of a job the board shows (the benchmark's baseline reads them with
# one search_read; the board reads them, and what it derives them from, in one
# query: see WorkshopDispatchData._read_jobs).
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
# What a schedule needs of a job (suggestions, plans, a slot's conflicts).
SCHEDULE_COLUMNS = [
    "name",
    "scheduled_datetime",
    "scheduled_end_datetime",
    "labour_estimate_hours",
]
# Stored columns of a job the board's query selects: the shown fields and what
# the SLA status is computed from.
JOB_COLUMNS = [
    "name",
    "state",
    "priority",
    "partner_id",
    "site_partner_id",
    "job_type_id",
    "scheduled_datetime",
    "scheduled_end_datetime",
    "labour_estimate_hours",
    "response_deadline",
    "response_risk_datetime",
    "resolution_deadline",
    "resolution_risk_datetime",
    "arrived_datetime",
    "done_datetime",
]


def _dt(value):
    return fields.Datetime.to_string(value) if value else False


def _utc(value):
    return value.astimezone(pytz.utc).replace(tzinfo=None)


class WorkshopDispatchData(models.AbstractModel):
    """What the dispatch board reads: technicians with their skills, home base
    and working intervals, and their jobs, in a number of queries that does
    not grow with the number of jobs or technicians (one per read, two per
    calendar). Jobs and technicians are read as plain rows with one SQL query
    each, built on the ORM's ``_search`` (record rules, companies) and
    ``_field_to_sql`` (field access, flush, translations): no record cache, no
    display names, no computed field per job.
    Private methods only: the board's entry points are on ``workshop.dispatch``.
    """

    _name = "workshop.dispatch.data"
    _description = "Workshop Dispatch Board Data"

    # ------------------------------------------------------------------
    # Technicians
    # ------------------------------------------------------------------
    def _technicians(self, team_id=False, skill_id=False, company=None, user_ids=None):
        """Field technicians (the technician group, not coordinators) of the
        company (default: the user's allowed companies), by name, as rows:
        ``{id, name, company_id, company_ids, skill_ids, team_ids, home_name,
        home, resource_id, calendar_id}`` (one query)."""
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
        if user_ids is not None:
            domain.append(("id", "in", list(user_ids)))
        Users = self.env["res.users"]
        Users.flush_model(["workshop_skill_ids", "workshop_team_ids", "company_ids"])
        for model in ("resource.resource", "workshop.skill", "workshop.team"):
            self.env[model].flush_model()
        query = Users._search(domain, order="name, id")
        alias = query.table
        home = query.left_join(
            alias, "workshop_home_partner_id", "res_partner", "id", "home"
        )
        company_alias = query.left_join(
            alias, "company_id", "res_company", "id", "company"
        )
        allowed = self.env.companies.ids
        # his first active resource of an allowed company, as ``users.resource_ids``
        # reads it
        resource = query.make_alias(alias, "resource")
        query.add_join(
            "LEFT JOIN",
            resource,
            SQL(
                """LATERAL (
                    SELECT r.id, r.calendar_id FROM resource_resource r
                     WHERE r.user_id = %(user)s AND r.active
                       AND (r.company_id IS NULL OR r.company_id = ANY(%(allowed)s))
                  ORDER BY r.id LIMIT 1)""",
                user=SQL.identifier(alias, "id"),
                allowed=allowed,
            ),
            SQL("TRUE"),
        )
        Partner = self.env["res.partner"]
        rows = self.env.execute_query_dict(
            query.select(
                SQL("%s AS id", SQL.identifier(alias, "id")),
                SQL("%s AS name", Users._field_to_sql(alias, "name", query)),
                SQL("%s AS company_id", SQL.identifier(alias, "company_id")),
                SQL("%s AS home_name", Partner._field_to_sql(home, "name")),
                SQL(
                    "%s AS home_lat",
                    Partner._field_to_sql(home, "partner_latitude"),
                ),
                SQL(
                    "%s AS home_lon",
                    Partner._field_to_sql(home, "partner_longitude"),
                ),
                SQL("%s AS resource_id", SQL.identifier(resource, "id")),
                SQL(
                    "COALESCE(%s, %s) AS calendar_id",
                    SQL.identifier(resource, "calendar_id"),
                    self.env["res.company"]._field_to_sql(
                        company_alias, "resource_calendar_id"
                    ),
                ),
                SQL(
                    """ARRAY(SELECT rel.cid FROM res_company_users_rel rel
                              WHERE rel.user_id = %(user)s ORDER BY rel.cid)
                       AS company_ids""",
                    user=SQL.identifier(alias, "id"),
                ),
                SQL(
                    """ARRAY(SELECT rel.skill_id FROM workshop_skill_res_users_rel rel
                               JOIN workshop_skill s ON s.id = rel.skill_id
                              WHERE rel.user_id = %(user)s AND s.active
                                AND (s.company_id IS NULL
                                     OR s.company_id = ANY(%(allowed)s))
                           ORDER BY rel.skill_id) AS skill_ids""",
                    user=SQL.identifier(alias, "id"),
                    allowed=allowed,
                ),
                SQL(
                    """ARRAY(SELECT rel.team_id FROM workshop_team_res_users_rel rel
                               JOIN workshop_team t ON t.id = rel.team_id
                              WHERE rel.user_id = %(user)s AND t.active
                                AND (t.company_id IS NULL
                                     OR t.company_id = ANY(%(allowed)s))
                           ORDER BY rel.team_id) AS team_ids""",
                    user=SQL.identifier(alias, "id"),
                    allowed=allowed,
                ),
            )
        )
        for row in rows:
            row["name"] = row["name"] or ""
            row["home"] = self._location(
                {
                    "partner_latitude": row["home_lat"],
                    "partner_longitude": row["home_lon"],
                }
            )
        return rows

    def _tech_profiles(self, rows, start, end):
        """``{user id: tools.dispatch.Technician}`` over [start, end] for the
        rows of :meth:`_technicians`."""
        work = self._work_intervals(rows, start, end)
        return {
            row["id"]: planner.Technician(
                id=row["id"],
                name=row["name"],
                skill_ids=frozenset(row["skill_ids"]),
                home=row["home"],
                work=work[row["id"]],
            )
            for row in rows
        }

    def _work_intervals(self, rows, start, end):
        """Working intervals (calendar minus leaves, naive UTC) per user: one
        batch per calendar, as Odoo's resource module computes them, on
        calendars, attendances, resources and leaves read beforehand in one
        query each (each batch then runs only its two searches)."""
        # sudo: Odoo lets a user read only his own leaves; the board needs
        # every technician's absences (their times, never their reasons),
        # and only coordinators get here
        Calendar = self.env["resource.calendar"].sudo()
        Resource = self.env["resource.resource"].sudo()
        members = defaultdict(list)
        for row in rows:
            members[row["calendar_id"]].append(row)
        result = {}
        for row in members.pop(None, []):
            result[row["id"]] = [(start, end)]
        if not members:
            return result
        calendars = Calendar.browse(list(members))
        resources = Resource.browse(
            [row["resource_id"] for row in rows if row["resource_id"]]
        )
        utc_start, utc_end = pytz.utc.localize(start), pytz.utc.localize(end)
        self._prefetch_calendars(calendars, resources, utc_start, utc_end)
        for calendar in calendars:
            pairs = members[calendar.id]
            batch = Resource.browse(
                [row["resource_id"] for row in pairs if row["resource_id"]]
            )
            intervals = calendar._work_intervals_batch(
                utc_start, utc_end, resources=batch
            )
            for row in pairs:
                result[row["id"]] = planner.merge_intervals(
                    (_utc(s), _utc(e))
                    for s, e, _att in intervals[row["resource_id"] or False]
                )
        return result

    def _prefetch_calendars(self, calendars, resources, start, end):
        """Fill the record cache with what ``_work_intervals_batch`` reads: one
        query per model, whatever the number of calendars."""
        calendars.mapped("tz")
        calendars.attendance_ids.mapped("hour_from")
        resources.mapped("tz")
        self.env["resource.calendar.leaves"].sudo().search_fetch(
            [
                ("calendar_id", "in", [False, *calendars.ids]),
                ("resource_id", "in", [False, *resources.ids]),
                ("date_from", "<=", fields.Datetime.to_string(end)),
                ("date_to", ">=", fields.Datetime.to_string(start)),
            ],
            ["resource_id", "company_id", "calendar_id", "date_from", "date_to"],
        )

    # ------------------------------------------------------------------
    # Jobs
    # ------------------------------------------------------------------
    def _bookings(self, user_ids, start, end, exclude=None, schedule_only=False):
        """``({user id: [Booking]}, rows)``: the users' jobs that overlap
        [start, end] (sorted bookings, and rows of :meth:`_read_jobs`),
        without ``exclude``. ``schedule_only``: rows with the schedule, name
        and location only (suggestions and plans show no job card)."""
        user_ids = list(user_ids)
        domain = [
            ("technician_ids", "in", user_ids),
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
        rows = self._read_jobs(
            domain, order="scheduled_datetime, id", schedule_only=schedule_only
        )
        bookings = {uid: [] for uid in user_ids}
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

    def _read_jobs(self, domain, order=None, limit=None, schedule_only=False):
        """Jobs as plain rows in one query: their columns, customer, site (the
        customer when none), city, location, type name, technicians and
        required skills, with their duration, end and SLA status worked out in
        Python. The jobs are searched with the user's record rules; the
        names come along as many2one display names would. ``schedule_only``:
        only the name, schedule, technicians, location, duration and end."""
        Job = self.env["workshop.job"]
        Partner = self.env["res.partner"]
        Job.flush_model(["technician_ids", "required_skill_ids"])
        self.env["res.users"].flush_model(["active"])
        self.env["workshop.skill"].flush_model(["active"])
        query = Job._search(domain, order=order, limit=limit)
        alias = query.table
        customer = query.left_join(alias, "partner_id", "res_partner", "id", "cust")
        site = query.left_join(alias, "site_partner_id", "res_partner", "id", "site")
        job_type = query.left_join(
            alias, "job_type_id", "workshop_job_type", "id", "jtype"
        )
        job_id = SQL.identifier(alias, "id")
        has_site = SQL("%s IS NOT NULL", SQL.identifier(alias, "site_partner_id"))

        def site_or_customer(fname):
            return SQL(
                "CASE WHEN %s THEN %s ELSE %s END",
                has_site,
                Partner._field_to_sql(site, fname),
                Partner._field_to_sql(customer, fname),
            )

        columns = SCHEDULE_COLUMNS if schedule_only else JOB_COLUMNS
        selects = [SQL("%s AS id", job_id)]
        selects += [
            SQL("%s AS %s", Job._field_to_sql(alias, fname), SQL.identifier(fname))
            for fname in columns
        ]
        selects += [
            SQL("%s AS lat", site_or_customer("partner_latitude")),
            SQL("%s AS lon", site_or_customer("partner_longitude")),
            SQL(
                """ARRAY(SELECT rel.user_id FROM workshop_job_technician_rel rel
                           JOIN res_users u ON u.id = rel.user_id
                          WHERE rel.job_id = %s AND u.active
                       ORDER BY rel.user_id) AS technician_ids""",
                job_id,
            ),
        ]
        if schedule_only:
            return self._schedule_rows(query, selects)
        selects += [
            SQL("%s AS partner", Partner._field_to_sql(customer, "name")),
            SQL("%s AS site", site_or_customer("name")),
            SQL("%s AS city", site_or_customer("city")),
            SQL(
                "%s AS job_type",
                self.env["workshop.job.type"]._field_to_sql(job_type, "name"),
            ),
            SQL(
                """ARRAY(SELECT rel.skill_id FROM workshop_job_skill_rel rel
                           JOIN workshop_skill s ON s.id = rel.skill_id
                          WHERE rel.job_id = %s AND s.active
                       ORDER BY rel.skill_id) AS required_skill_ids""",
                job_id,
            ),
        ]
        rows = self.env.execute_query_dict(query.select(*selects))
        now = fields.Datetime.now()
        for row in rows:
            for key in ("partner", "site", "city", "job_type"):
                row[key] = row[key] or ""
            for key in ("partner_id", "site_partner_id", "job_type_id", "priority"):
                row[key] = row[key] or False
            for key in JOB_COLUMNS:
                if row[key] is None:
                    row[key] = False
            row["location"] = self._location(
                {
                    "partner_latitude": row.pop("lat"),
                    "partner_longitude": row.pop("lon"),
                }
            )
            row["sla_status"] = sla_status_at(row, now)
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

    def _schedule_rows(self, query, selects):
        rows = self.env.execute_query_dict(query.select(*selects))
        for row in rows:
            row["location"] = self._location(
                {
                    "partner_latitude": row.pop("lat"),
                    "partner_longitude": row.pop("lon"),
                }
            )
            start = row["scheduled_datetime"]
            row["duration"] = dispatch_duration(
                start, row["scheduled_end_datetime"], row["labour_estimate_hours"]
            )
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
        describe = self._describer(names)
        return [describe(conflict) for conflict in conflicts]

    def _describer(self, names):
        """A function that describes one conflict: the messages are translated
        once here, not once per conflict (a board shows hundreds)."""
        texts = {
            "skill": _("Missing skill: %s"),
            "overlap": _("Overlaps %s"),
            "hours": _("Outside working hours (calendar or leave)"),
            "sla": _("Ends after the SLA deadline (%s)"),
            "travel": _(
                "Travel to or from %(job)s needs %(needed)s min; the gap is "
                "%(gap)s min"
            ),
        }
        skill_names = {}

        def skills(ids):
            missing = [i for i in ids if i not in skill_names]
            if missing:
                for skill in self.env["workshop.skill"].browse(missing):
                    skill_names[skill.id] = skill.name
            return ", ".join(skill_names[i] for i in ids)

        def describe(conflict):
            code = conflict["code"]
            if code == "skill":
                message = texts[code] % skills(conflict["skill_ids"])
            elif code == "overlap":
                message = texts[code] % ", ".join(
                    names.get(i, str(i)) for i in conflict["job_ids"]
                )
            elif code == "hours":
                message = texts[code]
            elif code == "sla":
                message = texts[code] % format_datetime(
                    self.env, conflict["deadline"], dt_format="short"
                )
            else:
                message = texts["travel"] % {
                    "job": names.get(conflict["job_id"], conflict["job_id"]),
                    "needed": conflict["needed_minutes"],
                    "gap": conflict["gap_minutes"],
                }
            return {"code": code, "message": message}

        return describe

    @staticmethod
    def _names(jobs):
        """{id: name} of job records or rows."""
        return {job["id"]: job["name"] for job in jobs}

    # ------------------------------------------------------------------
    # What the client gets
    # ------------------------------------------------------------------
    def _tech_card(self, row, tech):
        return {
            "id": row["id"],
            "name": row["name"],
            "skill_ids": sorted(tech.skill_ids),
            "team_ids": row["team_ids"],
            "home": row["home_name"] or "",
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
        describer = self._describer(self._names(rows))
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
                        describe[key] = describer(conflict)
                    card["conflicts"].append(dict(describe[key], technician_id=uid))
            cards.append(card)
        return cards
