"""Rules that live in the model, whoever calls it: hook inputs no context can
forge, append-only ledgers, input checks, crons that survive one bad record."""

from datetime import datetime
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ServiceCommon

GUARD = "odoo.addons.workshop_job_card.tools.guarded"


@tagged("post_install", "-at_install")
class TestApiRules(ServiceCommon):
    # ------------------------------------------------------------------
    # Hook inputs: no context key feeds them
    # ------------------------------------------------------------------
    def test_coverage_plan_in_the_context_prices_nothing_at_zero(self):
        job = self._covered_job(
            [("labour", self.labour, 2.0)], day="2026-11-10", job_type=self.job_type
        )
        self._finish(job)
        self.assertEqual(job.contract_id, self.service_contract)
        forged = tuple((line.id, line.quantity) for line in job.line_ids)
        vals_list = job.with_context(
            workshop_coverage_plan=forged
        )._prepare_invoice_line_vals_list()
        prices = [
            v["price_unit"] for v in vals_list if v.get("display_type") == "product"
        ]
        self.assertEqual(prices, [90.0])

    def test_sla_credit_plan_in_the_context_credits_nothing(self):
        policy = self._sla_policy(percent=50.0, hours=None)
        other = self._contract(sla_policy_id=policy.id)
        credit = self._sla_credit(other, datetime(2026, 1, 5, 10, 0))
        contract = self._contract()
        day = self._d("2026-01-01")
        moves = contract.with_context(
            workshop_sla_credit_plan=((contract.id, day, (credit.id,)),)
        )._recurring_create_invoices(day)
        self.assertEqual(moves.amount_untaxed, 100.0)
        self.assertFalse(moves.invoice_line_ids.workshop_contract_credit_id)
        self.assertEqual(credit.state, "pending")

    def test_termination_key_does_not_shorten_a_billed_contract(self):
        contract = self._contract()
        self._run_cron("2026-03-01")
        with self.assertRaises(UserError):
            contract.with_user(self.manager).with_context(
                workshop_contract_termination=True
            ).write({"date_end": "2026-01-15"})
        self.assertFalse(contract.date_end)

    # ------------------------------------------------------------------
    # State and termination only through the actions
    # ------------------------------------------------------------------
    def test_termination_fields_are_read_only_to_write_for_every_group(self):
        contract = self._contract()
        for user in (self.coordinator, self.accountant, self.manager):
            for vals in (
                {"termination_date": "2026-01-15"},
                {"termination_reason": "x"},
                {"state": "terminated"},
            ):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaises(AccessError):
                        contract.with_user(user).with_context(
                            workshop_contract_transition=True,
                            workshop_contract_termination=True,
                        ).write(vals)
        self.assertEqual(contract.state, "active")
        self.assertFalse(contract.termination_date)

    def test_terminate_needs_billing_rights(self):
        contract = self._contract()
        coordinator = self.coordinator
        coordinator.groups_id -= self.env.ref("account.group_account_invoice")
        with self.assertRaises(AccessError):
            contract.with_user(coordinator).action_terminate("2026-06-30", "moved")
        contract.with_user(self.manager).action_terminate("2026-12-31", "moved")
        self.assertEqual(contract.termination_date, self._d("2026-12-31"))

    # ------------------------------------------------------------------
    # Ledgers: no group writes or deletes them
    # ------------------------------------------------------------------
    def test_ledgers_are_read_only_for_every_group(self):
        contract = self.service_contract
        self._run_cron("2026-01-01")
        job = self._covered_job([("labour", self.labour, 1.0)], day="2026-01-10")
        self._invoice_job(job)
        allowance = contract.allowance_ids[:1]
        usage = allowance.usage_ids[:1]
        self.assertTrue(usage)
        ledgers = {
            "period": (contract.period_ids[:1], {"is_released": True}),
            "usage": (usage, {"quantity": 0.0}),
            "allowance": (allowance, {"visit_shortfall": 2}),
        }
        for user in (self.technician, self.coordinator, self.accountant, self.manager):
            for name, (row, vals) in ledgers.items():
                with self.subTest(user=user.login, ledger=name):
                    with self.assertRaises(AccessError):
                        row.with_user(user).write(vals)
                    with self.assertRaises(AccessError):
                        row.with_user(user).unlink()
            with self.assertRaises(AccessError):
                self.env["workshop.contract.credit"].with_user(user).create(
                    {
                        "contract_id": contract.id,
                        "job_id": job.id,
                        "policy_id": False,
                        "kind": "response",
                        "deadline": datetime(2026, 1, 5),
                    }
                )

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    def test_negative_prices_are_refused(self):
        contract = self._contract(activate=False)
        with self.assertRaises(ValidationError):
            contract.line_ids.with_user(self.coordinator).price_unit = -1.0
        with self.assertRaises(ValidationError):
            contract.line_ids.with_user(self.coordinator).quantity = -1.0
        with self.assertRaises(ValidationError):
            contract.with_user(self.coordinator).write(
                {
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": self.asset_fee.id,
                                "kind": "tiered",
                                "tier_ids": [
                                    Command.create({"min_assets": 1, "price_unit": -2})
                                ],
                            }
                        )
                    ]
                }
            )
        with self.assertRaises(ValidationError):
            contract.with_user(self.coordinator).visit_lead_days = -1

    def test_start_more_than_a_year_back_needs_confirmation(self):
        contract = self._contract(activate=False, date_start=self._d("2025-06-01"))
        with self.assertRaises(UserError):
            contract.with_user(self.coordinator).action_activate()
        self.assertEqual(contract.state, "draft")
        contract.with_user(self.coordinator).is_backdating_confirmed = True
        contract.with_user(self.coordinator).action_activate()
        # the catch-up bills every period since, as before
        moves = self._run_cron("2026-12-04").filtered(
            lambda m: m.workshop_contract_id == contract
        )
        self.assertEqual(len(moves), 19)
        # an active contract cannot be moved back either, unconfirmed
        recent = self._contract(date_start=self._d("2026-06-01"))
        with self.assertRaises(UserError):
            recent.with_user(self.coordinator).date_start = "2025-01-01"

    def test_negative_reminder_days_are_refused_by_the_company(self):
        with self.assertRaises(ValidationError):
            self.company.workshop_reminder_days_before = -3

    # ------------------------------------------------------------------
    # Crons survive one bad record
    # ------------------------------------------------------------------
    def test_visit_cron_records_a_failing_contract_and_goes_on(self):
        bad = self.service_contract
        good = self._contract(
            covered_asset_ids=[Command.create({"asset_id": self.assets[1].id})],
            visit_ids=[Command.create({"job_type_id": self.preventive.id})],
        )
        Contract = type(self.env["workshop.contract"])
        generate = Contract._generate_visit_jobs

        def failing(contract, date_ref):
            if contract == bad:
                raise ValueError("template of another company")
            return generate(contract, date_ref)

        with (
            patch.object(Contract, "_generate_visit_jobs", failing),
            mute_logger(GUARD),
        ):
            jobs = self.env["workshop.contract"]._cron_contract_visits(
                date_ref=self._d("2026-03-20")
            )
        self.assertEqual(jobs.contract_id, good)
        self.assertFalse(bad.job_ids)
        warning = bad.activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("mail.mail_activity_data_warning")
        )
        self.assertIn("template of another company", str(warning.note))

    def test_reminder_cron_notes_a_failing_invoice_and_goes_on(self):
        self.company.write(
            {"workshop_reminder_days_before": 3, "workshop_reminder_days_after": 0}
        )
        term = self.env.ref("account.account_payment_term_30days")
        first = self._contract(payment_term_id=term.id)
        second = self._contract(payment_term_id=term.id)
        self._run_cron("2026-01-01")
        bad, good = first.invoice_ids, second.invoice_ids
        Move = type(self.env["account.move"])
        send = Move._send_workshop_payment_reminder

        def failing(moves, kind):
            if bad in moves:
                raise ValueError("broken contact")
            return send(moves, kind)

        with (
            patch.object(Move, "_send_workshop_payment_reminder", failing),
            mute_logger(GUARD),
        ):
            queued = self.env["account.move"]._cron_workshop_payment_reminder(
                date_ref=self._d("2026-01-28")
            )
        self.assertEqual(queued, 1)
        self.assertTrue(good.workshop_reminder_before_datetime)
        self.assertFalse(bad.workshop_reminder_before_datetime)
        self.assertIn("broken contact", "\n".join(bad.message_ids.mapped("body")))
