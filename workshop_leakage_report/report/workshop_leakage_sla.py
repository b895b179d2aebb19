from odoo import fields, models
from odoo.tools import SQL


class WorkshopLeakageSla(models.Model):
    """SLA outcome per finished job with an SLA (SQL view), for the
    compliance per week and the breaches per job type of the dashboards.

    Columns: id (= job id), job_id, company_id, partner_id, user_id
    (coordinator), job_type_id, done_datetime, week (Monday of the week the
    job was done), is_response_late, is_resolution_late, is_breached,
    breach_count (1 for a breached job: sums to the breaches) and
    compliance_pct (100 for a job that met its SLA, else 0: its average is
    the compliance rate). Lateness is the jobs' stored flags; jobs count when
    they have a resolution deadline, as in the Leakage Overview.
    """

    _name = "workshop.leakage.sla"
    _inherit = "workshop.leakage.sql.report"
    _description = "Workshop SLA Compliance"
    _auto = False
    _order = "done_datetime desc, id desc"
    _rec_name = "job_id"

    job_id = fields.Many2one("workshop.job", string="Job", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Coordinator", readonly=True)
    job_type_id = fields.Many2one("workshop.job.type", readonly=True)
    done_datetime = fields.Datetime(string="Done On", readonly=True)
    week = fields.Date(readonly=True)
    is_response_late = fields.Boolean(string="Arrived Late", readonly=True)
    is_resolution_late = fields.Boolean(string="Resolved Late", readonly=True)
    is_breached = fields.Boolean(string="Breached", readonly=True)
    breach_count = fields.Integer(string="Breaches", readonly=True)
    compliance_pct = fields.Float(
        string="SLA Compliance (%)", readonly=True, aggregator="avg"
    )

    def _select(self):
        return SQL(
            """
            SELECT j.id, j.id AS job_id, j.company_id, j.partner_id, j.user_id,
                   j.job_type_id, j.done_datetime,
                   date_trunc('week', j.done_datetime)::date AS week,
                   COALESCE(j.sla_response_late, FALSE) AS is_response_late,
                   COALESCE(j.sla_resolution_late, FALSE) AS is_resolution_late,
                   b.is_breached,
                   b.is_breached::integer AS breach_count,
                   CASE WHEN b.is_breached THEN 0.0 ELSE 100.0 END
                       AS compliance_pct
            """
        )

    def _from(self):
        return SQL(
            """
              FROM workshop_job j
              CROSS JOIN LATERAL (
                SELECT COALESCE(j.sla_response_late, FALSE)
                       OR COALESCE(j.sla_resolution_late, FALSE) AS is_breached
              ) b
            """
        )

    def _where(self):
        return SQL(
            """
             WHERE j.done_datetime IS NOT NULL
               AND j.state != 'cancelled'
               AND j.resolution_deadline IS NOT NULL
            """
        )
