"""Fixtures of the dispatch board tests: skills, technicians with a day-shift
calendar (UTC, Monday to Friday 08:00-17:00), home bases and sites with
coordinates, on a fixed Monday in the future."""

from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.tests import new_test_user

from .common import WorkshopCommon

MONDAY = datetime(2030, 1, 7)


def at(hour, day=0, minute=0):
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def dt(value):
    return fields.Datetime.to_string(value)


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
        cls.portal = new_test_user(
            cls.env, login="ws_portal", name="Pat Portal", groups="base.group_portal"
        )

    @classmethod
    def _day_shift(cls, company):
        return cls.env["resource.calendar"].create(
            {
                "name": "Day shift",
                "tz": "UTC",
                "company_id": company.id,
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 8,
                            "hour_to": 17,
                            "day_period": "morning",
                        }
                    )
                    for day in range(5)
                ],
            }
        )

    @classmethod
    def _site(cls, name, lat, lon):
        return cls.env["res.partner"].create(
            {"name": name, "partner_latitude": lat, "partner_longitude": lon}
        )

    @classmethod
    def _make_technician(cls, user, skills, home=None, calendar=None):
        user.write(
            {
                "workshop_skill_ids": [Command.set(skills.ids)],
                "workshop_home_partner_id": (home or cls.depot).id,
                "tz": "UTC",
            }
        )
        cls.env["resource.resource"].create(
            {
                "name": user.name,
                "user_id": user.id,
                "calendar_id": (calendar or cls.calendar).id,
                "tz": "UTC",
                "company_id": user.company_id.id,
            }
        )

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
