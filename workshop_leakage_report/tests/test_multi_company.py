from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import LeakageCommon


@tagged("post_install", "-at_install")
class TestMultiCompany(LeakageCommon):
    """A user of company A sees nothing of company B's leakage data and
    writes none of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.south, cls.south_manager = cls._other_company_manager("ws_south_mgr")

    def setUp(self):
        super().setUp()
        self.leak_run = self.env["workshop.leakage.run"]._run_for_company(self.company)

    def test_other_company_sees_no_run_line_or_total(self):
        for model in (
            "workshop.leakage.run",
            "workshop.leakage.run.line",
            "workshop.leakage.job.total",
            "workshop.leakage.exception",
            "workshop.leakage.reconciliation",
        ):
            Model = self.env[model].with_user(self.south_manager)
            self.assertFalse(Model.search([("company_id", "=", self.company.id)]))
        with self.assertRaises(AccessError):
            self.leak_run.with_user(self.south_manager).read(["value_risk"])
        with self.assertRaises(AccessError):
            self.leak_run.with_user(self.south_manager).write({"leak_count": 7})
        with self.assertRaises(AccessError):
            self.leak_run.with_user(self.south_manager).action_open_exceptions()

    def test_other_company_cannot_run_or_read_figures_of_company_a(self):
        Run = self.env["workshop.leakage.run"].with_user(self.south_manager)
        with self.assertRaises(AccessError):
            Run.with_context(allowed_company_ids=self.company.ids).action_run_now()
        Board = self.env["workshop.leakage.dashboard"].with_user(self.south_manager)
        with self.assertRaises(AccessError):
            Board.create({"company_id": self.company.id})
        board = Board.create({})
        self.assertEqual(board.company_id, self.south)
        with self.assertRaises(AccessError):
            board.write({"company_id": self.company.id})
        board.invalidate_recordset()
        self.assertEqual(board.company_id, self.south)
