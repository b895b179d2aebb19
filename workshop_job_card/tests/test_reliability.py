"""Reliability of job invoicing: RELIABILITY.md tests 2, 10, 11, 12 and 13.

Tests 2 and 13 need several real transactions: like Odoo's ``test_ir_cron`` they
open cursors of their own (``self.registry.cursor()``), commit a job of their own
and delete it afterwards. The other tests run in the test transaction. Test 1 (the
race over XML-RPC against a running server) is ``tests/external/test_invoice_race.py``.
"""

import secrets
from contextlib import closing
from unittest.mock import patch

from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import AccessError, UserError
from odoo.service.model import get_public_method, retrying
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.base.controllers.rpc import dumps as xmlrpc_dumps

from .common import WorkshopCommon, _report, public_methods

# Every public method our addon defines, per model. A new public method is a new
# API reachable over XML-RPC by any user with access to the model: add it here
# only once it checks its preconditions and rights itself.
PUBLIC_METHODS = {
    "workshop.job": {
        "create",
        "write",
        "action_schedule",
        "action_dispatch",
        "action_start_travel",
        "action_arrive",
        "action_wait_parts",
        "action_resume",
        "action_done",
        "action_sign",
        "action_cancel",
        "action_draft",
        "action_timer_start",
        "action_timer_stop",
        "action_accept_exceptions",
        "action_create_invoice",
        "action_view_invoices",
    },
    "workshop.job.line": {"create", "write", "action_approve", "action_reject"},
    "workshop.job.timelog": {"create", "write", "unlink", "action_stop"},
    "workshop.asset": {"action_view_jobs"},
    # the field-rights table's checks
    "workshop.field.rights.mixin": {"create", "write"},
    "workshop.job.invoice.wizard": {"default_get", "action_create_invoices"},
    "account.move": {
        "action_view_workshop_jobs",
        "button_cancel",
        "button_draft",
        "unlink",
    },
    # the dispatch board: each checks the coordinator group first
    "workshop.dispatch": {
        "get_board",
        "check_slot",
        "move_job",
        "suggest",
        "auto_plan",
        "apply_plan",
    },
    # public name, but private for RPC: BaseModel.init is @api.private
    "account.move.line": {"init"},
}
NOT_RPC_CALLABLE = {("account.move.line", "init")}


# Each action of a job, with the state it starts from for an allowed user.
JOB_ACTIONS = {
    "action_schedule": "draft",
    "action_dispatch": "scheduled",
    "action_start_travel": "dispatched",
    "action_arrive": "dispatched",
    "action_wait_parts": "on_site",
    "action_resume": "waiting_parts",
    "action_done": "on_site",
    "action_sign": "done",
    "action_cancel": "scheduled",
    "action_draft": "cancelled",
    "action_timer_start": "on_site",
    "action_timer_stop": "on_site",
    "action_accept_exceptions": "done",
    "action_create_invoice": "done",
    "action_view_invoices": "done",
}


def _delete_committed(registry, data):
    """Remove a committed job, its invoices and its partners. SQL on purpose: the
    ORM (rightly) refuses to delete an invoiced job or its invoices."""
    with registry.cursor() as cr:
        cr.execute(
            """
            SELECT id FROM account_move WHERE workshop_job_id = %(job)s
             UNION
            SELECT aml.move_id FROM account_move_line aml
              JOIN workshop_job_line jl ON jl.id = aml.workshop_job_line_id
             WHERE jl.job_id = %(job)s
            """,
            {"job": data["job"]},
        )
        moves = tuple(row[0] for row in cr.fetchall()) or (0,)
        for model, ids in (("account.move", moves), ("workshop.job", (data["job"],))):
            cr.execute(
                "DELETE FROM mail_message WHERE model = %s AND res_id IN %s",
                [model, ids],
            )
            cr.execute(
                "DELETE FROM mail_followers WHERE res_model = %s AND res_id IN %s",
                [model, ids],
            )
        cr.execute("DELETE FROM account_move WHERE id IN %s", [moves])
        cr.execute("DELETE FROM workshop_job WHERE id = %s", [data["job"]])
        cr.execute("DELETE FROM res_partner WHERE id IN %s", [data["partners"]])


@tagged("post_install", "-at_install")
class TestInvoiceConcurrency(TransactionCase):
    """Tests 2 and 13: several transactions on one committed job."""

    def _commit_job(self):
        """Commit a done job with billable lines, its customer following it."""
        token = secrets.token_hex(4)
        with self.registry.cursor() as cr:  # commits on exit
            env = api.Environment(cr, SUPERUSER_ID, {})
            customer, witness = env["res.partner"].create(
                [
                    {
                        "name": f"Reliability {token}",
                        "email": f"rel-{token}@example.com",
                    },
                    {"name": f"Reliability witness {token}"},
                ]
            )
            job = env["workshop.job"].create(
                {
                    "partner_id": customer.id,
                    "scheduled_datetime": "2026-11-20 08:00:00",
                    "technician_ids": [Command.set(env.ref("base.user_admin").ids)],
                    "resolution": "<p>Fixed.</p>",
                    "line_ids": [
                        Command.create({"kind": kind, "product_id": env.ref(xmlid).id})
                        for kind, xmlid in (
                            ("labour", "workshop_job_card.product_labour_hour"),
                            ("travel", "workshop_job_card.product_travel_km"),
                            ("fee", "workshop_job_card.product_callout_fee"),
                        )
                    ],
                }
            )
            # an email about the invoicing would reach the customer
            job.message_subscribe(partner_ids=customer.ids)
            job.action_schedule()
            job.action_dispatch()
            job.action_arrive()
            job.action_done()
            cr.execute("SELECT coalesce(max(id), 0) FROM mail_mail")
            last_mail = cr.fetchone()[0]
            data = {
                "job": job.id,
                "partners": (customer.id, witness.id),
                "witness": witness.id,
                "biller": env.ref("base.user_admin").id,
                "last_mail": last_mail,
            }
        self.addCleanup(_delete_committed, self.registry, data)
        return data

    def _committed_figures(self, data):
        with closing(self.registry.cursor()) as cr:
            cr.execute(
                """
                SELECT (SELECT count(*) FROM account_move
                         WHERE workshop_job_id = %(job)s),
                       (SELECT count(*) FROM mail_mail WHERE id > %(mail)s),
                       (SELECT count(*) FROM mail_message WHERE model = 'workshop.job'
                           AND res_id = %(job)s AND body::text LIKE %(invoiced)s),
                       (SELECT state FROM workshop_job WHERE id = %(job)s)
                """,
                {
                    "job": data["job"],
                    "mail": data["last_mail"],
                    "invoiced": "%Invoiced:%",
                },
            )
            return dict(
                zip(
                    ("invoices", "mails", "messages", "state"),
                    cr.fetchone(),
                    strict=False,
                )
            )

    def test_two_cursors_loser_gets_serialization_error_and_replay_bills_nothing(self):
        data = self._commit_job()
        with (
            closing(self.registry.cursor()) as cr_a,
            closing(self.registry.cursor()) as cr_b,
        ):
            env_a = api.Environment(cr_a, data["biller"], {})
            job_a = env_a["workshop.job"].browse(data["job"])
            self.assertEqual(job_a.invoice_status, "to_invoice")  # A holds its snapshot
            job_b = api.Environment(cr_b, data["biller"], {})["workshop.job"].browse(
                data["job"]
            )
            job_b.action_create_invoice()
            cr_b.commit()
            invoice = job_b.invoice_ids
            with (
                self.assertRaises(pg_errors.SerializationFailure),
                mute_logger("odoo.sql_db"),
            ):
                job_a.action_create_invoice()
            cr_a.rollback()
            env_a.reset()
            # what Odoo does for an RPC call: roll back and replay
            action = retrying(job_a.action_create_invoice, env_a)
        figures = self._committed_figures(data)
        _report(f"\ntwo cursors: invoices for the job = {figures['invoices']}")
        self.assertEqual(figures["invoices"], 1)
        self.assertEqual(action["res_id"], invoice.id, "the replay shows B's invoice")
        self.assertEqual(figures["state"], "invoiced")

    def test_replay_after_serialization_failure_bills_once_and_sends_no_email(self):
        data = self._commit_job()
        Job = self.registry["workshop.job"]
        sync_state = Job._sync_invoiced_state
        seen = []

        def sync_then_conflict(jobs):
            sync_state(jobs)
            seen.append(len(jobs.invoice_ids))
            if len(seen) == 1:
                # a concurrent transaction commits a row this one then writes:
                # a genuine serialization failure, late in the invoicing
                with closing(self.registry.cursor()) as cr_c:
                    cr_c.execute("SET LOCAL lock_timeout = '5s'")
                    cr_c.execute(
                        "UPDATE res_partner SET comment = 'C' WHERE id = %s",
                        [data["witness"]],
                    )
                    cr_c.commit()
                jobs.env.cr.execute(
                    "UPDATE res_partner SET comment = 'A' WHERE id = %s",
                    [data["witness"]],
                )

        with (
            closing(self.registry.cursor()) as cr_a,
            patch.object(Job, "_sync_invoiced_state", sync_then_conflict),
            mute_logger("odoo.sql_db", "odoo.service.model"),
        ):
            env_a = api.Environment(cr_a, data["biller"], {})
            retrying(
                env_a["workshop.job"].browse(data["job"]).action_create_invoice, env_a
            )
        figures = self._committed_figures(data)
        _report(
            f"\nreplay: attempts = {len(seen)}, invoices = {figures['invoices']}, "
            f"emails = {figures['mails']}, 'Invoiced' messages = {figures['messages']}"
        )
        self.assertEqual(
            seen, [1, 1], "the first attempt invoiced, failed and was replayed"
        )
        self.assertEqual(figures["invoices"], 1)
        self.assertEqual(
            figures["messages"], 1, "the first attempt's message was rolled back"
        )
        self.assertEqual(figures["mails"], 0, "invoicing a job sends no email itself")
        self.assertEqual(figures["state"], "invoiced")


@tagged("post_install", "-at_install")
class TestInvoiceGuards(WorkshopCommon):
    """Tests 2 (database guard), 10, 11 and 13 (emails) in the test transaction."""

    def _invoiced_job(self, post=True):
        job = self._finish(self._create_job(self._standard_lines()))
        job.with_user(self.coordinator).action_create_invoice()
        if post:
            job.invoice_ids.action_post()
        return job

    def test_unique_index_refuses_billing_a_job_line_twice_in_a_round(self):
        job = self._invoiced_job(post=False)
        line = job.line_ids.filtered(lambda jl: jl.product_id == self.part_pads)
        aml = line.invoice_line_ids
        self.assertEqual(aml.workshop_billing_round, 1)
        with self.assertRaises(pg_errors.UniqueViolation), mute_logger("odoo.sql_db"):
            self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.ap_contact.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.part_pads.id,
                                "quantity": 1,
                                "price_unit": 80,
                                "workshop_job_line_id": line.id,
                                "workshop_billing_round": 1,
                            }
                        )
                    ],
                }
            )
            self.env.flush_all()
        self.assertEqual(len(job.invoice_ids), 1)

    def test_posted_invoice_locks_billed_lines(self):
        job = self._invoiced_job()
        self.assertEqual(job.invoice_ids.state, "posted")
        line = job.line_ids.filtered(lambda jl: jl.product_id == self.part_pads)
        line = line.with_user(self.coordinator)
        for vals in (
            {"quantity": 5},
            {"price_unit": 1.0},
            {"product_id": self.part_filter.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                line.write(vals)
        with self.assertRaises(UserError):
            line.unlink()
        with self.assertRaises(UserError):
            self.env["workshop.job.line"].with_user(self.coordinator).create(
                {"job_id": job.id, "kind": "part", "product_id": self.part_filter.id}
            )
        self.assertEqual((line.quantity, line.price_unit), (1.0, 80.0))

    def test_locked_period_keeps_the_posted_invoice(self):
        job = self._invoiced_job()
        invoice = job.invoice_ids
        self.company.fiscalyear_lock_date = invoice.date
        with self.assertRaises(UserError):
            invoice.with_user(self.manager).button_draft()
        self.assertEqual((invoice.state, job.state), ("posted", "invoiced"))

    def test_every_public_method_is_reviewed(self):
        found = public_methods("workshop_job_card")
        self.maxDiff = None
        self.assertEqual(found, PUBLIC_METHODS, "a public method was added or removed")
        for model, names in found.items():
            for name in names:
                if (model, name) in NOT_RPC_CALLABLE:
                    with self.assertRaises(AccessError):
                        get_public_method(self.env[model], name)
                else:
                    self.assertTrue(get_public_method(self.env[model], name))

    def _job_in_state(self, state, **vals):
        job = self._create_job(
            [("labour", self.labour, 1.0), ("part", self.part_pads, 1)],
            scheduled_datetime="2026-11-20 08:00:00",
            resolution="<p>Done.</p>",
            **vals,
        )
        path = {
            "draft": [],
            "scheduled": ["action_schedule"],
            "dispatched": ["action_schedule", "action_dispatch"],
            "on_site": ["action_schedule", "action_dispatch", "action_arrive"],
            "waiting_parts": [
                "action_schedule",
                "action_dispatch",
                "action_arrive",
                "action_wait_parts",
            ],
            "done": [
                "action_schedule",
                "action_dispatch",
                "action_arrive",
                "action_done",
            ],
            "cancelled": ["action_cancel"],
        }[state]
        for action in path:
            getattr(job, action)()
        return job

    def _call(self, job, action):
        kwargs = {}
        if action == "action_sign":
            kwargs = {"signature": self._signature(), "signed_by": "Sam"}
        return getattr(job, action)(**kwargs)

    def test_job_actions_refuse_portal_and_other_company_users(self):
        company_b = self._company("Workshop B")
        portal = self._user("ws_rel_portal", "portal")
        other = self._user("ws_rel_other", "manager", "accounting", companies=company_b)
        for action, state in JOB_ACTIONS.items():
            job = self._job_in_state(state)
            job.technician_ids |= other
            self.env.flush_all()
            for user in (portal, other):
                with self.subTest(action=action, user=user.login):
                    with self.assertRaises(AccessError):
                        self._call(job.with_user(user), action)
            self.assertEqual(job.state, state)

    def test_job_actions_answer_xmlrpc_clients(self):
        """What an action returns goes back over XML-RPC: no recordsets."""
        job = self._job_in_state(
            "dispatched", technician_ids=[Command.set(self.technician.ids)]
        )
        steps = [
            (self.technician, "action_start_travel"),
            (self.technician, "action_arrive"),
            (self.technician, "action_timer_start"),
            (self.technician, "action_timer_stop"),
            (self.technician, "action_wait_parts"),
            (self.technician, "action_resume"),
            (self.technician, "action_done"),
            (self.technician, "action_sign"),
            (self.coordinator, "action_accept_exceptions"),
            (self.coordinator, "action_create_invoice"),
            (self.coordinator, "action_view_invoices"),
        ]
        for user, action in steps:
            with self.subTest(action=action):
                xmlrpc_dumps((self._call(job.with_user(user), action),))
        self.assertEqual(job.state, "invoiced")

    def test_invoicing_sends_no_email(self):
        job = self._create_job(self._standard_lines())
        job = self._finish(job.with_context(tracking_disable=False))
        job.message_subscribe(partner_ids=(self.customer | self.ap_contact).ids)
        mails_before = self.env["mail.mail"].search_count([])
        job.with_user(self.coordinator).action_create_invoice()
        job.invoice_ids.action_post()
        self.assertEqual(job.state, "invoiced")
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)
