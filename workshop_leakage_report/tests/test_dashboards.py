import base64
import json

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..tools import dashboard_files
from .common import LeakageCommon

DASHBOARDS = {
    "workshop_leakage_report.spreadsheet_dashboard_leakage": "Revenue Leakage",
    "workshop_leakage_report.spreadsheet_dashboard_billing_lag": "Billing Lag",
    "workshop_leakage_report.spreadsheet_dashboard_contracts": "Service Contracts",
    "workshop_leakage_report.spreadsheet_dashboard_sla": "SLA Compliance",
    "workshop_leakage_report.spreadsheet_dashboard_parts_usage": "Parts Usage",
}
# Data sources the fixtures leave empty on purpose (their query still runs):
# no part came from a van, no contract is in its renewal window.
EMPTY_FOR_THE_FIXTURES = {"From Vans", "To Renew"}
# How a coordinator's rows are their own, per model the dashboards read: the
# leakage views are the coordinator's jobs (contracts: account manager);
# contracts and the forecast are the company's, as in the Contracts menu.
OWNER = {
    "workshop.leakage.exception": "user_id",
    "workshop.leakage.technician": "user_id",
    "workshop.leakage.billing.lag": "user_id",
    "workshop.leakage.sla": "user_id",
    "workshop.leakage.contract.revenue": "user_id",
    "workshop.leakage.parts.usage": "job_id.user_id",
}


def data_sources(data):
    """(kind, name, model, domain, groupby, measures, order) of every pivot,
    list and chart of a spreadsheet's JSON: what the Dashboards app reads."""
    sources = []
    for pivot in data["pivots"].values():
        groupby = [
            row["fieldName"]
            + (f":{row['granularity']}" if row.get("granularity") else "")
            for row in pivot["rows"] + pivot["columns"]
        ]
        measures = [m["fieldName"] for m in pivot["measures"]]
        sources.append(
            ("pivot", pivot["name"], pivot["model"], pivot["domain"], groupby, measures)
        )
    for list_ in data["lists"].values():
        order = ", ".join(
            f"{o['name']} {'asc' if o['asc'] else 'desc'}" for o in list_["orderBy"]
        )
        sources.append(
            (
                "list",
                list_["name"],
                list_["model"],
                list_["domain"],
                order,
                list_["columns"],
            )
        )
    for sheet in data["sheets"]:
        for figure in sheet["figures"]:
            chart = figure["data"]
            if not chart["type"].startswith("odoo_"):
                continue
            meta = chart["metaData"]
            sources.append(
                (
                    "chart",
                    chart["title"]["text"],
                    meta["resModel"],
                    chart["searchParams"]["domain"],
                    meta["groupBy"],
                    [meta["measure"]],
                )
            )
    return sources


@tagged("post_install", "-at_install")
class TestDashboards(LeakageCommon):
    """The Workshop dashboards: readable by service managers only, and each of
    their data sources runs on our models under the reader's record rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.south, cls.south_manager = cls._other_company_manager("ws_dash_south_mgr")
        today = fields.Date.context_today(cls.env.user)
        cls.contract = cls._billed_contract(
            100.0,
            user_id=cls.pure_coordinator.id,
            date_end=today.replace(day=1, year=today.year + 1),
        )

    def setUp(self):
        super().setUp()
        # one leaking job of Pia (pure coordinator), one of Cora
        for coordinator in (self.pure_coordinator, self.coordinator):
            job = self._job_with_parts({self.oil: 4}, user_id=coordinator.id)
            self._invoice(job, edit=lambda inv: self._line(inv, self.oil).unlink())
        # and one done, not invoiced yet
        self._job_with_parts({self.belt: 1}, user_id=self.pure_coordinator.id)
        self.env["workshop.leakage.run"]._run_for_company(self.company)
        self.env.flush_all()

    def _dashboard_data(self, xmlid):
        dashboard = self.env.ref(xmlid)
        return json.loads(base64.b64decode(dashboard.spreadsheet_binary_data))

    def _all_sources(self):
        for xmlid in DASHBOARDS:
            for source in data_sources(self._dashboard_data(xmlid)):
                yield xmlid, source

    def _run(self, user, source):
        """Run a data source as ``user`` the way the spreadsheet does: the
        records of its domain, and its figures (read_group / search_read)."""
        kind, _name, model, domain, groupby, fields_ = source
        Model = self.env[model].with_user(user)
        Model.invalidate_model()
        if kind == "list":
            rows = Model.search_read(domain, fields_, order=groupby, limit=10)
            return rows, sum(1 for _row in rows)
        specs = [
            f"{f}:{Model._fields[f].aggregator}" if f != "__count" else f
            for f in fields_
        ]
        rows = Model.read_group(domain, specs, groupby, lazy=False)
        count = Model.search_count(domain)
        return rows, count

    # ------------------------------------------------------------------
    def test_the_files_are_what_the_builder_writes(self):
        for name, builder in dashboard_files.DASHBOARDS.items():
            with self.subTest(file=name):
                path = dashboard_files.FILES / name
                self.assertEqual(
                    path.read_text(encoding="utf-8"), dashboard_files.render(builder)
                )

    def test_dashboards_are_a_workshop_group_for_service_managers(self):
        Dashboard = self.env["spreadsheet.dashboard"]
        group = self.env.ref(
            "workshop_leakage_report.spreadsheet_dashboard_group_workshop"
        )
        dashboards = Dashboard.browse([self.env.ref(x).id for x in DASHBOARDS])
        self.assertEqual(dashboards.dashboard_group_id, group)
        self.assertEqual(sorted(dashboards.mapped("name")), sorted(DASHBOARDS.values()))
        self.assertEqual(
            Dashboard.with_user(self.manager).search([("id", "in", dashboards.ids)]),
            dashboards,
        )
        # the Dashboards app lists the groups' published dashboards
        groups = (
            self.env["spreadsheet.dashboard.group"]
            .with_user(self.manager)
            .search_read([("id", "=", group.id)], ["published_dashboard_ids"])
        )
        self.assertEqual(set(groups[0]["published_dashboard_ids"]), set(dashboards.ids))
        for user in (self.technician, self.pure_coordinator):
            self.assertFalse(
                Dashboard.with_user(user).search([("id", "in", dashboards.ids)])
            )
            with self.assertRaises(AccessError):
                dashboards.with_user(user).check_access("read")
        snapshot = dashboards[0].with_user(self.manager).get_readonly_dashboard()
        self.assertEqual(snapshot["snapshot"]["sheets"][0]["name"], "Dashboard")

    def test_every_data_source_returns_rows_to_a_manager(self):
        checked = 0
        for xmlid, source in self._all_sources():
            kind, name, model = source[:3]
            with self.subTest(dashboard=xmlid, source=name, kind=kind):
                rows, count = self._run(self.manager, source)
                self.assertTrue(rows, "a read_group always has a row (or list rows)")
                if name not in EMPTY_FOR_THE_FIXTURES:
                    self.assertTrue(count, f"{model}: no records for {name}")
                checked += 1
        self.assertGreaterEqual(checked, 30)

    def test_a_coordinator_reads_only_their_own_rows(self):
        seen = set()
        for xmlid, source in self._all_sources():
            kind, name, model, domain = source[:4]
            with self.subTest(dashboard=xmlid, source=name):
                Model = self.env[model].with_user(self.pure_coordinator)
                try:
                    records = Model.search(domain)
                except AccessError:
                    continue  # lag percentiles and runs: managers and billing only
                everything = self.env[model].with_user(self.manager).search(domain)
                self.assertLessEqual(set(records.ids), set(everything.ids))
                if model in OWNER:
                    owners = records.sudo().mapped(OWNER[model])
                    self.assertLessEqual(owners, self.pure_coordinator)
                    if records:
                        seen.add(model)
                        # values are the managers' and accountants'
                        if "value_risk" in source[5]:
                            with self.assertRaises(AccessError):
                                self._run(self.pure_coordinator, source)
                else:
                    self.assertLessEqual(records.company_id, self.company)
        # the coordinator's own leak, billing lag, SLA and contract rows exist
        self.assertLessEqual(
            {
                "workshop.leakage.exception",
                "workshop.leakage.billing.lag",
                "workshop.leakage.sla",
                "workshop.leakage.contract.revenue",
                "workshop.leakage.parts.usage",
            },
            seen,
        )

    def test_a_manager_of_another_company_reads_nothing_of_this_one(self):
        for xmlid, source in self._all_sources():
            _kind, name, model, domain = source[:4]
            with self.subTest(dashboard=xmlid, source=name):
                records = self.env[model].with_user(self.south_manager).search(domain)
                self.assertFalse(records)
                rows, count = self._run(self.south_manager, source)
                self.assertFalse(count)
