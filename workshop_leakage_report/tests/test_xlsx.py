import base64
import io
from datetime import timedelta

import openpyxl

from odoo import fields
from odoo.tests import tagged

from .common import LeakageCommon


@tagged("post_install", "-at_install")
class TestXlsx(LeakageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.job = cls._leaking_job()

    @classmethod
    def _leaking_job(cls):
        job = cls._open_job()
        return job

    def _prepare(self):
        self._issue(self.job, {self.oil: 4, self.belt: 2})
        self.job.resolution = "<p>Done.</p>"
        self.job.action_done()
        self._invoice(self.job, edit=lambda inv: self._line(inv, self.oil).unlink())
        other = self._job_with_parts({self.belt: 1})
        self._age_done(other, 5)
        today = fields.Date.today()
        return self.env["workshop.leakage.dashboard"].create(
            {"date_from": today - timedelta(days=30), "date_to": today}
        )

    def _book(self, board):
        self.env.flush_all()
        return openpyxl.load_workbook(io.BytesIO(board._render_xlsx()), data_only=True)

    @staticmethod
    def _total_row(sheet):
        for row in sheet.iter_rows():
            if row[0].value == "Total":
                return [cell.value for cell in row]
        return None

    def test_workbook_totals_equal_the_views(self):
        board = self._prepare()
        book = self._book(board)
        self.assertEqual(
            book.sheetnames, ["Summary", "Leaks by Job", "Parts Usage", "Billing Lag"]
        )
        leaks = self.env["workshop.leakage.exception"].search(
            board._period_domain("date") + [("leak_kind", "!=", "ok")]
        )
        self.assertEqual(
            set(leaks.mapped("leak_kind")), {"not_invoiced", "done_not_invoiced"}
        )
        sheet = book["Leaks by Job"]
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertTrue(sheet.auto_filter.ref.startswith("A1:"))
        self.assertEqual(sheet.max_row, len(leaks) + 2)
        total = self._total_row(sheet)
        self.assertAlmostEqual(total[6], sum(leaks.mapped("quantity")))
        self.assertAlmostEqual(total[7], sum(leaks.mapped("value_sale")))
        self.assertAlmostEqual(total[8], sum(leaks.mapped("value_cost")))
        self.assertAlmostEqual(total[9], sum(leaks.mapped("value_risk")))
        self.assertIn("#,##0.00", sheet.cell(2, 8).number_format)

        summary = book["Summary"]
        self.assertAlmostEqual(summary["B4"].value, board.revenue_at_risk)
        self.assertAlmostEqual(board.revenue_at_risk, sum(leaks.mapped("value_risk")))
        summary_total = self._total_row(summary)
        self.assertEqual(summary_total[1], len(leaks))
        self.assertAlmostEqual(summary_total[3], sum(leaks.mapped("value_sale")))

        usage = self.env["workshop.leakage.parts.usage"].search(
            board._period_domain("date")
        )
        usage_total = self._total_row(book["Parts Usage"])
        self.assertAlmostEqual(usage_total[4], sum(usage.mapped("quantity")))
        self.assertAlmostEqual(usage_total[5], sum(usage.mapped("value_cost")))
        self.assertEqual(sum(usage.mapped("quantity")), 7)

        lag = book["Billing Lag"]
        jobs = [row[0].value for row in lag.iter_rows(min_row=2)]
        self.assertIn(self.job.name, jobs)

    def test_kpis_of_the_overview(self):
        board = self._prepare()
        self.assertEqual(board.jobs_done, 2)
        self.assertEqual(board.jobs_leaking, 2)
        self.assertAlmostEqual(board.leak_rate, 100.0)
        self.assertGreaterEqual(board.lag_median_days, 0.0)
        # invoiced: 2 belts (50.00) + 1 h labour (90.00); cost of parts used:
        # 4 oil x 4.00 + 2 belts x 11.00
        self.assertAlmostEqual(board.margin_per_job, 140.0 - 38.0)

    def test_export_downloads_an_attachment(self):
        self._prepare()
        # an overview is its creator's: the manager exports their own
        board = (
            self.env["workshop.leakage.dashboard"].with_user(self.manager).create({})
        )
        action = board.action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment_id = int(action["url"].split("/")[3].split("?")[0])
        attachment = self.env["ir.attachment"].browse(attachment_id)
        self.assertTrue(attachment.name.endswith(".xlsx"))
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(attachment.datas)))
        self.assertIn("Leaks by Job", book.sheetnames)

    def test_names_that_look_like_formulas_stay_text(self):
        hyperlink = '=HYPERLINK("http://x","y")'
        customer = self.env["res.partner"].create(
            {"name": hyperlink, "is_company": True}
        )
        product = self.env["product.product"].create(
            {"name": "=1+1", "type": "service", "list_price": 30.0}
        )
        job = self._create_job([("fee", product, 1)], partner_id=customer.id)
        job.scheduled_datetime = "2026-11-20 08:00:00"
        job.action_schedule()
        job.action_dispatch()
        job.action_arrive()
        job.resolution = "<p>Done.</p>"
        job.action_done()
        self._age_done(job, 5)
        today = fields.Date.today()
        board = self.env["workshop.leakage.dashboard"].create(
            {"date_from": today - timedelta(days=30), "date_to": today}
        )
        self.env.flush_all()
        # formulas kept as formulas: the cells as written, not their results
        book = openpyxl.load_workbook(io.BytesIO(board._render_xlsx()))
        found = {}
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value in (hyperlink, "=1+1"):
                        found.setdefault(cell.value, []).append(cell)
                    if cell.data_type == "f":
                        self.assertTrue(
                            str(cell.value).startswith("=SUBTOTAL("),
                            f"{sheet.title}!{cell.coordinate} is a formula: "
                            f"{cell.value}",
                        )
        self.assertEqual(set(found), {hyperlink, "=1+1"})
        for cells in found.values():
            for cell in cells:
                self.assertEqual(cell.data_type, "s", cell.coordinate)
        leaks = book["Leaks by Job"]
        row = next(r for r in leaks.iter_rows(min_row=2) if r[0].value == job.name)
        self.assertEqual((row[2].value, row[2].data_type), ("=1+1", "s"))
        self.assertEqual((row[3].value, row[3].data_type), (hyperlink, "s"))
