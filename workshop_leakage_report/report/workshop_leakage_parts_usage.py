from odoo import fields, models
from odoo.tools import SQL

from .leak_sql import (
    VALUE_GROUPS,
    consumption_locations,
    product_cost,
    to_product_uom,
)


class WorkshopLeakagePartsUsage(models.Model):
    """Parts usage per done parts move (SQL view), for the month-end report by
    technician, location (warehouse / van), customer and product.

    Columns: id (= stock move id), date, company_id, job_id, partner_id
    (customer), product_id, product_categ_id, technician_id (the van's
    technician, else who requested the part, else the job's first
    technician), location_id (the stock side: shelf or van), warehouse_id,
    is_van, move_kind (issue / return), quantity (product unit, returns
    negative), value_cost, value_sale, currency_id (company).
    """

    _name = "workshop.leakage.parts.usage"
    _inherit = "workshop.leakage.sql.report"
    _description = "Workshop Parts Usage"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "product_id"

    date = fields.Datetime(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    job_id = fields.Many2one("workshop.job", string="Job", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_categ_id = fields.Many2one(
        "product.category", string="Product Category", readonly=True
    )
    technician_id = fields.Many2one("res.users", string="Technician", readonly=True)
    location_id = fields.Many2one("stock.location", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    is_van = fields.Boolean(string="From a Van", readonly=True)
    move_kind = fields.Selection(
        [("issue", "Issue"), ("return", "Return")], readonly=True
    )
    quantity = fields.Float(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    value_cost = fields.Monetary(string="Cost", readonly=True, groups=VALUE_GROUPS)
    value_sale = fields.Monetary(
        string="Sale Value", readonly=True, groups=VALUE_GROUPS
    )

    def _query(self):
        return SQL(
            """
            SELECT sm.id, sm.date, sm.company_id, sm.workshop_job_id AS job_id,
                   j.partner_id, sm.product_id, pt.categ_id AS product_categ_id,
                   COALESCE(loc.workshop_van_user_id, req.requested_by_id,
                            (SELECT MIN(tr.user_id)
                               FROM workshop_job_technician_rel tr
                              WHERE tr.job_id = j.id)) AS technician_id,
                   loc.id AS location_id, loc.warehouse_id,
                   loc.workshop_van_user_id IS NOT NULL AS is_van,
                   d.move_kind,
                   %(qty)s AS quantity,
                   c.currency_id,
                   %(qty)s * %(cost)s AS value_cost,
                   %(qty)s * pt.list_price AS value_sale
              FROM stock_move sm
              CROSS JOIN LATERAL (
                SELECT CASE WHEN sm.location_dest_id IN (%(cons)s)
                            THEN 'issue' ELSE 'return' END AS move_kind,
                       CASE WHEN sm.location_dest_id IN (%(cons)s)
                            THEN 1 ELSE -1 END AS sign
              ) d
              JOIN stock_location loc ON loc.id = CASE WHEN d.sign = 1
                   THEN sm.location_id ELSE sm.location_dest_id END
              JOIN res_company c ON c.id = sm.company_id
              JOIN workshop_job j ON j.id = sm.workshop_job_id
              LEFT JOIN workshop_part_request req ON req.id = sm.workshop_request_id
              JOIN uom_uom mu ON mu.id = sm.product_uom
              JOIN product_product pp ON pp.id = sm.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom pu ON pu.id = pt.uom_id
             WHERE sm.state = 'done'
               AND (sm.location_dest_id IN (%(cons)s)
                    OR sm.location_id IN (%(cons)s))
            """,
            cons=consumption_locations(),
            qty=to_product_uom("d.sign * sm.quantity", "mu.factor"),
            cost=product_cost("pp", "sm.company_id"),
        )
