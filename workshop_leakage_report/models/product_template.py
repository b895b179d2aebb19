from odoo import models
from odoo.tools import SQL

from ..report.leak_facts import FACT_TABLE, mark_jobs


class ProductTemplate(models.Model):
    _inherit = "product.template"

    def write(self, vals):
        """The stored leakage facts hold quantities in the product's unit: a
        new unit (stock refuses it once the product moved, services allow it)
        changes the facts of every job that has the product."""
        res = super().write(vals)
        if "uom_id" in vals:
            self.env.flush_all()
            mark_jobs(
                self.env.cr,
                SQL(
                    f"id IN (SELECT f.job_id FROM {FACT_TABLE} f "
                    "JOIN product_product pp ON pp.id = f.product_id "
                    "WHERE pp.product_tmpl_id = ANY(%s))",
                    self.ids,
                ),
            )
        return res
