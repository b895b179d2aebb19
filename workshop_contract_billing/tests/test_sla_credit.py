from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.workshop_job_card.tests.common import QueryCount

from .common import ContractCommon

T0 = datetime(2026, 1, 5, 8, 0, 0)  # when the jobs are reported
# billing runs happen "later": breaches count up to the billing day, never
# beyond now, so the clock is pinned after every date used here
LATER = "2026-11-30 12:00:00"
ENGINE = "odoo.addons.workshop_contract_billing.models.workshop_contract.billing"


@tagged("post_install", "-at_install")
class TestSlaCredit(ContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls._sla_policy()
        cls.contract = cls._contract(
            sla_policy_id=cls.policy.id, covered_asset_ids=cls._covering(cls.assets[0])
        )

    @classmethod
    def _covering(cls, asset):
        return [Command.create({"asset_id": asset.id})]

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _job(self, contract=None, **vals):
        """A job on the asset of ``contract`` (the job finds its contract)."""
        contract = contract or self.contract
        job = self._create_job(
            self._standard_lines(),
            reported_datetime=T0,
            scheduled_datetime=T0,
            asset_id=contract.covered_asset_ids.asset_id.id,
            **vals,
        )
        self.assertEqual(job.contract_id, contract)
        return job

    def _closed_job(self, arrived_after, done_after, contract=None):
        """A job walked to done whose state history says it arrived and was
        done these many hours after it was reported."""
        job = self._job(contract)
        self._finish(job, sign=False)
        logs = job.stage_log_ids
        logs.filtered(lambda log: log.to_state == "on_site").date = T0 + timedelta(
            hours=arrived_after
        )
        logs.filtered(lambda log: log.to_state == "done").date = T0 + timedelta(
            hours=done_after
        )
        return job

    def _bill(self, day):
        with freeze_time(LATER):
            return self._run_cron(day).filtered(
                lambda m: m.workshop_contract_id == self.contract
            )

    @staticmethod
    def _credit_lines(moves):
        return moves.invoice_line_ids.filtered("workshop_contract_credit_id")

    # ------------------------------------------------------------------
    # Deadlines
    # ------------------------------------------------------------------
    def test_contract_policy_replaces_the_job_type_deadlines(self):
        under_contract = self._job()
        self.assertEqual(under_contract.response_deadline, T0 + timedelta(hours=2))
        self.assertEqual(under_contract.resolution_deadline, T0 + timedelta(hours=8))
        # no contract: the job type's 24 h / 72 h
        plain = self._create_job(
            self._standard_lines(), reported_datetime=T0, scheduled_datetime=T0
        )
        self.assertEqual(plain.response_deadline, T0 + timedelta(hours=24))
        self.assertEqual(plain.resolution_deadline, T0 + timedelta(hours=72))

    def test_priority_the_policy_does_not_cover_keeps_the_job_type_sla(self):
        urgent = self._job(priority="3")
        self.assertEqual(urgent.response_deadline, T0 + timedelta(hours=24))
        self.policy.write({"response_hours": 1, "resolution_hours": 4})
        other = self._job(priority="3")
        self.assertEqual(other.response_deadline, T0 + timedelta(hours=1))
        self.assertEqual(other.resolution_deadline, T0 + timedelta(hours=4))

    def test_setting_a_policy_on_the_contract_moves_open_jobs_only(self):
        contract = self._contract(covered_asset_ids=self._covering(self.assets[1]))
        closed = self._closed_job(3, 10, contract=contract)  # late for Gold
        open_job = self._job(contract)
        self.assertEqual(open_job.response_deadline, T0 + timedelta(hours=24))
        contract.sla_policy_id = self.policy
        self.assertEqual(open_job.response_deadline, T0 + timedelta(hours=2))
        self.assertEqual(closed.response_deadline, T0 + timedelta(hours=24))
        # the finished job was measured against its job type: no credit for it
        self.assertEqual(open_job.sla_policy_id, self.policy)
        self.assertFalse(closed.sla_policy_id)
        with freeze_time(LATER):
            found = contract._sla_record_breaches(datetime(2026, 2, 1))
        self.assertEqual(found.job_id, open_job)

    # ------------------------------------------------------------------
    # Breach detection
    # ------------------------------------------------------------------
    def test_breaches_are_read_from_the_state_history(self):
        late_fix = self._closed_job(arrived_after=1, done_after=10)
        late_arrival = self._closed_job(arrived_after=3, done_after=5)
        in_time = self._closed_job(arrived_after=2, done_after=8)  # on the dot
        never_came = self._job()
        with freeze_time(LATER):
            sla_credits = self.contract._sla_record_breaches(datetime(2026, 2, 1))
        got = {(c.job_id, c.kind): c.reached_datetime for c in sla_credits}
        self.assertEqual(
            got,
            {
                (late_fix, "resolution"): T0 + timedelta(hours=10),
                (late_arrival, "response"): T0 + timedelta(hours=3),
                (never_came, "response"): False,
                (never_came, "resolution"): False,
            },
        )
        self.assertNotIn(in_time, sla_credits.job_id)
        self.assertEqual(set(sla_credits.mapped("state")), {"pending"})
        # recording again finds nothing new
        with freeze_time(LATER):
            again = self.contract._sla_record_breaches(datetime(2026, 2, 1))
        self.assertFalse(again)

    def test_breach_detection_costs_the_same_queries_for_2_or_6_jobs(self):
        other = self._contract(
            sla_policy_id=self.policy.id,
            covered_asset_ids=self._covering(self.assets[1]),
        )
        for _i in range(2):
            self._closed_job(arrived_after=3, done_after=10)
        for _i in range(6):
            self._closed_job(arrived_after=3, done_after=10, contract=other)
        warm_up = self._contract(
            sla_policy_id=self.policy.id,
            covered_asset_ids=self._covering(self.assets[2]),
        )
        self._closed_job(arrived_after=3, done_after=10, contract=warm_up)
        counts = []
        for contract in (warm_up, self.contract, other):
            self.env.invalidate_all()
            with QueryCount(self.env) as queries, freeze_time(LATER):
                found = contract._sla_record_breaches(datetime(2026, 2, 1))
            counts.append(queries.count)
            self.assertEqual(len(found), len(contract.sla_credit_ids))
        self.assertEqual(len(other.sla_credit_ids), 12)
        self.assertEqual(counts[1], counts[2])

    def test_deadline_after_the_cutoff_is_not_a_breach_yet(self):
        self._job()
        with freeze_time(LATER):
            sla_credits = self.contract._sla_record_breaches(T0 + timedelta(hours=1))
        self.assertFalse(sla_credits)

    def test_cancelled_job_earns_no_credit(self):
        job = self._job()
        job.action_cancel()
        with freeze_time(LATER):
            self.assertFalse(self.contract._sla_record_breaches(datetime(2026, 2, 1)))

    def test_policy_crediting_resolution_only(self):
        self.policy.credit_on = "resolution"
        self._closed_job(arrived_after=3, done_after=10)
        with freeze_time(LATER):
            sla_credits = self.contract._sla_record_breaches(datetime(2026, 2, 1))
        self.assertEqual(sla_credits.mapped("kind"), ["resolution"])

    # ------------------------------------------------------------------
    # Credits on the invoice
    # ------------------------------------------------------------------
    def test_credit_goes_once_on_the_next_invoice_with_the_job_reference(self):
        self.assertEqual(self._bill("2026-01-01").amount_untaxed, 100.0)
        late_fix = self._closed_job(arrived_after=1, done_after=10)
        late_arrival = self._closed_job(arrived_after=3, done_after=5)
        february = self._bill("2026-02-01")
        lines = self._credit_lines(february)
        self.assertEqual(len(lines), 2)
        self.assertEqual(lines.mapped("price_unit"), [-10.0, -10.0])
        self.assertEqual(february.amount_untaxed, 80.0)
        self.assertEqual(february.amount_tax, 12.0)  # the fee's 15% VAT follows
        labels = "\n".join(lines.mapped("name"))
        self.assertIn(late_fix.name, labels)
        self.assertIn(late_arrival.name, labels)
        self.assertIn("late resolution", labels)
        self.assertIn("late response", labels)
        sla_credits = self.contract.sla_credit_ids
        self.assertEqual(sla_credits.mapped("state"), ["applied", "applied"])
        self.assertEqual(sla_credits.move_id, february)
        self.assertEqual(sla_credits.mapped("amount"), [10.0, 10.0])
        # the same day again, then next month: never credited twice
        self.assertFalse(self._bill("2026-02-01"))
        march = self._bill("2026-03-01")
        self.assertEqual(march.amount_untaxed, 100.0)
        self.assertFalse(self._credit_lines(march))
        self.assertEqual(len(self.contract.sla_credit_ids), 2)

    def test_catch_up_run_credits_only_the_first_invoice(self):
        self._closed_job(arrived_after=3, done_after=5)
        moves = self._bill("2026-03-01").sorted("invoice_date")
        self.assertEqual(len(moves), 3)
        self.assertEqual([len(self._credit_lines(m)) for m in moves], [1, 0, 0])
        self.assertEqual(moves.mapped("amount_untaxed"), [90.0, 100.0, 100.0])

    def test_fixed_credit_per_breach(self):
        self.policy.write({"credit_method": "fixed", "credit_amount": 25.0})
        self._bill("2026-01-01")
        self._closed_job(arrived_after=3, done_after=10)  # both late
        move = self._bill("2026-02-01")
        self.assertEqual(self._credit_lines(move).mapped("price_unit"), [-25.0, -25.0])
        self.assertEqual(move.amount_untaxed, 50.0)

    def test_percentage_follows_the_prorated_fee_of_the_period(self):
        contract = self._contract(
            date_start=self._d("2026-01-05"),
            sla_policy_id=self.policy.id,
            covered_asset_ids=self._covering(self.assets[2]),
        )
        self._closed_job(arrived_after=3, done_after=5, contract=contract)
        with freeze_time(LATER):
            moves = self._run_cron("2026-02-01").filtered(
                lambda m: m.workshop_contract_id == contract
            )
        january, february = moves.sorted("invoice_date")
        # the first invoice of the run carries it: 10% of January's prorated
        # fee (100 × 27/31 = 87.10)
        self.assertEqual(self._credit_lines(january).price_unit, -8.71)
        self.assertEqual(january.amount_untaxed, 78.39)
        self.assertFalse(self._credit_lines(february))

    def test_credits_beyond_the_cap_are_forfeited(self):
        self.policy.write({"credit_percent": 60.0, "credit_cap_percent": 100.0})
        self._bill("2026-01-01")
        self._closed_job(arrived_after=3, done_after=10)
        move = self._bill("2026-02-01")
        lines = self._credit_lines(move)
        self.assertEqual(lines.mapped("price_unit"), [-60.0, -40.0])
        self.assertIn("cap", lines[1].name)
        self.assertEqual(move.amount_untaxed, 0.0)
        self.assertEqual(move.state, "posted")

    def test_deleting_the_invoice_releases_its_credits(self):
        self.contract.auto_post = False
        self._bill("2026-01-01")
        self._closed_job(arrived_after=3, done_after=5)
        move = self._bill("2026-02-01")
        credit = self.contract.sla_credit_ids
        self.assertEqual(credit.state, "applied")
        move.unlink()
        self.assertEqual(credit.state, "pending")
        again = self._bill("2026-02-01")
        self.assertEqual(self._credit_lines(again).workshop_contract_credit_id, credit)
        self.assertEqual(credit.move_id, again)

    def test_cancelled_invoice_releases_its_credits_to_the_next_one(self):
        self._bill("2026-01-01")
        self._closed_job(arrived_after=3, done_after=5)
        february = self._bill("2026-02-01")
        credit = self.contract.sla_credit_ids
        self.assertEqual(credit.move_id, february)
        february.button_draft()
        february.button_cancel()
        self.assertEqual(credit.state, "pending")
        # February's period was released with its invoice: billed again first,
        # and the credit goes on that first invoice of the run
        february_again, march = self._bill("2026-03-01").sorted("invoice_date")
        self.assertEqual(february_again.invoice_date, self._d("2026-02-01"))
        self.assertEqual(credit.move_id, february_again)
        self.assertEqual(february_again.amount_untaxed, 90.0)
        self.assertEqual(march.amount_untaxed, 100.0)
        # bringing the cancelled February back would bill it (and credit the
        # customer) a second time: refused, nothing changes
        with self.assertRaises(UserError):
            february.button_draft()
        self.assertEqual(february.state, "cancel")
        self.assertEqual(credit.move_id, february_again)

    def test_credit_note_on_the_invoice_gives_the_credit_back(self):
        self._bill("2026-01-01")
        self._closed_job(arrived_after=3, done_after=5)
        february = self._bill("2026-02-01")
        credit = self.contract.sla_credit_ids
        self.assertEqual(credit.state, "applied")
        # a partial credit note (the fee only) takes the service credit back too
        refund = february._reverse_moves()
        refund.invoice_line_ids.filtered(
            lambda li: not li.workshop_contract_credit_id
        ).price_unit = 50.0
        refund.action_post()
        self.assertEqual(credit.state, "pending")
        march = self._bill("2026-03-01")
        self.assertEqual(credit.move_id, march)
        self.assertEqual(march.amount_untaxed, 90.0)
        # once: April carries no credit
        self.assertFalse(self._credit_lines(self._bill("2026-04-01")))

    def test_failed_billing_keeps_nothing_and_the_rerun_credits_once(self):
        self._bill("2026-01-01")
        self._closed_job(arrived_after=3, done_after=5)
        Move = type(self.env["account.move"])
        with (
            patch.object(Move, "action_post", side_effect=ValueError("no account")),
            mute_logger(ENGINE),
        ):
            self.assertFalse(self._bill("2026-02-01"))
        self.assertIn("no account", self.contract.billing_error)
        self.assertFalse(self.contract.sla_credit_ids)  # rolled back with the run
        february = self._bill("2026-02-01")
        self.assertEqual(len(self._credit_lines(february)), 1)
        self.assertEqual(self.contract.sla_credit_ids.move_id, february)
        self.assertFalse(self._bill("2026-02-01"))

    def test_applied_credit_cannot_be_deleted(self):
        self._closed_job(arrived_after=3, done_after=5)
        self._bill("2026-02-01")
        with self.assertRaises(UserError):
            self.contract.sla_credit_ids.unlink()

    def test_duplicate_breach_is_refused_by_the_database(self):
        self._closed_job(arrived_after=3, done_after=5)
        with freeze_time(LATER):
            credit = self.contract._sla_record_breaches(datetime(2026, 2, 1))
        with self.assertRaises(Exception) as caught, self.cr.savepoint():
            credit.copy()
            self.env.flush_all()
        self.assertIn("job_kind_uniq", str(caught.exception))

    def test_check_breaches_button_records_them_for_a_coordinator(self):
        self._closed_job(arrived_after=3, done_after=5)
        action = self.contract.with_user(self.coordinator).action_check_sla_breaches()
        self.assertEqual(action["res_model"], "workshop.contract.credit")
        self.assertEqual(self.contract.sla_credit_pending_count, 1)

    def test_check_breaches_refused_to_a_technician(self):
        with self.assertRaises(UserError):
            self.contract.with_user(self.technician).action_check_sla_breaches()

    # ------------------------------------------------------------------
    # Policy rules
    # ------------------------------------------------------------------
    def test_policy_refuses_inconsistent_credit_terms(self):
        cases = [
            {"credit_method": "percent", "credit_percent": 0.0},
            {"credit_method": "percent", "credit_percent": 150.0},
            {"credit_method": "fixed", "credit_amount": 0.0},
            {"credit_cap_percent": 120.0},
            {"credit_product_id": False},
        ]
        for vals in cases:
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                self.policy.copy().write(vals)

    def test_policy_refuses_resolution_before_response(self):
        with self.assertRaises(ValidationError):
            self.policy.line_ids.resolution_hours = 1.0

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_accountant_invoice_now_applies_the_credits(self):
        self._bill("2026-01-01")
        self._closed_job(arrived_after=3, done_after=5)
        with freeze_time("2026-02-01 09:00:00"):
            self.contract.with_user(self.accountant).action_invoice_now()
        credit = self.contract.sla_credit_ids
        self.assertEqual(credit.state, "applied")
        self.assertEqual(credit.move_id.invoice_date, self._d("2026-02-01"))

    def test_only_coordinators_manage_policies(self):
        Policy = self.env["workshop.contract.sla.policy"]
        self.assertIn(self.policy, Policy.with_user(self.technician).search([]))
        for user in (self.technician, self.accountant):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                Policy.with_user(user).create({"name": "Silver"})
        Policy.with_user(self.coordinator).create({"name": "Silver"})
