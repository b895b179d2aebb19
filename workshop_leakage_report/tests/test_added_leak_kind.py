"""A leak kind added by an addon: one rule more in the table of
``workshop.leakage.exception._leak_rules()`` is classified in the views, kept
by the weekly run and exported in the workbook, with nothing else changed."""

import io
from datetime import timedelta
from unittest.mock import patch

import openpyxl

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from ..report.leak_rules import LeakRule
from .common import LeakageCommon

KIND = "bulk_not_invoiced"
LABEL = "Bulk Parts Not Invoiced"


@tagged("post_install", "-at_install")
class TestAddedLeakKind(LeakageCommon):
    def _with_bulk_rule(self):
        """Patch the table of rules as an addon extending it would: parts
        issued by 3 units or more and not invoiced get their own kind, ahead
        of the catch-all "Issued, Not Invoiced"."""
        Exception_ = type(self.env["workshop.leakage.exception"])
        original = Exception_._leak_rules

        def _leak_rules(model):
            rules = original(model)
            at = [rule.kind for rule in rules].index("not_invoiced")
            rules.insert(
                at,
                LeakRule(
                    KIND,
                    LABEL,
                    condition=SQL("f.line_kind = 'part' AND f.qty_difference >= %s", 3),
                ),
            )
            return rules

        return patch.object(Exception_, "_leak_rules", _leak_rules)

    def _recreate_views(self):
        """Views are built from the rules at install: build them again (the
        reconciliation drops the views over it, which follow)."""
        for model in (
            "workshop.leakage.reconciliation",
            "workshop.leakage.exception",
            "workshop.leakage.technician",
        ):
            self.env[model].init()

    def test_an_added_kind_is_classified_run_weekly_and_exported(self):
        bulk = self._job_with_parts({self.oil: 4})
        self._invoice(bulk, edit=lambda inv: self._line(inv, self.oil).unlink())
        small = self._job_with_parts({self.belt: 1})
        self._invoice(small, edit=lambda inv: self._line(inv, self.belt).unlink())
        with self._with_bulk_rule():
            self._recreate_views()
            Exception_ = self.env["workshop.leakage.exception"]
            self.assertIn(KIND, Exception_._leak_kinds())
            self.assertIn((KIND, LABEL), Exception_._leak_kind_selection())

            self.assertEqual(self._job_leaks(bulk).mapped("leak_kind"), [KIND])
            self.assertEqual(
                self._job_leaks(small).mapped("leak_kind"), ["not_invoiced"]
            )
            self.assertEqual(self._recon(bulk)[self.oil].leak_kind, KIND)

            run = self.env["workshop.leakage.run"]._run_for_company(self.company)
            self.assertEqual(
                set(run.line_ids.mapped("leak_kind")), {KIND, "not_invoiced"}
            )
            line = run.line_ids.filtered(lambda line: line.leak_kind == KIND)
            self.assertEqual(line.leak_count, 1)
            self.assertAlmostEqual(line.quantity, 4.0)
            self.assertIn(LABEL, line.name)
            self.assertEqual(run.leak_count, 2)

            today = fields.Date.today()
            board = self.env["workshop.leakage.dashboard"].create(
                {"date_from": today - timedelta(days=30), "date_to": today}
            )
            self.env.flush_all()
            book = openpyxl.load_workbook(
                io.BytesIO(board._render_xlsx()), data_only=True
            )
        kinds = [row[1].value for row in book["Leaks by Job"].iter_rows(min_row=2)]
        self.assertIn(LABEL, kinds)
        self.assertIn("Issued, Not Invoiced", kinds)
        summary = [row[0].value for row in book["Summary"].iter_rows()]
        self.assertIn(LABEL, summary)
