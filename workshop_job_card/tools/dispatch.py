"""The dispatch board's reasoning in plain Python: conflicts of a slot, the
earliest free slot of a technician, the score of a suggestion and the greedy
auto-plan. No ORM here: :mod:`..models.workshop_dispatch` reads the database
once, builds these values and calls the functions below, so every rule can be
tested without a database and the hot loops touch no record.

All datetimes are naive UTC, as Odoo stores them; a location is a
``(latitude, longitude)`` pair or ``None`` when unknown.
"""

import bisect
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

EARTH_RADIUS_KM = 6371.0088
# Average road speed between sites (km/h) and the detour factor of roads over
# the great circle: no routing service is needed, the board only has to know
# whether a gap can be driven.
SPEED_KMH = 40.0
ROAD_FACTOR = 1.3
# Slots start on a quarter of an hour.
STEP = timedelta(minutes=15)
# How far ahead a suggestion or a plan looks for a free slot.
HORIZON = timedelta(days=7)
# Points of a suggestion's score: it starts at BASE and loses points per hour
# of waiting, per km of travel, per hour already booked that day, and a fixed
# penalty when the slot ends after the SLA deadline.
BASE = 100.0
WEIGHTS = {
    "wait": 1.0,  # per hour between the earliest start and the slot
    "distance": 0.5,  # per km from where the technician is before the slot
    "load": 2.0,  # per hour already booked that day
    "sla": 50.0,  # once, when the slot ends after the SLA deadline
}


@dataclass(order=True)
class Booking:
    """A job in a technician's schedule."""

    start: datetime
    end: datetime
    job_id: int = 0
    location: tuple = field(default=None, compare=False)


@dataclass
class Technician:
    """What the planner knows of a technician: skills, where he starts his day
    and his working intervals (calendar minus leaves), sorted and merged."""

    id: int
    name: str = ""
    skill_ids: frozenset = frozenset()
    home: tuple = None
    work: list = field(default_factory=list)


@dataclass
class Need:
    """A job to place: how long, which skills, until when, where."""

    id: int
    duration: timedelta
    skill_ids: frozenset = frozenset()
    deadline: datetime = None
    location: tuple = None
    name: str = ""


# ----------------------------------------------------------------------
# Geometry and time
# ----------------------------------------------------------------------
def distance_km(a, b):
    """Great-circle distance between two (lat, lon) points; 0 when one is unknown."""
    if not a or not b:
        return 0.0
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def travel_time(a, b):
    """Driving time between two points, from the distance by road estimate."""
    km = distance_km(a, b) * ROAD_FACTOR
    return timedelta(hours=km / SPEED_KMH)


def ceil_step(moment):
    """``moment`` rounded up to the next STEP boundary."""
    base = moment.replace(minute=0, second=0, microsecond=0)
    steps = math.ceil((moment - base) / STEP)
    return base + steps * STEP


def merge_intervals(intervals):
    """Sorted intervals with touching or overlapping ones joined."""
    merged = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def within(work, start, end):
    """Is [start, end] inside one working interval?"""
    index = bisect.bisect_right(work, (start, datetime.max)) - 1
    return index >= 0 and work[index][0] <= start and end <= work[index][1]


# ----------------------------------------------------------------------
# Conflicts
# ----------------------------------------------------------------------
def slot_conflicts(tech, need, start, end, bookings):
    """The conflicts of placing ``need`` on ``tech`` from ``start`` to ``end``
    among his ``bookings`` (sorted; the job's own booking is ignored), as dicts
    with a ``code``: skill, overlap, hours, sla, travel."""
    conflicts = []
    missing = need.skill_ids - tech.skill_ids
    if missing:
        conflicts.append({"code": "skill", "skill_ids": sorted(missing)})
    others = [b for b in bookings if b.job_id != need.id]
    overlaps = [b.job_id for b in others if b.start < end and start < b.end]
    if overlaps:
        conflicts.append({"code": "overlap", "job_ids": overlaps})
    if not within(tech.work, start, end):
        conflicts.append({"code": "hours"})
    if need.deadline and end > need.deadline:
        conflicts.append({"code": "sla", "deadline": need.deadline})
    before = [b for b in others if b.end <= start]
    after = [b for b in others if b.start >= end]
    if before:
        prev = before[-1]
        needed = travel_time(prev.location, need.location)
        if prev.end + needed > start:
            conflicts.append(_travel(prev.job_id, needed, start - prev.end))
    if after:
        nxt = after[0]
        needed = travel_time(need.location, nxt.location)
        if end + needed > nxt.start:
            conflicts.append(_travel(nxt.job_id, needed, nxt.start - end))
    return conflicts


def _travel(job_id, needed, gap):
    return {
        "code": "travel",
        "job_id": job_id,
        "needed_minutes": round(needed.total_seconds() / 60),
        "gap_minutes": round(gap.total_seconds() / 60),
    }


# ----------------------------------------------------------------------
# Free slots and scores
# ----------------------------------------------------------------------
@dataclass
class Slot:
    start: datetime
    end: datetime
    origin: tuple  # where the technician comes from


def _location_before(tech, bookings, moment):
    """Where ``tech`` is at ``moment``: the site of his last job that day
    before it, else his home base."""
    index = bisect.bisect_right(bookings, Booking(moment, moment, 0)) - 1
    while index >= 0:
        booking = bookings[index]
        if booking.end <= moment and booking.location:
            if booking.end.date() == moment.date():
                return booking.location
            break
        index -= 1
    return tech.home


def earliest_slot(tech, need, bookings, earliest, until):
    """The first slot of ``need.duration`` for ``tech`` starting at or after
    ``earliest`` and before ``until``: inside one working interval, overlapping
    no booking, with the travel from where he is and to his next job fitting
    the gaps. ``None`` when there is none."""
    for work_start, work_end in tech.work:
        if work_end <= earliest:
            continue
        if work_start >= until:
            return None
        cursor = max(work_start, earliest)
        origin = _location_before(tech, bookings, cursor)
        index = bisect.bisect_left(bookings, Booking(cursor, cursor, 0))
        # a booking that started before the cursor may still run
        if index > 0 and bookings[index - 1].end > cursor:
            index -= 1
        while True:
            nxt = bookings[index] if index < len(bookings) else None
            if nxt is not None and nxt.start >= work_end:
                nxt = None
            gap_end = nxt.start if nxt else work_end
            slot = _fit(need, origin, cursor, gap_end, nxt)
            if slot:
                return slot
            if nxt is None:
                break
            if nxt.end > cursor:
                cursor = nxt.end
                origin = nxt.location or origin
            index += 1
            if cursor >= work_end:
                break
    return None


def _fit(need, origin, gap_start, gap_end, nxt):
    start = ceil_step(gap_start + travel_time(origin, need.location))
    end = start + need.duration
    after = travel_time(need.location, nxt.location) if nxt else timedelta()
    if end + after <= gap_end:
        return Slot(start, end, origin)
    return None


def day_load_hours(bookings, day):
    """Hours booked on ``day`` (a date)."""
    seconds = sum(
        (b.end - b.start).total_seconds() for b in bookings if b.start.date() == day
    )
    return seconds / 3600.0


def score_parts(need, slot, earliest, load_hours):
    """The score of a slot and its parts (points lost per criterion)."""
    wait_hours = max(0.0, (slot.start - earliest).total_seconds() / 3600.0)
    km = distance_km(slot.origin, need.location)
    meets_sla = not need.deadline or slot.end <= need.deadline
    raw = {
        "wait": (round(wait_hours, 2), -WEIGHTS["wait"] * wait_hours),
        "distance": (round(km, 1), -WEIGHTS["distance"] * km),
        "load": (round(load_hours, 2), -WEIGHTS["load"] * load_hours),
        "sla": (meets_sla, 0.0 if meets_sla else -WEIGHTS["sla"]),
    }
    parts = {
        key: {"value": value, "points": round(points, 1)}
        for key, (value, points) in raw.items()
    }
    total = round(BASE + sum(part["points"] for part in parts.values()), 1)
    return total, parts


def rank(need, techs, bookings_by_tech, earliest, until=None):
    """Every technician for ``need``, best first: those with all the required
    skills and a free slot, by score; then the others with the reason."""
    until = until or earliest + HORIZON
    eligible, others = [], []
    for tech in techs:
        missing = need.skill_ids - tech.skill_ids
        if missing:
            others.append(
                {"technician_id": tech.id, "missing_skill_ids": sorted(missing)}
            )
            continue
        bookings = bookings_by_tech.get(tech.id, [])
        slot = earliest_slot(tech, need, bookings, earliest, until)
        if slot is None:
            others.append({"technician_id": tech.id, "no_slot": True})
            continue
        load = day_load_hours(bookings, slot.start.date())
        total, parts = score_parts(need, slot, earliest, load)
        eligible.append(
            {
                "technician_id": tech.id,
                "start": slot.start,
                "end": slot.end,
                "score": total,
                "parts": parts,
            }
        )
    eligible.sort(key=lambda row: (-row["score"], row["start"], row["technician_id"]))
    return eligible + others


def plan(needs, techs, bookings_by_tech, earliest, until=None):
    """A greedy plan: the SLA-tightest job first gets its best technician, whose
    schedule then holds it for the next ones. Returns (planned, unplanned);
    ``bookings_by_tech`` is not changed."""
    schedules = {tech.id: list(bookings_by_tech.get(tech.id, [])) for tech in techs}
    order = sorted(
        needs, key=lambda n: (n.deadline is None, n.deadline or datetime.max, n.id)
    )
    planned, unplanned = [], []
    for need in order:
        best = rank(need, techs, schedules, earliest, until)[:1]
        if not best or "score" not in best[0]:
            unplanned.append({"job_id": need.id})
            continue
        row = dict(best[0], job_id=need.id)
        bisect.insort(
            schedules[row["technician_id"]],
            Booking(row["start"], row["end"], need.id, need.location),
        )
        planned.append(row)
    return planned, unplanned
