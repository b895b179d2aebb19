"""The dispatch reasoning in plain Python (tools/dispatch.py): no database."""

import unittest
from datetime import datetime, timedelta

from odoo.addons.workshop_job_card.tools import dispatch as planner
from odoo.addons.workshop_job_card.tools.dispatch import Booking, Need, Technician

MONDAY = datetime(2030, 1, 7)
DEPOT = (51.5074, -0.1278)  # central London
NEAR = (51.5155, -0.1410)  # about 1.3 km away
FAR = (51.7520, -1.2577)  # Oxford, about 82 km


def at(hour, day=0, minute=0):
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def week(hours=(8, 17)):
    return [(at(hours[0], day), at(hours[1], day)) for day in range(5)]


def tech(tech_id, skills=(), home=DEPOT, work=None):
    return Technician(
        id=tech_id,
        name=f"T{tech_id}",
        skill_ids=frozenset(skills),
        home=home,
        work=week() if work is None else work,
    )


def need(job_id=100, hours=2, skills=(), deadline=None, location=NEAR):
    return Need(
        id=job_id,
        duration=timedelta(hours=hours),
        skill_ids=frozenset(skills),
        deadline=deadline,
        location=location,
    )


class TestGeometry(unittest.TestCase):
    def test_great_circle_distance_london_oxford(self):
        self.assertAlmostEqual(planner.distance_km(DEPOT, FAR), 82, delta=2)
        self.assertEqual(planner.distance_km(DEPOT, None), 0.0)

    def test_travel_time_follows_distance(self):
        self.assertGreater(planner.travel_time(DEPOT, FAR), timedelta(hours=2))
        self.assertLess(planner.travel_time(DEPOT, NEAR), timedelta(minutes=5))

    def test_slots_start_on_the_quarter(self):
        self.assertEqual(planner.ceil_step(at(8, minute=1)), at(8, minute=15))
        self.assertEqual(planner.ceil_step(at(8)), at(8))


class TestConflicts(unittest.TestCase):
    def codes(self, conflicts):
        return sorted(c["code"] for c in conflicts)

    def test_clean_slot_has_no_conflict(self):
        found = planner.slot_conflicts(tech(1), need(), at(9), at(11), [])
        self.assertEqual(found, [])

    def test_overlap_with_another_job_of_the_technician(self):
        booked = [Booking(at(10), at(12), 7, NEAR)]
        found = planner.slot_conflicts(tech(1), need(), at(9), at(11), booked)
        self.assertEqual(self.codes(found), ["overlap"])
        self.assertEqual(found[0]["job_ids"], [7])

    def test_the_job_does_not_conflict_with_itself(self):
        booked = [Booking(at(9), at(11), 100, NEAR)]
        found = planner.slot_conflicts(tech(1), need(), at(10), at(12), booked)
        self.assertEqual(found, [])

    def test_outside_working_hours_and_on_a_leave(self):
        evening = planner.slot_conflicts(tech(1), need(), at(16), at(18), [])
        self.assertEqual(self.codes(evening), ["hours"])
        # a leave is a hole in the working intervals (calendar minus leaves)
        on_leave = tech(1, work=[(at(8), at(10)), (at(14), at(17))])
        found = planner.slot_conflicts(on_leave, need(), at(11), at(13), [])
        self.assertEqual(self.codes(found), ["hours"])

    def test_missing_skill_and_sla_deadline(self):
        found = planner.slot_conflicts(
            tech(1, skills={1}), need(skills={1, 2}, deadline=at(10)), at(9), at(11), []
        )
        self.assertEqual(self.codes(found), ["skill", "sla"])
        self.assertEqual(found[0]["skill_ids"], [2])

    def test_travel_between_consecutive_jobs_must_fit_the_gap(self):
        booked = [Booking(at(8), at(10), 7, FAR)]
        found = planner.slot_conflicts(
            tech(1), need(), at(10, minute=30), at(12), booked
        )
        self.assertEqual(self.codes(found), ["travel"])
        self.assertEqual(found[0]["gap_minutes"], 30)
        self.assertGreater(found[0]["needed_minutes"], 120)
        # and towards the next job
        booked = [Booking(at(13), at(15), 8, FAR)]
        found = planner.slot_conflicts(tech(1), need(), at(10), at(12), booked)
        self.assertEqual(self.codes(found), ["travel"])


class TestEarliestSlot(unittest.TestCase):
    def test_first_gap_after_the_bookings(self):
        booked = [Booking(at(8), at(12), 7, NEAR)]
        slot = planner.earliest_slot(tech(1), need(), booked, at(8), at(0, 7))
        self.assertEqual(slot.start, at(12))
        self.assertEqual(slot.origin, NEAR)

    def test_travel_from_the_previous_site_delays_the_start(self):
        booked = [Booking(at(8), at(10), 7, FAR)]
        slot = planner.earliest_slot(tech(1), need(), booked, at(8), at(0, 7))
        self.assertGreaterEqual(slot.start, at(10) + planner.travel_time(FAR, NEAR))
        self.assertEqual(slot.start.minute % 15, 0)

    def test_a_gap_too_short_is_skipped(self):
        booked = [Booking(at(8), at(9), 7, NEAR), Booking(at(10), at(17), 8, NEAR)]
        home_on_site = tech(1, home=NEAR)
        slot = planner.earliest_slot(home_on_site, need(), booked, at(8), at(0, 7))
        self.assertEqual(slot.start, at(8, day=1))

    def test_no_slot_within_the_horizon(self):
        slot = planner.earliest_slot(tech(1, work=[]), need(), [], at(8), at(0, 7))
        self.assertIsNone(slot)


class TestRanking(unittest.TestCase):
    def test_skills_are_a_hard_rule(self):
        rows = planner.rank(need(skills={5}), [tech(1), tech(2, skills={5})], {}, at(8))
        self.assertEqual(rows[0]["technician_id"], 2)
        self.assertIn("score", rows[0])
        self.assertEqual(rows[1], {"technician_id": 1, "missing_skill_ids": [5]})

    def test_nearer_technician_wins(self):
        rows = planner.rank(need(), [tech(1, home=FAR), tech(2, home=DEPOT)], {}, at(8))
        self.assertEqual([r["technician_id"] for r in rows], [2, 1])
        self.assertGreater(rows[1]["parts"]["distance"]["value"], 50)

    def test_less_loaded_technician_wins(self):
        booked = {1: [Booking(at(8), at(9), 7, NEAR)], 2: []}
        rows = planner.rank(need(), [tech(1), tech(2)], booked, at(9))
        self.assertEqual(rows[0]["technician_id"], 2)
        self.assertEqual(rows[1]["parts"]["load"]["value"], 1.0)

    def test_slot_meeting_the_sla_wins(self):
        busy = {1: [Booking(at(8), at(17), 7, NEAR)], 2: []}
        rows = planner.rank(
            need(deadline=at(17)), [tech(1, home=NEAR), tech(2, home=FAR)], busy, at(8)
        )
        self.assertEqual(rows[0]["technician_id"], 2)
        self.assertTrue(rows[0]["parts"]["sla"]["value"])
        self.assertFalse(rows[1]["parts"]["sla"]["value"])
        self.assertEqual(rows[1]["parts"]["sla"]["points"], -planner.WEIGHTS["sla"])

    def test_score_is_the_sum_of_its_parts(self):
        row = planner.rank(need(), [tech(1, home=FAR)], {}, at(8))[0]
        parts = sum(part["points"] for part in row["parts"].values())
        self.assertAlmostEqual(row["score"], planner.BASE + parts, places=1)


class TestPlan(unittest.TestCase):
    def test_never_double_books(self):
        techs = [tech(1), tech(2)]
        needs = [need(job_id=i, hours=3) for i in range(1, 13)]
        planned, unplanned = planner.plan(needs, techs, {}, at(8))
        self.assertEqual((len(planned), unplanned), (12, []))
        for tech_id in (1, 2):
            rows = sorted(
                (r["start"], r["end"]) for r in planned if r["technician_id"] == tech_id
            )
            for (_s1, e1), (s2, _e2) in zip(rows, rows[1:], strict=False):
                self.assertLessEqual(e1, s2)

    def test_respects_skills_and_reports_the_impossible(self):
        needs = [need(job_id=1, skills={9}), need(job_id=2, skills={3})]
        planned, unplanned = planner.plan(needs, [tech(1, skills={3})], {}, at(8))
        self.assertEqual([r["job_id"] for r in planned], [2])
        self.assertEqual(unplanned, [{"job_id": 1}])

    def test_tightest_sla_first(self):
        needs = [
            need(job_id=1, hours=8, deadline=at(17, day=3)),
            need(job_id=2, hours=8, deadline=at(17)),
        ]
        planned, _unplanned = planner.plan(needs, [tech(1)], {}, at(8))
        first = min(planned, key=lambda r: r["start"])
        self.assertEqual(first["job_id"], 2)

    def test_existing_bookings_are_kept(self):
        booked = {1: [Booking(at(8), at(12), 7, NEAR)]}
        planned, _unplanned = planner.plan([need()], [tech(1)], booked, at(8))
        self.assertEqual(planned[0]["start"], at(12))
        self.assertEqual(len(booked[1]), 1)
