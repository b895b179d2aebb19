"""Shared fixtures for workshop_job_card tests (and the addons built on it)."""

import enum
import importlib
import inspect
import pkgutil
import xmlrpc.client

from odoo import Command, models
from odoo.tests import HttpCase, TransactionCase, new_test_user


def public_methods(addon, packages=("models", "wizards"), exclude=()):
    """``{model: {name}}`` of the public callables that ``addon``'s own classes
    define in its ``packages`` (minus ``exclude``): each is callable over RPC
    unless Odoo says otherwise, so the RPC-surface tests of each addon compare
    this with their reviewed list."""
    found = {}
    for package in packages:
        try:
            pkg = importlib.import_module(f"odoo.addons.{addon}.{package}")
        except ModuleNotFoundError:
            continue
        # sub-packages too: the concerns of one model may share a folder
        for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{pkg.__name__}."):
            module = importlib.import_module(info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if (
                    not issubclass(cls, models.BaseModel)
                    or cls.__module__ != module.__name__
                ):
                    continue
                public = {
                    attr
                    for attr, value in vars(cls).items()
                    if not attr.startswith("_")
                    and callable(value)
                    and attr not in exclude
                }
                if public:
                    found.setdefault(cls._name or cls._inherit, set()).update(public)
    return found


class QueryCount:
    """The number of queries a ``with`` block runs (``.count`` once it ends),
    pending writes flushed before and after so they count where they are
    made. For figures compared with each other (does a count grow with the
    data?); a known budget is ``assertQueryCount``'s."""

    def __init__(self, env):
        self.env = env
        self.count = None

    def __enter__(self):
        self.env.flush_all()
        self._start = self.env.cr.sql_log_count
        return self

    def __exit__(self, *exc):
        self.env.flush_all()
        self.count = self.env.cr.sql_log_count - self._start
        return False


def _report(figure):
    """Show a figure in the test output (``pytest -s``; kept with a failure)."""
    print(figure)  # pylint: disable=print-used


# the groups behind the role names the fixture builders take (the parts
# clerk's group is workshop_parts_control's, for its tests and those after it)
ROLES = {
    "technician": "workshop_job_card.group_workshop_technician",
    "coordinator": "workshop_job_card.group_workshop_coordinator",
    "manager": "workshop_job_card.group_workshop_manager",
    "clerk": "workshop_parts_control.group_workshop_parts_clerk",
    "invoicing": "account.group_account_invoice",
    "accounting": "account.group_account_manager",
    "settings": "base.group_system",
    "internal": "base.group_user",
    "portal": "base.group_portal",
}


class WorkshopCommon(TransactionCase):
    """A company with a customer (and its accounts-payable contact), products,
    a job type with an SLA and users of every workshop role; the fixture
    builders (``_user``, ``_company``, ``_product``) make more of them.

    Chatter tracking is off: tests that check the chatter turn it back on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.tax_15 = cls.env["account.tax"].create(
            {
                "name": "Workshop VAT 15%",
                "amount": 15.0,
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {
                "name": "Fleet Logistics Ltd",
                "is_company": True,
                "email": "fleet@example.com",
            }
        )
        cls.ap_contact = Partner.create(
            {
                "name": "Accounts Payable",
                "type": "invoice",
                "parent_id": cls.customer.id,
                "email": "ap@example.com",
            }
        )
        cls.part_filter = cls._product(
            "Oil filter", 12.5, standard_price=6.0, default_code="OF-1"
        )
        cls.part_pads = cls._product(
            "Brake pads", 80.0, standard_price=35.0, default_code="BP-2"
        )
        hour = cls.env.ref("uom.product_uom_hour")
        cls.labour = cls._product(
            "Labour standard", 90.0, "service", uom_id=hour.id, uom_po_id=hour.id
        )
        cls.travel = cls._product("Travel km", 0.8, "service")
        cls.company.workshop_labour_product_id = cls.labour
        cls.job_type = cls.env["workshop.job.type"].create(
            {"name": "Repair", "response_hours": 24, "resolution_hours": 72}
        )
        cls.technician = cls._user("ws_tech", "technician", name="Tina Technician")
        cls.technician2 = cls._user("ws_tech2", "technician", name="Tom Technician")
        cls.coordinator = cls._user(
            "ws_coord", "coordinator", "invoicing", name="Cora Coordinator"
        )
        cls.accountant = cls._user("ws_acc", "invoicing", name="Abe Accountant")
        cls.manager = cls._user("ws_mgr", "manager", "accounting", name="Mia Manager")

    # ------------------------------------------------------------------
    # Fixture builders
    # ------------------------------------------------------------------
    @classmethod
    def _user(cls, login, *roles, name=None, companies=None, **vals):
        """A user of ``roles`` (names of ``ROLES`` or group xml ids) in
        ``companies`` (the first one current; default: the test company). Its
        password is its login padded with "x" to 8 characters."""
        companies = companies or cls.company
        return new_test_user(
            cls.env,
            login=login,
            name=name or login,
            groups=",".join(ROLES.get(role, role) for role in roles),
            company_id=companies[0].id,
            company_ids=[Command.set(companies.ids)],
            **vals,
        )

    @classmethod
    def _company(cls, name="Workshop South", chart=False, **vals):
        """Another company, with Odoo's generic chart of accounts (and so its
        taxes and journals) when ``chart``."""
        company = cls.env["res.company"].create(dict({"name": name}, **vals))
        if chart:
            cls.env["account.chart.template"].try_loading(
                "generic_coa", company=company, install_demo=False
            )
        return company

    @classmethod
    def _product(cls, name, price=0.0, kind="consu", **vals):
        """A product sold at ``price`` with the 15% sales tax (``vals`` over
        these defaults); ``kind`` is Odoo's product type."""
        return cls.env["product.product"].create(
            dict(
                {
                    "name": name,
                    "type": kind,
                    "list_price": price,
                    "taxes_id": [Command.set(cls.tax_15.ids)],
                },
                **vals,
            )
        )

    # ------------------------------------------------------------------
    # Jobs
    # ------------------------------------------------------------------
    @classmethod
    def _create_job(cls, lines=None, **vals):
        """A draft job for the customer with the given
        (kind, product, qty[, price]) lines."""
        values = {
            "partner_id": cls.customer.id,
            "job_type_id": cls.job_type.id,
            "client_order_ref": "PO-4711",
            "technician_ids": [Command.set(cls.technician.ids)],
            "user_id": cls.coordinator.id,
        }
        values.update(vals)
        if lines is not None:
            values["line_ids"] = [
                Command.create(cls._line_vals(*line)) for line in lines
            ]
        return cls.env["workshop.job"].create(values)

    @staticmethod
    def _line_vals(kind, product=None, qty=1.0, price=None):
        vals = {"kind": kind, "quantity": qty}
        if product:
            vals["product_id"] = product.id
        else:
            vals["name"] = kind.title()
        if price is not None:
            vals["price_unit"] = price
        return vals

    def _standard_lines(self):
        return [
            ("section", None, 0),
            ("part", self.part_filter, 2),
            ("part", self.part_pads, 1),
            ("labour", self.labour, 1.5),
            ("travel", self.travel, 30),
        ]

    @classmethod
    def _finish(cls, job, sign=True):
        """Walk a job through the workflow to done (and signed)."""
        job.scheduled_datetime = job.scheduled_datetime or "2026-11-20 08:00:00"
        job.action_schedule()
        job.action_dispatch()
        job.action_start_travel()
        job.action_arrive()
        job.resolution = "<p>Replaced filter and pads.</p>"
        job.action_done()
        if sign:
            job.action_sign(signature=cls._signature(), signed_by="Sam Customer")
        return job

    @staticmethod
    def _signature():
        # a 1x1 transparent PNG
        return (
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
            "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
        )


# faultCode of Odoo's /xmlrpc/2/object for each refusal (base/controllers/rpc.py)
RPC_FAULTS = {"access": 4, "user": 2}


def _plain(value):
    """``value`` as XML-RPC marshals it (``Command`` members become ints)."""
    if isinstance(value, enum.IntEnum):
        return int(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


class RpcCallsMixin:
    """Calls over real XML-RPC, as a user made by ``new_test_user`` (whose
    password is the login, padded with "x" to 8 characters), for the RPC-abuse
    tests of every addon. Mix it into an ``HttpCase``: the test server shares
    the test's transaction, and a refused call rolls back to the savepoint of
    its request, as it would in production."""

    def rpc(self, user, model, method, *args, context=None, **kwargs):
        """``model.method(*args, **kwargs)`` over XML-RPC as ``user``; the test
        environment's cache is invalidated afterwards so it reads what the
        server wrote."""
        if context is not None:
            kwargs["context"] = context
        try:
            return self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                user.id,
                user.login + "x" * (8 - len(user.login)),
                model,
                method,
                _plain(args),
                _plain(kwargs),
            )
        finally:
            self.env.invalidate_all()

    def assertRpcRefused(self, refusal, user, model, method, *args, **kwargs):
        """The call is refused with ``refusal`` ("access": ``AccessError``,
        "user": ``UserError``/``ValidationError``); returns the fault's text."""
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.rpc(user, model, method, *args, **kwargs)
        fault = caught.exception
        self.assertEqual(
            fault.faultCode,
            RPC_FAULTS[refusal],
            f"{model}.{method} as {user.login}: {fault.faultString[-500:]}",
        )
        return fault.faultString


class RpcCase(RpcCallsMixin, HttpCase):
    """An ``HttpCase`` with :class:`RpcCallsMixin`."""
