"""Each ``_prepare_*`` hook, called alone with what its planning step returns,
gives exactly the values that end up on the invoice."""

from datetime import datetime

from odoo import Command
from odoo.tests import tagged

from .common import ServiceCommon


@tagged("post_install", "-at_install")
class TestPrepareHooks(ServiceCommon):
    @staticmethod
    def _normalised(vals):
        result = {}
        for key, value in vals.items():
            if key == "tax_ids":
                ids = value[0][2] if value and value[0][0] == Command.SET else []
                result[key] = sorted(ids)
            else:
                result[key] = value or False
        return result

    @staticmethod
    def _read_back(aml, keys):
        """The invoice line's values for ``keys``, as a prepared dict sets them."""
        row = {}
        for key in keys:
            value = aml[key]
            if key == "tax_ids":
                row[key] = [Command.set(value.ids)]
            elif hasattr(value, "_name"):
                row[key] = value.id
            else:
                row[key] = value
        return row

    def _assert_invoiced_as_prepared(self, move, vals):
        self.assertEqual(len(move), 1)
        for key in ("partner_id", "currency_id", "company_id"):
            self.assertEqual(move[key].id, vals[key], key)
        for key in ("move_type", "invoice_origin", "ref"):
            self.assertEqual(move[key], vals[key], key)
        prepared = [command[2] for command in vals["invoice_line_ids"]]
        # the lines are created in the order they were prepared
        lines = move.invoice_line_ids.sorted("id")
        self.assertEqual(len(lines), len(prepared))
        for aml, line_vals in zip(lines, prepared, strict=True):
            self.assertEqual(
                self._normalised(self._read_back(aml, line_vals)),
                self._normalised(line_vals),
            )

    def test_prepared_job_invoice_with_coverage_is_what_gets_invoiced(self):
        # 6 h of labour against 4 covered hours, a part inside the parts cap
        job = self._covered_job(
            [("labour", self.labour, 6.0), ("part", self.part_filter, 1.0)],
            day="2026-03-16",
        )
        self._finish(job)
        plan = job._plan_invoicing()
        vals = job._prepare_invoice_vals(plan)
        covered = [
            command[2]
            for command in vals["invoice_line_ids"]
            if command[2].get("workshop_covered_contract_id")
        ]
        self.assertTrue(covered, "the plan's coverage is in the prepared values")
        self.assertTrue(all(line["price_unit"] == 0.0 for line in covered))
        move = self._invoice_job(job)
        self._assert_invoiced_as_prepared(move, vals)

    def test_prepared_contract_invoice_with_sla_credit_is_what_gets_invoiced(self):
        policy = self._sla_policy(percent=50.0, hours=None)
        contract = self._contract(sla_policy_id=policy.id)
        credit = self._sla_credit(contract, datetime(2025, 12, 29, 10, 0))
        day = self._d("2026-01-01")
        todo = [(contract, period) for period in contract._get_due_periods(day)]
        self.assertEqual(len(todo), 1)
        period = todo[0][1]
        extras = contract._plan_invoice_extras(todo, day)
        vals = contract._prepare_invoice_vals(
            period, **extras[contract._period_key(period)]
        )
        credit_lines = [
            command[2]
            for command in vals["invoice_line_ids"]
            if command[2].get("workshop_contract_credit_id") == credit.id
        ]
        self.assertEqual([line["price_unit"] for line in credit_lines], [-50.0])
        move = contract._recurring_create_invoices(day)
        self._assert_invoiced_as_prepared(move, vals)
        self.assertEqual(move.amount_untaxed, 50.0)
