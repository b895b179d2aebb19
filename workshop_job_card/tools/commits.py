"""When a cron may commit per batch (RELIABILITY: batched crons)."""

import threading

from odoo import modules


def can_commit(env):
    """Commit per batch only in a real run: never inside tests (Odoo's runner or
    pytest-odoo's thread) nor while modules load (demo data, upgrades)."""
    return (
        env.registry.ready
        and not modules.module.current_test
        and not getattr(threading.current_thread(), "testing", False)
    )
