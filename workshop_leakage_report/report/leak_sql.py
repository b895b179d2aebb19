"""SQL building blocks shared by the leakage views.

Quantities are brought to the product's unit in SQL with the units' factors
(``qty / from.factor * to.factor``, what ``uom.uom._compute_quantity`` does
without rounding); amounts are the company-currency ``balance`` of the journal
items, so multi-currency invoices add up in one currency.
"""

from odoo.tools import SQL

# Quantities closer than this are equal (the product units' rounding is finer).
EPSILON = 0.00001
# The same as an SQL numeric literal: written so, a filter "has a difference"
# matches the predicate of the partial index on the stored facts.
EPSILON_SQL = SQL("0.00001")

# Rows of the reconciliation per job and product: ids are those of the job and
# product's key (leak_facts.KEY_TABLE). Exceptions: reconciliation id * 8 + 0;
# other sources: their row id * 8 + n (below 2**31, as XML-RPC needs, up to
# 268 million rows of a source).
KIND_SLOTS = 8

VALUE_GROUPS = "workshop_job_card.group_workshop_manager,account.group_account_invoice"


def as_sql(expression):
    """``expression`` as SQL: SQL as is, a str as SQL code written in our
    modules (aliases and columns, never user input)."""
    return expression if isinstance(expression, SQL) else SQL(expression)


def to_product_uom(quantity, uom_factor, product_uom_factor="pu.factor"):
    """``quantity`` expressed in the unit whose factor is ``uom_factor``,
    brought to the product's unit (factor ``product_uom_factor``): what
    ``uom.uom._compute_quantity`` does, without rounding. Arguments: SQL, or
    SQL code of our own as str (``"sm.quantity"``, ``"mu.factor"``)."""
    return SQL(
        "((%s) / %s * %s)",
        as_sql(quantity),
        as_sql(uom_factor),
        as_sql(product_uom_factor),
    )


def product_cost(product="pp", company="sm.company_id"):
    """The cost (company-dependent ``standard_price``) of the product row
    aliased ``product`` in the company ``company`` (SQL code of our own),
    0 when none is set."""
    return SQL(
        "COALESCE((%s.standard_price ->> %s::text)::numeric, 0)",
        as_sql(product),
        as_sql(company),
    )


def consumption_locations():
    """Ids of the workshop consumption locations and everything below them."""
    return SQL(
        "SELECT loc.id FROM stock_location loc "
        "JOIN stock_location root ON root.workshop_is_consumption "
        "AND starts_with(loc.parent_path, root.parent_path)"
    )


def job_invoice_lines():
    """(aml_id, job_id, job_line_id) of every journal item that bills a job:
    the lines created from job lines, and lines added by hand on an invoice of
    one job (phantom parts). Two branches so a filter on job_id uses indexes."""
    return SQL(
        """
        SELECT aml.id AS aml_id, jl.job_id AS job_id, jl.id AS job_line_id
          FROM account_move_line aml
          JOIN workshop_job_line jl ON jl.id = aml.workshop_job_line_id
        UNION ALL
        SELECT aml.id, am.workshop_job_id, NULL
          FROM account_move am
          JOIN account_move_line aml ON aml.move_id = am.id
         WHERE am.workshop_job_id IS NOT NULL
           AND aml.workshop_job_line_id IS NULL
        """
    )


def utc_now():
    return SQL("(now() AT TIME ZONE 'UTC')")


def disable_jit(cr):
    """Turn PostgreSQL's JIT compilation off for the rest of the transaction.

    The leakage views are large set-based queries: their estimated cost passes
    ``jit_above_cost`` as soon as a database holds some thousands of jobs, and
    compiling the plan (hundreds of functions) then costs seconds, many times the
    query itself, even for a filter on one job (see the leakage benchmark).
    Execution without JIT stays linear; the setting is local to the transaction
    and set once per transaction."""
    if cr.precommit.data.get("workshop_leakage_jit_off"):
        return
    cr.execute(SQL("SET LOCAL jit = off"))
    cr.precommit.data["workshop_leakage_jit_off"] = True
