from datetime import date, timedelta

from odoo.tests import TransactionCase

from ..models.periods import iter_periods, period_anchor, period_bounds


class TestPeriods(TransactionCase):
    """The period arithmetic alone (no database)."""

    def test_monthly_from_jan_31_has_no_drift_gap_or_overlap(self):
        anchor = date(2026, 1, 31)
        periods = list(iter_periods(anchor, 1, anchor, until=date(2027, 12, 31)))
        self.assertEqual(len(periods), 24)
        starts = [p.start for p in periods[:4]]
        self.assertEqual(
            starts,
            [
                date(2026, 1, 31),
                date(2026, 2, 28),
                date(2026, 3, 31),
                date(2026, 4, 30),
            ],
        )
        for previous, current in zip(periods, periods[1:], strict=False):
            self.assertEqual(previous.end + timedelta(days=1), current.start)  # no gap
        # no drift: every start is back on the 31st whenever the month has one
        self.assertTrue(
            all(
                p.start.day == 31
                for p in periods
                if p.start.month in (1, 3, 5, 7, 8, 10, 12)
            )
        )
        self.assertEqual(periods[-1].start, date(2027, 12, 31))

    def test_calendar_anchor_per_interval(self):
        day = date(2026, 8, 17)
        self.assertEqual(period_anchor(day, 1, "calendar"), date(2026, 8, 1))
        self.assertEqual(period_anchor(day, 3, "calendar"), date(2026, 7, 1))
        self.assertEqual(period_anchor(day, 6, "calendar"), date(2026, 7, 1))
        self.assertEqual(period_anchor(day, 12, "calendar"), date(2026, 1, 1))
        self.assertEqual(period_anchor(day, 3, "contract"), day)

    def test_period_days_in_leap_and_common_years(self):
        self.assertEqual(
            period_bounds(date(2028, 2, 1), 1, 0), (date(2028, 2, 1), date(2028, 2, 29))
        )
        periods = list(
            iter_periods(date(2028, 1, 1), 12, date(2028, 1, 1), until=date(2029, 1, 1))
        )
        self.assertEqual([p.days for p in periods], [366, 365])

    def test_start_and_end_mid_period_are_partial(self):
        periods = list(
            iter_periods(date(2026, 2, 1), 1, date(2026, 2, 24), date(2026, 4, 10))
        )
        self.assertEqual(
            [(p.billed_days, p.days) for p in periods], [(5, 28), (31, 31), (10, 30)]
        )
