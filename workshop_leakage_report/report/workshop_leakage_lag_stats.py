from odoo import fields, models
from odoo.tools import SQL

DIMENSIONS = [
    ("week", "Week"),
    ("customer", "Customer"),
    ("job_type", "Job Type"),
    ("coordinator", "Coordinator"),
]


class WorkshopLeakageLagStats(models.Model):
    """Median and 90th percentile of the billing lag (SQL view over
    ``workshop.leakage.billing.lag``, percentile_cont in SQL).

    Columns: id, dimension (week / customer / job_type / coordinator),
    company_id, week, partner_id, job_type_id, user_id (the value of the
    dimension; the others empty), job_count, invoiced_count,
    median_post_days, p90_post_days, median_sent_days, p90_sent_days.
    """

    _name = "workshop.leakage.lag.stats"
    _inherit = "workshop.leakage.sql.report"
    _description = "Workshop Leakage: Billing Lag Percentiles"
    _auto = False
    _order = "dimension, week desc, id"

    dimension = fields.Selection(DIMENSIONS, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    week = fields.Date(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    job_type_id = fields.Many2one("workshop.job.type", readonly=True)
    user_id = fields.Many2one("res.users", string="Coordinator", readonly=True)
    job_count = fields.Integer(string="Jobs Done", readonly=True)
    invoiced_count = fields.Integer(string="Jobs Invoiced", readonly=True)
    median_post_days = fields.Float(
        string="Median Days to Invoice", readonly=True, aggregator="avg"
    )
    p90_post_days = fields.Float(
        string="P90 Days to Invoice", readonly=True, aggregator="max"
    )
    median_sent_days = fields.Float(
        string="Median Days to Send", readonly=True, aggregator="avg"
    )
    p90_sent_days = fields.Float(
        string="P90 Days to Send", readonly=True, aggregator="max"
    )

    def _query(self):
        return SQL(
            """
            SELECT ROW_NUMBER() OVER (ORDER BY g.dimension, g.company_id, g.week,
                                      g.partner_id, g.job_type_id, g.user_id) AS id,
                   g.*
              FROM (
                SELECT CASE
                         WHEN GROUPING(week) = 0 THEN 'week'
                         WHEN GROUPING(partner_id) = 0 THEN 'customer'
                         WHEN GROUPING(job_type_id) = 0 THEN 'job_type'
                         ELSE 'coordinator' END AS dimension,
                       company_id, week, partner_id, job_type_id, user_id,
                       COUNT(*) AS job_count,
                       COUNT(invoice_id) AS invoiced_count,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY lag_post_days)
                           AS median_post_days,
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY lag_post_days)
                           AS p90_post_days,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY lag_sent_days)
                           AS median_sent_days,
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY lag_sent_days)
                           AS p90_sent_days
                  FROM workshop_leakage_billing_lag
                 GROUP BY GROUPING SETS ((company_id, week),
                                         (company_id, partner_id),
                                         (company_id, job_type_id),
                                         (company_id, user_id))
              ) g
            """
        )
