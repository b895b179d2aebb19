"""Benchmark: the dispatch board (``scripts/bench``).

A workshop of 50 technicians (three calendars, a few leaves, home bases
across a city) with 1,000 jobs booked over one week and 200 jobs to plan:

- the board's load (``workshop.dispatch.get_board`` for the week) against one
  ``search_read`` of the same 1,000 jobs with the same fields, by the same
  coordinator (goal: ratio <= 1.5);
- one suggestion (``suggest``) over the 50 technicians (goal <= 50 ms);
- the auto-plan preview of the 200 jobs (``auto_plan``; goal <= 2 s) and, for
  information, applying it.

Each is measured ``REPEAT`` times with a cold record cache; medians and SQL query
counts are printed and written to ``results/dispatch.json``. Timings are
reported, never asserted; the board's query count is asserted to be the same
for 200 and for 1,000 jobs.
"""

import random
import statistics
import time
from datetime import datetime, timedelta
from pathlib import Path

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.workshop_job_card.models.workshop_dispatch_data.workshop_dispatch_data import (  # noqa: E501
    BOARD_STATES,
    JOB_FIELDS,
)
from odoo.addons.workshop_job_card.tests.common import WorkshopCommon

from .common import write_results

TECHNICIANS = 50
JOBS_PER_DAY = 4
TO_PLAN = 200
REPEAT = 5
GOALS = {"board_ratio": 1.5, "suggest_ms": 50, "auto_plan_ms": 2000}
MONDAY = datetime(2030, 1, 7)
CITY = (48.8566, 2.3522)  # Paris
RESULTS = Path(__file__).resolve().parent / "results" / "dispatch.json"


def dt(value):
    return fields.Datetime.to_string(value)


class TestBenchDispatch(WorkshopCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rng = random.Random(15)
        cls.calendars = [
            cls._calendar(name, start, end)
            for name, start, end in (("Early", 7, 16), ("Day", 8, 17), ("Late", 10, 19))
        ]
        cls.sites = [cls._partner(f"Site {i}") for i in range(120)]
        cls.techs = cls._technicians()
        cls.booked = cls._booked_jobs()
        cls.to_plan = cls._jobs_to_plan()
        cls.env.flush_all()
        cls.env.cr.execute(
            "ANALYZE workshop_job, workshop_job_technician_rel, res_users"
        )

    @classmethod
    def _calendar(cls, name, start, end):
        return cls.env["resource.calendar"].create(
            {
                "name": name,
                "tz": "UTC",
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

    @classmethod
    def _partner(cls, name):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "partner_latitude": CITY[0] + cls.rng.uniform(-0.08, 0.08),
                "partner_longitude": CITY[1] + cls.rng.uniform(-0.12, 0.12),
            }
        )

    @classmethod
    def _technicians(cls):
        skills = cls.env["workshop.skill"].create(
            [{"name": name} for name in ("Electrical", "Hydraulics", "Gas", "HVAC")]
        )
        users = cls.env["res.users"]
        for i in range(TECHNICIANS):
            user = new_test_user(
                cls.env,
                login=f"bench_tech_{i}",
                name=f"Bench Tech {i:02d}",
                groups="workshop_job_card.group_workshop_technician",
            )
            user.write(
                {
                    "workshop_skill_ids": [Command.set(skills[: 1 + i % 4].ids)],
                    "workshop_home_partner_id": cls._partner(f"Home {i}").id,
                }
            )
            resource = cls.env["resource.resource"].create(
                {
                    "name": user.name,
                    "user_id": user.id,
                    "calendar_id": cls.calendars[i % 3].id,
                    "tz": "UTC",
                }
            )
            if i % 10 == 0:  # a day off
                cls.env["resource.calendar.leaves"].create(
                    {
                        "name": "Day off",
                        "resource_id": resource.id,
                        "calendar_id": resource.calendar_id.id,
                        "date_from": dt(MONDAY),
                        "date_to": dt(MONDAY + timedelta(days=1)),
                    }
                )
            users |= user
        cls.job_type.skill_ids = skills[:1]
        return users

    @classmethod
    def _booked_jobs(cls):
        # booked jobs have a week's SLA: any window of the board holds the same
        # kinds of conflicts (leaves on Monday, hours of the late shift)
        week_sla = cls.env["workshop.job.type"].create(
            {"name": "Planned visit", "response_hours": 120, "resolution_hours": 240}
        )
        vals = []
        for tech in cls.techs:
            for day in range(5):
                for slot in range(JOBS_PER_DAY):
                    start = MONDAY + timedelta(days=day, hours=8 + slot * 1.5)
                    vals.append(
                        cls._job_vals(
                            technician_ids=[Command.set(tech.ids)],
                            scheduled_datetime=dt(start),
                            scheduled_end_datetime=dt(start + timedelta(hours=1)),
                            job_type_id=week_sla.id,
                        )
                    )
        return cls.env["workshop.job"].create(vals)

    @classmethod
    def _jobs_to_plan(cls):
        return cls.env["workshop.job"].create(
            [
                cls._job_vals(
                    reported_datetime=dt(
                        MONDAY - timedelta(hours=cls.rng.randint(0, 48))
                    )
                )
                for _i in range(TO_PLAN)
            ]
        )

    @classmethod
    def _job_vals(cls, **vals):
        values = {
            "partner_id": cls.customer.id,
            "site_partner_id": cls.rng.choice(cls.sites).id,
            "job_type_id": cls.job_type.id,
            "user_id": cls.coordinator.id,
            "reported_datetime": dt(MONDAY - timedelta(hours=12)),
        }
        values.update(vals)
        return values

    # ------------------------------------------------------------------
    def _measure(self, func):
        """(wall ms, queries, result) of ``func`` with a cold record cache."""
        self.env.flush_all()
        self.env.invalidate_all()
        cr = self.env.cr
        queries = cr.sql_log_count
        start = time.perf_counter()
        result = func()
        wall = (time.perf_counter() - start) * 1000
        return wall, cr.sql_log_count - queries, result

    def _median(self, func):
        runs = [self._measure(func) for _i in range(REPEAT)]
        return (
            statistics.median(run[0] for run in runs),
            runs[-1][1],
            runs[-1][2],
        )

    def test_bench_dispatch_board(self):
        dispatch = self.env["workshop.dispatch"].with_user(self.coordinator)
        Job = self.env["workshop.job"].with_user(self.coordinator)
        start, end = dt(MONDAY), dt(MONDAY + timedelta(days=7))
        domain = [
            ("technician_ids", "in", self.techs.ids),
            ("state", "in", BOARD_STATES),
            ("scheduled_datetime", "<", end),
            ("scheduled_end_datetime", ">", start),
        ]

        def board():
            return dispatch.get_board(start, end)

        def baseline():
            return Job.search_read(domain, JOB_FIELDS)

        board(), baseline()  # warm-up: registry caches, rules, assets
        rows = {}
        runs = {"board": [], "baseline": []}
        for i in range(REPEAT):  # alternate so neither side always runs first
            order = ("board", "baseline") if i % 2 else ("baseline", "board")
            for side in order:
                runs[side].append(self._measure(board if side == "board" else baseline))
        board_ms = statistics.median(r[0] for r in runs["board"])
        base_ms = statistics.median(r[0] for r in runs["baseline"])
        result = runs["board"][-1][2]
        self.assertEqual(len(result["jobs"]), len(self.booked))
        self.assertEqual(len(runs["baseline"][-1][2]), len(self.booked))
        rows["board"] = {
            "ms": round(board_ms, 1),
            "baseline_ms": round(base_ms, 1),
            "ratio": round(board_ms / base_ms, 2),
            "queries": runs["board"][-1][1],
            "baseline_queries": runs["baseline"][-1][1],
            "jobs": len(result["jobs"]),
            "technicians": len(result["technicians"]),
        }

        # a fixed number of queries: two days (400 jobs) cost what the week does
        two_days = self._measure(
            lambda: dispatch.get_board(start, dt(MONDAY + timedelta(days=2)))
        )
        self.assertEqual(len(two_days[2]["jobs"]), 2 * len(self.booked) // 5)
        self.assertEqual(two_days[1], rows["board"]["queries"])
        rows["board"]["queries_two_days"] = two_days[1]
        job = self.to_plan[0]
        ms, queries, ranked = self._median(
            lambda: dispatch.suggest(job.id, earliest=start)
        )
        self.assertGreaterEqual(len(ranked), TECHNICIANS)
        rows["suggest"] = {"ms": round(ms, 1), "queries": queries}

        ms, queries, plan = self._median(
            lambda: dispatch.auto_plan(self.to_plan.ids, earliest=start)
        )
        rows["auto_plan"] = {
            "ms": round(ms, 1),
            "queries": queries,
            "planned": len(plan["planned"]),
            "unplanned": len(plan["unplanned"]),
        }
        ms, queries, count = self._measure(lambda: dispatch.apply_plan(plan["planned"]))
        rows["apply_plan"] = {"ms": round(ms, 1), "queries": queries, "applied": count}
        self._report(rows)

    def _report(self, rows):
        board = rows["board"]
        print(
            f"\ndispatch board, {board['technicians']} technicians x 1 week, "
            f"{board['jobs']} jobs (median of {REPEAT})"
        )
        print(
            f"board load      {board['ms']:>8.1f} ms  {board['queries']:>3} queries "
            f"(two days, 400 jobs: {board['queries_two_days']})"
        )
        print(
            f"search_read     {board['baseline_ms']:>8.1f} ms  "
            f"{board['baseline_queries']:>3} queries"
        )
        goal = GOALS["board_ratio"]
        print(f"ratio           {board['ratio']:>8.2f}     (goal <= {goal})")
        print(
            f"suggest         {rows['suggest']['ms']:>8.1f} ms  "
            f"{rows['suggest']['queries']:>3} queries "
            f"(goal <= {GOALS['suggest_ms']} ms)"
        )
        plan = rows["auto_plan"]
        print(
            f"auto-plan {TO_PLAN}   {plan['ms']:>8.1f} ms  "
            f"{plan['queries']:>3} queries "
            f"(goal <= {GOALS['auto_plan_ms']} ms; {plan['planned']} planned, "
            f"{plan['unplanned']} left)"
        )
        apply = rows["apply_plan"]
        print(
            f"apply the plan  {apply['ms']:>8.1f} ms  {apply['queries']:>3} queries "
            f"({apply['applied']} jobs, one transaction)"
        )
        write_results(
            RESULTS,
            "dispatch board, suggestion, auto-plan",
            REPEAT,
            goals=GOALS,
            results=rows,
        )
