from odoo import _, api, fields, models
from odoo.tools import SQL

from odoo.addons.workshop_job_card.models.workshop_job.workshop_job import OPEN_STATES

from .leak_rules import LeakRule, leak_kind_selection
from .leak_sql import (
    EPSILON,
    KIND_SLOTS,
    VALUE_GROUPS,
    as_sql,
    consumption_locations,
    job_invoice_lines,
    product_cost,
    to_product_uom,
    utc_now,
)

# The columns of the view, in order: every source names each of them (see
# _select_columns); those a source leaves out are NULL.
COLUMNS = (
    "id",
    "leak_kind",
    "job_id",
    "product_id",
    "company_id",
    "partner_id",
    "user_id",
    "job_type_id",
    "contract_id",
    "invoice_id",
    "stock_move_id",
    "date",
    "currency_id",
    "quantity",
    "value_sale",
    "value_cost",
    "value_risk",
)
# Columns a source may leave out (ids of records it has none of).
OPTIONAL_COLUMNS = frozenset(
    (
        "job_id",
        "product_id",
        "partner_id",
        "user_id",
        "job_type_id",
        "contract_id",
        "invoice_id",
        "stock_move_id",
    )
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
    _inherit = "workshop.leakage.sql.report"
    _auto = False
    # see leak_facts.prepare_read
    _reads_leakage_facts = True
    _order = "date desc, id desc"
    _rec_name = "leak_kind"

    leak_kind = fields.Selection(
        leak_kind_selection, string="Where It Broke", readonly=True
    )
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
    # The leak kinds: one ordered table of rules (see leak_rules)
    # ------------------------------------------------------------------
    @api.model
    def _leak_rules(self):
        """The ordered table of leak kinds (``leak_rules.LeakRule``): the rules
        with a condition classify the reconciliation's rows, first match
        wins; the rules with a source add their rows here. Extend the list
        to add a kind."""
        now = utc_now()
        return [
            LeakRule(
                "ok",
                _("Reconciled"),
                condition=SQL("ABS(f.qty_difference) < %s", EPSILON),
                is_leak=False,
            ),
            LeakRule(
                "in_progress",
                _("Work in Progress"),
                condition=SQL("j.state IN %s", OPEN_STATES),
                is_leak=False,
            ),
            # the value of draft_not_posted and done_not_invoiced below
            # the grace days
            LeakRule("in_billing", _("Being Invoiced"), is_leak=False),
            LeakRule(
                "over_invoiced",
                _("Invoiced More Than Used"),
                condition=SQL("f.qty_difference < 0"),
            ),
            LeakRule(
                "draft_not_posted",
                _("Draft Invoice Not Posted"),
                condition=SQL("f.draft_since IS NOT NULL"),
                value=_aged(
                    "draft_not_posted",
                    SQL("f.draft_since"),
                    SQL("c.workshop_leak_draft_days"),
                    now,
                ),
            ),
            LeakRule(
                "open_case",
                _("Warranty / Consignment / Core Open"),
                condition=SQL("f.has_open_case"),
            ),
            LeakRule(
                "done_not_invoiced",
                _("Done, Never Invoiced"),
                condition=SQL("j.state IN ('done', 'signed') AND NOT f.has_posted"),
                value=_aged(
                    "done_not_invoiced",
                    SQL("COALESCE(j.done_datetime, j.write_date)"),
                    SQL("c.workshop_leak_done_days"),
                    now,
                ),
            ),
            LeakRule(
                "labour_unbilled",
                _("Labour Logged, Not Invoiced"),
                condition=SQL("f.line_kind = 'labour'"),
            ),
            LeakRule(
                "not_invoiced",
                _("Issued, Not Invoiced"),
                condition=SQL("TRUE"),
            ),
            LeakRule(
                "underpriced", _("Priced Below List"), source="_select_underpriced"
            ),
            LeakRule(
                "contract_unbilled",
                _("Contract Period Not Invoiced"),
                source="_select_contracts",
                has_job=False,
            ),
            LeakRule(
                "no_job",
                _("Consumed Without a Job"),
                source="_select_no_job",
                has_job=False,
            ),
            LeakRule(
                "core_not_returned",
                _("Core Not Returned to Vendor"),
                source="_select_core_returns",
            ),
            LeakRule(
                "open_case",
                _("Warranty / Consignment / Core Open"),
                source="_select_consignment",
            ),
        ]

    @api.model
    def _leak_kind_selection(self):
        """(kind, label) of every kind of the rules, in their order."""
        kinds = {}
        for rule in self._leak_rules():
            kinds.setdefault(rule.kind, rule.label)
        return list(kinds.items())

    @api.model
    def _leak_kinds(self, is_leak=True):
        """The kinds that are leaks (``is_leak``), or those that are not (yet)
        one: reconciled, in progress, being invoiced."""
        kinds = {}
        for rule in self._leak_rules():
            kinds.setdefault(rule.kind, rule.is_leak)
        return [kind for kind, leak in kinds.items() if leak == is_leak]

    @api.model
    def _jobless_leak_kinds(self):
        """The kinds whose rows have no job (contracts, moves without a job)."""
        return [
            rule.kind for rule in self._leak_rules() if rule.source and not rule.has_job
        ]

    # ------------------------------------------------------------------
    # The query, in overridable pieces (the same named columns in each)
    # ------------------------------------------------------------------
    def _select_columns(self, **columns):
        """The SELECT list of a source: ``columns`` maps each column of the
        view (``COLUMNS``) to its SQL expression (SQL, or SQL code of our own
        as str); the ids it leaves out are NULL. Always in the view's order,
        so adding a column never shifts another."""
        unknown = set(columns) - set(COLUMNS)
        missing = set(COLUMNS) - set(columns) - OPTIONAL_COLUMNS
        if unknown or missing:
            raise ValueError(
                f"exception source columns: unknown {sorted(unknown)}, "
                f"missing {sorted(missing)}"
            )
        return SQL(
            "SELECT %s",
            SQL(", ").join(
                SQL(
                    "%s AS %s",
                    as_sql(columns.get(name, "NULL::integer")),
                    SQL.identifier(name),
                )
                for name in COLUMNS
            ),
        )

    def _select_reconciliation(self):
        """The leaking rows of the reconciliation (rules with a condition)."""
        return SQL(
            """
            %(columns)s
              FROM workshop_leakage_reconciliation r
              JOIN workshop_job j ON j.id = r.job_id
             WHERE r.has_difference AND r.leak_kind IN %(leaks)s
            """,
            columns=self._select_columns(
                id=SQL("r.id * %s", KIND_SLOTS),
                leak_kind="r.leak_kind",
                job_id="r.job_id",
                product_id="r.product_id",
                company_id="r.company_id",
                partner_id="r.partner_id",
                user_id="r.user_id",
                job_type_id="r.job_type_id",
                date="COALESCE(r.done_datetime, j.reported_datetime)::date",
                currency_id="r.currency_id",
                quantity="r.qty_difference",
                value_sale="r.value_sale",
                value_cost="r.value_cost",
                value_risk="r.value_risk",
            ),
            leaks=tuple(self._leak_kinds()),
        )

    # Ids of the other sources: their row id * KIND_SLOTS + their slot (1-5
    # below; 6 and 7 are free for an addon's source).

    def _select_underpriced(self):
        """Posted invoice lines of jobs sold below list price by more than the
        company's threshold (warranty lines excepted); value = the shortfall."""
        shortfall = SQL("q.qty * pt.list_price + aml.balance")
        return SQL(
            """
            %(columns)s
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
              CROSS JOIN LATERAL (SELECT %(qty)s AS qty) q
             WHERE aml.parent_state = 'posted'
               AND aml.display_type = 'product'
               AND am.move_type = 'out_invoice'
               AND pt.list_price > 0
               AND NOT COALESCE(jl.is_warranty, FALSE)
               AND -aml.balance < q.qty * pt.list_price
                   * (1 - COALESCE(c.workshop_leak_underprice_pct, 0) / 100.0)
            """,
            columns=self._select_columns(
                id=SQL("aml.id::bigint * %s + 1", KIND_SLOTS),
                leak_kind=SQL("%s", "underpriced"),
                job_id="src.job_id",
                product_id="aml.product_id",
                company_id="j.company_id",
                partner_id="j.partner_id",
                user_id="j.user_id",
                job_type_id="j.job_type_id",
                invoice_id="am.id",
                date="COALESCE(am.invoice_date, am.date)",
                currency_id="c.currency_id",
                quantity="q.qty",
                value_sale=shortfall,
                value_cost="0",
                value_risk=shortfall,
            ),
            lines=job_invoice_lines(),
            qty=to_product_uom("aml.quantity", "COALESCE(au.factor, pu.factor)"),
        )

    def _select_contracts(self):
        """Contracts with a period due (beyond the grace days) not invoiced."""
        return SQL(
            """
            %(columns)s
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
            columns=self._select_columns(
                id=SQL("wc.id::bigint * %s + 2", KIND_SLOTS),
                leak_kind=SQL("%s", "contract_unbilled"),
                company_id="wc.company_id",
                partner_id="wc.partner_id",
                user_id="wc.user_id",
                contract_id="wc.id",
                date="wc.next_invoice_date",
                currency_id="c.currency_id",
                quantity="1",
                value_sale="COALESCE(amt.value, 0)",
                value_cost="0",
                value_risk="ABS(COALESCE(amt.value, 0))",
            ),
            now=utc_now(),
        )

    def _select_no_job(self):
        """Done moves into (+) or out of (-) a consumption location without a
        job: must be none under strict parts control."""
        return SQL(
            """
            %(columns)s
              FROM stock_move sm
              JOIN res_company c ON c.id = sm.company_id
              JOIN uom_uom mu ON mu.id = sm.product_uom
              JOIN product_product pp ON pp.id = sm.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom pu ON pu.id = pt.uom_id
              CROSS JOIN LATERAL (SELECT %(qty)s AS qty) q
             WHERE sm.state = 'done'
               AND sm.workshop_job_id IS NULL
               AND (sm.location_dest_id IN (%(cons)s)
                    OR sm.location_id IN (%(cons)s))
               AND NOT (sm.location_dest_id IN (%(cons)s)
                        AND sm.location_id IN (%(cons)s))
            """,
            columns=self._select_columns(
                id=SQL("sm.id::bigint * %s + 3", KIND_SLOTS),
                leak_kind=SQL("%s", "no_job"),
                product_id="sm.product_id",
                company_id="sm.company_id",
                stock_move_id="sm.id",
                date="sm.date::date",
                currency_id="c.currency_id",
                quantity="q.qty",
                value_sale="q.qty * pt.list_price",
                value_cost=SQL("q.qty * %s", product_cost("pp", "sm.company_id")),
                value_risk="ABS(q.qty * pt.list_price)",
            ),
            cons=consumption_locations(),
            qty=to_product_uom(
                SQL(
                    "CASE WHEN sm.location_dest_id IN (%s) THEN 1 ELSE -1 END"
                    " * sm.quantity",
                    consumption_locations(),
                ),
                "mu.factor",
            ),
        )

    def _select_consignment(self):
        """Consigned parts installed on finished jobs (beyond the grace days)
        whose vendor bill is not posted: the owner is not paid yet (value at
        cost; no revenue at risk)."""
        return SQL(
            """
            %(columns)s
              FROM workshop_job_line jl
              JOIN workshop_job j ON j.id = jl.job_id
              JOIN res_company c ON c.id = j.company_id
              JOIN product_product pp ON pp.id = jl.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom pu ON pu.id = pt.uom_id
              LEFT JOIN LATERAL (
                SELECT SUM(%(billed)s) AS qty
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
            columns=self._select_columns(
                id=SQL("jl.id::bigint * %s + 4", KIND_SLOTS),
                leak_kind=SQL("%s", "open_case"),
                job_id="jl.job_id",
                product_id="jl.product_id",
                company_id="j.company_id",
                partner_id="j.partner_id",
                user_id="j.user_id",
                job_type_id="j.job_type_id",
                date="COALESCE(j.done_datetime, j.reported_datetime)::date",
                currency_id="c.currency_id",
                quantity="q.qty",
                value_sale="0",
                value_cost=SQL("q.qty * %s", product_cost("pp", "j.company_id")),
                value_risk="0",
            ),
            billed=to_product_uom(
                "CASE WHEN am.move_type = 'in_refund' THEN -1 ELSE 1 END"
                " * aml.quantity",
                "COALESCE(au.factor, pu.factor)",
            ),
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
            %(columns)s
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
              CROSS JOIN LATERAL (SELECT %(qty)s AS qty) q
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
                         %(cost)s) AS unit
              ) credit
             WHERE sm.workshop_core_line_id IS NOT NULL
               AND sm.state NOT IN ('done', 'cancel')
               AND sm.create_date < %(now)s
                   - make_interval(days => COALESCE(c.workshop_leak_core_days, 0))
            """,
            columns=self._select_columns(
                id=SQL("sm.id::bigint * %s + 5", KIND_SLOTS),
                leak_kind=SQL("%s", "core_not_returned"),
                job_id="jl.job_id",
                product_id="sm.product_id",
                company_id="j.company_id",
                partner_id="j.partner_id",
                user_id="j.user_id",
                job_type_id="j.job_type_id",
                stock_move_id="sm.id",
                date="sm.create_date::date",
                currency_id="c.currency_id",
                quantity="q.qty",
                value_sale="0",
                value_cost="q.qty * credit.unit",
                value_risk="q.qty * credit.unit",
            ),
            qty=to_product_uom("sm.product_uom_qty", "mu.factor"),
            cost=product_cost("pp", "j.company_id"),
            now=utc_now(),
        )

    def _selects(self):
        """The reconciliation's leaking rows, then the rows of every rule with
        a source, in the rules' order."""
        return [self._select_reconciliation()] + [
            getattr(self, rule.source)() for rule in self._leak_rules() if rule.source
        ]

    def _query(self):
        return SQL(" UNION ALL ").join(SQL("(%s)", s) for s in self._selects())


def _aged(kind, since, days, now):
    """SQL: ``kind`` once ``since`` is more than the company's ``days`` before
    ``now``, else still "in_billing" (the loop may yet close)."""
    return SQL(
        "CASE WHEN %s < %s - make_interval(days => COALESCE(%s, 0)) "
        "THEN %s ELSE 'in_billing' END",
        since,
        now,
        days,
        kind,
    )
