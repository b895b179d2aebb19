"""One bad record must not stop a scheduled action (RELIABILITY: crons survive
one bad record): every cron of the suite runs its units of work through here.

Each unit runs in its own savepoint. A conflict with a concurrent run (another
worker billed or is billing the same record) is only logged: that run did the
work, or the next one will. Any other error rolls back that unit alone, is
logged, and is handed to ``on_error``, run in a savepoint of its own, which
records it where a person sees it (a note, an activity, a failed run)."""

import logging

from psycopg2 import errors as pg_errors

_logger = logging.getLogger(__name__)

CONCURRENT_ERRORS = (
    pg_errors.SerializationFailure,
    pg_errors.LockNotAvailable,
    pg_errors.UniqueViolation,
)


def run_guarded(env, work, on_error, label, default=None):
    """``work()`` in a savepoint of ``env``'s cursor; its result, or ``default``
    when it failed (see the module docstring). ``label`` names the unit in
    the log."""
    try:
        with env.cr.savepoint():
            return work()
    except CONCURRENT_ERRORS:
        _logger.info("%s is handled by a concurrent run", label)
    except Exception as error:  # pylint: disable=broad-except
        _logger.warning("%s failed: %s", label, error, exc_info=True)
        try:
            with env.cr.savepoint():
                on_error(error)
        except Exception:  # pylint: disable=broad-except
            _logger.exception("%s: could not record the failure", label)
    return default


def run_batch_guarded(records, work, on_error):
    """``work(records)`` in one savepoint; when that fails, ``work(record)`` for
    each record in its own (:func:`run_guarded`, with ``on_error(record,
    error)``), so a bad record is recorded and skipped without its
    neighbours. Returns the results of what ran."""
    try:
        with records.env.cr.savepoint():
            return [work(records)]
    except Exception:  # pylint: disable=broad-except
        _logger.info("batch of %s failed, running its records one by one", records)
    results = (
        run_guarded(
            record.env,
            lambda r=record: work(r),
            lambda error, r=record: on_error(r, error),
            record,
        )
        for record in records
    )
    return [result for result in results if result is not None]
