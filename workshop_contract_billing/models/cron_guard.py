"""One bad record must not stop a scheduled action: the one code path every
cron of this addon (billing, lifecycle, preventive visits, payment reminders)
runs its records through. Plain Python, no ORM model."""

import logging

from psycopg2 import errors as pg_errors

_logger = logging.getLogger(__name__)

# a concurrent run billed (or is billing) the same record: not an error of it
CONCURRENT_ERRORS = (
    pg_errors.SerializationFailure,
    pg_errors.LockNotAvailable,
    pg_errors.UniqueViolation,
)


def run_guarded(record, func, on_error):
    """``func()`` in a savepoint; returns its result, or None when it failed.

    A conflict with a concurrent run is only logged (that run did the work, or
    the next one will); any other error rolls back to the savepoint and is
    handed to ``on_error(error)``, which records it where a person sees it."""
    try:
        with record.env.cr.savepoint():
            return func()
    except CONCURRENT_ERRORS:
        _logger.info("%s is handled by a concurrent run", record)
    except Exception as error:  # pylint: disable=broad-except
        _logger.warning("%s failed: %s", record, error)
        on_error(error)
    return None


def run_batch_guarded(records, func, on_error):
    """``func(records)`` in one savepoint; when that fails, ``func(record)``
    for each record in its own savepoint (see :func:`run_guarded`, with
    ``on_error(record, error)``), so a bad record is recorded and skipped
    without its neighbours. Returns the results of what ran."""
    try:
        with records.env.cr.savepoint():
            return [func(records)]
    except Exception:  # pylint: disable=broad-except
        _logger.info("batch of %s failed, running its records one by one", records)
    results = (
        run_guarded(
            record,
            lambda r=record: func(r),
            lambda error, r=record: on_error(r, error),
        )
        for record in records
    )
    return [result for result in results if result is not None]
