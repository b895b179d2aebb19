"""pytest hooks for the repository's own tests (``tests/e2e``, ``tests/benchmarks``…).

Odoo gives its test classes their default tags (``test_tags``) only when they live in
an addon (module ``odoo.addons.<addon>…``), and its ``setUpClass`` reads them. Test
classes here live outside any addon, so they get the defaults below unless they are
``@tagged`` themselves: post_install, since they run on a database where every addon
is installed.
"""

import inspect

DEFAULT_TEST_TAGS = frozenset({"standard", "post_install"})


def pytest_pycollect_makeitem(collector, name, obj):
    # imported here, not at the top: pytest loads this file before pytest-odoo
    # switches Odoo to test mode, and Odoo logs an error when its test framework
    # is imported outside test mode
    from odoo.tests.common import BaseCase

    if (
        inspect.isclass(obj)
        and issubclass(obj, BaseCase)
        and not obj.__module__.startswith("odoo.addons.")
        and getattr(obj, "test_tags", None) is None
    ):
        obj.test_tags = set(DEFAULT_TEST_TAGS)
    # None: let pytest collect the class as usual
