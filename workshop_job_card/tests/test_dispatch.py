from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import users

from .common import QueryCount
from .common_dispatch import DispatchCommon, at, dt

# The board's SQL queries for one calendar, whatever its number of jobs.
BOARD_QUERIES = 16


class TestDispatchBoard(DispatchCommon):
    def _board(self, day=0, days=1, **filters):
        return self._as_coordinator().get_board(
            dt(at(0, day)), dt(at(0, day + days)), **filters
        )

    def test_board_rows_blocks_and_panel(self):
        booked = self._plan_job(at(9), technicians=self.technician)
        waiting = self._plan_job()
        board = self._board()
        self.assertEqual(
            [t["name"] for t in board["technicians"]],
            ["Tina Technician", "Tom Technician"],
        )
        tina = board["technicians"][0]
        self.assertEqual(tina["work"], [[dt(at(8)), dt(at(17))]])
        self.assertEqual([j["id"] for j in board["jobs"]], booked.ids)
        self.assertEqual(board["jobs"][0]["start"], dt(at(9)))
        self.assertEqual(board["jobs"][0]["sla_status"], booked.sla_status)
        self.assertIn(waiting.id, [j["id"] for j in board["unscheduled"]])
        self.assertNotIn(booked.id, [j["id"] for j in board["unscheduled"]])

    def test_filter_by_team_and_skill(self):
        board = self._board(team_id=self.team.id)
        self.assertEqual([t["id"] for t in board["technicians"]], self.technician.ids)
        board = self._board(skill_id=self.skill_hydraulics.id)
        self.assertEqual([t["id"] for t in board["technicians"]], self.technician.ids)

    def test_panel_is_sorted_by_sla_deadline(self):
        late = self._plan_job(reported_datetime=dt(at(7, day=1)))
        early = self._plan_job(reported_datetime=dt(at(7)))
        ids = [j["id"] for j in self._board()["unscheduled"]]
        self.assertLess(ids.index(early.id), ids.index(late.id))

    def test_board_shows_the_conflicts_of_its_jobs(self):
        first = self._plan_job(at(9), technicians=self.technician)
        self._plan_job(at(10), technicians=self.technician)
        card = next(j for j in self._board()["jobs"] if j["id"] == first.id)
        self.assertEqual([c["code"] for c in card["conflicts"]], ["overlap"])

    def test_board_load_runs_a_fixed_number_of_queries(self):
        def count(jobs):
            for hour in range(jobs):
                self._plan_job(
                    at(8 + hour % 8, day=hour % 5), hours=1, technicians=self.technician
                )
            self.env.flush_all()
            self.env.invalidate_all()
            dispatch = self._as_coordinator()
            dispatch.get_board(dt(at(0)), dt(at(0, 7)))  # warm the caches
            self.env.invalidate_all()
            with QueryCount(self.env) as queries:
                dispatch.get_board(dt(at(0)), dt(at(0, 7)))
            return queries.count

        few = count(5)
        many = count(40)
        self.assertEqual(few, many, "the board's queries grow with its jobs")
        # and that number is known: the user's company (1); the technicians (1);
        # the calendars, attendances, resources and leaves read once (5), then
        # two searches per calendar, one here (2); the board's jobs (1), the side
        # panel (1), skills (1), teams (1); the user's language and time zone for
        # the dates of the SLA messages (3)
        dispatch = self._as_coordinator()
        self.env.invalidate_all()
        with self.assertQueryCount(BOARD_QUERIES):
            board = dispatch.get_board(dt(at(0)), dt(at(0, 7)))
        self.assertEqual(len(board["jobs"]), 45)


class TestDispatchConflicts(DispatchCommon):
    def _check(self, job, user, start, end):
        found = self._as_coordinator().check_slot(job.id, user.id, dt(start), dt(end))
        return sorted(c["code"] for c in found)

    def test_overlap_and_free_slot(self):
        self._plan_job(at(9), technicians=self.technician)
        job = self._plan_job()
        self.assertEqual(self._check(job, self.technician, at(10), at(12)), ["overlap"])
        self.assertEqual(self._check(job, self.technician, at(11), at(13)), [])

    def test_calendar_and_leaves(self):
        job = self._plan_job()
        self.assertEqual(self._check(job, self.technician, at(16), at(18)), ["hours"])
        saturday = self._check(job, self.technician, at(9, day=5), at(10, day=5))
        self.assertIn("hours", saturday)
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Dentist",
                "resource_id": self.technician.resource_ids.id,
                "calendar_id": self.calendar.id,
                "date_from": dt(at(12)),
                "date_to": dt(at(14)),
                "time_type": "leave",
            }
        )
        self.assertEqual(self._check(job, self.technician, at(13), at(15)), ["hours"])
        self.assertEqual(self._check(job, self.technician, at(14), at(16)), [])

    def test_company_holiday_counts_for_everyone(self):
        job = self._plan_job()
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Bank holiday",
                "calendar_id": self.calendar.id,
                "company_id": self.company.id,
                "date_from": dt(at(0, 2)),
                "date_to": dt(at(23, 2)),
            }
        )
        found = self._check(job, self.technician, at(9, day=2), at(10, day=2))
        self.assertEqual(found, ["hours"])

    def test_missing_skill_sla_and_travel_gap(self):
        job = self._plan_job()  # needs hydraulics; deadline Thursday 07:00
        self.assertEqual(self._check(job, self.technician2, at(9), at(10)), ["skill"])
        late = self._check(job, self.technician, at(9, day=3), at(10, day=3))
        self.assertEqual(late, ["sla"])
        self._plan_job(at(8), technicians=self.technician, site=self.site_far)
        travel = self._check(job, self.technician, at(10, minute=15), at(12))
        self.assertEqual(travel, ["travel"])


class TestDispatchMoves(DispatchCommon):
    def test_drop_assigns_schedules_and_logs(self):
        job = self._plan_job()
        card = self._as_coordinator().move_job(
            job.id, self.technician.id, dt(at(9)), dt(at(11))
        )
        self.assertEqual(card["conflicts"], [])
        self.assertEqual(job.state, "scheduled")
        self.assertEqual(job.technician_ids, self.technician)
        self.assertEqual(
            (job.scheduled_datetime, job.scheduled_end_datetime), (at(9), at(11))
        )
        log = job.stage_log_ids.filtered(lambda r: r.to_state == "scheduled")
        self.assertEqual(log.user_id, self.coordinator)

    def test_move_between_technicians_and_dispatch(self):
        job = self._plan_job(at(9), technicians=self.technician)
        job.action_schedule()
        self._as_coordinator().move_job(
            job.id,
            self.technician2.id,
            dt(at(10)),
            dt(at(12)),
            from_technician_id=self.technician.id,
            dispatch=True,
        )
        self.assertEqual(job.technician_ids, self.technician2)
        self.assertEqual(job.state, "dispatched")

    def test_resize_changes_the_duration_only(self):
        job = self._plan_job(at(9), technicians=self.technician)
        self._as_coordinator().move_job(
            job.id, self.technician.id, dt(at(9)), dt(at(13))
        )
        self.assertEqual(job.scheduled_end_datetime, at(13))
        self.assertEqual(job.technician_ids, self.technician)

    def test_refusals(self):
        job = self._plan_job()
        dispatch = self._as_coordinator()
        with self.assertRaises(UserError):
            dispatch.move_job(job.id, self.technician.id, dt(at(11)), dt(at(9)))
        with self.assertRaises(UserError):
            dispatch.move_job(job.id, self.coordinator.id, dt(at(9)), dt(at(11)))
        with self.assertRaises(UserError):
            dispatch.move_job(job.id, self.technician.id, "not a date", dt(at(11)))
        started = self._plan_job(at(9), technicians=self.technician)
        started.action_schedule()
        started.action_dispatch()
        started.action_arrive()
        with self.assertRaises(UserError):
            dispatch.move_job(started.id, self.technician.id, dt(at(13)), dt(at(14)))
        self.assertEqual(job.state, "draft")

    def test_suggest_ranks_with_parts_and_excludes_missing_skills(self):
        job = self._plan_job()
        self.technician2.workshop_skill_ids |= self.skill_hydraulics
        rows = self._as_coordinator().suggest(job.id, earliest=dt(at(8)))
        self.assertEqual(
            [r["technician_id"] for r in rows],
            [self.technician.id, self.technician2.id],
        )
        best = rows[0]
        # the drive from the depot to the site, rounded to the quarter
        self.assertEqual(best["start"], dt(at(8, minute=15)))
        self.assertEqual(set(best["parts"]), {"wait", "distance", "load", "sla"})
        self.assertGreater(rows[1]["parts"]["distance"]["value"], 50)
        self.technician2.workshop_skill_ids -= self.skill_hydraulics
        rows = self._as_coordinator().suggest(job.id, earliest=dt(at(8)))
        self.assertIn("Hydraulics", rows[1]["reason"])


class TestDispatchAutoPlan(DispatchCommon):
    def _jobs(self, count, **vals):
        return self.env["workshop.job"].union(
            *(self._plan_job(**vals) for _i in range(count))
        )

    def test_preview_writes_nothing_and_apply_plans_everything(self):
        jobs = self._jobs(6, required_skill_ids=[Command.set([])])
        self._plan_job(at(8), hours=4, technicians=self.technician)
        dispatch = self._as_coordinator()
        preview = dispatch.auto_plan(jobs.ids, earliest=dt(at(8)))
        self.assertEqual(len(preview["planned"]), 6)
        self.assertTrue(all(job.state == "draft" for job in jobs))
        self.assertEqual(dispatch.apply_plan(preview["planned"]), 6)
        self.assertEqual(set(jobs.mapped("state")), {"scheduled"})
        for user in self.technician | self.technician2:
            mine = self.env["workshop.job"].search(
                [("technician_ids", "in", user.id)], order="scheduled_datetime"
            )
            for first, second in zip(mine, mine[1:], strict=False):
                self.assertLessEqual(
                    first.scheduled_end_datetime, second.scheduled_datetime
                )

    def test_plan_respects_skills(self):
        jobs = self._jobs(3)  # hydraulics: only Tina has it
        preview = self._as_coordinator().auto_plan(jobs.ids, earliest=dt(at(8)))
        self.assertEqual(
            {row["technician_id"] for row in preview["planned"]},
            set(self.technician.ids),
        )

    def test_apply_is_one_transaction(self):
        jobs = self._jobs(2)
        dispatch = self._as_coordinator()
        plan = dispatch.auto_plan(jobs.ids, earliest=dt(at(8)))["planned"]
        # meanwhile someone books the second slot
        second = plan[1]
        self._plan_job(
            at(0),
            technicians=self.technician,
            scheduled_datetime=second["start"],
            scheduled_end_datetime=second["end"],
        )
        with self.assertRaisesRegex(UserError, "Overlaps"):
            dispatch.apply_plan(plan)
        self.assertEqual(set(jobs.mapped("state")), {"draft"})
        self.assertFalse(jobs.technician_ids)

    def test_plan_refuses_a_technician_without_the_skill(self):
        job = self._plan_job()
        entry = {
            "job_id": job.id,
            "technician_id": self.technician2.id,
            "start": dt(at(9)),
            "end": dt(at(10)),
        }
        with self.assertRaisesRegex(UserError, "Missing skill"):
            self._as_coordinator().apply_plan([entry])
        self.assertEqual(job.state, "draft")


class TestDispatchAccess(DispatchCommon):
    @users("ws_tech", "ws_portal", "ws_acc")
    def test_only_coordinators_open_the_board(self):
        job = self._plan_job().sudo()
        dispatch = self.env["workshop.dispatch"]
        calls = [
            ("get_board", dt(at(0)), dt(at(0, 1))),
            ("check_slot", job.id, self.technician.id, dt(at(9)), dt(at(10))),
            ("move_job", job.id, self.technician.id, dt(at(9)), dt(at(10))),
            ("suggest", job.id),
            ("auto_plan", job.ids),
            ("apply_plan", []),
        ]
        for method, *args in calls:
            with self.assertRaises(AccessError, msg=method):
                getattr(dispatch, method)(*args)

    def test_manager_uses_the_board(self):
        board = self.Dispatch.with_user(self.manager).get_board(dt(at(0)), dt(at(0, 1)))
        self.assertEqual(len(board["technicians"]), 2)


class TestDispatchMultiCompany(DispatchCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls._company("Workshop B")
        cls.tech_b = cls._user("ws_tech_b", "technician", companies=cls.company_b)
        cls.coord_b = cls._user("ws_coord_b", "coordinator", companies=cls.company_b)
        cls._make_technician(cls.tech_b, cls.skill_hydraulics)
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "B Customer", "company_id": cls.company_b.id}
        )
        cls.job_b = cls.env["workshop.job"].create(
            {
                "partner_id": cls.customer_b.id,
                "company_id": cls.company_b.id,
                "user_id": cls.coord_b.id,
            }
        )

    def test_coordinator_sees_only_his_company(self):
        board = self._as_coordinator().get_board(dt(at(0)), dt(at(0, 1)))
        self.assertNotIn(self.tech_b.id, [t["id"] for t in board["technicians"]])
        self.assertNotIn(self.job_b.id, [j["id"] for j in board["unscheduled"]])
        board_b = self.Dispatch.with_user(self.coord_b).get_board(
            dt(at(0)), dt(at(0, 1))
        )
        self.assertEqual([t["id"] for t in board_b["technicians"]], self.tech_b.ids)
        self.assertEqual([j["id"] for j in board_b["unscheduled"]], self.job_b.ids)

    def test_no_move_across_companies(self):
        with self.assertRaises(AccessError):
            self._as_coordinator().move_job(
                self.job_b.id, self.technician.id, dt(at(9)), dt(at(10))
            )
        job = self._plan_job()
        with self.assertRaises(UserError):
            self._as_coordinator().move_job(
                job.id, self.tech_b.id, dt(at(9)), dt(at(10))
            )
        self.assertFalse(job.technician_ids)
