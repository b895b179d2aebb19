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


def _report(figure):
    """Show a figure in the test output (``pytest -s``; kept with a failure)."""
    print(figure)  # pylint: disable=print-used


class WorkshopCommon(TransactionCase):
    """A company with a customer (and its accounts-payable contact), products,
    a job type with an SLA and users of every workshop role.

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
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Fleet Logistics Ltd",
                "is_company": True,
                "email": "fleet@example.com",
            }
        )
        cls.ap_contact = cls.env["res.partner"].create(
            {
                "name": "Accounts Payable",
                "type": "invoice",
                "parent_id": cls.customer.id,
                "email": "ap@example.com",
            }
        )
        Product = cls.env["product.product"]
        cls.part_filter = Product.create(
            {
                "name": "Oil filter",
                "type": "consu",
                "list_price": 12.5,
                "standard_price": 6.0,
                "taxes_id": [Command.set(cls.tax_15.ids)],
                "default_code": "OF-1",
            }
        )
        cls.part_pads = Product.create(
            {
                "name": "Brake pads",
                "type": "consu",
                "list_price": 80.0,
                "standard_price": 35.0,
                "taxes_id": [Command.set(cls.tax_15.ids)],
                "default_code": "BP-2",
            }
        )
        cls.labour = Product.create(
            {
                "name": "Labour standard",
                "type": "service",
                "list_price": 90.0,
                "uom_id": cls.env.ref("uom.product_uom_hour").id,
                "uom_po_id": cls.env.ref("uom.product_uom_hour").id,
                "taxes_id": [Command.set(cls.tax_15.ids)],
            }
        )
        cls.travel = Product.create(
            {
                "name": "Travel km",
                "type": "service",
                "list_price": 0.8,
                "taxes_id": [Command.set(cls.tax_15.ids)],
            }
        )
        cls.company.workshop_labour_product_id = cls.labour
        cls.job_type = cls.env["workshop.job.type"].create(
            {"name": "Repair", "response_hours": 24, "resolution_hours": 72}
        )
        groups = "workshop_job_card.group_workshop_{}"
        cls.technician = new_test_user(
            cls.env,
            login="ws_tech",
            name="Tina Technician",
            groups=groups.format("technician"),
        )
        cls.technician2 = new_test_user(
            cls.env,
            login="ws_tech2",
            name="Tom Technician",
            groups=groups.format("technician"),
        )
        cls.coordinator = new_test_user(
            cls.env,
            login="ws_coord",
            name="Cora Coordinator",
            groups=groups.format("coordinator") + ",account.group_account_invoice",
        )
        cls.accountant = new_test_user(
            cls.env,
            login="ws_acc",
            name="Abe Accountant",
            groups="account.group_account_invoice",
        )
        cls.manager = new_test_user(
            cls.env,
            login="ws_mgr",
            name="Mia Manager",
            groups=groups.format("manager") + ",account.group_account_manager",
        )

    # ------------------------------------------------------------------
    # helpers
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

    def _finish(self, job, sign=True):
        """Walk a job through the workflow to done (and signed)."""
        job.scheduled_datetime = job.scheduled_datetime or "2026-11-20 08:00:00"
        job.action_schedule()
        job.action_dispatch()
        job.action_start_travel()
        job.action_arrive()
        job.resolution = "<p>Replaced filter and pads.</p>"
        job.action_done()
        if sign:
            job.action_sign(signature=self._signature(), signed_by="Sam Customer")
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
