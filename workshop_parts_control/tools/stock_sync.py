"""The one door through which stock writes part quantities onto job cards.

It is a privilege of :mod:`odoo.addons.workshop_job_card.tools.privilege`: no
RPC client, import or action context can produce it, so only this addon's code
can open the door.
"""

from odoo.addons.workshop_job_card.tools.privilege import grant, is_granted

STOCK_SYNC = "workshop_parts_control.stock_sync"


def as_stock_sync(records):
    """``records`` in an environment allowed to write stock-controlled data."""
    return grant(records, STOCK_SYNC)


def is_stock_sync(env):
    """True when ``env`` was opened by :func:`as_stock_sync`."""
    return is_granted(env, STOCK_SYNC)
