from lxml import etree

from odoo import Command
from odoo.tests import tagged

from .common import LeakageCommon

# Every figure of the Leakage Overview and the list its link opens.
FIGURES = {
    "revenue_at_risk": ("action_open_exceptions", "workshop.leakage.exception"),
    "leak_count": ("action_open_exceptions", "workshop.leakage.exception"),
    "jobs_done": ("action_open_jobs_done", "workshop.leakage.billing.lag"),
    "jobs_leaking": ("action_open_jobs_leaking", "workshop.job"),
    "leak_rate": ("action_open_jobs_leaking", "workshop.job"),
    "lag_median_days": ("action_open_billing_lag", "workshop.leakage.billing.lag"),
    "lag_p90_days": ("action_open_billing_lag", "workshop.leakage.billing.lag"),
    "sent_median_days": ("action_open_billing_lag", "workshop.leakage.billing.lag"),
    "logged_on_site_pct": ("action_open_jobs_logged", "workshop.job"),
    "margin_per_job": ("action_open_margin", "workshop.leakage.reconciliation"),
    "sla_compliance": ("action_open_sla", "workshop.leakage.sla"),
    "contract_revenue": (
        "action_open_contract_revenue",
        "workshop.leakage.contract.revenue",
    ),
    "contract_cost": ("action_open_contract_cost", "workshop.leakage.reconciliation"),
    "contract_margin": (
        "action_open_contract_revenue",
        "workshop.leakage.contract.revenue",
    ),
}


@tagged("post_install", "-at_install")
class TestLeakageOverview(LeakageCommon):
    """The overview shows its amounts in the company currency and each figure
    links to the records behind it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.covered_asset = cls.env["workshop.asset"].create(
            {"name": "Covered van", "partner_id": cls.customer.id}
        )
        cls._billed_contract(
            120.0,
            covered_asset_ids=[Command.create({"asset_id": cls.covered_asset.id})],
        )

    def setUp(self):
        super().setUp()
        leaking = self._job_with_parts({self.oil: 4}, asset_id=self.covered_asset.id)
        self._invoice(leaking, edit=lambda inv: self._line(inv, self.oil).unlink())
        clean = self._job_with_parts({self.belt: 1})
        self._invoice(clean)
        self._job_with_parts({self.belt: 1})  # done, not invoiced yet
        self.board = self.env["workshop.leakage.dashboard"].with_user(self.manager)
        self.board = self.board.create({})

    def _records(self, action):
        return (
            self.env[action["res_model"]]
            .with_user(self.manager)
            .search(action["domain"])
        )

    def test_amounts_are_monetary_in_the_company_currency(self):
        board = self.board
        self.assertEqual(board.currency_id, self.company.currency_id)
        arch = etree.fromstring(
            board.get_views([(False, "form")])["views"]["form"]["arch"]
        )
        for name, field in board._fields.items():
            if field.type != "monetary":
                continue
            with self.subTest(field=name):
                self.assertEqual(field.get_currency_field(board), "currency_id")
                [node] = arch.xpath(f"//field[@name='{name}']")
                self.assertEqual(node.get("widget"), "monetary")
        self.assertTrue(arch.xpath("//field[@name='currency_id']"))
        # the currency is related to the company: a user without the
        # multi-company group still gets the company in the form, or a new
        # overview shows its amounts without currency
        single = board.with_user(self.manager)
        self.assertFalse(self.manager.has_group("base.group_multi_company"))
        arch = etree.fromstring(
            single.get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertTrue(arch.xpath("//field[@name='company_id']"))
        spec = {"company_id": {}, "currency_id": {}, "revenue_at_risk": {}}
        values = single.onchange({}, [], spec)["value"]
        currency = values["currency_id"]
        currency = currency["id"] if isinstance(currency, dict) else currency
        self.assertEqual(currency, self.company.currency_id.id)
        self.assertGreater(board.revenue_at_risk, 0)
        self.assertGreater(board.contract_revenue, 0)

    def test_every_figure_links_to_its_list(self):
        arch = etree.fromstring(
            self.board.get_views([(False, "form")])["views"]["form"]["arch"]
        )
        for figure, (method, _model) in FIGURES.items():
            with self.subTest(figure=figure):
                [row] = arch.xpath(f"//div[field[@name='{figure}']]")
                self.assertEqual(row.xpath("button/@name"), [method])

    def test_each_link_opens_the_records_behind_the_figure(self):
        board = self.board
        for figure, (method, model) in FIGURES.items():
            with self.subTest(figure=figure):
                action = getattr(board, method)()
                self.assertEqual(action["res_model"], model)
                self.assertEqual(action["views"][0][1], "list")
        leaks = self._records(board.action_open_exceptions())
        self.assertEqual(len(leaks), board.leak_count)
        self.assertAlmostEqual(sum(leaks.mapped("value_risk")), board.revenue_at_risk)
        self.assertEqual(
            len(self._records(board.action_open_jobs_done())), board.jobs_done
        )
        self.assertEqual(board.jobs_done, 3)
        leaking = self._records(board.action_open_jobs_leaking())
        self.assertEqual(len(leaking), board.jobs_leaking)
        self.assertEqual(leaking.asset_id, self.covered_asset)
        invoiced = self._records(board.action_open_billing_lag())
        self.assertEqual(len(invoiced), 2)
        self.assertTrue(all(invoiced.mapped("is_invoiced")))
        self.assertEqual(
            len(self._records(board.action_open_jobs_logged())), board.jobs_done
        )
        margin = self._records(board.action_open_margin())
        self.assertEqual(margin.job_id, invoiced.job_id)
        revenue = self._records(board.action_open_contract_revenue())
        self.assertAlmostEqual(
            sum(revenue.mapped("amount_untaxed")), board.contract_revenue
        )
        cost = self._records(board.action_open_contract_cost())
        self.assertAlmostEqual(sum(cost.mapped("value_used_cost")), board.contract_cost)
        self.assertEqual(cost.job_id, leaking)
        sla = self._records(board.action_open_sla())
        self.assertEqual(len(sla), 3)
        self.assertAlmostEqual(
            sum(sla.mapped("compliance_pct")) / len(sla), board.sla_compliance
        )
