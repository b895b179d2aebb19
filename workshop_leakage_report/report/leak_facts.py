"""Stored reconciliation facts per job and product, kept up to date by what changed.

The reconciliation reads every done parts move, time log, job line and posted
invoice line of the history: at a million stock moves one set-based query takes
tens of seconds, too long for a list that opens from a menu. So its quantities are
stored, one row per job and product, in ``workshop_leakage_fact``:

- every write that can change a job's quantities (parts moves, time logs, job
  lines, invoice and credit note lines, posting or resetting an invoice of the
  job) marks the job in ``workshop_leakage_dirty``, from PostgreSQL triggers in
  the same transaction as the change, so no path (ORM, SQL, import) escapes and a
  rolled-back change leaves no mark;
- any read of the leakage views first recomputes the facts of the marked jobs
  from the live query (``workshop_leakage_fact_live``, read job by job through
  ``workshop_leakage_refresh_job`` so each job is an index lookup) and removes
  their marks: the cost follows what changed, not the size of the history;
- everything that moves with time or with settings (job state and dates,
  thresholds, prices, classification) is not stored: the reconciliation view
  joins it at read time over the stored facts, so a job turns "done, never
  invoiced" on the day it passes the threshold without any refresh.

On a read-only cursor (the read replica of Odoo 18's read-only requests),
pending marks raise ``ReadOnlySqlTransaction``: Odoo then runs the request
again with a read/write cursor, so the facts read are never behind.

Concurrency: the refresh takes a transaction-level advisory lock and gives up at
once if another transaction holds it (that reader sees the facts as committed).
A refresh that collides with a concurrent one (serialisation failure) is rolled
back to its savepoint and the read goes on with the stored facts; the marks it
could not remove stay for the next read.
"""

import logging

from psycopg2.errors import ReadOnlySqlTransaction
from psycopg2.extensions import TransactionRollbackError

from odoo.tools import SQL

from .leak_sql import EPSILON_SQL, disable_jit

_logger = logging.getLogger(__name__)

FACT_TABLE = "workshop_leakage_fact"
# One small, stable id per job and product, never deleted: the id of the
# reconciliation's rows (XML-RPC carries 32-bit integers only, and the facts
# themselves are deleted and written again at each refresh).
KEY_TABLE = "workshop_leakage_key"
DIRTY_TABLE = "workshop_leakage_dirty"
LIVE_VIEW = "workshop_leakage_fact_live"
REFRESH_FUNCTION = "workshop_leakage_refresh_job"
# pg_try_advisory_xact_lock key of the refresh ("WSLK" in ASCII)
LOCK_KEY = 0x57534C4B
# Recomputing one job costs about as much as FULL_REBUILD_RATIO jobs of a full
# set-based rebuild (see the leakage benchmark): past that share of the jobs
# marked, rebuild everything.
FULL_REBUILD_RATIO = 5
# Below this many jobs marked, no need to count the jobs.
FULL_REBUILD_MIN_JOBS = 1000
BATCH_JOBS = 5000
FACT_COLUMNS = (
    "job_id",
    "product_id",
    "line_kind",
    "qty_issued",
    "qty_returned",
    "qty_logged",
    "qty_invoiced",
    "qty_difference",
    "amount_invoiced",
    "has_open_case",
    "has_posted",
    "draft_since",
)

# (table, column giving the job, columns whose update matters or None for all)
# account_move_line reaches the job through its job line: see _trigger_sql.
MARKED_TABLES = (
    (
        "stock_move",
        "workshop_job_id",
        (
            "state",
            "quantity",
            "product_uom",
            "product_id",
            "location_id",
            "location_dest_id",
            "workshop_job_id",
        ),
    ),
    ("workshop_job_line", "job_id", None),
    ("workshop_job_timelog", "job_id", None),
    (
        "account_move_line",
        "workshop_job_line_id",
        (
            "parent_state",
            "quantity",
            "balance",
            "product_id",
            "product_uom_id",
            "workshop_job_line_id",
            "display_type",
            "move_id",
            # the age of a draft line (only data fixes and tests change it)
            "create_date",
        ),
    ),
    # invoice lines added by hand on a job's invoice count once it is posted
    ("account_move", "workshop_job_id", ("state", "move_type", "workshop_job_id")),
)


def _job_expr(table, row):
    """SQL expression of the job of ``row`` (NEW or OLD) of ``table``."""
    if table == "account_move_line":
        return (
            f"(SELECT job_id FROM workshop_job_line "
            f"WHERE id = {row}.workshop_job_line_id)"
        )
    column = dict((t, c) for t, c, _cols in MARKED_TABLES)[table]
    return f"{row}.{column}"


def _trigger_sql(table, column, columns):
    """Statements creating the marking function and triggers of ``table``.

    Built from the constants above only (no user input)."""
    function = f"{DIRTY_TABLE}_{table}_mark"
    update_of = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
    return [
        f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'INSERT' THEN
            PERFORM workshop_leakage_mark({_job_expr(table, "OLD")});
          END IF;
          IF TG_OP <> 'DELETE' THEN
            PERFORM workshop_leakage_mark({_job_expr(table, "NEW")});
          END IF;
          RETURN NULL;
        END $$
        """,
        f"DROP TRIGGER IF EXISTS {function}_ins ON {table}",
        f"DROP TRIGGER IF EXISTS {function}_upd ON {table}",
        f"DROP TRIGGER IF EXISTS {function}_del ON {table}",
        f"""CREATE TRIGGER {function}_ins AFTER INSERT ON {table} FOR EACH ROW
            WHEN (NEW.{column} IS NOT NULL) EXECUTE FUNCTION {function}()""",
        f"""CREATE TRIGGER {function}_upd AFTER {update_of} ON {table}
            FOR EACH ROW
            WHEN (OLD.{column} IS NOT NULL OR NEW.{column} IS NOT NULL)
            EXECUTE FUNCTION {function}()""",
        f"""CREATE TRIGGER {function}_del AFTER DELETE ON {table} FOR EACH ROW
            WHEN (OLD.{column} IS NOT NULL) EXECUTE FUNCTION {function}()""",
    ]


def install_facts(cr, live_query):
    """Create (or update) the facts table, the marks, the triggers and the live
    view of the facts; rebuild the facts."""
    cr.execute(
        SQL(
            f"""
            CREATE TABLE IF NOT EXISTS {FACT_TABLE} (
                job_id integer NOT NULL,
                product_id integer,
                line_kind varchar,
                qty_issued numeric NOT NULL DEFAULT 0,
                qty_returned numeric NOT NULL DEFAULT 0,
                qty_logged numeric NOT NULL DEFAULT 0,
                qty_invoiced numeric NOT NULL DEFAULT 0,
                qty_difference numeric NOT NULL DEFAULT 0,
                amount_invoiced numeric NOT NULL DEFAULT 0,
                has_open_case boolean NOT NULL DEFAULT FALSE,
                has_posted boolean NOT NULL DEFAULT FALSE,
                draft_since timestamp
            );
            -- the key is joined at read time (see KEY_TABLE), not stored
            ALTER TABLE {FACT_TABLE} DROP COLUMN IF EXISTS key_id;
            CREATE TABLE IF NOT EXISTS {KEY_TABLE} (
                id serial PRIMARY KEY,
                job_id integer NOT NULL,
                product_id integer NOT NULL DEFAULT 0,
                UNIQUE (job_id, product_id)
            );
            CREATE INDEX IF NOT EXISTS {FACT_TABLE}_job_product_idx
                ON {FACT_TABLE} (job_id DESC, product_id);
            CREATE INDEX IF NOT EXISTS {FACT_TABLE}_difference_idx
                ON {FACT_TABLE} (job_id DESC, product_id)
                WHERE abs(qty_difference) >= {EPSILON_SQL.code};
            CREATE TABLE IF NOT EXISTS {DIRTY_TABLE} (job_id integer NOT NULL);
            CREATE INDEX IF NOT EXISTS {DIRTY_TABLE}_job_idx
                ON {DIRTY_TABLE} (job_id);
            CREATE OR REPLACE FUNCTION workshop_leakage_mark(job integer)
            RETURNS void LANGUAGE sql AS $$
                INSERT INTO {DIRTY_TABLE} (job_id)
                SELECT job WHERE job IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM {DIRTY_TABLE} d WHERE d.job_id = job)
            $$;
            """
        )
    )
    for table, column, columns in MARKED_TABLES:
        for statement in _trigger_sql(table, column, columns):
            cr.execute(SQL(statement))
    cr.execute(SQL(f"DROP VIEW IF EXISTS {LIVE_VIEW} CASCADE"))
    cr.execute(
        SQL(
            "CREATE VIEW %s AS (%s)",
            SQL.identifier(LIVE_VIEW),
            live_query,
        )
    )
    cr.execute(
        SQL(
            f"""
            CREATE OR REPLACE FUNCTION {REFRESH_FUNCTION}(job integer)
            RETURNS void LANGUAGE plpgsql
            -- planned once per connection: planning the live view costs
            -- more than reading one job through it
            SET plan_cache_mode = force_generic_plan AS $$
            BEGIN
              {_insert_sql("job")};
            END $$
            """
        )
    )
    rebuild_facts(cr)


def uninstall_facts(cr):
    """Drop the triggers first: they would write into a dropped table."""
    for table, _column, _columns in MARKED_TABLES:
        function = f"{DIRTY_TABLE}_{table}_mark"
        for suffix in ("ins", "upd", "del"):
            cr.execute(SQL(f"DROP TRIGGER IF EXISTS {function}_{suffix} ON {table}"))
        cr.execute(SQL(f"DROP FUNCTION IF EXISTS {function}()"))
    cr.execute(SQL("DROP FUNCTION IF EXISTS workshop_leakage_mark(integer)"))
    cr.execute(SQL(f"DROP FUNCTION IF EXISTS {REFRESH_FUNCTION}(integer)"))
    cr.execute(SQL(f"DROP VIEW IF EXISTS {LIVE_VIEW} CASCADE"))
    cr.execute(
        SQL(f"DROP TABLE IF EXISTS {FACT_TABLE}, {KEY_TABLE}, {DIRTY_TABLE} CASCADE")
    )


def mark_jobs(cr, domain_sql=None):
    """Mark jobs (all, or those ``SELECT id FROM workshop_job`` filtered by
    ``domain_sql``) for recomputation: what their facts read changed in a way
    no trigger sees (a consumption location, a company's labour product, a
    unit's ratio, a product's unit)."""
    cr.execute(
        SQL(
            f"INSERT INTO {DIRTY_TABLE} (job_id) SELECT id FROM workshop_job %s",
            SQL("WHERE %s", domain_sql) if domain_sql is not None else SQL(),
        )
    )


def _insert_sql(job=None):
    """The statements storing the live facts (all, or those of the job the SQL
    expression ``job`` gives) and a key for each job and product that has none
    yet. The key is not written into the facts: updating every fact row would
    leave as many dead rows for every read to step over; the views join it."""
    columns = ", ".join(FACT_COLUMNS)
    live_filter = f"WHERE job_id = {job}" if job else ""
    fact_filter = f"AND f.job_id = {job}" if job else ""
    return f"""
        INSERT INTO {FACT_TABLE} ({columns})
        SELECT {columns} FROM {LIVE_VIEW} {live_filter};
        INSERT INTO {KEY_TABLE} (job_id, product_id)
        SELECT f.job_id, COALESCE(f.product_id, 0) FROM {FACT_TABLE} f
         WHERE TRUE {fact_filter}
        -- one probe of the unique index per fact: no plan to get wrong
        ON CONFLICT DO NOTHING
    """


def _insert_facts(cr, job_ids=None):
    """Recompute the facts of ``job_ids`` (None: of every job).

    For a list of jobs, ``workshop_leakage_refresh_job`` reads the live view job
    by job: each read is a lookup by job in the indexes of the sources, whatever
    the number of jobs (one filter on a list of jobs lets the planner scan whole
    tables once the list grows)."""
    if job_ids is None:
        cr.execute(SQL(f"DELETE FROM {FACT_TABLE}"))
        cr.execute(SQL(_insert_sql()))
        # every row is new: the planner's statistics of both tables are too
        # (a read planned on an "empty" key table would scan it per fact)
        cr.execute(SQL(f"ANALYZE {FACT_TABLE}, {KEY_TABLE}"))
        return
    cr.execute(SQL(f"DELETE FROM {FACT_TABLE} WHERE job_id = ANY(%s)", job_ids))
    cr.execute(
        SQL(
            f"SELECT COUNT({REFRESH_FUNCTION}(job_id)) "
            "FROM unnest(%s::integer[]) AS marked(job_id)",
            job_ids,
        )
    )


def rebuild_facts(cr):
    """Recompute every fact (one set-based query) and clear the marks."""
    disable_jit(cr)
    cr.execute(SQL(f"DELETE FROM {DIRTY_TABLE}"))
    _insert_facts(cr)


def _full_rebuild_pays(cr, marked):
    if marked < FULL_REBUILD_MIN_JOBS:
        return False
    cr.execute(SQL("SELECT COUNT(*) FROM workshop_job"))
    return marked * FULL_REBUILD_RATIO > cr.fetchone()[0]


def refresh_facts(env):
    """Bring the stored facts up to date with what changed (see the module
    docstring). Returns the number of jobs recomputed, or None when another
    transaction is refreshing or a concurrent refresh won."""
    env.flush_all()
    cr = env.cr
    cr.execute(SQL(f"SELECT EXISTS (SELECT 1 FROM {DIRTY_TABLE})"))
    if not cr.fetchone()[0]:
        return 0
    if cr.readonly:
        # a read-only cursor (read replica): Odoo runs the request again with
        # a read/write one, which brings the facts up to date
        raise ReadOnlySqlTransaction("leakage facts of changed jobs to recompute")
    cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", LOCK_KEY))
    if not cr.fetchone()[0]:
        return None
    disable_jit(cr)
    try:
        with cr.savepoint(flush=False):
            cr.execute(
                SQL(
                    f"WITH done AS (DELETE FROM {DIRTY_TABLE} RETURNING job_id) "
                    "SELECT DISTINCT job_id FROM done"
                )
            )
            job_ids = sorted(row[0] for row in cr.fetchall())
            if _full_rebuild_pays(cr, len(job_ids)):
                _insert_facts(cr)
            else:
                for start in range(0, len(job_ids), BATCH_JOBS):
                    _insert_facts(cr, job_ids[start : start + BATCH_JOBS])
    except TransactionRollbackError as exc:
        # a concurrent refresh committed first: read what it stored
        _logger.info("leakage facts: concurrent refresh, reading stored: %s", exc)
        return None
    return len(job_ids)


def prepare_read(env):
    """Before any read of the leakage views: stored facts up to date, JIT off."""
    refresh_facts(env)
    disable_jit(env.cr)
