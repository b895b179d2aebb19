"""Who may set which field, declared once per model as data.

A model that inherits ``workshop.field.rights.mixin`` lists its guarded fields in
``_workshop_field_rights`` (field name → :class:`FieldRight`); the mixin enforces
the table in ``create`` and ``write`` and makes its form and list views follow it.
"""

from collections.abc import Callable
from typing import NamedTuple


class FieldRight(NamedTuple):
    """Members of ``groups`` (XML ids; none: nobody) may set the field while the
    record's state is one of ``states`` (any state when None). Code holding
    ``privilege`` (see :mod:`.privilege`) may always set it, and so may the
    superuser. ``when`` (a record → bool callable) limits the rule to the
    records it is true for, e.g. "the customer, once the job has lines"."""

    groups: tuple = ()
    states: tuple | None = None
    privilege: str | None = None
    when: Callable | None = None
