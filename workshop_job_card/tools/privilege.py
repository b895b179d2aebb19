"""Privileges that only our own Python code can grant.

Every public method and every writable field is reachable over RPC with any
context, so a plain context key (``{"workshop_transition": True}``) is a switch
any caller can flip. A privilege is instead carried in the context as a
:class:`Grant`, a ``frozenset`` subclass: RPC clients, imports, actions and the
web client send JSON values only, so none of them can build one. Code that must
open a door (the workflow writing ``state``, a time log writing its labour
line) calls :func:`grant`; the guarded method asks :func:`is_granted`.
"""

KEY = "workshop_grant"


class Grant(frozenset):
    """The set of privileges an environment was opened with."""


def grant(records, *privileges):
    """``records`` in an environment that also holds ``privileges``."""
    held = records.env.context.get(KEY)
    held = held if isinstance(held, Grant) else frozenset()
    return records.with_context(**{KEY: Grant(held.union(privileges))})


def is_granted(env, privilege):
    """True when ``env`` was opened by :func:`grant` with ``privilege``."""
    held = env.context.get(KEY)
    return isinstance(held, Grant) and privilege in held
