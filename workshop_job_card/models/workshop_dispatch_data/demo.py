import base64
import math
import random
from datetime import datetime, time, timedelta

import pytz

from odoo import Command, api, fields, models
from odoo.tools import file_open

from ...tools import dispatch as planner

# A Bay Area workshop's week: (name, city, latitude, longitude).
SITES = [
    ("Mission Bay Labs", "San Francisco", 37.7706, -122.3915),
    ("Embarcadero Freight", "San Francisco", 37.7955, -122.3937),
    ("Sunset Bakery Co", "San Francisco", 37.7530, -122.4940),
    ("Richmond Cold Store", "San Francisco", 37.7800, -122.4640),
    ("Bayview Metalworks", "San Francisco", 37.7290, -122.3890),
    ("Dogpatch Brewing", "San Francisco", 37.7580, -122.3880),
    ("Presidio Facilities", "San Francisco", 37.7989, -122.4662),
    ("SoMa Data Center", "San Francisco", 37.7785, -122.4056),
    ("Oakland Port Services", "Oakland", 37.7954, -122.2790),
    ("Emeryville Studios", "Emeryville", 37.8313, -122.2852),
    ("Berkeley Campus Works", "Berkeley", 37.8719, -122.2585),
    ("Alameda Marine", "Alameda", 37.7652, -122.2416),
    ("Daly City Depot", "Daly City", 37.6879, -122.4702),
    ("South City Biotech", "South San Francisco", 37.6547, -122.4077),
    ("San Mateo Clinic", "San Mateo", 37.5630, -122.3255),
    ("Burlingame Hotels", "Burlingame", 37.5841, -122.3661),
    ("Hayward Logistics", "Hayward", 37.6688, -122.0808),
    ("San Leandro Foods", "San Leandro", 37.7249, -122.1561),
    ("Marin Ferry Terminal", "Larkspur", 37.9735, -122.5311),
    ("Sausalito Boatworks", "Sausalito", 37.8591, -122.4853),
]
TECHNICIANS = [
    # (login, name, skills, home (lat, lon), team, early shift)
    (
        "tech.ana",
        "Ana Ruiz",
        ("Mechanical", "Hydraulics"),
        (37.7599, -122.4148),
        "SF",
        0,
    ),
    (
        "tech.ben",
        "Ben Okafor",
        ("Electrical", "Diagnostics"),
        (37.7849, -122.4294),
        "SF",
        1,
    ),
    ("tech.chen", "Chen Wei", ("HVAC", "Electrical"), (37.7441, -122.4200), "SF", 0),
    ("tech.dara", "Dara Singh", ("Gas safe", "HVAC"), (37.8044, -122.2712), "East", 1),
    ("tech.eli", "Eli Thompson", ("Mechanical",), (37.8716, -122.2727), "East", 0),
    (
        "tech.fatima",
        "Fatima Haddad",
        ("Diagnostics", "Electrical"),
        (37.5630, -122.3255),
        "South",
        0,
    ),
    (
        "tech.gus",
        "Gus Lindqvist",
        ("Hydraulics", "Mechanical"),
        (37.6688, -122.0808),
        "East",
        1,
    ),
    ("tech.hana", "Hana Sato", ("HVAC", "Gas safe"), (37.6879, -122.4702), "South", 0),
    (
        "tech.ivan",
        "Ivan Petrov",
        ("Mechanical", "Diagnostics"),
        (37.9735, -122.5311),
        "SF",
        0,
    ),
    ("tech.jo", "Jo Martins", ("Electrical",), (37.7652, -122.2416), "East", 1),
]
# Where the vans park overnight: (latitude, longitude) -> (place, city).
HOME_PLACES = {
    (37.7599, -122.4148): ("Mission District", "San Francisco"),
    (37.7849, -122.4294): ("Western Addition", "San Francisco"),
    (37.7441, -122.4200): ("Bernal Heights", "San Francisco"),
    (37.8044, -122.2712): ("Downtown Oakland", "Oakland"),
    (37.8716, -122.2727): ("North Berkeley", "Berkeley"),
    (37.5630, -122.3255): ("Downtown San Mateo", "San Mateo"),
    (37.6688, -122.0808): ("Hayward", "Hayward"),
    (37.6879, -122.4702): ("Daly City", "Daly City"),
    (37.9735, -122.5311): ("San Rafael", "San Rafael"),
    (37.7652, -122.2416): ("Alameda", "Alameda"),
    (37.7749, -122.4194): ("Civic Center", "San Francisco"),
}
JOB_TYPE_SKILLS = {
    "job_type_repair": ("Mechanical",),
    "job_type_maintenance": ("Mechanical",),
    "job_type_inspection": ("Diagnostics",),
    "job_type_emergency": ("Electrical",),
}
TZ = "America/Los_Angeles"
# The shifts of the demo calendars (local hours): day shift, early shift.
SHIFTS = [(8, 17), (7, 16)]
# What the customers' people sign with, and who they are.
SIGNERS = [
    ("daniel_brooks.png", "Daniel Brooks"),
    ("greg_patel.png", "Greg Patel"),
    ("linda_tran.png", "Linda Tran"),
    ("mike_oconnell.png", "Mike O'Connell"),
    ("rachel_kim.png", "Rachel Kim"),
]
RESOLUTIONS = {
    "Mechanical": "Worn bearing and belt replaced, alignment checked, test run OK.",
    "Electrical": "Tripping breaker traced to a failed contactor: replaced, tested.",
    "Hydraulics": "Leaking hose and seals replaced, system bled, pressure checked.",
    "HVAC": "Filters and belt changed, coils cleaned, refrigerant pressures OK.",
    "Gas safe": "Burner serviced, flue and tightness tests passed, certificate left.",
    "Diagnostics": "Fault codes read and cleared, sensors checked, report sent.",
}
# How many of a technician's nearest sites he is sent to during the week.
NEAR_SITES = 6
# A few minutes more than the drive between two jobs (parking, paperwork).
TRAVEL_MARGIN = timedelta(minutes=10)


class WorkshopDispatchData(models.AbstractModel):
    _inherit = "workshop.dispatch.data"

    @api.model
    def _demo_dispatch_week(self):
        """Demo data of the dispatch board: a dozen technicians with skills,
        teams, home bases and calendars, and this week of jobs across the Bay
        Area (called from demo/workshop_demo_dispatch.xml): the jobs before now
        walked through the workflow to done and signed, the drive between two
        jobs of a technician fitting the gap, a day off, and two conflicts left
        for the coordinator to solve."""
        rng = random.Random(15)
        skills = self._demo_skills()
        calendars = self._demo_calendars()
        techs = self._demo_technicians(skills, calendars)
        sites = self.env["res.partner"].create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "city": city,
                    "partner_latitude": lat,
                    "partner_longitude": lon,
                }
                for name, city, lat, lon in SITES
            ]
        )
        jobs = self._demo_week_jobs(techs, sites, skills, rng)
        self._demo_walk_week(jobs, rng)
        self._demo_jobs_to_plan(sites, rng)

    def _demo_skills(self):
        names = [
            "Mechanical",
            "Electrical",
            "Hydraulics",
            "HVAC",
            "Gas safe",
            "Diagnostics",
        ]
        skills = self.env["workshop.skill"].create(
            [{"name": name, "color": i + 1} for i, name in enumerate(names)]
        )
        by_name = {skill.name: skill for skill in skills}
        for xmlid, needed in JOB_TYPE_SKILLS.items():
            job_type = self.env.ref(
                f"workshop_job_card.{xmlid}", raise_if_not_found=False
            )
            if job_type:
                job_type.skill_ids = [Command.set([by_name[n].id for n in needed])]
        return by_name

    def _demo_calendars(self):
        def calendar(name, start, end):
            return self.env["resource.calendar"].create(
                {
                    "name": name,
                    "tz": TZ,
                    "attendance_ids": [
                        Command.create(
                            {
                                "name": f"{name} {day}",
                                "dayofweek": str(day),
                                "hour_from": start,
                                "hour_to": end,
                                "day_period": "morning",
                            }
                        )
                        for day in range(5)
                    ],
                }
            )

        return [
            calendar("Field day shift", 8, 17),
            calendar("Field early shift", 7, 16),
        ]

    def _demo_technicians(self, skills, calendars):
        group = self.env.ref("workshop_job_card.group_workshop_technician")
        teams = {
            name: self.env["workshop.team"].create({"name": label})
            for name, label in (
                ("SF", "San Francisco"),
                ("East", "East Bay"),
                ("South", "Peninsula"),
            )
        }
        rows = list(TECHNICIANS)
        existing = [
            (
                "workshop_job_card.user_mechanic",
                ("Mechanical", "Hydraulics"),
                (37.8044, -122.2712),
                "East",
                0,
            ),
            (
                "workshop_job_card.user_electrician",
                ("Electrical", "Diagnostics"),
                (37.7749, -122.4194),
                "SF",
                0,
            ),
        ]
        profiles = []
        for login, name, needed, home, team, early in rows + [
            (x[0], None, *x[1:]) for x in existing
        ]:
            if name is None:
                user = self.env.ref(login, raise_if_not_found=False)
                if not user:
                    continue
            else:
                user = (
                    self.env["res.users"]
                    .with_context(no_reset_password=True)
                    .create(
                        {
                            "name": name,
                            "login": login,
                            "password": login,
                            "groups_id": [Command.link(group.id)],
                            "tz": TZ,
                        }
                    )
                )
            place, city = HOME_PLACES.get(home, (user.name, False))
            home_base = self.env["res.partner"].create(
                {
                    "name": f"{place} van base",
                    "city": city,
                    "partner_latitude": home[0],
                    "partner_longitude": home[1],
                }
            )
            user.write(
                {
                    "workshop_skill_ids": [Command.set([skills[s].id for s in needed])],
                    "workshop_team_ids": [Command.link(teams[team].id)],
                    "workshop_home_partner_id": home_base.id,
                }
            )
            resource = self.env["resource.resource"].create(
                {
                    "name": user.name,
                    "user_id": user.id,
                    "calendar_id": calendars[early].id,
                    "tz": TZ,
                }
            )
            profiles.append(
                {
                    "user": user,
                    "resource": resource,
                    "home": home,
                    "shift": SHIFTS[early],
                    "skills": [skills[s] for s in needed],
                }
            )
        return profiles

    def _demo_monday(self):
        tz = pytz.timezone(TZ)
        today = datetime.now(tz).date()
        return today - timedelta(days=today.weekday()), tz

    def _demo_week_jobs(self, techs, sites, skills, rng):
        """This week's jobs: each technician drives between sites near his van
        base, starting his shift with the drive from there; a job needs one of
        his skills and was reported early enough for its SLA to hold. Dara is
        off on Wednesday (a leave). On the next working day, two conflicts are
        left on purpose: a double booking and a job needing a skill its
        technician lacks."""
        monday, tz = self._demo_monday()
        now = fields.Datetime.now()
        types = {
            xmlid: self.env.ref(f"workshop_job_card.{xmlid}", raise_if_not_found=False)
            for xmlid in JOB_TYPE_SKILLS
        }
        types = [t for t in types.values() if t]
        locations = {
            site: (site.partner_latitude, site.partner_longitude) for site in sites
        }

        def local(day, hours):
            moment = datetime.combine(monday + timedelta(days=day), time())
            moment += timedelta(hours=hours)
            return tz.localize(moment).astimezone(pytz.utc).replace(tzinfo=None)

        today = (datetime.now(tz).date() - monday).days
        conflict_day = min(max(today + 1, 0), 4)
        busy = self._demo_busy(
            self.env["res.users"].union(*(t["user"] for t in techs)),
            local(0, 0),
            local(7, 0),
        )
        vals = []
        for index, tech in enumerate(techs):
            home = tech["home"]
            near = sorted(
                sites, key=lambda s, h=home: planner.distance_km(h, locations[s])
            )
            near = near[:NEAR_SITES]
            first_hour, last_hour = tech["shift"]
            for day in range(5):
                if index == 3 and day == 2:
                    self._demo_day_off(tech, local(day, 0), local(day + 1, 0))
                    continue
                where, site = home, None
                cursor = local(day, first_hour)
                shift_end = local(day, last_hour)
                for _slot in range(rng.randint(2, 4)):
                    site = rng.choice([s for s in near if s != site])
                    hours = timedelta(hours=rng.choice((1.0, 1.5, 2.0, 2.5)))
                    start, end, where = self._demo_free_slot(
                        busy[tech["user"].id], cursor, where, locations[site], hours
                    )
                    if end > shift_end:
                        break
                    skill = rng.choice(tech["skills"])
                    vals.append(
                        self._demo_job_vals(
                            tech["user"], site, skill, start, end, types, now, rng
                        )
                    )
                    where, cursor = locations[site], end
        vals += self._demo_conflicts(techs, vals, skills, conflict_day, local)
        jobs = self.env["workshop.job"].create(vals)
        coordinator = self.env.ref(
            "workshop_job_card.user_coordinator", raise_if_not_found=False
        )
        planned = jobs.with_user(coordinator) if coordinator else jobs
        planned.action_schedule()
        # dispatched the evening before, or earlier
        planned.filtered(
            lambda j: j.scheduled_datetime < now + timedelta(days=1)
        ).action_dispatch()
        return jobs

    def _demo_busy(self, users, start, end):
        """``{user id: [(start, end, location)]}``: what the technicians already
        do this week (the other demo files' jobs and time logs)."""
        busy = {user.id: [] for user in users}
        jobs = self.env["workshop.job"].search(
            [
                ("technician_ids", "in", users.ids),
                ("scheduled_datetime", "<", end),
                ("scheduled_datetime", ">=", start - timedelta(days=1)),
            ]
        )
        for job in jobs:
            begin = job.scheduled_datetime
            finish = job.scheduled_end_datetime or begin + job._dispatch_duration()
            for user in job.technician_ids & users:
                busy[user.id].append((begin, finish, job._dispatch_location()))
        logs = self.env["workshop.job.timelog"].search(
            [("user_id", "in", users.ids), ("start_datetime", "<", end)]
        )
        for log in logs:
            finish = log.stop_datetime or log.start_datetime + timedelta(hours=12)
            if finish > start:
                location = log.job_id._dispatch_location()
                busy[log.user_id.id].append((log.start_datetime, finish, location))
        return busy

    @staticmethod
    def _demo_free_slot(busy, cursor, where, site, duration):
        """(start, end, origin) of the first slot after ``cursor`` for a job at
        ``site``: the drive from where the technician is, and to and from what
        he already does, fit the gaps."""
        while True:
            drive = planner.travel_time(where, site) + TRAVEL_MARGIN
            start = cursor + timedelta(
                minutes=15 * math.ceil(drive.total_seconds() / 900)
            )
            end = start + duration
            clash = [
                (begin, finish, location)
                for begin, finish, location in busy
                if begin < end + planner.travel_time(site, location) + TRAVEL_MARGIN
                and start - planner.travel_time(location, site) - TRAVEL_MARGIN < finish
            ]
            if not clash:
                return start, end, where
            last = max(clash, key=lambda b: b[1])
            cursor, where = last[1], last[2] or where

    def _demo_job_vals(self, user, site, skill, start, end, types, now, rng):
        """A job of ``user`` at ``site``; its type and report time give it an
        SLA that the schedule meets (a job reported before now, whose response
        and resolution deadlines fall after its start and end when possible)."""
        priority = rng.choice("0112")
        choices = []
        for job_type in types:
            response, resolution = job_type._get_sla_hours(priority)
            # the latest report time is now (or an hour before the job)
            latest = min(now, start - timedelta(hours=1))
            earliest = max(
                start - timedelta(hours=response), end - timedelta(hours=resolution)
            )
            if earliest <= latest:
                choices.append((job_type, earliest, latest))
        if choices:
            job_type, earliest, latest = rng.choice(choices)
            spread = (latest - earliest).total_seconds()
            reported = earliest + timedelta(seconds=rng.uniform(0.2, 1.0) * spread)
        else:  # far ahead: the longest resolution time
            job_type = max(types, key=lambda t: t._get_sla_hours(priority)[1])
            reported = min(now, start) - timedelta(hours=rng.randint(1, 6))
        return {
            "partner_id": site.id,
            "job_type_id": job_type.id,
            "required_skill_ids": [Command.set(skill.ids)],
            "technician_ids": [Command.set(user.ids)],
            "scheduled_datetime": start,
            "scheduled_end_datetime": end,
            "reported_datetime": reported.replace(second=0, microsecond=0),
            "priority": priority,
        }

    def _demo_day_off(self, tech, start, end):
        self.env["resource.calendar.leaves"].create(
            {
                "name": f"{tech['user'].name}: personal day",
                "resource_id": tech["resource"].id,
                "calendar_id": tech["resource"].calendar_id.id,
                "date_from": start,
                "date_to": end,
                "time_type": "leave",
            }
        )

    def _demo_conflicts(self, techs, vals, skills, day, local):
        """Two mistakes the board flags on ``day``: Ben gets a second job on top
        of his first one, and a boiler check needing a gas-safe engineer is on
        Eli's day (he is a mechanic)."""
        extra = []
        ben, eli = techs[1]["user"], techs[4]["user"]
        window = (local(day, 0), local(day + 1, 0))

        def first_of(user):
            mine = [
                v
                for v in vals
                if v["technician_ids"][0][2] == user.ids
                and window[0] <= v["scheduled_datetime"] < window[1]
            ]
            return min(mine, key=lambda v: v["scheduled_datetime"], default=None)

        first = first_of(ben)
        if first:
            start = first["scheduled_datetime"] + timedelta(minutes=30)
            extra.append(
                dict(
                    first,
                    scheduled_datetime=start,
                    scheduled_end_datetime=start + timedelta(hours=1),
                )
            )
        first = first_of(eli)
        if first:
            first["required_skill_ids"] = [Command.set(skills["Gas safe"].ids)]
        return extra

    def _demo_walk_week(self, jobs, rng):
        """Jobs that have started: the technician travelled and arrived; those
        that have ended are done with their time logged and resolution noted,
        and signed by the customer (most of them: a few wait for the
        signature). Every step goes through the workflow's actions, as the
        technician; the time stamps are then set to when it happened."""
        now = fields.Datetime.now()
        started = jobs.filtered(lambda j: j.scheduled_datetime <= now)
        signatures = [
            (
                base64.b64encode(
                    file_open(f"workshop_job_card/demo/signatures/{f}", "rb").read()
                ),
                name,
            )
            for f, name in SIGNERS
        ]
        timelogs = self.env["workshop.job.timelog"]
        for user in started.technician_ids:
            mine = started.filtered(lambda j, u=user: u in j.technician_ids)
            as_tech = mine.with_user(user)
            as_tech.action_start_travel()
            as_tech.action_arrive()
            ended = as_tech.filtered(lambda j: j.scheduled_end_datetime <= now)
            if not ended:
                continue
            timelogs.with_user(user).create(
                [
                    {
                        "job_id": job.id,
                        "user_id": user.id,
                        "start_datetime": job.scheduled_datetime,
                        "stop_datetime": job.scheduled_end_datetime,
                        "note": "On site",
                    }
                    for job in ended
                ]
            )
            for job in ended:
                skill = job.required_skill_ids[:1].name
                job.resolution = RESOLUTIONS.get(skill, RESOLUTIONS["Diagnostics"])
            ended.action_done()
            to_sign = ended.filtered(lambda j: rng.random() < 0.9)
            for job in to_sign:
                signature, name = rng.choice(signatures)
                job.write({"signature": signature, "signed_by": name})
            to_sign.action_sign()
        self._demo_dates_as_they_happened(started, now)

    def _demo_dates_as_they_happened(self, jobs, now):
        """The workflow stamped its steps with the install time: move them to
        the schedule's times (arrival at the start, done at the end, signed a
        few minutes later; the history likewise)."""
        for job in jobs:
            start, end = job.scheduled_datetime, job.scheduled_end_datetime
            stamps = {"arrived_datetime": start}
            if job.done_datetime:
                stamps["done_datetime"] = end
            if job.signed_datetime:
                stamps["signed_datetime"] = end + timedelta(minutes=5)
            job._as_workflow().write(stamps)
            dates = {
                "scheduled": min(job.reported_datetime + timedelta(minutes=20), start),
                "dispatched": max(
                    min(job.reported_datetime + timedelta(minutes=40), start),
                    start - timedelta(hours=14),
                ),
                "en_route": start - timedelta(minutes=30),
                "on_site": start,
                "done": end,
                "signed": end + timedelta(minutes=5),
            }
            for log in job.stage_log_ids.sudo():
                if log.to_state in dates:
                    log.date = min(dates[log.to_state], now)

    def _demo_jobs_to_plan(self, sites, rng):
        """Jobs waiting on the side panel, reported within their response time
        (one of them already late)."""
        job_types = self.env["workshop.job.type"].search([])
        now = fields.Datetime.now()
        vals = []
        for index in range(14):
            job_type = rng.choice(job_types)
            priority = rng.choice("0123")
            response = job_type._get_sla_hours(priority)[0] or 24
            late = 1.3 if index == 0 else rng.uniform(0.1, 0.6)
            vals.append(
                {
                    "partner_id": rng.choice(sites).id,
                    "job_type_id": job_type.id,
                    "reported_datetime": now - timedelta(hours=response * late),
                    "priority": priority,
                    "technician_ids": [Command.clear()],
                }
            )
        self.env["workshop.job"].create(vals)
