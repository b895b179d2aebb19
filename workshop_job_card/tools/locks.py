"""Row locks for billing (RELIABILITY: lock what you bill).

Writing or locking the billed row first makes a concurrent second call wait,
then fail with a serialization error that Odoo replays against the committed
result (requests), or skip the row (crons, ``skip_locked``)."""

from odoo.tools import SQL


def lock_rows(records, skip_locked=False):
    """Lock the rows of ``records`` (``SELECT … FOR UPDATE``, in id order so two
    callers never deadlock) and return the records locked: all of them, or
    with ``skip_locked`` only those no other transaction holds."""
    if not records:
        return records
    records.flush_recordset()
    records.env.cr.execute(
        SQL(
            "SELECT id FROM %s WHERE id IN %s ORDER BY id FOR UPDATE%s",
            SQL.identifier(records._table),
            tuple(records.ids),
            SQL(" SKIP LOCKED") if skip_locked else SQL(),
        )
    )
    locked = records.browse(row[0] for row in records.env.cr.fetchall())
    locked.invalidate_recordset()
    return locked


def lock_next(model, domain, limit, order="id"):
    """Lock up to ``limit`` rows of ``model`` matching ``domain`` (in ``order``)
    that no other transaction holds, and return them: a queue several workers
    share without waiting for each other (``FOR UPDATE SKIP LOCKED``)."""
    query = model._search(domain, order=order, limit=limit)
    # execute_query flushes the fields the query reads (pending computations)
    rows = model.env.execute_query(
        SQL(
            "%s FOR UPDATE OF %s SKIP LOCKED",
            query.select(),
            SQL.identifier(model._table),
        )
    )
    return model.browse(row[0] for row in rows)
