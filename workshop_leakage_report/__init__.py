from . import models
from . import report


def post_init_hook(env):
    """The leakage trend from history: one reconstructed weekly run per past
    week with activity, so the trend is a line from the first day."""
    env["workshop.leakage.run"]._backfill_history()


def uninstall_hook(env):
    """Drop the leakage triggers on stock, invoice and job tables before the
    tables they write into go."""
    from .report.leak_facts import uninstall_facts

    uninstall_facts(env.cr)
