"""Fixtures of the dispatch board tests: skills, technicians with a day-shift
calendar (UTC, Monday to Friday 08:00-17:00), home bases and sites with
coordinates, on a fixed Monday in the future."""

from datetime import datetime, timedelta

from odoo import Command, fields

from .common import WorkshopCommon

MONDAY = datetime(2030, 1, 7)


def at(hour, day=0, minute=0):
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def dt(value):
    return fields.Datetime.to_string(value)


def working_hours(env, name, hour_from, hour_to, days=5, company=None):
    """A UTC calendar open ``hour_from``-``hour_to`` on the first ``days`` days
    of the week."""
    return env["resource.calendar"].create(
        {
            "name": name,
            "tz": "UTC",
            "company_id": company.id if company else False,
            "attendance_ids": [
                Command.create(
                    {
                        "name": f"Day {day}",
                        "dayofweek": str(day),
                        "hour_from": hour_from,
                        "hour_to": hour_to,
                        "day_period": "morning",
                    }
                )
                for day in range(days)
            ],
        }
    )


def make_technician(user, calendar, skills=None, home=None):
    """Give ``user`` (a technician) a resource on ``calendar``, UTC, with
    ``skills`` and a ``home`` base when given."""
    vals = {"tz": "UTC"}
    if skills is not None:
        vals["workshop_skill_ids"] = [Command.set(skills.ids)]
    if home is not None:
        vals["workshop_home_partner_id"] = home.id
    user.write(vals)
    user.env["resource.resource"].create(
        {
            "name": user.name,
            "user_id": user.id,
            "calendar_id": calendar.id,
            "tz": "UTC",
            "company_id": user.company_id.id,
        }
    )
    return user


class DispatchCommon(WorkshopCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Dispatch = cls.env["workshop.dispatch"]
        cls.calendar = cls._day_shift(cls.company)
        Skill = cls.env["workshop.skill"]
        cls.skill_hv = Skill.create({"name": "High voltage"})
        cls.skill_hydraulics = Skill.create({"name": "Hydraulics"})
        cls.job_type.skill_ids = cls.skill_hydraulics
        cls.depot = cls._site("Depot", 51.5074, -0.1278)
        cls.site_near = cls._site("Near Site", 51.5155, -0.1410)
        cls.site_far = cls._site("Oxford Site", 51.7520, -1.2577)
        cls.team = cls.env["workshop.team"].create({"name": "North"})
        cls._make_technician(cls.technician, cls.skill_hydraulics | cls.skill_hv)
        cls._make_technician(cls.technician2, cls.skill_hv, home=cls.site_far)
        cls.team.member_ids = cls.technician
        cls.portal = cls._user("ws_portal", "portal", name="Pat Portal")

    @classmethod
    def _day_shift(cls, company):
        return working_hours(cls.env, "Day shift", 8, 17, company=company)

    @classmethod
    def _site(cls, name, lat, lon):
        return cls.env["res.partner"].create(
            {"name": name, "partner_latitude": lat, "partner_longitude": lon}
        )

    @classmethod
    def _make_technician(cls, user, skills, home=None, calendar=None):
        make_technician(user, calendar or cls.calendar, skills, home or cls.depot)

    @classmethod
    def _plan_job(cls, start=None, hours=2, technicians=None, site=None, **vals):
        """A job at ``site`` (scheduled from ``start`` for ``hours`` when given)."""
        values = {
            "site_partner_id": (site or cls.site_near).id,
            "reported_datetime": dt(at(7)),
            "technician_ids": [Command.set((technicians or cls.env["res.users"]).ids)],
        }
        if start:
            values["scheduled_datetime"] = dt(start)
            values["scheduled_end_datetime"] = dt(start + timedelta(hours=hours))
        values.update(vals)
        return cls._create_job(**values)

    def _as_coordinator(self):
        return self.Dispatch.with_user(self.coordinator)
