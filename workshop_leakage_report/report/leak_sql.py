"""SQL building blocks shared by the leakage views.

Quantities are brought to the product's unit in SQL with the units' factors
(``qty / from.factor * to.factor``, what ``uom.uom._compute_quantity`` does
without rounding); amounts are the company-currency ``balance`` of the journal
items, so multi-currency invoices add up in one currency.
"""

from odoo.tools import SQL

LEAK_KINDS = [
    ("ok", "Reconciled"),
    ("in_progress", "Work in Progress"),
    ("in_billing", "Being Invoiced"),
    ("not_invoiced", "Issued, Not Invoiced"),
    ("over_invoiced", "Invoiced More Than Used"),
    ("done_not_invoiced", "Done, Never Invoiced"),
    ("draft_not_posted", "Draft Invoice Not Posted"),
    ("underpriced", "Priced Below List"),
    ("open_case", "Warranty / Consignment / Core Open"),
    ("core_not_returned", "Core Not Returned to Vendor"),
    ("labour_unbilled", "Labour Logged, Not Invoiced"),
    ("contract_unbilled", "Contract Period Not Invoiced"),
    ("no_job", "Consumed Without a Job"),
]
# Differences that are not (yet) a leak: the loop is still running.
NOT_LEAKS = ("ok", "in_progress", "in_billing")
LEAKS = tuple(key for key, _label in LEAK_KINDS if key not in NOT_LEAKS)

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
    query itself (benchmark: 28 s of 33 s at 100k stock moves, and even a filter
    on one job was compiled). Execution without JIT stays linear; the setting is
    local to the transaction and set once per transaction."""
    if cr.precommit.data.get("workshop_leakage_jit_off"):
        return
    cr.execute(SQL("SET LOCAL jit = off"))
    cr.precommit.data["workshop_leakage_jit_off"] = True
