"""Billing periods, in plain Python (no ORM): anchoring and proration.

A period ``k`` of a contract runs from ``anchor + k × interval`` to the day before
``anchor + (k + 1) × interval``. Every boundary is computed from the anchor, never
from the previous (clamped) boundary, so a contract starting on Jan 31 has periods
starting Jan 31, Feb 28, Mar 31, Apr 30… without drift, gaps or overlaps.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

INTERVAL_MONTHS = {
    "monthly": 1,
    "quarterly": 3,
    "half_yearly": 6,
    "yearly": 12,
}

ONE_DAY = timedelta(days=1)


def period_anchor(date_start, months, alignment):
    """The first nominal period start of a contract starting ``date_start``.

    ``alignment`` is ``"contract"`` (periods start on the contract's start day) or
    ``"calendar"`` (calendar months, quarters, half-years, years: the first period
    is partial when the contract starts mid-period).
    """
    if alignment == "contract":
        return date_start
    first_month = (date_start.month - 1) // months * months + 1
    return date_start.replace(month=first_month, day=1)


def period_bounds(anchor, months, index):
    """(first day, last day) of period ``index`` from ``anchor``."""
    start = anchor + relativedelta(months=months * index)
    end = anchor + relativedelta(months=months * (index + 1)) - ONE_DAY
    return start, end


def period_index(anchor, months, day):
    """Index of the period that contains ``day``."""
    index = ((day.year - anchor.year) * 12 + day.month - anchor.month) // months
    while period_bounds(anchor, months, index)[0] > day:
        index -= 1
    while period_bounds(anchor, months, index)[1] < day:
        index += 1
    return index


class Period:
    """One billing period of a contract: the nominal period and the part of it
    that the contract covers (``billed_from`` … ``billed_to``)."""

    __slots__ = ("index", "start", "end", "billed_from", "billed_to")

    def __init__(self, index, start, end, billed_from, billed_to):
        self.index = index
        self.start = start
        self.end = end
        self.billed_from = billed_from
        self.billed_to = billed_to

    def __repr__(self):
        return (
            f"Period({self.start}..{self.end}, "
            f"billed {self.billed_from}..{self.billed_to})"
        )

    @property
    def days(self):
        return (self.end - self.start).days + 1

    @property
    def billed_days(self):
        return (self.billed_to - self.billed_from).days + 1

    @property
    def is_partial(self):
        return self.billed_days != self.days

    def due_date(self, mode):
        """The day the period may be invoiced: its first covered day when billed
        in advance, the day after its last covered day when billed in arrears."""
        return self.billed_from if mode == "advance" else self.billed_to + ONE_DAY

    def overlap_days(self, date_from, date_to):
        """Days of the covered part of the period within [date_from, date_to]
        (either may be None: open)."""
        first = max(self.billed_from, date_from) if date_from else self.billed_from
        last = min(self.billed_to, date_to) if date_to else self.billed_to
        return max((last - first).days + 1, 0)


def iter_periods(anchor, months, date_start, date_end=None, until=None):
    """Yield the periods covering [date_start, date_end], in order, up to the
    period containing ``until`` (inclusive) when given. ``date_end`` None means
    open-ended (with no ``until`` either, the generator never ends)."""
    bounds = [d for d in (date_end, until) if d]
    last_day = min(bounds) if bounds else None
    if last_day and last_day < date_start:
        return
    index = period_index(anchor, months, date_start)
    last_index = period_index(anchor, months, last_day) if last_day else None
    while last_index is None or index <= last_index:
        start, end = period_bounds(anchor, months, index)
        billed_from = max(start, date_start)
        billed_to = min(end, date_end) if date_end else end
        if billed_from <= billed_to:
            yield Period(index, start, end, billed_from, billed_to)
        index += 1


class TopUpPeriod(Period):
    """The rest of a period already billed in part (``billed_from`` is the day
    after what was billed)."""

    __slots__ = ()
