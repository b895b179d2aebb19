from odoo import models

from ..report.leak_facts import mark_jobs


class UomUom(models.Model):
    _inherit = "uom.uom"

    def write(self, vals):
        """The stored leakage facts hold quantities converted to the products'
        units: a new ratio (allowed by stock once no open move uses the unit)
        changes them. Rare, so every job is recomputed at the next read."""
        res = super().write(vals)
        if {"factor", "factor_inv", "category_id"} & set(vals):
            self.env.flush_all()
            mark_jobs(self.env.cr)
        return res
