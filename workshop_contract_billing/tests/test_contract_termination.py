from freezegun import freeze_time
from psycopg2.errors import UniqueViolation

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import ContractCommon

REASON = "Customer sold the fleet"


@tagged("post_install", "-at_install")
@freeze_time("2026-03-20")
class TestContractTermination(ContractCommon):
    """Today is 2026-03-20; contracts bill 100.00 a month from 2026-01-01."""

    def _credit_notes(self, contract):
        return contract.invoice_ids.filtered(lambda m: m.move_type == "out_refund")

    def _invoices(self, contract):
        return contract.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")

    # ------------------------------------------------------------------
    # In advance: credit what was billed beyond the date
    # ------------------------------------------------------------------
    def test_terminating_mid_month_credits_the_days_billed_in_advance(self):
        contract = self._contract()
        self._run_cron("2026-03-01")  # January, February, March billed
        contract.action_terminate("2026-03-15", REASON)
        self.assertEqual(contract.state, "terminated")
        self.assertEqual(contract.date_end, self._d("2026-03-15"))
        self.assertEqual(contract.termination_reason, REASON)
        credit = self._credit_notes(contract)
        self.assertEqual(len(credit), 1)
        self.assertEqual(credit.state, "posted")
        self.assertEqual(credit.amount_untaxed, 51.61)  # 100 × 16/31
        self.assertEqual(credit.amount_total, 59.35)  # with 15 % tax
        self.assertEqual(credit.partner_id, self.ap_contact)
        self.assertEqual(credit.invoice_date, self._d("2026-03-20"))
        self.assertEqual(credit.reversed_entry_id.invoice_date, self._d("2026-03-01"))
        self.assertIn(
            "03/16/2026 – 03/31/2026 (16/31 days",
            credit.invoice_line_ids.name,
        )
        row = contract.period_ids.filtered(lambda p: p.kind == "credit")
        self.assertEqual(
            (str(row.billed_from), str(row.billed_to), row.move_id),
            ("2026-03-16", "2026-03-31", credit),
        )

    def test_a_quarter_billed_in_advance_is_credited_by_day(self):
        contract = self._contract(
            recurring_rule="quarterly",
            lines=[{"product_id": self.fee.id, "price_unit": 900.0}],
        )
        self._run_cron("2026-01-01")  # Q1: 900.00 for 90 days
        contract.action_terminate("2026-02-28", REASON)
        # March: 31 of the 90 days
        self.assertEqual(self._credit_notes(contract).amount_untaxed, 310.0)

    def test_terminate_twice_credits_once(self):
        contract = self._contract()
        self._run_cron("2026-03-01")
        contract.action_terminate("2026-03-15", REASON)
        with self.assertRaises(UserError):
            contract.action_terminate("2026-03-10", REASON)
        # the settlement itself and the cron find nothing left to credit
        self.assertFalse(contract._settle_termination(self._d("2026-03-21")))
        self._run_lifecycle("2026-03-21")
        self.assertEqual(len(self._credit_notes(contract)), 1)
        self.assertEqual(
            len(contract.period_ids.filtered(lambda p: p.kind == "credit")), 1
        )

    def test_the_ledger_refuses_a_second_credit_of_a_period(self):
        contract = self._contract()
        self._run_cron("2026-03-01")
        contract.action_terminate("2026-03-15", REASON)
        row = contract.period_ids.filtered(lambda p: p.kind == "credit")
        with (
            self.assertRaises(UniqueViolation),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            row.copy().flush_recordset()

    # ------------------------------------------------------------------
    # In arrears: a final prorated invoice
    # ------------------------------------------------------------------
    def test_terminating_in_arrears_bills_the_partial_last_period(self):
        contract = self._contract(invoicing_mode="arrears")
        self._run_cron("2026-03-01")  # January and February billed
        contract.action_terminate("2026-03-10", REASON)
        self.assertFalse(self._credit_notes(contract))
        final = self._invoices(contract).filtered(
            lambda m: str(m.invoice_date) == "2026-03-11"
        )
        self.assertEqual(final.amount_untaxed, 32.26)  # 100 × 10/31
        self.assertIn("prorated 10/31 days", final.invoice_line_ids.name)
        self.assertEqual(len(self._invoices(contract)), 3)
        self.assertFalse(contract.next_invoice_date)

    def test_terminated_contract_is_no_longer_billed(self):
        contract = self._contract()
        self._run_cron("2026-03-01")
        contract.action_terminate("2026-03-15", REASON)
        self.assertFalse(self._run_cron("2026-06-01"))
        with self.assertRaises(UserError):
            contract.action_invoice_now()

    # ------------------------------------------------------------------
    # Scheduled termination
    # ------------------------------------------------------------------
    def test_termination_from_today_is_settled_the_day_after(self):
        contract = self._contract()
        self._run_cron("2026-03-01")
        contract.action_terminate("2026-03-25", REASON)
        self.assertEqual(contract.state, "active")
        self.assertEqual(contract.date_end, self._d("2026-03-25"))
        self._run_lifecycle("2026-03-25")
        self.assertEqual(contract.state, "active")
        self._run_lifecycle("2026-03-26")
        self._run_lifecycle("2026-03-26")
        self.assertEqual(contract.state, "terminated")
        credit = self._credit_notes(contract)
        self.assertEqual(credit.amount_untaxed, 19.35)  # 100 × 6/31
        self.assertEqual(credit.invoice_date, self._d("2026-03-26"))

    # ------------------------------------------------------------------
    # Wizard and refusals
    # ------------------------------------------------------------------
    def test_wizard_asks_date_and_reason(self):
        contract = self._contract()
        self._run_cron("2026-03-01")
        action = contract.with_user(self.coordinator).action_terminate()
        self.assertEqual(action["res_model"], "workshop.contract.terminate.wizard")
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.coordinator)
            .with_context(**action["context"])
        )
        self.assertEqual(str(wizard.termination_date), "2026-03-20")
        wizard.termination_date = "2026-03-15"
        wizard.reason = REASON
        wizard.save().action_confirm()
        self.assertEqual(contract.state, "terminated")
        self.assertEqual(self._credit_notes(contract).amount_untaxed, 51.61)

    def test_termination_needs_a_reason_and_a_date_within_the_contract(self):
        contract = self._contract(date_end=self._d("2026-06-30"))
        with self.assertRaises(UserError):
            contract.action_terminate("2026-03-15", " ")
        with self.assertRaises(UserError):
            contract.action_terminate("2025-12-31", REASON)
        with self.assertRaises(UserError):
            contract.action_terminate("2026-07-31", REASON)
        draft = self._contract(activate=False)
        with self.assertRaises(UserError):
            draft.action_terminate("2026-03-15", REASON)
        self.assertEqual(contract.state, "active")
        self.assertFalse(contract.termination_date)

    def test_technician_cannot_terminate(self):
        contract = self._contract()
        with self.assertRaises(UserError):
            contract.with_user(self.technician).action_terminate("2026-03-15", REASON)
        with self.assertRaises(AccessError):
            self.env["workshop.contract.terminate.wizard"].with_user(
                self.technician
            ).create(
                {
                    "contract_ids": [(6, 0, contract.ids)],
                    "termination_date": "2026-03-15",
                    "reason": REASON,
                }
            )
        self.assertEqual(contract.state, "active")

    def test_accountant_without_contract_rights_cannot_terminate(self):
        contract = self._contract()
        with self.assertRaises(UserError):
            contract.with_user(self.accountant).action_terminate("2026-03-15", REASON)
        self.assertEqual(contract.state, "active")

    def test_coordinator_terminates(self):
        contract = self._contract()
        self._run_cron("2026-03-01")
        contract.with_user(self.coordinator).action_terminate("2026-03-15", REASON)
        self.assertEqual(contract.state, "terminated")
        self.assertEqual(len(self._credit_notes(contract)), 1)

    def test_coordinator_of_another_company_cannot_terminate(self):
        contract = self._contract()
        company_b = self._company("Workshop B")
        other = self._user(
            "ws_term_other", "coordinator", "invoicing", companies=company_b
        )
        with self.assertRaises(AccessError):
            contract.with_user(other).action_terminate("2026-03-15", REASON)
        self.assertEqual(contract.state, "active")
