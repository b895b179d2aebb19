from odoo.tests import tagged

from odoo.addons.workshop_job_card.tests.common import QueryCount

from .common import PartsCommon


@tagged("post_install", "-at_install")
class TestPartsCounterQueries(PartsCommon):
    """A scan at the parts counter costs the same SQL queries however many lines
    the job's transfer already has: the clerk's hundredth scan answers as fast
    as the first."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.parts = cls.env["product.product"].concat(
            *(
                cls._part(f"Counter part {i:02d}", 50, barcode=f"WSPC-Q{i:02d}")
                for i in range(24)
            )
        )

    def setUp(self):
        super().setUp()
        self.counter = self.env["workshop.parts.counter"].with_user(self.clerk)

    def _transfer_with_lines(self, count):
        """A job's open issue transfer with ``count`` lines already counted."""
        job = self._open_job()
        picking_id = self.counter.scan_job(job.barcode)["picking_id"]
        for part in self.parts[:count]:
            self.counter.scan(picking_id, part.barcode)
        return picking_id

    def _queries(self, func, *args):
        """SQL queries of ``func(*args)`` with a cold cache, flush included (as
        ``assertQueryCount`` counts them)."""
        self.env.invalidate_all()
        with QueryCount(self.env) as queries:
            func(*args)
        return queries.count

    def _scan_costs(self, lines):
        picking_id = self._transfer_with_lines(lines)
        new_line = self._queries(self.counter.scan, picking_id, "WSPC-Q23")
        same_line = self._queries(self.counter.scan, picking_id, "WSPC-Q23")
        move = self.env["stock.move"].search(
            [("picking_id", "=", picking_id), ("product_id", "=", self.parts[-1].id)]
        )
        quantity = self._queries(self.counter.set_quantity, picking_id, move.id, 5)
        return {"new line": new_line, "one more unit": same_line, "quantity": quantity}

    def test_scan_costs_the_same_queries_on_a_long_transfer(self):
        self._scan_costs(1)  # warm-up: caches of rules, groups, sequences
        short = self._scan_costs(2)
        long = self._scan_costs(20)
        self.assertEqual(long, short)
        # and the budget itself stays small
        self.assertLessEqual(max(short.values()), 60, short)
