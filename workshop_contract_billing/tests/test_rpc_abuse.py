"""The API keeps every rule the screens keep (RELIABILITY.md, test 14).

Over real XML-RPC, as the lowest roles (a technician, a coordinator without
billing rights, an accountant) and a manager for the ledgers: every attempt of
the table is refused, or succeeds without what it tried to sneak in, and the
database holds what it held before. Figure: attempts tried / attempts that
changed something (goal 0)."""

import xmlrpc.client
from datetime import datetime

from odoo import Command, fields
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL

from odoo.addons.workshop_job_card.tests.common import RpcCallsMixin, _report

from .common import ServiceCommon

# what a refused (or key-ignoring) call must leave as it was
WATCHED_TABLES = {
    "workshop_contract": (
        "id, state, date_start, date_end, termination_date, termination_reason, "
        "is_backdating_confirmed"
    ),
    "workshop_contract_line": "id, contract_id, price_unit, quantity",
    "workshop_contract_line_tier": "id, line_id, min_assets, price_unit",
    "workshop_contract_asset": "id, contract_id, asset_id, date_start, date_end",
    "workshop_contract_coverage": "id, contract_id, job_type_id, cover_parts",
    "workshop_contract_visit": "id, contract_id, visits_per_period",
    "workshop_contract_sla_policy_line": "id, policy_id, response_hours",
    "workshop_contract_period": "id, contract_id, kind, period_start, billed_from, "
    "billed_to, move_id, "
    "is_released",
    "workshop_contract_credit": "id, contract_id, kind, deadline, state, "
    "move_line_id",
    "workshop_contract_usage": "id, allowance_id, kind, quantity, labour_hours",
    "workshop_contract_allowance": "id, contract_id, visits_checked, "
    "visit_shortfall",
    "account_move": "id, state, move_type, workshop_contract_id",
    "res_company": "id, workshop_reminder_days_before, workshop_reminder_days_after",
}

TODAY = "2026-12-04"


@tagged("post_install", "-at_install")
class TestRpcAbuse(RpcCallsMixin, ServiceCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.coordinator_nobill = cls._user(
            "wc_coord_nobill", "coordinator", name="Nora No-Billing"
        )
        cls.settings_admin = cls._user("wc_admin", "settings", name="Sid Settings")
        cls.contract = cls.service_contract
        cls.env["workshop.contract"]._cron_recurring_invoice(
            date_ref=fields.Date.to_date("2026-03-01")
        )
        cls.invoice = cls.contract.invoice_ids.sorted("invoice_date")[0]
        cls.period = cls.contract.period_ids.filtered(
            lambda p: p.move_id == cls.invoice
        )
        cls.draft_contract = cls._contract(activate=False)
        cls.old_contract = cls._contract(
            activate=False, date_start=fields.Date.to_date("2025-06-01")
        )
        cls.due_contract = cls._contract(date_start=fields.Date.to_date("2026-12-01"))
        cls._ledger_rows()
        cls._other_company_rows()

    @classmethod
    def _ledger_rows(cls):
        """A row of every ledger: an SLA credit, an allowance and its usage."""
        cls.policy = cls._sla_policy()
        cls.sla_credit = cls._sla_credit(
            cls.contract, datetime(2026, 1, 5, 10, 0), policy=cls.policy
        )
        cls.allowance = cls.env["workshop.contract.allowance"].create(
            {
                "contract_id": cls.contract.id,
                "period_start": "2026-01-01",
                "period_end": "2026-01-31",
            }
        )
        cls.usage = cls.env["workshop.contract.usage"].create(
            {
                "allowance_id": cls.allowance.id,
                "job_line_id": cls.sla_credit.job_id.line_ids[0].id,
                "move_id": cls.invoice.id,
                "quantity": 1.0,
                "labour_hours": 1.0,
            }
        )

    @classmethod
    def _other_company_rows(cls):
        """Another company's SLA policy line, tiered contract line, tier and
        covered van: what no user of the test company may touch."""
        cls.south = cls._company("Contracts South Ltd")
        cls.south_policy_line = cls._sla_policy(
            "South Gold", hours=(4, 8), company_id=cls.south.id
        ).line_ids
        south_van = cls.env["workshop.asset"].create(
            {
                "name": "South van",
                "partner_id": cls.customer.id,
                "company_id": cls.south.id,
            }
        )
        tiered = {
            "product_id": cls.asset_fee.id,
            "kind": "tiered",
            "tier_ids": [Command.create({"min_assets": 1, "price_unit": 40.0})],
        }
        cls.south_contract = cls._contract(
            [tiered],
            activate=False,
            company=cls.south,
            covered_asset_ids=[Command.create({"asset_id": south_van.id})],
            coverage_ids=[Command.create({"job_type_id": cls.job_type.id})],
            visit_ids=[Command.create({"job_type_id": cls.job_type.id})],
        )
        cls.south_line = cls.south_contract.line_ids
        cls.south_tier = cls.south_line.tier_ids

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _snapshot(self):
        """The watched rows, as the database holds them."""
        self.env.flush_all()
        snapshot = {}
        for table, columns in WATCHED_TABLES.items():
            self.env.cr.execute(
                SQL(
                    "SELECT %s FROM %s ORDER BY id",
                    SQL(columns),
                    SQL.identifier(table),
                )
            )
            snapshot[table] = self.env.cr.fetchall()
        return snapshot

    def _zero_priced_job_lines(self, job):
        self.env.invalidate_all()
        return len(
            job.invoice_ids.invoice_line_ids.filtered(
                lambda a: a.display_type == "product"
                and a.workshop_job_line_id
                and not a.price_unit
            )
        )

    def _credit_lines_of(self, contract):
        self.env.invalidate_all()
        return len(
            contract.invoice_ids.invoice_line_ids.filtered(
                "workshop_contract_credit_id"
            )
        )

    def _attempts(self, job):
        """(label, user, model, method, args, kwargs, expected refusal or "ok",
        what must not change: None = the watched tables)."""
        tech, coord = self.technician, self.coordinator_nobill
        acc, mgr = self.accountant, self.manager
        contract, draft = self.contract.id, self.draft_contract.id
        transition = {"workshop_contract_transition": True}
        termination = {"workshop_contract_termination": True}
        ledgers = [
            ("workshop.contract.period", self.period.id, {"billed_to": "2026-01-20"}),
            ("workshop.contract.credit", self.sla_credit.id, {"deadline": TODAY}),
            ("workshop.contract.usage", self.usage.id, {"quantity": 0.0}),
            (
                "workshop.contract.allowance",
                self.allowance.id,
                {"visit_shortfall": 3},
            ),
        ]
        attempts = [
            # 1. no context key grants anything
            (
                "state with workshop_contract_transition",
                coord,
                "workshop.contract",
                "write",
                [[contract], {"state": "terminated"}],
                {"context": transition},
                "access",
                None,
            ),
            (
                "state of a draft with workshop_contract_transition",
                acc,
                "workshop.contract",
                "write",
                [[draft], {"state": "active"}],
                {"context": transition},
                "access",
                None,
            ),
            (
                "termination_date with workshop_contract_termination",
                coord,
                "workshop.contract",
                "write",
                [[contract], {"termination_date": "2026-01-15"}],
                {"context": termination},
                "access",
                None,
            ),
            (
                "date_end before what was billed with workshop_contract_termination",
                coord,
                "workshop.contract",
                "write",
                [[contract], {"date_end": "2026-01-15"}],
                {"context": termination},
                "user",
                None,
            ),
            (
                "coverage plan in the context of job invoicing",
                acc,
                "workshop.job",
                "action_create_invoice",
                [[job.id]],
                {
                    "context": {
                        "workshop_coverage_plan": [
                            [line.id, line.quantity] for line in job.line_ids
                        ]
                    }
                },
                "ok",
                lambda: self._zero_priced_job_lines(job),
            ),
            (
                "SLA credit plan in the context of Invoice now",
                acc,
                "workshop.contract",
                "action_invoice_now",
                [[self.due_contract.id]],
                {
                    "context": {
                        "workshop_sla_credit_plan": [
                            [self.due_contract.id, "2026-12-01", [self.sla_credit.id]]
                        ]
                    }
                },
                "ok",
                lambda: self._credit_lines_of(self.due_contract),
            ),
            (
                "create an active contract with default_state",
                coord,
                "workshop.contract",
                "create",
                [{"partner_id": self.customer.id}],
                {"context": {"default_state": "active"}},
                "access",
                None,
            ),
            # 2. state and termination only through the actions
            (
                "state without key",
                coord,
                "workshop.contract",
                "write",
                [[draft], {"state": "active"}],
                {},
                "access",
                None,
            ),
            (
                "back-dated termination_date by write",
                acc,
                "workshop.contract",
                "write",
                [[contract], {"termination_date": "2026-01-15"}],
                {},
                "access",
                None,
            ),
            (
                "termination_reason by write",
                coord,
                "workshop.contract",
                "write",
                [[contract], {"termination_reason": "none"}],
                {},
                "access",
                None,
            ),
            (
                "terminate without billing rights",
                coord,
                "workshop.contract",
                "action_terminate",
                [[contract], "2026-01-15", "moved away"],
                {},
                "access",
                None,
            ),
            (
                "activate without billing rights",
                coord,
                "workshop.contract",
                "action_activate",
                [[draft]],
                {},
                "access",
                None,
            ),
            (
                "terminate before the contract starts",
                self.coordinator,
                "workshop.contract",
                "action_terminate",
                [[contract], "2025-12-01", "moved away"],
                {},
                "user",
                None,
            ),
            (
                "technician reads a contract",
                tech,
                "workshop.contract",
                "read",
                [[contract], ["name"]],
                {},
                "access",
                None,
            ),
            # 5. another company's rows
            (
                "another company's contract line",
                coord,
                "workshop.contract.line",
                "write",
                [self.south_line.ids, {"price_unit": 1.0}],
                {},
                "access",
                None,
            ),
            (
                "another company's price tier",
                coord,
                "workshop.contract.line.tier",
                "write",
                [self.south_tier.ids, {"price_unit": 1.0}],
                {},
                "access",
                None,
            ),
            (
                "another company's SLA policy time",
                coord,
                "workshop.contract.sla.policy.line",
                "write",
                [self.south_policy_line.ids, {"response_hours": 1.0}],
                {},
                "access",
                None,
            ),
            (
                "another company's covered asset",
                coord,
                "workshop.contract.asset",
                "write",
                [self.south_contract.covered_asset_ids.ids, {"date_end": "2026-01-31"}],
                {},
                "access",
                None,
            ),
            (
                "another company's coverage",
                coord,
                "workshop.contract.coverage",
                "write",
                [self.south_contract.coverage_ids.ids, {"cover_parts": False}],
                {},
                "access",
                None,
            ),
            (
                "another company's preventive visits",
                coord,
                "workshop.contract.visit",
                "unlink",
                [self.south_contract.visit_ids.ids],
                {},
                "access",
                None,
            ),
            # 6. bad input
            (
                "negative price on a contract line",
                coord,
                "workshop.contract.line",
                "write",
                [self.draft_contract.line_ids.ids, {"price_unit": -100.0}],
                {},
                "user",
                None,
            ),
            (
                "negative price tier",
                coord,
                "workshop.contract.line.tier",
                "create",
                [
                    {
                        "line_id": self.draft_contract.line_ids.id,
                        "min_assets": 2,
                        "price_unit": -5.0,
                    }
                ],
                {},
                "user",
                None,
            ),
            (
                "activate a contract started 18 months ago unconfirmed",
                self.coordinator,
                "workshop.contract",
                "action_activate",
                [self.old_contract.ids],
                {},
                "user",
                None,
            ),
            (
                "negative covered hours",
                coord,
                "workshop.contract",
                "write",
                [[contract], {"coverage_labour_hours": -4.0}],
                {},
                "user",
                None,
            ),
            (
                "negative reminder days in the settings",
                self.settings_admin,
                "res.company",
                "write",
                [self.company.ids, {"workshop_reminder_days_after": -7}],
                {},
                "user",
                None,
            ),
        ]
        # 3. ledgers are append-only, for every group
        for user in (tech, coord, acc, mgr):
            for model, res_id, vals in ledgers:
                attempts += [
                    (
                        f"write {model}",
                        user,
                        model,
                        "write",
                        [[res_id], vals],
                        {},
                        "access",
                        None,
                    ),
                    (
                        f"unlink {model}",
                        user,
                        model,
                        "unlink",
                        [[res_id]],
                        {},
                        "access",
                        None,
                    ),
                ]
            attempts.append(
                (
                    "create workshop.contract.period",
                    user,
                    "workshop.contract.period",
                    "create",
                    [
                        {
                            "contract_id": contract,
                            "period_start": "2027-01-01",
                            "period_end": "2027-01-31",
                            "billed_from": "2027-01-01",
                            "billed_to": "2027-01-31",
                        }
                    ],
                    {},
                    "access",
                    None,
                )
            )
        return attempts

    # ------------------------------------------------------------------
    # The table
    # ------------------------------------------------------------------
    def test_lower_roles_change_nothing_over_rpc(self):
        # a covered van's repair job, ready to invoice: Repair is not covered
        job = self._covered_job(
            [("labour", self.labour, 2.0), ("part", self.part_pads, 1)],
            day="2026-11-10",
            job_type=self.job_type,
        )
        self._finish(job)
        self.assertEqual(job.contract_id, self.contract)
        attempts = self._attempts(job)
        changed, wrong = [], []
        for label, user, model, method, args, kwargs, expected, watch in attempts:
            watch = watch or self._snapshot
            before = watch()
            try:
                if expected == "ok":
                    self.rpc(user, model, method, *args, **kwargs)
                else:
                    self.assertRpcRefused(
                        expected, user, model, method, *args, **kwargs
                    )
                outcome = "refused" if expected != "ok" else "done, key ignored"
            except (AssertionError, xmlrpc.client.Fault) as error:
                outcome = "NOT AS EXPECTED"
                wrong.append(f"{user.login}: {label}: {str(error)[-300:]}")
            after = watch()
            if after != before:
                changed.append(f"{user.login}: {label}")
            _report(
                f"  {user.login:16} {label:60} {expected:6} → {outcome}; "
                f"{'CHANGED' if after != before else 'unchanged'}"
            )
        _report(
            f"RPC abuse (workshop_contract_billing): {len(attempts)} attempts "
            f"tried / {len(changed)} changed something"
        )
        self.assertEqual(changed, [], "attempts that changed something")
        self.assertEqual(wrong, [], "attempts not refused as expected")
        # the two calls that were allowed did their own job, nothing more
        self.assertTrue(job.invoice_ids)
        self.assertTrue(self.due_contract.invoice_ids)
        self.assertEqual(self.sla_credit.state, "pending")
