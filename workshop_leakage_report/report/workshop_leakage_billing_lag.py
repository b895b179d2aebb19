from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.workshop_job_card.models.workshop_job.workshop_job import JOB_STATES


class WorkshopLeakageBillingLag(models.Model):
    """Billing lag per finished job (SQL view).

    Columns: id (= job id), job_id, company_id, partner_id, user_id
    (coordinator), job_type_id, job_state, done_datetime, week (Monday of the
    week the job was done), invoice_id (first posted customer invoice),
    posted_datetime (the job became invoiced, else the invoice date),
    sent_datetime (first email of the invoice to the customer), is_sent
    (Odoo's "sent" flag), lag_post_days, lag_sent_days (days, fractional),
    is_invoiced.

    The send signal: the first message on the invoice that was emailed to a
    partner (mail notification of type email); ``is_move_sent`` alone, when
    an invoice was printed or sent without a message, flags it as sent
    without a date.
    """

    _name = "workshop.leakage.billing.lag"
    _inherit = "workshop.leakage.sql.report"
    _description = "Workshop Leakage: Billing Lag"
    _auto = False
    _order = "done_datetime desc"
    _rec_name = "job_id"

    job_id = fields.Many2one("workshop.job", string="Job", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Coordinator", readonly=True)
    job_type_id = fields.Many2one("workshop.job.type", readonly=True)
    job_state = fields.Selection(JOB_STATES, readonly=True)
    done_datetime = fields.Datetime(string="Done On", readonly=True)
    week = fields.Date(readonly=True)
    invoice_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    posted_datetime = fields.Datetime(string="Invoiced On", readonly=True)
    sent_datetime = fields.Datetime(string="Sent On", readonly=True)
    is_sent = fields.Boolean(string="Sent", readonly=True)
    is_invoiced = fields.Boolean(readonly=True)
    lag_post_days = fields.Float(
        string="Days to Invoice", readonly=True, aggregator="avg"
    )
    lag_sent_days = fields.Float(string="Days to Send", readonly=True, aggregator="avg")

    def _query(self):
        return SQL(
            """
            SELECT j.id, j.id AS job_id, j.company_id, j.partner_id, j.user_id,
                   j.job_type_id, j.state AS job_state, j.done_datetime,
                   date_trunc('week', j.done_datetime)::date AS week,
                   inv.id AS invoice_id,
                   COALESCE(posted.date, inv.invoice_date::timestamp)
                       AS posted_datetime,
                   sent.date AS sent_datetime,
                   COALESCE(inv.is_move_sent, FALSE) AS is_sent,
                   inv.id IS NOT NULL AS is_invoiced,
                   EXTRACT(EPOCH FROM COALESCE(posted.date,
                       inv.invoice_date::timestamp) - j.done_datetime) / 86400.0
                       AS lag_post_days,
                   EXTRACT(EPOCH FROM sent.date - j.done_datetime) / 86400.0
                       AS lag_sent_days
              FROM workshop_job j
              LEFT JOIN LATERAL (
                SELECT am.id, am.invoice_date, am.is_move_sent
                  FROM workshop_job_line jl
                  JOIN account_move_line aml ON aml.workshop_job_line_id = jl.id
                  JOIN account_move am ON am.id = aml.move_id
                 WHERE jl.job_id = j.id AND am.state = 'posted'
                   AND am.move_type = 'out_invoice'
                 ORDER BY am.invoice_date, am.id
                 LIMIT 1
              ) inv ON TRUE
              LEFT JOIN LATERAL (
                SELECT MIN(sl.date) AS date
                  FROM workshop_job_stage_log sl
                 WHERE sl.job_id = j.id AND sl.to_state = 'invoiced'
              ) posted ON TRUE
              LEFT JOIN LATERAL (
                SELECT MIN(mm.date) AS date
                  FROM mail_message mm
                 WHERE mm.model = 'account.move' AND mm.res_id = inv.id
                   AND EXISTS (
                     SELECT 1 FROM mail_notification mn
                      WHERE mn.mail_message_id = mm.id
                        AND mn.notification_type = 'email')
              ) sent ON TRUE
             WHERE j.done_datetime IS NOT NULL
               AND j.state != 'cancelled'
            """
        )
