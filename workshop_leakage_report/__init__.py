from . import models
from . import report


def uninstall_hook(env):
    """Drop the leakage triggers on stock, invoice and job tables before the
    tables they write into go."""
    from .report.leak_facts import uninstall_facts

    uninstall_facts(env.cr)
