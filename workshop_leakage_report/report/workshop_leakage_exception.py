from odoo import fields, models, tools
from odoo.tools import SQL

from .leak_facts import prepare_read
from .leak_sql import (
    KIND_SLOTS,
    LEAK_KINDS,
    LEAKS,
    VALUE_GROUPS,
    consumption_locations,
    job_invoice_lines,
    utc_now,
)


class WorkshopLeakageException(models.Model):
    """Every leak, classified with the place the loop broke (SQL view).

    Columns: id (source row id * 8 + source), leak_kind, job_id, product_id,
    company_id, partner_id, user_id (coordinator / account manager),
    job_type_id, contract_id, invoice_id (account.move), stock_move_id, date,
    currency_id (company), quantity (product unit), value_sale, value_cost and
    value_risk (company currency, value_risk >= 0).

    Sources: the leaking rows of ``workshop.leakage.reconciliation`` (issued
    not invoiced, over-invoiced, done never invoiced, draft not posted, open
    warranty, labour unbilled); posted invoice lines of jobs priced below the
    list price beyond the company threshold; contract periods due and not
    invoiced; done moves into or out of a consumption location without a job;
    consigned parts installed on finished jobs whose vendor bill is not posted
    (open_case, value at cost); cores charged on jobs and still not sent back
    to the vendor after the grace days (core_not_returned, value = the vendor's
    core credit at stake).
    """

    _name = "workshop.leakage.exception"
    _description = "Workshop Leakage: Exceptions"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "leak_kind"

    leak_kind = fields.Selection(LEAK_KINDS, string="Where It Broke", readonly=True)
    job_id = fields.Many2one("workshop.job", string="Job", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    job_type_id = fields.Many2one("workshop.job.type", readonly=True)
    contract_id = fields.Many2one("workshop.contract", readonly=True)
    invoice_id = fields.Many2one("account.move", readonly=True)
    stock_move_id = fields.Many2one("stock.move", readonly=True)
    date = fields.Date(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    quantity = fields.Float(readonly=True)
    value_sale = fields.Monetary(
        string="Value at Sale Price", readonly=True, groups=VALUE_GROUPS
    )
    value_cost = fields.Monetary(
        string="Value at Cost", readonly=True, groups=VALUE_GROUPS
    )
    value_risk = fields.Monetary(
        string="Revenue at Risk", readonly=True, groups=VALUE_GROUPS
    )

    # ------------------------------------------------------------------
    # The query, in overridable pieces (same columns in each)
    # ------------------------------------------------------------------
    def _select_reconciliation(self):
        return SQL(
            """
            SELECT r.id * %(slots)s AS id, r.leak_kind, r.job_id, r.product_id,
                   r.company_id, r.partner_id, r.user_id, r.job_type_id,
                   NULL::integer AS contract_id, NULL::integer AS invoice_id,
                   NULL::integer AS stock_move_id,
                   COALESCE(r.done_datetime, j.reported_datetime)::date AS date,
                   r.currency_id, r.qty_difference AS quantity,
                   r.value_sale, r.value_cost, r.value_risk
              FROM workshop_leakage_reconciliation r
              JOIN workshop_job j ON j.id = r.job_id
             WHERE r.has_difference AND r.leak_kind IN %(leaks)s
            """,
            slots=KIND_SLOTS,
            leaks=LEAKS,
        )

    def _select_underpriced(self):
        """Posted invoice lines of jobs sold below list price by more than the
        company's threshold (warranty lines excepted); value = the shortfall."""
        return SQL(
            """
            SELECT aml.id::bigint * %(slots)s + 1, 'underpriced', src.job_id,
                   aml.product_id, j.company_id, j.partner_id, j.user_id,
                   j.job_type_id, NULL, am.id, NULL,
                   COALESCE(am.invoice_date, am.date), c.currency_id, q.qty,
                   q.qty * pt.list_price + aml.balance, 0,
                   q.qty * pt.list_price + aml.balance
              FROM (%(lines)s) src
              JOIN account_move_line aml ON aml.id = src.aml_id
              JOIN account_move am ON am.id = aml.move_id
              JOIN workshop_job j ON j.id = src.job_id
              JOIN res_company c ON c.id = j.company_id
              LEFT JOIN workshop_job_line jl ON jl.id = src.job_line_id
              JOIN product_product pp ON pp.id = aml.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom pu ON pu.id = pt.uom_id
              LEFT JOIN uom_uom au ON au.id = aml.product_uom_id
              CROSS JOIN LATERAL (
                SELECT aml.quantity / COALESCE(au.factor, pu.factor) * pu.factor
                       AS qty
              ) q
             WHERE aml.parent_state = 'posted'
               AND aml.display_type = 'product'
               AND am.move_type = 'out_invoice'
               AND pt.list_price > 0
               AND NOT COALESCE(jl.is_warranty, FALSE)
               AND -aml.balance < q.qty * pt.list_price
                   * (1 - COALESCE(c.workshop_leak_underprice_pct, 0) / 100.0)
            """,
            slots=KIND_SLOTS,
            lines=job_invoice_lines(),
        )

    def _select_contracts(self):
        """Contracts with a period due (beyond the grace days) not invoiced."""
        return SQL(
            """
            SELECT wc.id::bigint * %(slots)s + 2, 'contract_unbilled', NULL,
                   NULL, wc.company_id, wc.partner_id, wc.user_id, NULL, wc.id,
                   NULL, NULL, wc.next_invoice_date, c.currency_id, 1,
                   COALESCE(amt.value, 0), 0, ABS(COALESCE(amt.value, 0))
              FROM workshop_contract wc
              JOIN res_company c ON c.id = wc.company_id
              LEFT JOIN LATERAL (
                SELECT SUM(cl.quantity * cl.price_unit) AS value
                  FROM workshop_contract_line cl
                 WHERE cl.contract_id = wc.id
              ) amt ON TRUE
             WHERE wc.state IN ('active', 'to_renew')
               AND wc.next_invoice_date IS NOT NULL
               AND wc.next_invoice_date < (%(now)s)::date
                   - COALESCE(c.workshop_leak_contract_days, 0)
            """,
            slots=KIND_SLOTS,
            now=utc_now(),
        )

    def _select_no_job(self):
        """Done moves into (+) or out of (-) a consumption location without a
        job: must be none under strict parts control."""
        return SQL(
            """
            SELECT sm.id::bigint * %(slots)s + 3, 'no_job', NULL,
                   sm.product_id, sm.company_id, NULL, NULL, NULL, NULL, NULL,
                   sm.id, sm.date::date, c.currency_id, q.qty,
                   q.qty * pt.list_price,
                   q.qty * COALESCE(
                       (pp.standard_price ->> sm.company_id::text)::numeric, 0),
                   ABS(q.qty * pt.list_price)
              FROM stock_move sm
              JOIN res_company c ON c.id = sm.company_id
              JOIN uom_uom mu ON mu.id = sm.product_uom
              JOIN product_product pp ON pp.id = sm.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom pu ON pu.id = pt.uom_id
              CROSS JOIN LATERAL (
                SELECT CASE WHEN sm.location_dest_id IN (%(cons)s) THEN 1
                            ELSE -1 END
                       * sm.quantity / mu.factor * pu.factor AS qty
              ) q
             WHERE sm.state = 'done'
               AND sm.workshop_job_id IS NULL
               AND (sm.location_dest_id IN (%(cons)s)
                    OR sm.location_id IN (%(cons)s))
               AND NOT (sm.location_dest_id IN (%(cons)s)
                        AND sm.location_id IN (%(cons)s))
            """,
            slots=KIND_SLOTS,
            cons=consumption_locations(),
        )

    def _select_consignment(self):
        """Consigned parts installed on finished jobs (beyond the grace days)
        whose vendor bill is not posted: the owner is not paid yet (value at
        cost; no revenue at risk)."""
        return SQL(
            """
            SELECT jl.id::bigint * %(slots)s + 4, 'open_case', jl.job_id,
                   jl.product_id, j.company_id, j.partner_id, j.user_id,
                   j.job_type_id, NULL, NULL, NULL,
                   COALESCE(j.done_datetime, j.reported_datetime)::date,
                   c.currency_id, q.qty, 0,
                   q.qty * COALESCE(
                       (pp.standard_price ->> j.company_id::text)::numeric, 0),
                   0
              FROM workshop_job_line jl
              JOIN workshop_job j ON j.id = jl.job_id
              JOIN res_company c ON c.id = j.company_id
              JOIN product_product pp ON pp.id = jl.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom pu ON pu.id = pt.uom_id
              LEFT JOIN LATERAL (
                SELECT SUM(CASE WHEN am.move_type = 'in_refund' THEN -1 ELSE 1 END
                           * aml.quantity / COALESCE(au.factor, pu.factor)
                           * pu.factor) AS qty
                  FROM account_move_line aml
                  JOIN account_move am ON am.id = aml.move_id
                  LEFT JOIN uom_uom au ON au.id = aml.product_uom_id
                 WHERE aml.workshop_consignment_line_id = jl.id
                   AND aml.parent_state = 'posted'
              ) billed ON TRUE
              CROSS JOIN LATERAL (
                SELECT jl.workshop_qty_consigned - COALESCE(billed.qty, 0) AS qty
              ) q
             WHERE jl.workshop_qty_consigned > 0
               AND q.qty > 0.00001
               AND j.state IN ('done', 'signed', 'invoiced')
               AND COALESCE(j.done_datetime, j.write_date) < %(now)s
                   - make_interval(days => COALESCE(c.workshop_leak_done_days, 0))
            """,
            slots=KIND_SLOTS,
            now=utc_now(),
        )

    def _select_core_returns(self):
        """Core returns to the vendor still open (not done, not cancelled)
        longer than the company's core grace days after they were prepared
        (when the part with the core was issued): the vendor's core credit is
        at stake. One row per open core return move; value at cost and at
        risk = cores still to send x the vendor's core credit per unit: the
        price of the core product at the return's vendor (vendor prices in the
        company's currency, best sequence first, brought to the core's unit),
        else the core product's cost."""
        return SQL(
            """
            SELECT sm.id::bigint * %(slots)s + 5, 'core_not_returned', jl.job_id,
                   sm.product_id, j.company_id, j.partner_id, j.user_id,
                   j.job_type_id, NULL, NULL, sm.id, sm.create_date::date,
                   c.currency_id, q.qty, 0, q.qty * credit.unit,
                   q.qty * credit.unit
              FROM stock_move sm
              JOIN workshop_job_line jl ON jl.id = sm.workshop_core_line_id
              JOIN workshop_job j ON j.id = jl.job_id
              JOIN res_company c ON c.id = j.company_id
              LEFT JOIN stock_picking sp ON sp.id = sm.picking_id
              JOIN uom_uom mu ON mu.id = sm.product_uom
              JOIN product_product pp ON pp.id = sm.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom pu ON pu.id = pt.uom_id
              LEFT JOIN uom_uom po ON po.id = pt.uom_po_id
              CROSS JOIN LATERAL (
                SELECT sm.product_uom_qty / mu.factor * pu.factor AS qty
              ) q
              CROSS JOIN LATERAL (
                SELECT COALESCE(
                         (SELECT si.price * COALESCE(po.factor, pu.factor)
                                 / pu.factor
                            FROM product_supplierinfo si
                           WHERE si.partner_id = sp.partner_id
                             AND si.product_tmpl_id = pt.id
                             AND (si.product_id IS NULL OR si.product_id = pp.id)
                             AND (si.company_id IS NULL
                                  OR si.company_id = j.company_id)
                             AND si.currency_id = c.currency_id
                           ORDER BY si.sequence, si.min_qty, si.id
                           LIMIT 1),
                         (pp.standard_price ->> j.company_id::text)::numeric,
                         0) AS unit
              ) credit
             WHERE sm.workshop_core_line_id IS NOT NULL
               AND sm.state NOT IN ('done', 'cancel')
               AND sm.create_date < %(now)s
                   - make_interval(days => COALESCE(c.workshop_leak_core_days, 0))
            """,
            slots=KIND_SLOTS,
            now=utc_now(),
        )

    def _selects(self):
        selects = [
            self._select_reconciliation(),
            self._select_underpriced(),
            self._select_contracts(),
            self._select_no_job(),
            self._select_core_returns(),
        ]
        # consignment is built in workshop_parts_control; read it where present
        if (
            "workshop_qty_consigned" in self.env["workshop.job.line"]._fields
            and "workshop_consignment_line_id" in self.env["account.move.line"]._fields
        ):
            selects.append(self._select_consignment())
        return selects

    # stored facts brought up to date, JIT off: see leak_facts.prepare_read
    def _search(self, domain, offset=0, limit=None, order=None):
        prepare_read(self.env)
        return super()._search(domain, offset=offset, limit=limit, order=order)

    def _fetch_query(self, query, fields):
        prepare_read(self.env)
        return super()._fetch_query(query, fields)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                SQL(" UNION ALL ").join(SQL("(%s)", s) for s in self._selects()),
            )
        )
