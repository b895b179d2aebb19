import random
from datetime import datetime, time, timedelta

import pytz

from odoo import Command, api, fields, models

# A Bay Area workshop's week: (name, latitude, longitude).
SITES = [
    ("Mission Bay Labs", 37.7706, -122.3915),
    ("Embarcadero Freight", 37.7955, -122.3937),
    ("Sunset Bakery Co", 37.7530, -122.4940),
    ("Richmond Cold Store", 37.7800, -122.4640),
    ("Bayview Metalworks", 37.7290, -122.3890),
    ("Dogpatch Brewing", 37.7580, -122.3880),
    ("Presidio Facilities", 37.7989, -122.4662),
    ("SoMa Data Center", 37.7785, -122.4056),
    ("Oakland Port Services", 37.7954, -122.2790),
    ("Emeryville Studios", 37.8313, -122.2852),
    ("Berkeley Campus Works", 37.8719, -122.2585),
    ("Alameda Marine", 37.7652, -122.2416),
    ("Daly City Depot", 37.6879, -122.4702),
    ("South City Biotech", 37.6547, -122.4077),
    ("San Mateo Clinic", 37.5630, -122.3255),
    ("Burlingame Hotels", 37.5841, -122.3661),
    ("Hayward Logistics", 37.6688, -122.0808),
    ("San Leandro Foods", 37.7249, -122.1561),
    ("Marin Ferry Terminal", 37.9735, -122.5311),
    ("Sausalito Boatworks", 37.8591, -122.4853),
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
JOB_TYPE_SKILLS = {
    "job_type_repair": ("Mechanical",),
    "job_type_maintenance": ("Mechanical",),
    "job_type_inspection": ("Diagnostics",),
    "job_type_emergency": ("Electrical",),
}
TZ = "America/Los_Angeles"


class WorkshopDispatchData(models.AbstractModel):
    _inherit = "workshop.dispatch.data"

    @api.model
    def _demo_dispatch_week(self):
        """Demo data of the dispatch board: a dozen technicians with skills,
        teams, home bases and calendars, and this week of jobs across the Bay
        Area (called from demo/workshop_demo_dispatch.xml)."""
        rng = random.Random(15)
        skills = self._demo_skills()
        calendars = self._demo_calendars()
        techs = self._demo_technicians(skills, calendars)
        sites = self.env["res.partner"].create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "city": "Bay Area",
                    "partner_latitude": lat,
                    "partner_longitude": lon,
                }
                for name, lat, lon in SITES
            ]
        )
        self._demo_week_jobs(techs, sites, rng)
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
        users = self.env["res.users"]
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
            home_base = self.env["res.partner"].create(
                {
                    "name": f"{user.name} — van base",
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
            self.env["resource.resource"].create(
                {
                    "name": user.name,
                    "user_id": user.id,
                    "calendar_id": calendars[early].id,
                    "tz": TZ,
                }
            )
            users |= user
        return users

    def _demo_monday(self):
        tz = pytz.timezone(TZ)
        today = datetime.now(tz).date()
        return today - timedelta(days=today.weekday()), tz

    def _demo_week_jobs(self, techs, sites, rng):
        monday, tz = self._demo_monday()
        job_types = self.env["workshop.job.type"].search([])
        vals = []
        for index, tech in enumerate(techs):
            away = index == 3  # Dara is off on Wednesday
            for day in range(5):
                if away and day == 2:
                    continue
                hour = 8.0 + (index % 2) * 0.5
                for _slot in range(rng.randint(2, 4)):
                    hours = rng.choice((1.0, 1.5, 2.0, 2.5))
                    start = (
                        tz.localize(
                            datetime.combine(monday + timedelta(days=day), time())
                            + timedelta(hours=hour)
                        )
                        .astimezone(pytz.utc)
                        .replace(tzinfo=None)
                    )
                    job_type = rng.choice(job_types)
                    vals.append(
                        {
                            "partner_id": rng.choice(sites).id,
                            "job_type_id": job_type.id,
                            "technician_ids": [Command.set(tech.ids)],
                            "scheduled_datetime": start,
                            "scheduled_end_datetime": start + timedelta(hours=hours),
                            "reported_datetime": start
                            - timedelta(hours=rng.randint(4, 60)),
                            "priority": rng.choice("0112"),
                        }
                    )
                    hour += hours + rng.choice((0.5, 0.75, 1.0))
                    if hour > 15.5:
                        break
        # a double booking the coordinator will see flagged on the board
        if vals:
            clash = dict(
                vals[0], scheduled_end_datetime=vals[0]["scheduled_end_datetime"]
            )
            clash["scheduled_datetime"] = vals[0]["scheduled_datetime"] + timedelta(
                minutes=30
            )
            clash["scheduled_end_datetime"] = clash["scheduled_datetime"] + timedelta(
                hours=1
            )
            vals.append(clash)
        jobs = self.env["workshop.job"].create(vals)
        jobs.action_schedule()
        now = fields.Datetime.now()
        jobs.filtered(
            lambda j: j.scheduled_datetime < now + timedelta(days=1)
        ).action_dispatch()
        return jobs

    def _demo_jobs_to_plan(self, sites, rng):
        job_types = self.env["workshop.job.type"].search([])
        now = fields.Datetime.now()
        self.env["workshop.job"].create(
            [
                {
                    "partner_id": rng.choice(sites).id,
                    "job_type_id": rng.choice(job_types).id,
                    "reported_datetime": now - timedelta(hours=rng.randint(1, 70)),
                    "priority": rng.choice("0123"),
                    "technician_ids": [Command.clear()],
                }
                for _i in range(14)
            ]
        )
