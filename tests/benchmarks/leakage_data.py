"""Synthetic workshop history for the leakage benchmark, written by batched SQL.

``LeakageData(env).grow(jobs)`` brings the database to ``jobs`` jobs (it only adds
the jobs it lacks, so 1,000 → 10,000 → 100,000 costs the largest step once). Every
statement is one ``INSERT … SELECT … FROM generate_series`` over the whole batch:
no Python loop over rows, nothing of Odoo's dropped or disabled.

Per job ``i`` (deterministic, so each scale holds the same mix):

- a job card (state ``invoiced``, or ``done`` / ``on_site`` for 1 in 20) with nine
  lines: six parts from stock (one line per product, ``workshop_is_stock_line``),
  labour, travel and a fee;
- ten done stock moves, in a parts issue transfer from the warehouse stock into the
  workshop consumption location (six first issues, four second issues) or, for
  1 in 10 jobs, one return of a part to stock in a return transfer;
- a posted customer invoice of the job (19 jobs in 20) with one line per job line
  plus the receivable line, and for 1 in 25 a credit note (half of them followed
  by a second invoice re-billing what was credited).

Deliberate leaks, so the reconciliation has rows of every common kind:

- ``i % 20 == 1``: the first part was issued but left off the invoice;
- ``i % 25 == 2``: the second part was invoiced one unit more than used;
- ``i % 50 == 3``: a credit note reversed the third part and nothing re-billed it;
- ``i % 20 == 5``: never invoiced (done long ago; ``i % 100 == 45`` still on site);
- ``i % 50 == 4`` is the sound counterpart: credited, then invoiced again.

Quantities are in the products' own unit; prices without taxes. Not generated:
stock move lines and quants (the reconciliation reads done moves), time logs and
the job totals (left at zero).
"""

import time

from odoo.tools import SQL

from odoo.addons.workshop_leakage_report.report.leak_facts import (
    DIRTY_TABLE,
    mark_jobs,
)

PARTNERS = 100
PARTS = 200
PARTS_PER_JOB = 6
MOVES_PER_JOB = 10
DAY_ZERO = "2024-01-02 08:00:00"

# --- temporary tables: masters and the per-job / per-line plan ------------------

_CREATE_TEMP = """
CREATE TEMP TABLE IF NOT EXISTS bench_partner (idx int PRIMARY KEY, id int NOT NULL);
CREATE TEMP TABLE IF NOT EXISTS bench_product (
    idx int PRIMARY KEY, id int NOT NULL, uom_id int NOT NULL,
    price numeric NOT NULL, kind varchar NOT NULL, name varchar NOT NULL);
CREATE TEMP TABLE IF NOT EXISTS bench_job (
    i int PRIMARY KEY, id int NOT NULL, name varchar NOT NULL,
    partner_id int NOT NULL, state varchar NOT NULL,
    reported timestamp NOT NULL, done_at timestamp,
    picking_id int NOT NULL, return_picking_id int,
    invoice_id int, refund_id int, reinvoice_id int, invoice_date date);
CREATE TEMP TABLE IF NOT EXISTS bench_line (
    i int NOT NULL, k int NOT NULL, id int NOT NULL, job_id int NOT NULL,
    product_id int NOT NULL, uom_id int NOT NULL, name varchar NOT NULL,
    kind varchar NOT NULL, price numeric NOT NULL,
    qty_issued numeric NOT NULL, qty_returned numeric NOT NULL,
    quantity numeric NOT NULL,
    qty_inv numeric, qty_refund numeric, qty_reinv numeric,
    PRIMARY KEY (i, k));
CREATE TEMP TABLE IF NOT EXISTS bench_aml (
    move_id int NOT NULL, i int NOT NULL, k int NOT NULL,
    line_id int NOT NULL, product_id int NOT NULL, uom_id int NOT NULL,
    name varchar NOT NULL, qty numeric NOT NULL, price numeric NOT NULL,
    sign int NOT NULL, billing_round int NOT NULL);
"""

# Quantity of move m (0..9) of job i: the first six issue part m, the next four a
# second time part m-6; for 1 job in 10 the last one returns a unit of part 3.
_MOVE_K = "(CASE WHEN m < 6 THEN m ELSE m - 6 END)"
_IS_RETURN = "(m = 9 AND mod(j.i, 10) = 0)"

_PLAN_JOBS = """
INSERT INTO bench_job (i, id, name, partner_id, state, reported, done_at,
                       picking_id, return_picking_id, invoice_id, refund_id,
                       reinvoice_id, invoice_date)
SELECT g.i, nextval('workshop_job_id_seq'), 'BENCH/' || lpad(g.i::text, 7, '0'),
       p.id,
       CASE WHEN mod(g.i, 100) = 45 THEN 'on_site'
            WHEN mod(g.i, 20) = 5 THEN 'done' ELSE 'invoiced' END,
       g.reported,
       CASE WHEN mod(g.i, 100) <> 45 THEN g.reported + interval '1 day' END,
       nextval('stock_picking_id_seq'),
       CASE WHEN mod(g.i, 10) = 0 THEN nextval('stock_picking_id_seq') END,
       CASE WHEN mod(g.i, 20) <> 5 THEN nextval('account_move_id_seq') END,
       CASE WHEN mod(g.i, 50) IN (3, 4) THEN nextval('account_move_id_seq') END,
       CASE WHEN mod(g.i, 50) = 4 THEN nextval('account_move_id_seq') END,
       CASE WHEN mod(g.i, 20) <> 5
            THEN (g.reported + interval '1 day')::date + (mod(g.i, 30)) END
  FROM (SELECT i, %(day_zero)s::timestamp + (mod(i, 700)) * interval '1 day'
                  + (mod(i, 9)) * interval '1 hour' AS reported
          FROM generate_series(%(lo)s, %(hi)s) i) g
  JOIN bench_partner p ON p.idx = mod(g.i, %(partners)s)
 ORDER BY g.i
"""

# k 0..5: parts (product (7i + 31k) mod 200: six different parts a job);
# k 6, 7, 8: labour, travel, fee.
_PLAN_LINES = """
INSERT INTO bench_line (i, k, id, job_id, product_id, uom_id, name, kind, price,
                        qty_issued, qty_returned, quantity,
                        qty_inv, qty_refund, qty_reinv)
SELECT q.i, q.k, nextval('workshop_job_line_id_seq'), q.job_id, pr.id, pr.uom_id,
       pr.name, pr.kind, pr.price, q.issued, q.returned,
       q.used, q.inv, q.refund, q.reinv
  FROM (
    SELECT u.*,
           CASE WHEN NOT u.invoiced THEN NULL
                WHEN u.k = 0 AND mod(u.i, 20) = 1 THEN NULL
                WHEN u.k = 1 AND mod(u.i, 25) = 2 THEN u.used + 1
                ELSE u.used END AS inv,
           CASE WHEN u.k = 2 AND mod(u.i, 50) = 3 THEN u.used
                WHEN u.k = 3 AND mod(u.i, 50) = 4 THEN u.used END AS refund,
           CASE WHEN u.k = 3 AND mod(u.i, 50) = 4 THEN u.used END AS reinv
      FROM (
        SELECT t.*, t.issued - t.returned AS used
          FROM (
            SELECT j.i, j.id AS job_id, j.invoice_id IS NOT NULL AS invoiced, k,
                   CASE WHEN k < 6 THEN mod((j.i * 7 + k * 31), %(parts)s)
                        ELSE %(parts)s + k - 6 END AS pidx,
                   CASE
                     WHEN k < 6 THEN
                       (2 + mod((j.i + k), 3))
                       + CASE WHEN k >= 4 THEN 0
                              WHEN k = 3 AND mod(j.i, 10) = 0 THEN 0
                              ELSE 2 + mod((j.i + k + 6), 3) END
                     WHEN k = 6 THEN 1 + mod(j.i, 4)
                     WHEN k = 7 THEN 10 + mod(j.i, 40)
                     ELSE 1 END AS issued,
                   CASE WHEN k = 3 AND mod(j.i, 10) = 0 THEN 1 ELSE 0 END AS returned
              FROM bench_job j
             CROSS JOIN generate_series(0, 8) k
             WHERE j.i BETWEEN %(lo)s AND %(hi)s
          ) t
      ) u
  ) q
  JOIN bench_product pr ON pr.idx = q.pidx
 ORDER BY q.i, q.k
"""

_INSERT_JOBS = """
INSERT INTO workshop_job (
    id, company_id, currency_id, partner_id, partner_invoice_id, name, state,
    priority, reported_datetime, done_datetime, invoice_status, billing_round,
    amount_untaxed, amount_tax, amount_total, labour_hours, labour_estimate_hours,
    sla_response_late, sla_resolution_late, has_invoice_exception,
    is_exception_accepted, workshop_warehouse_id, user_id,
    create_uid, write_uid, create_date, write_date)
SELECT j.id, %(company)s, %(currency)s, j.partner_id, j.partner_id, j.name, j.state,
       '1', j.reported, j.done_at,
       CASE WHEN j.state = 'invoiced' THEN 'invoiced'
            WHEN j.state = 'done' THEN 'to_invoice' ELSE 'no' END,
       CASE WHEN j.reinvoice_id IS NOT NULL THEN 2
            WHEN j.invoice_id IS NOT NULL THEN 1 ELSE 0 END,
       0, 0, 0, 0, 0, FALSE, FALSE, FALSE, FALSE, %(warehouse)s, %(uid)s,
       %(uid)s, %(uid)s, j.reported, COALESCE(j.done_at, j.reported)
  FROM bench_job j
 WHERE j.i BETWEEN %(lo)s AND %(hi)s
"""

_INSERT_JOB_LINES = """
INSERT INTO workshop_job_line (
    id, job_id, company_id, currency_id, sequence, product_id, product_uom_id,
    kind, approval_state, name, quantity, estimated_qty, price_unit, discount,
    price_subtotal, price_total, qty_invoiced, qty_to_invoice, is_billable,
    is_warranty, is_invoiceable, workshop_is_stock_line, workshop_qty_issued,
    workshop_qty_returned, create_uid, write_uid, create_date, write_date)
SELECT l.id, l.job_id, %(company)s, %(currency)s, 10 + l.k, l.product_id, l.uom_id,
       l.kind, 'approved', l.name, l.quantity, l.quantity, l.price, 0,
       l.quantity * l.price, l.quantity * l.price, x.invoiced,
       l.quantity - x.invoiced, TRUE, FALSE, l.quantity - x.invoiced > 0,
       l.k < 6, CASE WHEN l.k < 6 THEN l.qty_issued ELSE 0 END,
       l.qty_returned, %(uid)s, %(uid)s, j.reported, j.reported
  FROM bench_line l
  JOIN bench_job j ON j.i = l.i
 CROSS JOIN LATERAL (
       SELECT COALESCE(l.qty_inv, 0) - COALESCE(l.qty_refund, 0)
              + COALESCE(l.qty_reinv, 0) AS invoiced) x
 WHERE l.i BETWEEN %(lo)s AND %(hi)s
"""

_INSERT_PICKINGS = """
INSERT INTO stock_picking (
    id, name, origin, location_id, location_dest_id, picking_type_id, partner_id,
    company_id, move_type, state, priority, scheduled_date, date, date_done,
    workshop_job_id, is_locked, printed, has_deadline_issue,
    create_uid, write_uid, create_date, write_date)
SELECT p.id, p.name, j.name, p.src, p.dest, p.type_id, j.partner_id, %(company)s,
       'direct', 'done', '0', j.reported, j.reported,
       j.reported + interval '2 hours', j.id, TRUE, FALSE, FALSE,
       %(uid)s, %(uid)s, j.reported, j.reported + interval '2 hours'
  FROM bench_job j
 CROSS JOIN LATERAL (
       VALUES (j.picking_id, 'BENCH/ISS/' || j.i, %(stock)s, %(consumption)s,
               %(issue_type)s),
              (j.return_picking_id, 'BENCH/RET/' || j.i, %(consumption)s,
               %(stock)s, %(return_type)s)
       ) p(id, name, src, dest, type_id)
 WHERE j.i BETWEEN %(lo)s AND %(hi)s AND p.id IS NOT NULL
"""

_INSERT_MOVES = f"""
INSERT INTO stock_move (
    company_id, product_id, product_uom, location_id, location_dest_id,
    location_final_id, partner_id, picking_id, picking_type_id, warehouse_id,
    name, priority, state, origin, procure_method, reference, sequence,
    product_qty, product_uom_qty, quantity, picked, scrapped, propagate_cancel,
    is_inventory, additional, date, price_unit, workshop_job_id,
    workshop_job_line_id, create_uid, write_uid, create_date, write_date)
SELECT %(company)s, l.product_id, l.uom_id,
       CASE WHEN r.ret THEN %(consumption)s ELSE %(stock)s END,
       CASE WHEN r.ret THEN %(stock)s ELSE %(consumption)s END,
       NULL, j.partner_id,
       CASE WHEN r.ret THEN j.return_picking_id ELSE j.picking_id END,
       CASE WHEN r.ret THEN %(return_type)s ELSE %(issue_type)s END,
       %(warehouse)s, l.name, '0', 'done', j.name, 'make_to_stock',
       CASE WHEN r.ret THEN 'BENCH/RET/' ELSE 'BENCH/ISS/' END || j.i, 10 + m,
       r.qty, r.qty, r.qty, TRUE, FALSE, FALSE, FALSE, FALSE,
       j.reported + (m + 1) * interval '10 minutes', 0, j.id, l.id,
       %(uid)s, %(uid)s, j.reported, j.reported
  FROM bench_job j
 CROSS JOIN generate_series(0, {MOVES_PER_JOB - 1}) m
  JOIN bench_line l ON l.i = j.i AND l.k = {_MOVE_K}
 CROSS JOIN LATERAL (
       SELECT {_IS_RETURN} AS ret,
              CASE WHEN {_IS_RETURN} THEN 1 ELSE 2 + mod(j.i + m, 3) END AS qty) r
 WHERE j.i BETWEEN %(lo)s AND %(hi)s
 ORDER BY j.i, m
"""

# One row per invoice line to write: invoices (round 1), credit notes, re-invoices.
_PLAN_AML = """
INSERT INTO bench_aml (move_id, i, k, line_id, product_id, uom_id, name, qty,
                       price, sign, billing_round)
SELECT d.move_id, l.i, l.k, l.id, l.product_id, l.uom_id, l.name, d.qty, l.price,
       d.sign, d.billing_round
  FROM bench_line l
  JOIN bench_job j ON j.i = l.i
 CROSS JOIN LATERAL (
       VALUES (j.invoice_id, l.qty_inv, 1, 1),
              (j.refund_id, l.qty_refund, -1, 0),
              (j.reinvoice_id, l.qty_reinv, 1, 2)
       ) d(move_id, qty, sign, billing_round)
 WHERE l.i BETWEEN %(lo)s AND %(hi)s AND d.move_id IS NOT NULL
   AND d.qty IS NOT NULL
"""

_INSERT_MOVES_ACCOUNT = """
INSERT INTO account_move (
    id, name, journal_id, company_id, currency_id, partner_id,
    commercial_partner_id, state, move_type, auto_post, date, invoice_date,
    invoice_date_due, sequence_prefix, sequence_number, ref, invoice_origin,
    invoice_partner_display_name, reversed_entry_id, invoice_user_id,
    payment_state, amount_untaxed, amount_tax, amount_total, amount_residual,
    amount_untaxed_signed, amount_untaxed_in_currency_signed, amount_tax_signed,
    amount_total_signed, amount_total_in_currency_signed, amount_residual_signed,
    invoice_currency_rate, is_storno, always_tax_exigible, checked, posted_before,
    made_sequence_gap, is_move_sent, is_manually_modified, workshop_job_id,
    create_uid, write_uid, create_date, write_date)
SELECT m.id, m.prefix || lpad(j.i::text, 7, '0'), %(journal)s, %(company)s,
       %(currency)s, j.partner_id, j.partner_id, 'posted', m.move_type, 'no',
       m.date, m.date, m.date + 30, m.prefix, j.i,
       CASE WHEN m.move_type = 'out_refund' THEN 'Reversal of BINV/' END, j.name,
       bp.name, m.reversed_id, %(uid)s, 'not_paid',
       t.total, 0, t.total, t.total,
       m.sign * t.total, m.sign * t.total, 0,
       m.sign * t.total, m.sign * t.total, m.sign * t.total,
       1, FALSE, FALSE, TRUE, TRUE, FALSE, FALSE, FALSE, j.id,
       %(uid)s, %(uid)s, m.date, m.date
  FROM bench_job j
  JOIN res_partner bp ON bp.id = j.partner_id
 CROSS JOIN LATERAL (
       VALUES (j.invoice_id, 'out_invoice', 'BINV/', j.invoice_date, 1, NULL::int),
              (j.refund_id, 'out_refund', 'BRINV/', j.invoice_date + 20, -1,
               j.invoice_id),
              (j.reinvoice_id, 'out_invoice', 'BINV2/', j.invoice_date + 21, 1,
               NULL::int)
       ) m(id, move_type, prefix, date, sign, reversed_id)
  JOIN (SELECT move_id, SUM(qty * price) AS total FROM bench_aml
         WHERE i BETWEEN %(lo)s AND %(hi)s GROUP BY move_id) t ON t.move_id = m.id
 WHERE j.i BETWEEN %(lo)s AND %(hi)s AND m.id IS NOT NULL
"""

# Product lines: credit on invoices, debit on credit notes; then one receivable
# line a move for the total.
_INSERT_AML = """
INSERT INTO account_move_line (
    move_id, journal_id, company_id, company_currency_id, sequence, account_id,
    currency_id, partner_id, product_id, product_uom_id, move_name, parent_state,
    name, display_type, date, invoice_date, date_maturity, debit, credit, balance,
    amount_currency, tax_base_amount, amount_residual, amount_residual_currency,
    quantity, price_unit, price_subtotal, price_total, discount,
    discount_amount_currency, discount_balance, reconciled, tax_tag_invert,
    is_imported, workshop_job_line_id, workshop_billing_round,
    create_uid, write_uid, create_date, write_date)
SELECT a.move_id, %(journal)s, %(company)s, %(currency)s, 10 + a.k, %(income)s,
       %(currency)s, am.partner_id, a.product_id, a.uom_id, am.name, 'posted',
       a.name, 'product', am.date, am.date, NULL,
       CASE WHEN a.sign < 0 THEN a.qty * a.price ELSE 0 END,
       CASE WHEN a.sign > 0 THEN a.qty * a.price ELSE 0 END,
       -a.sign * a.qty * a.price, -a.sign * a.qty * a.price, 0, 0, 0,
       a.qty, a.price, a.qty * a.price, a.qty * a.price, 0, 0, 0,
       FALSE, FALSE, FALSE, a.line_id, a.billing_round,
       %(uid)s, %(uid)s, am.create_date, am.create_date
  FROM bench_aml a
  JOIN account_move am ON am.id = a.move_id
 WHERE a.i BETWEEN %(lo)s AND %(hi)s
UNION ALL
SELECT am.id, %(journal)s, %(company)s, %(currency)s, 100, %(receivable)s,
       %(currency)s, am.partner_id, NULL, NULL, am.name, 'posted', am.name,
       'payment_term', am.date, am.date, am.invoice_date_due,
       GREATEST(am.amount_total_signed, 0), GREATEST(-am.amount_total_signed, 0),
       am.amount_total_signed, am.amount_total_signed, 0,
       am.amount_total_signed, am.amount_total_signed, 0, 0, 0, 0, 0, 0, 0,
       FALSE, FALSE, FALSE, NULL, 0,
       %(uid)s, %(uid)s, am.create_date, am.create_date
  FROM account_move am
  JOIN bench_job j ON j.id = am.workshop_job_id
 WHERE j.i BETWEEN %(lo)s AND %(hi)s AND am.journal_id = %(journal)s
"""

_INSERT_STAGE_LOGS = """
INSERT INTO workshop_job_stage_log (job_id, company_id, user_id, from_state,
                                    to_state, date, create_uid, write_uid,
                                    create_date, write_date)
SELECT j.id, %(company)s, %(uid)s, s.from_state, s.to_state, s.date,
       %(uid)s, %(uid)s, s.date, s.date
  FROM bench_job j
 CROSS JOIN LATERAL (
       VALUES ('draft', 'on_site', j.reported),
              ('on_site', 'done', j.done_at),
              ('done', 'invoiced', j.invoice_date::timestamp + interval '9 hours')
       ) s(from_state, to_state, date)
 WHERE j.i BETWEEN %(lo)s AND %(hi)s AND s.date IS NOT NULL
"""

_WRITTEN = (
    "workshop_job",
    "workshop_job_line",
    "workshop_job_stage_log",
    "stock_picking",
    "stock_move",
    "account_move",
    "account_move_line",
)

# The tables written, and the masters setup_masters() grew (what autovacuum
# would have analyzed by then: this transaction is never committed).
_ANALYZE = """
ANALYZE workshop_job, workshop_job_line, workshop_job_stage_log, stock_picking,
        stock_move, account_move, account_move_line, product_product,
        product_template, res_partner
"""


class LeakageData:
    """Grow a benchmark database's workshop history by batched SQL."""

    def __init__(self, env):
        self.env = env
        self.jobs = 0
        self.params = {}

    # --- masters, through the ORM (a few hundred records) --------------------------

    def setup_masters(self):
        env = self.env
        company = env.company
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", company.id)], limit=1
        )
        journal = env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        if not warehouse.workshop_consumption_location_id or not journal:
            raise AssertionError(
                "the benchmark needs a warehouse with its workshop consumption "
                "location and a sales journal (install every addon of the repo)"
            )
        partners = env["res.partner"].create(
            [{"name": f"Bench customer {i:03d}"} for i in range(PARTNERS)]
        )
        parts = env["product.product"].create(
            [
                {
                    "name": f"Bench part {i:03d}",
                    "type": "consu",
                    "is_storable": True,
                    "list_price": 5 + (i % 50) * 3,
                    "standard_price": 2 + (i % 50),
                }
                for i in range(PARTS)
            ]
        )
        services = env["product.product"].create(
            [
                {"name": name, "type": "service", "list_price": price}
                for name, price in (
                    ("Bench labour", 60),
                    ("Bench travel", 1),
                    ("Bench fee", 25),
                )
            ]
        )
        income = journal.default_account_id
        receivable = partners[:1].property_account_receivable_id
        if not income or not receivable:
            raise AssertionError("the sales journal or receivable account is missing")
        env.flush_all()
        cr = env.cr
        cr.execute(SQL(_CREATE_TEMP))
        cr.execute(
            SQL(
                "INSERT INTO bench_partner (idx, id) "
                "SELECT o - 1, id FROM unnest(%s::int[]) WITH ORDINALITY AS u(id, o)",
                partners.ids,
            )
        )
        kinds = ["part"] * PARTS + ["labour", "travel", "fee"]
        products = parts + services
        cr.execute(
            SQL(
                "INSERT INTO bench_product (idx, id, uom_id, price, kind, name) "
                "SELECT o - 1, id, uom, price, kind, name FROM unnest("
                "%s::int[], %s::int[], %s::numeric[], %s::varchar[], "
                "%s::varchar[]) WITH ORDINALITY AS u(id, uom, price, kind, name, o)",
                products.ids,
                [product.uom_id.id for product in products],
                products.mapped("list_price"),
                kinds,
                products.mapped("name"),
            )
        )
        self.params = {
            "company": company.id,
            "currency": company.currency_id.id,
            "uid": env.uid,
            "warehouse": warehouse.id,
            "stock": warehouse.lot_stock_id.id,
            "consumption": warehouse.workshop_consumption_location_id.id,
            "issue_type": warehouse.workshop_issue_type_id.id,
            "return_type": warehouse.workshop_return_type_id.id,
            "journal": journal.id,
            "income": income.id,
            "receivable": receivable.id,
            "partners": PARTNERS,
            "parts": PARTS,
            "day_zero": DAY_ZERO,
        }
        return self

    # --- the history ----------------------------------------------------------------

    def grow(self, jobs):
        """Add jobs ``self.jobs + 1 .. jobs`` with their moves and invoices;
        return {statement: seconds}."""
        if jobs <= self.jobs:
            return {}
        self.env.flush_all()
        cr = self.env.cr
        params = dict(self.params, lo=self.jobs + 1, hi=jobs)
        timings = {}
        first_ids = {}
        for table in _WRITTEN:
            cr.execute(
                SQL("SELECT COALESCE(MAX(id), 0) FROM %s", SQL.identifier(table))
            )
            first_ids[table] = cr.fetchone()[0]
        fast = self._can_skip_triggers()
        if fast:
            # The foreign keys are checked row by row by triggers, which costs ten
            # times the insert itself; a superuser may defer them to one set-based
            # check per table below (nothing of Odoo's is dropped or altered).
            cr.execute(SQL("SET LOCAL session_replication_role = replica"))
        for label, statement in (
            ("plan_jobs", _PLAN_JOBS),
            ("plan_lines", _PLAN_LINES),
            ("workshop_job", _INSERT_JOBS),
            ("workshop_job_line", _INSERT_JOB_LINES),
            ("stock_picking", _INSERT_PICKINGS),
            ("stock_move", _INSERT_MOVES),
            ("plan_invoice_lines", _PLAN_AML),
            ("account_move", _INSERT_MOVES_ACCOUNT),
            ("account_move_line", _INSERT_AML),
            ("workshop_job_stage_log", _INSERT_STAGE_LOGS),
            ("analyze", _ANALYZE),
        ):
            start = time.perf_counter()
            self.env.cr.execute(SQL(statement, **params))
            timings[label] = round(time.perf_counter() - start, 2)
        if fast:
            cr.execute(SQL("SET LOCAL session_replication_role = DEFAULT"))
            start = time.perf_counter()
            self._check_foreign_keys(first_ids)
            timings["foreign_keys"] = round(time.perf_counter() - start, 2)
            # what the leakage report's marking triggers would have done
            mark_jobs(cr, SQL("id > %s", first_ids["workshop_job"]))
        self.jobs = jobs
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        return timings

    def _can_skip_triggers(self):
        """Whether this session may turn triggers off: a superuser with no
        trigger of Odoo's (other than foreign keys) on the tables written. The
        leakage report's marking triggers are replaced by one ``mark_jobs`` of
        the new jobs (see ``grow``)."""
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user "
                "AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE NOT tgisinternal "
                "AND tgrelid::regclass::text IN %s AND tgname NOT LIKE %s)",
                _WRITTEN,
                f"{DIRTY_TABLE}_%",
            )
        )
        row = cr.fetchone()
        return bool(row and row[0])

    def _check_foreign_keys(self, first_ids):
        """What the skipped triggers would have checked, set-based: every
        foreign key of the rows just written points to an existing row."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT c.conrelid::regclass::text, a.attname,
                       c.confrelid::regclass::text, fa.attname
                  FROM pg_constraint c
                  JOIN pg_attribute a ON a.attrelid = c.conrelid
                   AND a.attnum = c.conkey[1]
                  JOIN pg_attribute fa ON fa.attrelid = c.confrelid
                   AND fa.attnum = c.confkey[1]
                 WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
                   AND c.conrelid::regclass::text IN %s
                """,
                _WRITTEN,
            )
        )
        broken = []
        for table, column, ftable, fcolumn in cr.fetchall():
            cr.execute(
                SQL(
                    "SELECT count(*) FROM %(t)s c WHERE c.id > %(first)s "
                    "AND c.%(col)s IS NOT NULL AND NOT EXISTS "
                    "(SELECT 1 FROM %(ft)s f WHERE f.%(fcol)s = c.%(col)s)",
                    t=SQL.identifier(table),
                    col=SQL.identifier(column),
                    ft=SQL.identifier(ftable),
                    fcol=SQL.identifier(fcolumn),
                    first=first_ids[table],
                )
            )
            if cr.fetchone()[0]:
                broken.append(f"{table}.{column}")
        if broken:
            raise AssertionError(f"generated rows with dangling references: {broken}")

    def counts(self):
        """Rows the benchmark's history holds, per table."""
        self.env.cr.execute(
            """
            SELECT (SELECT count(*) FROM bench_job),
                   (SELECT count(*) FROM bench_line),
                   (SELECT count(*) FROM stock_move sm JOIN bench_job j
                       ON j.id = sm.workshop_job_id),
                   (SELECT count(*) FROM account_move am JOIN bench_job j
                       ON j.id = am.workshop_job_id),
                   (SELECT count(*) FROM account_move_line aml
                       JOIN account_move am ON am.id = aml.move_id
                       JOIN bench_job j ON j.id = am.workshop_job_id),
                   (SELECT count(*) FROM bench_aml)
            """
        )
        jobs, lines, moves, invoices, amls, product_amls = self.env.cr.fetchone()
        return {
            "jobs": jobs,
            "job_lines": lines,
            "stock_moves": moves,
            "invoices_and_credit_notes": invoices,
            "journal_items": amls,
            "invoice_product_lines": product_amls,
        }
