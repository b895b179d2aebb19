"""The API keeps every rule the screens keep (RELIABILITY, test 14): over real
XML-RPC, as the lowest roles (technician, coordinator without billing rights,
accountant) and as a manager of another company, every attempt on the leakage
ledgers, methods, settings and values is refused, and the database is the same
after it."""

import xmlrpc.client

from odoo.tests import HttpCase, tagged
from odoo.tools import SQL

from odoo.addons.workshop_job_card.tests.common import (
    RPC_FAULTS,
    RpcCallsMixin,
    _report,
)

from .common import LeakageCommon

# context keys read by the workshop addons (and Odoo switches) that must not
# grant anything
CONTEXT_KEYS = {
    "workshop_transition": True,
    "workshop_stock_sync": True,
    "tracking_disable": True,
    "install_mode": True,
    "mail_activity_quick_update": True,
}
# what an attempt could change: the ledgers, the settings, the overviews,
# their exports and what the runs notify
WATCHED = (
    "SELECT * FROM workshop_leakage_run",
    "SELECT * FROM workshop_leakage_run_line",
    "SELECT * FROM workshop_leakage_job_total",
    "SELECT id, workshop_leak_draft_days, workshop_leak_done_days, "
    "workshop_leak_underprice_pct, workshop_leak_contract_days, "
    "workshop_leak_core_days, workshop_leak_alert_value, "
    "workshop_leak_escalation_days, workshop_leak_manager_id FROM res_company",
    "SELECT * FROM workshop_leakage_dashboard",
    "SELECT id, list_price FROM product_template",
    "SELECT id, res_model, res_id FROM ir_attachment "
    "WHERE res_model LIKE 'workshop.leakage%%'",
    "SELECT id, res_id, model FROM mail_message "
    "WHERE model LIKE 'workshop.leakage%%'",
    "SELECT id, res_id, res_model FROM mail_activity",
)


@tagged("post_install", "-at_install")
class TestRpcAbuse(RpcCallsMixin, LeakageCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.south, cls.outsider = cls._other_company_manager("ws_south_mgr")
        cls.job = cls._finish(
            cls._create_job(
                [("fee", cls.part_filter, 2)], user_id=cls.pure_coordinator.id
            ),
            sign=False,
        )
        cls._age_done(cls.job, 5)
        cls.leak_run = cls.env["workshop.leakage.run"]._run_for_company(cls.company)
        assert cls.leak_run.line_ids, "the fixture run has a leak"
        cls.total = cls.env["workshop.leakage.job.total"].search(
            [("job_id", "=", cls.job.id)], limit=1
        )
        cls.board = (
            cls.env["workshop.leakage.dashboard"].with_user(cls.manager).create({})
        )
        cls.leak = cls.env["workshop.leakage.exception"].search(
            [("job_id", "=", cls.job.id)], limit=1
        )
        assert cls.leak, "the coordinator's job leaks"

    def _state(self):
        self.env.flush_all()
        state = []
        for query in WATCHED:
            self.env.cr.execute(SQL(f"{query} ORDER BY 1"))  # pylint: disable=sql-injection
            state.append(self.env.cr.fetchall())
        return state

    def _attempts(self):
        """(who, what, refusal, model, method, args, kwargs)"""
        run, line, total = (
            self.leak_run.id,
            self.leak_run.line_ids[:1].id,
            self.total.id,
        )
        tech, coord, acc = self.technician, self.pure_coordinator, self.accountant
        company = self.company.id
        ctx = CONTEXT_KEYS
        attempts = []
        # ledgers: write / unlink / create, with and without context keys
        for user in (tech, coord, acc):
            for context in (None, ctx):
                attempts += [
                    (
                        user,
                        "write run",
                        "access",
                        "workshop.leakage.run",
                        "write",
                        [[run], {"leak_count": 0}],
                        {"context": context},
                    ),
                    (
                        user,
                        "unlink run",
                        "access",
                        "workshop.leakage.run",
                        "unlink",
                        [[run]],
                        {"context": context},
                    ),
                    (
                        user,
                        "write run line",
                        "access",
                        "workshop.leakage.run.line",
                        "write",
                        [[line], {"value_risk": 0}],
                        {"context": context},
                    ),
                    (
                        user,
                        "unlink run line",
                        "access",
                        "workshop.leakage.run.line",
                        "unlink",
                        [[line]],
                        {"context": context},
                    ),
                    (
                        user,
                        "write job total",
                        "access",
                        "workshop.leakage.job.total",
                        "write",
                        [[total], {"row_count": 0}],
                        {"context": context},
                    ),
                    (
                        user,
                        "unlink job total",
                        "access",
                        "workshop.leakage.job.total",
                        "unlink",
                        [[total]],
                        {"context": context},
                    ),
                    (
                        user,
                        "create run",
                        "access",
                        "workshop.leakage.run",
                        "create",
                        [{"company_id": company, "week_start": "2020-01-06"}],
                        {"context": context},
                    ),
                    (
                        user,
                        "action_run_now",
                        "access",
                        "workshop.leakage.run",
                        "action_run_now",
                        [[]],
                        {"context": context},
                    ),
                ]
        attempts += [
            (
                acc,
                "write run state",
                "access",
                "workshop.leakage.run",
                "write",
                [[run], {"state": "failed", "failure_reason": "x"}],
                {},
            ),
            (
                acc,
                "create run line",
                "access",
                "workshop.leakage.run.line",
                "create",
                [{"run_id": run, "leak_kind": "no_job"}],
                {},
            ),
            (
                tech,
                "run action_open_exceptions",
                "access",
                "workshop.leakage.run",
                "action_open_exceptions",
                [[run]],
                {},
            ),
            (
                coord,
                "run action_open_exceptions",
                "access",
                "workshop.leakage.run",
                "action_open_exceptions",
                [[run]],
                {},
            ),
            # the overview's values and export: managers and accountants only
            (
                tech,
                "create overview",
                "access",
                "workshop.leakage.dashboard",
                "create",
                [{}],
                {},
            ),
            (
                coord,
                "create overview",
                "access",
                "workshop.leakage.dashboard",
                "create",
                [{}],
                {"context": ctx},
            ),
            (
                coord,
                "export manager's overview",
                "access",
                "workshop.leakage.dashboard",
                "action_export_xlsx",
                [[self.board.id]],
                {},
            ),
            (
                acc,
                "export manager's overview",
                "access",
                "workshop.leakage.dashboard",
                "action_export_xlsx",
                [[self.board.id]],
                {},
            ),
            (
                tech,
                "overview action_open_exceptions",
                "access",
                "workshop.leakage.dashboard",
                "action_open_exceptions",
                [[self.board.id]],
                {},
            ),
            # cron bodies and helpers are private
            (
                acc,
                "weekly cron",
                "access",
                "workshop.leakage.run",
                "_cron_weekly_check",
                [],
                {},
            ),
            (
                acc,
                "run for company",
                "access",
                "workshop.leakage.run",
                "_run_for_company",
                [company],
                {},
            ),
            (
                acc,
                "record failure",
                "access",
                "workshop.leakage.run",
                "_record_failure",
                [company, "x"],
                {},
            ),
            (
                acc,
                "refresh totals",
                "access",
                "workshop.leakage.job.total",
                "_refresh",
                [company],
                {},
            ),
            (
                coord,
                "alerts cron",
                "access",
                "workshop.job",
                "_cron_workshop_leakage_alerts",
                [],
                {},
            ),
            # values a coordinator must not see
            (
                coord,
                "read leak value",
                "access",
                "workshop.leakage.exception",
                "read",
                [[self.leak.id], ["value_risk"]],
                {},
            ),
            (
                coord,
                "search_read leak values",
                "access",
                "workshop.leakage.exception",
                "search_read",
                [[]],
                {"fields": ["job_id", "value_sale", "value_cost"]},
            ),
            (
                coord,
                "search on leak value",
                "access",
                "workshop.leakage.exception",
                "search",
                [[("value_risk", ">", 10)]],
                {},
            ),
            (
                coord,
                "sum leak values",
                "access",
                "workshop.leakage.exception",
                "read_group",
                [[], ["value_risk:sum"], ["leak_kind"]],
                {},
            ),
            (
                coord,
                "read list price",
                "access",
                "workshop.leakage.reconciliation",
                "search_read",
                [[]],
                {"fields": ["list_price", "cost_price"]},
            ),
            (
                coord,
                "read stored totals",
                "access",
                "workshop.leakage.job.total",
                "search_read",
                [[]],
                {"fields": ["job_id"]},
            ),
            (
                coord,
                "read runs",
                "access",
                "workshop.leakage.run",
                "search_read",
                [[]],
                {"fields": ["value_risk"]},
            ),
            (
                tech,
                "read leaks",
                "access",
                "workshop.leakage.exception",
                "search_read",
                [[]],
                {"fields": ["job_id"]},
            ),
            # settings: negative thresholds
            (
                tech,
                "negative grace days",
                "access",
                "res.company",
                "write",
                [[company], {"workshop_leak_done_days": -5}],
                {},
            ),
            (
                coord,
                "negative core grace",
                "access",
                "res.company",
                "write",
                [[company], {"workshop_leak_core_days": -1}],
                {"context": ctx},
            ),
            (
                acc,
                "negative underprice threshold",
                "access",
                "res.company",
                "write",
                [[company], {"workshop_leak_underprice_pct": -10}],
                {},
            ),
            (
                acc,
                "negative threshold via settings",
                "access",
                "res.config.settings",
                "create",
                [{"workshop_leak_alert_value": -1}],
                {},
            ),
            (
                tech,
                "list price via product",
                "access",
                "product.template",
                "write",
                [[self.part_filter.product_tmpl_id.id], {"list_price": 0}],
                {},
            ),
        ]
        # another company's manager
        out = self.outsider
        attempts += [
            (
                out,
                "read other company's run",
                "access",
                "workshop.leakage.run",
                "read",
                [[run], ["value_risk"]],
                {},
            ),
            (
                out,
                "write other company's run",
                "access",
                "workshop.leakage.run",
                "write",
                [[run], {"leak_count": 0}],
                {},
            ),
            (
                out,
                "open other company's leaks",
                "access",
                "workshop.leakage.run",
                "action_open_exceptions",
                [[run]],
                {},
            ),
            (
                out,
                "run other company's check",
                "access",
                "workshop.leakage.run",
                "action_run_now",
                [[]],
                {"context": {"allowed_company_ids": [company]}},
            ),
            (
                out,
                "overview of other company",
                "access",
                "workshop.leakage.dashboard",
                "create",
                [{"company_id": company}],
                {},
            ),
            (
                out,
                "export other manager's overview",
                "access",
                "workshop.leakage.dashboard",
                "action_export_xlsx",
                [[self.board.id]],
                {},
            ),
            (
                out,
                "settings of other company",
                "access",
                "res.company",
                "write",
                [[company], {"workshop_leak_draft_days": 1}],
                {},
            ),
        ]
        return attempts

    def test_lowest_roles_change_nothing_over_rpc(self):
        tried = changed = 0
        rows = []
        for who, what, refusal, model, method, args, kwargs in self._attempts():
            kwargs = {k: v for k, v in kwargs.items() if v is not None}
            before = self._state()
            with self.subTest(who=who.login, what=what):
                tried += 1
                try:
                    self.assertRpcRefused(refusal, who, model, method, *args, **kwargs)
                    outcome = "refused"
                finally:
                    after = self._state()
                    if after != before:
                        changed += 1
                        outcome = "CHANGED"
                    rows.append(f"{who.login:14} {what:34} {outcome}")
                self.assertEqual(after, before, f"{who.login}: {what} changed data")
        _report("\n".join(rows))
        _report(
            f"leakage RPC abuse: {tried} attempts tried / {changed} changed something"
        )
        self.assertEqual(changed, 0)

    def test_moving_an_overview_to_another_company_is_refused(self):
        board = self.rpc(self.outsider, "workshop.leakage.dashboard", "create", {})
        before = self._state()
        self.assertRpcRefused(
            "access",
            self.outsider,
            "workshop.leakage.dashboard",
            "write",
            [board],
            {"company_id": self.company.id},
        )
        self.assertEqual(self._state(), before)

    def test_a_settings_admin_cannot_set_negative_thresholds(self):
        admin = self._user("ws_settings_admin", "settings", "manager")
        before = self._state()
        # the settings write the company when saved (create writes the
        # related fields, execute the rest): refused at one of the two
        try:
            settings = self.rpc(
                admin, "res.config.settings", "create", {"workshop_leak_done_days": -3}
            )
        except xmlrpc.client.Fault as fault:
            self.assertEqual(fault.faultCode, RPC_FAULTS["user"], fault.faultString)
        else:
            self.assertRpcRefused(
                "user", admin, "res.config.settings", "execute", [settings]
            )
        self.assertRpcRefused(
            "user",
            admin,
            "res.company",
            "write",
            [self.company.id],
            {"workshop_leak_draft_days": -1},
        )
        self.assertEqual(self._state(), before)
        self.assertEqual(self.company.workshop_leak_done_days, 2)
