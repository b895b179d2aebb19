"""One bad record must not stop a scheduled action (RELIABILITY: crons survive
one bad record): each unit of work runs in its own savepoint; a failure rolls
back that unit only, is logged, and is recorded where a person sees it."""

import logging

_logger = logging.getLogger(__name__)


def run_isolated(env, work, on_failure, label, default=None):
    """Run ``work()`` in a savepoint of ``env``'s cursor and return its result.
    If it raises, roll that savepoint back, log the error, call
    ``on_failure(exception)`` in a savepoint of its own (a failure to record
    the failure is logged too) and return ``default``."""
    try:
        with env.cr.savepoint():
            return work()
    except Exception as exc:  # pylint: disable=broad-except
        _logger.exception("%s failed", label)
        try:
            with env.cr.savepoint():
                on_failure(exc)
        except Exception:  # pylint: disable=broad-except
            _logger.exception("%s: could not record the failure", label)
        return default
