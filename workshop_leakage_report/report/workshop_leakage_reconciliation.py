from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.workshop_job_card.models.workshop_job.workshop_job import JOB_STATES

from .leak_facts import FACT_TABLE, KEY_TABLE, install_facts
from .leak_rules import classification, leak_kind_selection
from .leak_sql import (
    EPSILON,
    EPSILON_SQL,
    VALUE_GROUPS,
    consumption_locations,
    job_invoice_lines,
    product_cost,
    to_product_uom,
)


class WorkshopLeakageReconciliation(models.Model):
    """Issued vs invoiced, per job and product (SQL view, one set-based query).

    Columns: id (job * 2**22 + product), job_id, product_id, company_id,
    partner_id, user_id (coordinator), job_type_id, job_state, done_datetime,
    currency_id (company), line_kind (part / labour / travel / fee),
    qty_issued, qty_returned, qty_used (issued - returned), qty_logged (hours
    of stopped time logs), qty_invoiced (posted invoices - posted credit notes),
    qty_difference (used - invoiced), all in the product's unit;
    amount_invoiced (company currency, net of credit notes), list_price,
    cost_price, value_sale and value_cost (difference at sale price / cost),
    value_risk (absolute value_sale), value_used_cost (net used at cost),
    leak_kind, is_leak.

    Sources: done stock moves in or out of workshop consumption locations
    (parts from stock), stopped time logs (labour: the larger of the logged
    hours and the labour lines' hours), job lines typed by hand (fees, travel,
    non-stock parts) and posted customer invoices / credit notes.
    """

    _name = "workshop.leakage.reconciliation"
    _description = "Workshop Leakage: Issued vs Invoiced"
    _inherit = "workshop.leakage.sql.report"
    _auto = False
    # see leak_facts.prepare_read
    _reads_leakage_facts = True
    _order = "job_id desc, product_id"
    _rec_name = "job_id"

    job_id = fields.Many2one("workshop.job", string="Job", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Coordinator", readonly=True)
    job_type_id = fields.Many2one("workshop.job.type", readonly=True)
    job_state = fields.Selection(JOB_STATES, readonly=True)
    done_datetime = fields.Datetime(string="Done On", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    line_kind = fields.Selection(
        [
            ("part", "Part"),
            ("labour", "Labour"),
            ("travel", "Travel"),
            ("fee", "Fee"),
        ],
        readonly=True,
    )
    qty_issued = fields.Float(string="Issued", readonly=True)
    qty_returned = fields.Float(string="Returned", readonly=True)
    qty_used = fields.Float(string="Net Used", readonly=True)
    qty_logged = fields.Float(string="Hours Logged", readonly=True)
    qty_invoiced = fields.Float(string="Invoiced", readonly=True)
    qty_difference = fields.Float(string="Difference", readonly=True)
    amount_invoiced = fields.Monetary(readonly=True, groups=VALUE_GROUPS)
    list_price = fields.Float(readonly=True, groups=VALUE_GROUPS)
    cost_price = fields.Float(readonly=True, groups=VALUE_GROUPS)
    value_sale = fields.Monetary(
        string="Difference at Sale Price", readonly=True, groups=VALUE_GROUPS
    )
    value_cost = fields.Monetary(
        string="Difference at Cost", readonly=True, groups=VALUE_GROUPS
    )
    value_risk = fields.Monetary(
        string="Revenue at Risk", readonly=True, groups=VALUE_GROUPS
    )
    value_used_cost = fields.Monetary(
        string="Cost of Net Used", readonly=True, groups=VALUE_GROUPS
    )
    leak_kind = fields.Selection(
        leak_kind_selection, string="Where It Broke", readonly=True
    )
    is_leak = fields.Boolean(readonly=True)
    # filters on it read the rows with a difference from an index of the
    # stored facts instead of classifying every row: see the search view
    has_difference = fields.Boolean(string="With a Difference", readonly=True)

    # ------------------------------------------------------------------
    # The query, in overridable pieces
    # ------------------------------------------------------------------
    def _source_moves(self):
        """Done parts moves of jobs, in the product's unit."""
        return SQL(
            """
            SELECT sm.workshop_job_id AS job_id, sm.product_id,
                   'part' AS line_kind,
                   CASE WHEN sm.location_dest_id IN (%(cons)s)
                        THEN %(qty)s ELSE 0 END AS qty_issued,
                   CASE WHEN sm.location_id IN (%(cons)s)
                        THEN %(qty)s ELSE 0 END AS qty_returned,
                   0 AS qty_logged, 0 AS qty_labour, 0 AS qty_invoiced,
                   0 AS amount_invoiced, FALSE AS has_open_case
              FROM stock_move sm
              JOIN uom_uom mu ON mu.id = sm.product_uom
              JOIN product_product pp ON pp.id = sm.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom pu ON pu.id = pt.uom_id
             WHERE sm.state = 'done'
               AND sm.workshop_job_id IS NOT NULL
               AND (sm.location_dest_id IN (%(cons)s)
                    OR sm.location_id IN (%(cons)s))
            """,
            cons=consumption_locations(),
            qty=to_product_uom("sm.quantity", "mu.factor"),
        )

    def _source_timelogs(self):
        """Stopped time logs of billable labour (or of no line yet)."""
        return SQL(
            """
            SELECT t.job_id,
                   COALESCE(l.product_id, c.workshop_labour_product_id)
                       AS product_id,
                   'labour' AS line_kind, 0 AS qty_issued, 0 AS qty_returned,
                   t.duration_hours AS qty_logged, 0 AS qty_labour,
                   0 AS qty_invoiced, 0 AS amount_invoiced,
                   FALSE AS has_open_case
              FROM workshop_job_timelog t
              JOIN res_company c ON c.id = t.company_id
              LEFT JOIN workshop_job_line l ON l.id = t.line_id
             WHERE t.stop_datetime IS NOT NULL
               AND (l.id IS NULL
                    OR (l.is_billable AND l.approval_state = 'approved'))
            """
        )

    def _source_job_lines(self):
        """Job lines: quantities typed by hand (not from stock), labour hours,
        and the open warranty approvals of parts."""
        return SQL(
            """
            SELECT jl.job_id, jl.product_id,
                   jl.kind AS line_kind,
                   CASE WHEN NOT COALESCE(jl.workshop_is_stock_line, FALSE)
                             AND jl.kind != 'labour'
                             AND jl.is_billable
                             AND jl.approval_state = 'approved'
                        THEN %(qty)s ELSE 0 END AS qty_issued,
                   0 AS qty_returned, 0 AS qty_logged,
                   CASE WHEN jl.kind = 'labour' AND jl.is_billable
                             AND jl.approval_state = 'approved'
                        THEN %(qty)s ELSE 0 END AS qty_labour,
                   0 AS qty_invoiced, 0 AS amount_invoiced,
                   COALESCE(jl.workshop_warranty_state = 'to_approve', FALSE)
                       AS has_open_case
              FROM workshop_job_line jl
              JOIN product_product pp ON pp.id = jl.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom pu ON pu.id = pt.uom_id
              LEFT JOIN uom_uom lu ON lu.id = COALESCE(jl.product_uom_id, pt.uom_id)
             WHERE jl.kind IN ('part', 'labour', 'travel', 'fee')
            """,
            qty=to_product_uom("jl.quantity", "lu.factor"),
        )

    def _source_invoices(self):
        """Posted customer invoices (+) and credit notes (-) of jobs."""
        return SQL(
            """
            SELECT src.job_id, aml.product_id,
                   COALESCE(jl.kind,
                            CASE WHEN pt.type = 'service' THEN 'fee'
                                 ELSE 'part' END) AS line_kind,
                   0 AS qty_issued, 0 AS qty_returned, 0 AS qty_logged,
                   0 AS qty_labour, %(qty)s AS qty_invoiced,
                   -aml.balance AS amount_invoiced,
                   FALSE AS has_open_case
              FROM (%(lines)s) src
              JOIN account_move_line aml ON aml.id = src.aml_id
              JOIN account_move am ON am.id = aml.move_id
              LEFT JOIN workshop_job_line jl ON jl.id = src.job_line_id
              JOIN product_product pp ON pp.id = aml.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom pu ON pu.id = pt.uom_id
              LEFT JOIN uom_uom au ON au.id = aml.product_uom_id
             WHERE aml.parent_state = 'posted'
               AND aml.display_type = 'product'
               AND am.move_type IN ('out_invoice', 'out_refund')
            """,
            lines=job_invoice_lines(),
            qty=to_product_uom(
                "CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END"
                " * aml.quantity",
                "COALESCE(au.factor, pu.factor)",
            ),
        )

    def _sources(self):
        return [
            self._source_moves(),
            self._source_timelogs(),
            self._source_job_lines(),
            self._source_invoices(),
        ]

    def _facts_query(self):
        """The live facts per job and product, from the sources (one set-based
        query; a filter on job_id reaches the indexes below it). Job-level facts
        (a posted / a draft invoice line of the job) are read only for rows
        still to invoice."""
        sources = SQL(" UNION ALL ").join(
            SQL("(%s)", source) for source in self._sources()
        )
        return SQL(
            """
            SELECT g.job_id, g.product_id, g.line_kind, g.qty_issued,
                   g.qty_returned, g.qty_logged, g.qty_invoiced,
                   g.diff AS qty_difference, g.amount_invoiced, g.has_open_case,
                   CASE WHEN g.diff >= %(eps)s THEN EXISTS (
                       SELECT 1 FROM workshop_job_line pjl
                         JOIN account_move_line paml
                           ON paml.workshop_job_line_id = pjl.id
                        WHERE pjl.job_id = g.job_id
                          AND paml.parent_state = 'posted')
                   ELSE FALSE END AS has_posted,
                   CASE WHEN g.diff >= %(eps)s THEN (
                       SELECT MIN(daml.create_date) FROM workshop_job_line djl
                         JOIN account_move_line daml
                           ON daml.workshop_job_line_id = djl.id
                        WHERE djl.job_id = g.job_id
                          AND daml.parent_state = 'draft')
                   END AS draft_since
              FROM (
                SELECT s.job_id, s.product_id,
                       MIN(s.line_kind) AS line_kind,
                       SUM(s.qty_issued)
                         + GREATEST(SUM(s.qty_logged), SUM(s.qty_labour))
                           AS qty_issued,
                       SUM(s.qty_returned) AS qty_returned,
                       SUM(s.qty_logged) AS qty_logged,
                       SUM(s.qty_invoiced) AS qty_invoiced,
                       SUM(s.amount_invoiced) AS amount_invoiced,
                       BOOL_OR(s.has_open_case) AS has_open_case,
                       SUM(s.qty_issued)
                         + GREATEST(SUM(s.qty_logged), SUM(s.qty_labour))
                         - SUM(s.qty_returned) - SUM(s.qty_invoiced) AS diff
                  FROM (%(sources)s) s
                 GROUP BY s.job_id, s.product_id
              ) g
            """,
            eps=EPSILON,
            sources=sources,
        )

    def _classification(self):
        """Where the loop broke, for a row of stored facts ``f`` of job ``j``
        (SQL CASE of the rules with a condition, see ``leak_rules``;
        evaluated at read time: thresholds and dates move with time, the
        stored facts do not)."""
        return classification(self.env["workshop.leakage.exception"]._leak_rules())

    def _query(self):
        """The reconciliation: the stored facts, with what moves with time and
        settings (job, prices, thresholds, classification) joined at read time."""
        cost = product_cost("pp", "j.company_id")
        return SQL(
            """
            SELECT k.id AS id,
                   f.job_id, f.product_id, j.company_id, j.partner_id, j.user_id,
                   j.job_type_id, j.state AS job_state, j.done_datetime,
                   c.currency_id, f.line_kind,
                   f.qty_issued, f.qty_returned,
                   f.qty_issued - f.qty_returned AS qty_used,
                   f.qty_logged, f.qty_invoiced,
                   f.qty_difference,
                   f.amount_invoiced,
                   COALESCE(pt.list_price, 0) AS list_price,
                   %(cost)s AS cost_price,
                   f.qty_difference * COALESCE(pt.list_price, 0) AS value_sale,
                   f.qty_difference * %(cost)s AS value_cost,
                   ABS(f.qty_difference) * COALESCE(pt.list_price, 0) AS value_risk,
                   (f.qty_issued - f.qty_returned) * %(cost)s AS value_used_cost,
                   cls.leak_kind,
                   cls.leak_kind NOT IN %(not_leaks)s AS is_leak,
                   ABS(f.qty_difference) >= %(eps)s AS has_difference
              FROM %(facts)s f
              -- the row's small, stable id (left out by the planner when unread)
              LEFT JOIN %(keys)s k
                ON k.job_id = f.job_id AND k.product_id = COALESCE(f.product_id, 0)
              JOIN workshop_job j ON j.id = f.job_id
              JOIN res_company c ON c.id = j.company_id
              LEFT JOIN product_product pp ON pp.id = f.product_id
              LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
              CROSS JOIN LATERAL (SELECT %(cls)s AS leak_kind) cls
            """,
            cost=cost,
            not_leaks=tuple(
                self.env["workshop.leakage.exception"]._leak_kinds(is_leak=False)
            ),
            facts=SQL.identifier(FACT_TABLE),
            keys=SQL.identifier(KEY_TABLE),
            cls=self._classification(),
            eps=EPSILON_SQL,
        )

    def _fetch_query(self, query, fields):
        ids = [rid for rid in self._ids if isinstance(rid, int)]
        if ids:
            # Reading records by id (prefetch of the fields the list did not
            # fetch): the same filter on their jobs reaches the facts' index.
            query.add_where(
                SQL(
                    "%s IN (SELECT job_id FROM %s WHERE id = ANY(%s))",
                    SQL.identifier(query.table, "job_id"),
                    SQL.identifier(KEY_TABLE),
                    sorted(ids),
                )
            )
        return super()._fetch_query(query, fields)

    def init(self):
        # the stored facts and their live query first: the view reads them
        tools.drop_view_if_exists(self.env.cr, self._table)
        install_facts(self.env.cr, self._facts_query())
        return super().init()
