from odoo import fields, models
from odoo.tools import SQL

from .leak_rules import leak_kind_selection
from .leak_sql import VALUE_GROUPS


class WorkshopLeakageTechnician(models.Model):
    """The leaks per technician of their jobs (SQL view over the exceptions):
    one row per leak and technician of the leaking job, so a job worked by
    two technicians counts for both; leaks without a job or technician have
    none.

    Columns: id, leak_kind, job_id, technician_id, company_id, partner_id,
    user_id (coordinator / account manager, as on the exception), date,
    currency_id (company), value_risk (company currency).
    """

    _name = "workshop.leakage.technician"
    _inherit = "workshop.leakage.sql.report"
    _description = "Workshop Leakage by Technician"
    _auto = False
    # reads the exceptions, so the stored facts: see leak_facts.prepare_read
    _reads_leakage_facts = True
    _order = "date desc, id desc"
    _rec_name = "leak_kind"

    leak_kind = fields.Selection(
        leak_kind_selection, string="Where It Broke", readonly=True
    )
    job_id = fields.Many2one("workshop.job", string="Job", readonly=True)
    technician_id = fields.Many2one("res.users", string="Technician", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    date = fields.Date(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    value_risk = fields.Monetary(
        string="Revenue at Risk", readonly=True, groups=VALUE_GROUPS
    )

    def _select(self):
        # ids: the exception's id (already unique per source) times the slots
        # of the technicians of one job
        return SQL(
            """
            SELECT e.id * 64 + ROW_NUMBER() OVER (PARTITION BY e.id
                                                  ORDER BY tr.user_id) AS id,
                   e.leak_kind, e.job_id, tr.user_id AS technician_id,
                   e.company_id, e.partner_id, e.user_id, e.date, e.currency_id,
                   e.value_risk
            """
        )

    def _from(self):
        return SQL(
            """
              FROM workshop_leakage_exception e
              LEFT JOIN workshop_job_technician_rel tr ON tr.job_id = e.job_id
            """
        )
