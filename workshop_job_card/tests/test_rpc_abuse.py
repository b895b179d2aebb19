"""What the screens forbid, tried over real XML-RPC by the lowest role that can
reach it (RELIABILITY.md, test 14): each attempt is refused or changes nothing,
whatever context the caller sends."""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import RpcCallsMixin, WorkshopCommon, _report

# every context key our code used to read as a switch
FORMER_KEYS = {
    "workshop_transition": True,
    "workshop_timelog_rollup": True,
    "workshop_invoice_grouped": True,
}


@tagged("post_install", "-at_install")
class TestJobRpcAbuse(RpcCallsMixin, WorkshopCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.coordinator_nobill = cls._user(
            "ws_coord_nobill", "coordinator", name="Cody Coordinator"
        )
        cls.admin_user = cls._user("ws_sysadmin", "settings")
        Pricelist = cls.env["product.pricelist"]
        cls.customer.property_product_pricelist = Pricelist.create({"name": "Public"})
        cls.other_pricelist = Pricelist.create({"name": "Friends and family"})
        cls.tried = cls.changed = 0

    @classmethod
    def tearDownClass(cls):
        _report(
            f"workshop_job_card RPC abuse: {cls.tried} attempts tried, "
            f"{cls.changed} changed something"
        )
        super().tearDownClass()

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _on_site_job(self):
        job = self._create_job(self._standard_lines())
        job.scheduled_datetime = "2026-11-20 08:00:00"
        job.action_schedule()
        job.action_dispatch()
        job.action_arrive()
        return job

    def _invoiced_job(self):
        job = self._finish(self._create_job(self._standard_lines()))
        job.action_create_invoice()
        job.invoice_ids.action_post()
        self.assertEqual(job.state, "invoiced")
        return job

    def _attempt(self, refusal, user, record, method, *args, snapshot, **kwargs):
        """One attempt: refused with ``refusal``, and ``snapshot()`` (what it
        would have changed) reads the same afterwards."""
        before = snapshot()
        type(self).tried += 1
        try:
            self.assertRpcRefused(refusal, user, record._name, method, *args, **kwargs)
        finally:
            after = snapshot()
            if after != before:
                type(self).changed += 1
        self.assertEqual(after, before, f"{method} as {user.login} changed data")

    # ------------------------------------------------------------------
    # 1. no context key grants anything
    # ------------------------------------------------------------------
    def test_technician_cannot_move_his_job_to_done_with_a_context_key(self):
        job = self._on_site_job()

        def snapshot():
            return job.state, len(job.stage_log_ids), job.done_datetime

        for key in FORMER_KEYS:
            with self.subTest(key=key):
                self._attempt(
                    "user",
                    self.technician,
                    job,
                    "write",
                    job.ids,
                    {"state": "done"},
                    context={key: True},
                    snapshot=snapshot,
                )

    def test_locked_job_invoice_contact_stays_with_any_context(self):
        job = self._invoiced_job()
        other = self.env["res.partner"].create(
            {"name": "Somebody else", "parent_id": self.customer.id, "type": "invoice"}
        )
        for user in (self.coordinator_nobill, self.coordinator):
            with self.subTest(user=user.login):
                self._attempt(
                    "user",
                    user,
                    job,
                    "write",
                    job.ids,
                    {"partner_invoice_id": other.id},
                    context=FORMER_KEYS,
                    snapshot=lambda: job.partner_invoice_id,
                )

    def test_timelog_rollup_key_does_not_unlock_a_billed_line(self):
        job = self._invoiced_job()
        invoice = job.invoice_ids
        # credit the labour only: the job re-opens, its parts stay billed
        refund = invoice._reverse_moves()
        refund.invoice_line_ids.filtered(
            lambda aml: aml.product_id != self.labour
        ).unlink()
        refund.action_post()
        self.assertEqual(job.state, "signed")
        pads = job.line_ids.filtered(lambda line: line.product_id == self.part_pads)
        self._attempt(
            "user",
            self.coordinator,
            pads,
            "write",
            pads.ids,
            {"quantity": 0.5},
            context=FORMER_KEYS,
            snapshot=lambda: pads.quantity,
        )

    # ------------------------------------------------------------------
    # 2. field rights, in write and in create
    # ------------------------------------------------------------------
    def test_technician_cannot_accept_exceptions_or_touch_the_sla_clock(self):
        job = self._on_site_job()
        now = fields.Datetime.now()
        attempts = {
            "is_exception_accepted": True,
            "priority": "3",
            "reported_datetime": now - timedelta(days=30),
            "arrived_datetime": now - timedelta(days=29),
            "done_datetime": now,
            "signed_datetime": now,
            "billing_round": 7,
        }
        for fname, value in attempts.items():
            with self.subTest(field=fname):
                self._attempt(
                    "access",
                    self.technician,
                    job,
                    "write",
                    job.ids,
                    {fname: value},
                    context=FORMER_KEYS,
                    snapshot=lambda f=fname: job[f],
                )
        # the workflow itself still stamps the clock
        job.resolution = "<p>Done.</p>"
        job.with_user(self.technician).action_done()
        self.assertTrue(job.done_datetime)

    def test_technician_cannot_change_the_pricing_basis(self):
        job = self._on_site_job()
        other_customer = self.env["res.partner"].create({"name": "Cheaper Ltd"})
        attempts = {
            "pricelist_id": self.other_pricelist.id,
            "partner_invoice_id": other_customer.id,
            "partner_id": other_customer.id,
            "fiscal_position_id": self.env["account.fiscal.position"]
            .create({"name": "Export"})
            .id,
        }
        for fname, value in attempts.items():
            with self.subTest(field=fname):
                self._attempt(
                    "access",
                    self.technician,
                    job,
                    "write",
                    job.ids,
                    {fname: value},
                    snapshot=lambda f=fname: job[f],
                )

    def test_coordinator_sets_the_pricing_basis_and_accepts_exceptions(self):
        job = self._on_site_job()
        self.rpc(
            self.coordinator_nobill,
            "workshop.job",
            "write",
            job.ids,
            {"pricelist_id": self.other_pricelist.id, "priority": "3"},
        )
        self.rpc(
            self.coordinator_nobill, "workshop.job", "action_accept_exceptions", job.ids
        )
        self.assertEqual(job.pricelist_id, self.other_pricelist)
        self.assertEqual(job.priority, "3")
        self.assertTrue(job.is_exception_accepted)

    def test_create_checks_what_write_checks(self):
        base = {
            "partner_id": self.customer.id,
            "technician_ids": [Command.set(self.technician.ids)],
        }
        Job = self.env["workshop.job"]

        def count():
            return Job.search_count([])

        for extra, context in (
            ({"is_exception_accepted": True}, None),
            ({}, {"default_is_exception_accepted": True}),
            ({"pricelist_id": self.other_pricelist.id}, None),
            ({"reported_datetime": "2020-01-01 00:00:00"}, None),
            ({"priority": "3"}, None),
        ):
            with self.subTest(extra=extra, context=context):
                self._attempt(
                    "access",
                    self.technician,
                    Job,
                    "create",
                    [dict(base, **extra)],
                    context=context,
                    snapshot=count,
                )
        # the values the job would get anyway are fine
        job_id = self.rpc(
            self.technician,
            "workshop.job",
            "create",
            [dict(base, pricelist_id=self.customer.property_product_pricelist.id)],
        )[0]
        self.assertEqual(Job.browse(job_id).state, "draft")

    def test_technician_cannot_price_or_unbill_lines(self):
        job = self._on_site_job()
        part = job.line_ids.filtered(lambda line: line.kind == "part")[:1]
        for fname, value in (
            ("price_unit", 0.01),
            ("discount", 100.0),
            ("is_billable", False),
            ("approval_state", "rejected"),
            ("tax_ids", [Command.clear()]),
        ):
            with self.subTest(field=fname):
                self._attempt(
                    "access",
                    self.technician,
                    part,
                    "write",
                    part.ids,
                    {fname: value},
                    snapshot=lambda f=fname: part[f],
                )
        Line = self.env["workshop.job.line"]
        self._attempt(
            "access",
            self.technician,
            Line,
            "create",
            [{"job_id": job.id, "product_id": self.part_pads.id, "price_unit": 1.0}],
            snapshot=lambda: len(job.line_ids),
        )

    def test_changing_what_an_approved_line_bills_sends_it_back_to_approval(self):
        for fname, value in (
            ("is_warranty", True),
            ("kind", "fee"),
            ("product_id", "part_filter"),
            ("estimated_qty", 9.0),
        ):
            with self.subTest(field=fname):
                job = self._on_site_job()
                part = job.line_ids.filtered(
                    lambda line: line.product_id == self.part_pads
                )
                self.assertEqual(part.approval_state, "approved")
                if fname == "product_id":
                    value = self.part_filter.id
                self.rpc(
                    self.technician,
                    "workshop.job.line",
                    "write",
                    part.ids,
                    {fname: value},
                )
                self.assertEqual(part.approval_state, "to_approve")
                self.assertFalse(part.is_invoiceable)
        # the office's own change keeps the approval
        job = self._on_site_job()
        part = job.line_ids.filtered(lambda line: line.product_id == self.part_pads)
        self.rpc(
            self.coordinator_nobill,
            "workshop.job.line",
            "write",
            part.ids,
            {"is_warranty": True},
        )
        self.assertEqual(part.approval_state, "approved")

    def test_technician_lines_wait_for_approval(self):
        job = self._on_site_job()
        line_id = self.rpc(
            self.technician,
            "workshop.job.line",
            "create",
            [
                {
                    "job_id": job.id,
                    "product_id": self.part_pads.id,
                    "approval_state": "approved",
                }
            ],
        )[0]
        self.assertEqual(
            self.env["workshop.job.line"].browse(line_id).approval_state, "to_approve"
        )

    # ------------------------------------------------------------------
    # time logs
    # ------------------------------------------------------------------
    def _log_vals(self, job, start, hours, **extra):
        start = fields.Datetime.now() - timedelta(hours=start)
        return dict(
            {
                "job_id": job.id,
                "start_datetime": fields.Datetime.to_string(start),
                "stop_datetime": fields.Datetime.to_string(
                    start + timedelta(hours=hours)
                ),
            },
            **extra,
        )

    def test_time_logs_refuse_future_overlap_others_and_too_long(self):
        job = self._on_site_job()
        Log = self.env["workshop.job.timelog"]

        def count():
            return Log.search_count([("job_id", "=", job.id)])

        self.rpc(
            self.technician,
            "workshop.job.timelog",
            "create",
            [self._log_vals(job, 10, 2)],
        )
        for refusal, vals in (
            ("user", self._log_vals(job, 1, 3)),  # stops two hours from now
            ("user", self._log_vals(job, 9, 2)),  # overlaps the first
            ("user", self._log_vals(job, 40, 20)),  # longer than 16 h
            ("access", self._log_vals(job, 5, 1, user_id=self.technician2.id)),
        ):
            with self.subTest(vals=vals):
                self._attempt(
                    refusal, self.technician, Log, "create", [vals], snapshot=count
                )
        log = Log.search([("job_id", "=", job.id)])
        self._attempt(
            "user",
            self.technician,
            log,
            "write",
            log.ids,
            {
                "stop_datetime": fields.Datetime.to_string(
                    fields.Datetime.now() + timedelta(days=1)
                )
            },
            snapshot=lambda: log.stop_datetime,
        )
        # a coordinator may record a long shift, for anyone
        self.rpc(
            self.coordinator_nobill,
            "workshop.job.timelog",
            "create",
            [self._log_vals(job, 40, 20, user_id=self.technician.id)],
        )
        self.assertEqual(count(), 2)

    # ------------------------------------------------------------------
    # 4. the state history is append-only
    # ------------------------------------------------------------------
    def test_state_history_cannot_be_written_or_deleted_by_any_group(self):
        job = self._on_site_job()
        log = job.stage_log_ids[:1]
        StageLog = self.env["workshop.job.stage.log"]

        def snapshot():
            return (
                StageLog.search_count([("job_id", "=", job.id)]),
                log.to_state,
                log.date,
            )

        for user in (self.technician, self.coordinator, self.accountant, self.manager):
            with self.subTest(user=user.login):
                self._attempt(
                    "access",
                    user,
                    log,
                    "write",
                    log.ids,
                    {"to_state": "done"},
                    snapshot=snapshot,
                )
                self._attempt("access", user, log, "unlink", log.ids, snapshot=snapshot)
                self._attempt(
                    "access",
                    user,
                    StageLog,
                    "create",
                    [{"job_id": job.id, "to_state": "done"}],
                    snapshot=snapshot,
                )

    # ------------------------------------------------------------------
    # 6. multi-company
    # ------------------------------------------------------------------
    def test_other_company_rule_rows_are_out_of_reach(self):
        other = self._company("Workshop North")
        job_type = self.env["workshop.job.type"].create(
            {
                "name": "North repair",
                "company_id": other.id,
                "sla_rule_ids": [
                    Command.create(
                        {"priority": "1", "response_hours": 4, "resolution_hours": 8}
                    )
                ],
            }
        )
        template = self.env["workshop.job.template"].create(
            {
                "name": "North service",
                "company_id": other.id,
                "line_ids": [Command.create({"kind": "labour", "quantity": 2})],
            }
        )
        rule, tline = job_type.sla_rule_ids, template.line_ids
        self.assertEqual((rule.company_id, tline.company_id), (other, other))
        self._attempt(
            "access",
            self.coordinator_nobill,
            rule,
            "write",
            rule.ids,
            {"response_hours": 400},
            snapshot=lambda: rule.response_hours,
        )
        self._attempt(
            "access",
            self.coordinator_nobill,
            tline,
            "write",
            tline.ids,
            {"quantity": 0},
            snapshot=lambda: tline.quantity,
        )

    # ------------------------------------------------------------------
    # 7. bad input
    # ------------------------------------------------------------------
    def test_bad_input_is_refused_and_writes_nothing(self):
        job = self._on_site_job()
        part = job.line_ids.filtered(lambda line: line.kind == "part")[:1]
        self._attempt(
            "user",
            self.coordinator_nobill,
            part,
            "write",
            part.ids,
            {"price_unit": -10.0},
            snapshot=lambda: part.price_unit,
        )
        self._attempt(
            "user",
            self.coordinator_nobill,
            job,
            "write",
            job.ids,
            {
                "scheduled_datetime": "2026-11-21 10:00:00",
                "scheduled_end_datetime": "2026-11-21 09:00:00",
            },
            snapshot=lambda: (job.scheduled_datetime, job.scheduled_end_datetime),
        )
        company = self.company
        for fname, value in (
            ("workshop_labour_overrun_pct", -5.0),
            ("workshop_sla_risk_pct", -1.0),
            ("workshop_sla_risk_pct", 150.0),
            ("workshop_timelog_max_hours", -2.0),
        ):
            with self.subTest(field=fname, value=value):
                self._attempt(
                    "user",
                    self.admin_user,
                    company,
                    "write",
                    company.ids,
                    {fname: value},
                    snapshot=lambda f=fname: company[f],
                )
