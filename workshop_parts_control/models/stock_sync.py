"""The one door through which stock writes part quantities onto job cards.

The context key's value is a Python object that no RPC client, import or
action context can produce (they carry JSON values only), so only this
addon's code can open the door.
"""

_TOKEN = object()
_KEY = "workshop_stock_sync"


def as_stock_sync(records):
    """``records`` in an environment allowed to write stock-controlled data."""
    return records.with_context(**{_KEY: _TOKEN})


def is_stock_sync(env):
    """True when ``env`` was opened by :func:`as_stock_sync`."""
    return env.context.get(_KEY) is _TOKEN
