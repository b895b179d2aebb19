from odoo import models

from ..report.leak_facts import mark_jobs


class StockLocation(models.Model):
    _inherit = "stock.location"

    def write(self, vals):
        """A location entering or leaving the workshop consumption locations
        changes what every job issued: recompute the stored leakage facts."""
        if not {"workshop_is_consumption", "location_id"} & set(vals):
            return super().write(vals)
        was_consumption = self._workshop_under_consumption()
        res = super().write(vals)
        if was_consumption or self._workshop_under_consumption():
            self.env.flush_all()
            mark_jobs(self.env.cr)
        return res

    def _workshop_under_consumption(self):
        """True when one of these locations is a consumption location or below
        one."""
        return bool(
            self
            and self.search_count(
                [
                    ("id", "parent_of", self.ids),
                    ("workshop_is_consumption", "=", True),
                ],
                limit=1,
            )
        )
