from odoo import api, fields, models
from odoo.tools import SQL

from ..report.leak_facts import prepare_read
from ..report.leak_rules import leak_kind_selection
from ..report.leak_sql import VALUE_GROUPS


class WorkshopLeakageJobTotal(models.Model):
    """Stored leak totals per job and leak kind: what the weekly run keeps so
    that it only re-reads the jobs that changed since the last run.

    Columns: job_id, company_id, leak_kind, row_count, quantity, value_sale,
    value_cost, value_risk, write_date (refreshed on).
    """

    _name = "workshop.leakage.job.total"
    _description = "Workshop Leakage: Stored Totals per Job"
    _order = "value_risk desc, id"
    _rec_name = "job_id"

    job_id = fields.Many2one(
        "workshop.job", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(related="job_id.user_id", string="Coordinator")
    leak_kind = fields.Selection(leak_kind_selection, required=True, readonly=True)
    row_count = fields.Integer(string="Rows", readonly=True)
    quantity = fields.Float(readonly=True)
    value_sale = fields.Monetary(readonly=True, groups=VALUE_GROUPS)
    value_cost = fields.Monetary(readonly=True, groups=VALUE_GROUPS)
    value_risk = fields.Monetary(readonly=True, groups=VALUE_GROUPS)

    _sql_constraints = [
        (
            "job_kind_uniq",
            "unique(job_id, leak_kind)",
            "One stored total per job and leak kind.",
        ),
    ]

    def init(self):
        res = super().init()
        # "What changed since the last run" reads these dates: index them.
        cr = self.env.cr
        for sql in (
            "CREATE INDEX IF NOT EXISTS workshop_job_write_date_idx "
            "ON workshop_job (write_date)",
            "CREATE INDEX IF NOT EXISTS workshop_job_line_write_date_idx "
            "ON workshop_job_line (write_date)",
            "CREATE INDEX IF NOT EXISTS workshop_job_timelog_write_date_idx "
            "ON workshop_job_timelog (write_date)",
            "CREATE INDEX IF NOT EXISTS stock_move_workshop_write_date_idx "
            "ON stock_move (write_date) WHERE workshop_job_id IS NOT NULL",
            "CREATE INDEX IF NOT EXISTS account_move_workshop_write_date_idx "
            "ON account_move (write_date) "
            "WHERE move_type IN ('out_invoice', 'out_refund')",
            "CREATE INDEX IF NOT EXISTS account_move_line_workshop_draft_idx "
            "ON account_move_line (workshop_job_line_id) "
            "WHERE parent_state = 'draft' AND workshop_job_line_id IS NOT NULL",
        ):
            cr.execute(SQL(sql))
        return res

    # ------------------------------------------------------------------
    # Refresh (set-based)
    # ------------------------------------------------------------------
    @api.model
    def _changed_job_ids(self, company, since):
        """Jobs of ``company`` whose leaks may have changed since ``since``:
        anything written on them, their lines, time logs, parts moves or
        invoices, plus the jobs whose classification moves with time alone
        (done or signed, with a draft invoice, or with a core return still
        open)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT j.id FROM workshop_job j
                 WHERE j.company_id = %(company)s
                   AND (j.write_date >= %(since)s
                        OR j.state IN ('done', 'signed')
                        OR j.id IN (
                          SELECT jl.job_id FROM workshop_job_line jl
                           WHERE jl.write_date >= %(since)s
                          UNION
                          SELECT t.job_id FROM workshop_job_timelog t
                           WHERE t.write_date >= %(since)s
                          UNION
                          SELECT sm.workshop_job_id FROM stock_move sm
                           WHERE sm.workshop_job_id IS NOT NULL
                             AND sm.write_date >= %(since)s
                          UNION
                          SELECT jl.job_id FROM account_move am
                            JOIN account_move_line aml ON aml.move_id = am.id
                            JOIN workshop_job_line jl
                              ON jl.id = aml.workshop_job_line_id
                           WHERE am.move_type IN ('out_invoice', 'out_refund')
                             AND am.write_date >= %(since)s
                          UNION
                          SELECT am.workshop_job_id FROM account_move am
                           WHERE am.workshop_job_id IS NOT NULL
                             AND am.move_type IN ('out_invoice', 'out_refund')
                             AND am.write_date >= %(since)s
                          UNION
                          SELECT jl.job_id FROM account_move_line aml
                            JOIN workshop_job_line jl
                              ON jl.id = aml.workshop_job_line_id
                           WHERE aml.parent_state = 'draft'
                             AND aml.workshop_job_line_id IS NOT NULL
                          UNION
                          SELECT cl.job_id FROM stock_move sm
                            JOIN workshop_job_line cl
                              ON cl.id = sm.workshop_core_line_id
                           WHERE sm.workshop_core_line_id IS NOT NULL
                             AND sm.state NOT IN ('done', 'cancel')
                        ))
                """,
                company=company.id,
                since=since,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _refresh(self, company, job_ids=None):
        """Recompute the stored totals of ``company`` from the exception view:
        all its jobs (``job_ids`` None: the full reconciliation, one query) or
        only ``job_ids``. Returns the number of jobs read."""
        prepare_read(self.env)
        job_filter = SQL("")
        if job_ids is not None:
            if not job_ids:
                return 0
            job_filter = SQL("AND job_id = ANY(%s)", list(job_ids))
        cr = self.env.cr
        cr.execute(
            SQL(
                "DELETE FROM workshop_leakage_job_total WHERE company_id = %s %s",
                company.id,
                job_filter,
            )
        )
        cr.execute(
            SQL(
                """
                INSERT INTO workshop_leakage_job_total
                       (job_id, company_id, leak_kind, row_count, quantity,
                        value_sale, value_cost, value_risk,
                        create_uid, create_date, write_uid, write_date)
                SELECT job_id, company_id, leak_kind, COUNT(*), SUM(quantity),
                       SUM(value_sale), SUM(value_cost), SUM(value_risk),
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM workshop_leakage_exception
                 WHERE company_id = %(company)s AND job_id IS NOT NULL %(filter)s
                 GROUP BY job_id, company_id, leak_kind
                """,
                uid=self.env.uid,
                now=fields.Datetime.now(),
                company=company.id,
                filter=job_filter,
            )
        )
        self.invalidate_model()
        if job_ids is None:
            cr.execute(
                SQL(
                    "SELECT COUNT(*) FROM workshop_job WHERE company_id = %s",
                    company.id,
                )
            )
            return cr.fetchone()[0]
        return len(job_ids)
