"""The Workshop dashboards as Odoo spreadsheets (``data/files/*.json``).

The JSON files are what the Dashboards app loads; this module writes them, so
a change to a dashboard is a change here, then::

    python3 workshop_leakage_report/tools/dashboard_files.py

(a test checks the files are what this module builds). Plain Python, no Odoo
import: every chart, pivot and list reads one of our models with a domain,
so the dashboards follow the reader's record rules and companies.

Layout of a dashboard: a title, a row of scorecards (figures read from the
hidden "Data" sheet), charts two by two, then tables side by side (dynamic
``=PIVOT()`` tables and ``=ODOO.LIST()`` rows).
"""

import json
import math
import pathlib
import uuid

FILES = pathlib.Path(__file__).resolve().parent.parent / "data" / "files"
NAMESPACE = uuid.UUID("6f1e9a52-6a53-4c1e-9a57-7e0b7c3d5a10")

LEAKS = [
    "not_invoiced",
    "over_invoiced",
    "done_not_invoiced",
    "draft_not_posted",
    "underpriced",
    "open_case",
    "core_not_returned",
    "labour_unbilled",
    "contract_unbilled",
    "no_job",
]

# grid: A (labels) B-D (figures), E (gap), F (labels) G-I (figures)
COLS = {0: 200, 1: 115, 2: 115, 3: 115, 4: 20, 5: 200, 6: 115, 7: 115, 8: 115}
WIDTH = sum(COLS.values())
ROW_HEIGHT = 23
TITLE_HEIGHT = 50
SCORE_HEIGHT = 100
CHART_HEIGHT = 300
GAP = 12
STYLES = {
    "1": {"textColor": "#01666b", "bold": True, "fontSize": 16},
    "2": {"textColor": "#434343", "bold": True, "fontSize": 11},
}
FORMATS = {"1": "#,##0.00", "2": "0.0", "3": "#,##0"}
SCORE_COLORS = ["#EFF6FF", "#FEF2F2", "#F0FDF4", "#FFFBEB"]


def _uid(*parts):
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def _col(index):
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]


class Dashboard:
    """One spreadsheet: data sources (pivots, lists, charts) and their layout."""

    def __init__(self, key, title, date_filter=None):
        self.key = key
        self.title = title
        self.pivots = {}
        self.lists = {}
        self.scorecards = []  # (title, formula, format)
        self.charts = []  # figure data dicts
        self.tables = []  # (title, [(cell offset, content)], width in rows)
        self.filter_id = _uid(key, "period") if date_filter else None
        self.filter_label = date_filter

    # ------------------------------------------------------------------
    def _matching(self, chain):
        if not (self.filter_id and chain):
            return {}
        return {self.filter_id: {"chain": chain, "type": "date", "offset": 0}}

    def pivot(
        self, name, model, rows, measures, domain=None, date_field=None, order=None
    ):
        """A pivot; ``rows`` are field names ("field:granularity" for dates),
        ``measures`` field names or "__count"; ``order`` a measure sorted
        descending. Returns the pivot id."""
        pivot_id = str(len(self.pivots) + 1)
        dims = []
        for row in rows:
            field, _sep, granularity = row.partition(":")
            dim = {"fieldName": field}
            if granularity:
                dim["granularity"] = granularity
            dims.append(dim)
        self.pivots[pivot_id] = {
            "type": "ODOO",
            "id": pivot_id,
            "formulaId": pivot_id,
            "name": name,
            "model": model,
            "domain": domain or [],
            "context": {},
            "columns": [],
            "rows": dims,
            "measures": [{"id": m, "fieldName": m} for m in measures],
            "sortedColumn": {"groupId": [[], []], "measure": order, "order": "desc"}
            if order
            else None,
            "fieldMatching": self._matching(date_field),
        }
        return pivot_id

    def list(self, name, model, columns, domain, order_by, date_field=None):
        list_id = str(len(self.lists) + 1)
        self.lists[list_id] = {
            "id": list_id,
            "name": name,
            "model": model,
            "columns": columns,
            "domain": domain,
            "context": {},
            "orderBy": [{"name": field, "asc": asc} for field, asc in order_by],
            "fieldMatching": self._matching(date_field),
        }
        return list_id

    def scorecard(self, title, formula, fmt=None):
        """A figure on top; ``fmt`` a key of FORMATS, None for amounts (the
        pivot's currency format)."""
        self.scorecards.append((title, formula, fmt))

    def chart(
        self,
        title,
        kind,
        model,
        measure,
        group_by,
        domain=None,
        date_field=None,
        horizontal=False,
    ):
        data = {
            "type": f"odoo_{kind}",
            "title": {"text": title, "bold": True, "color": "#434343"},
            "background": "#FFFFFF",
            "legendPosition": "top" if kind == "pie" else "none",
            "metaData": {
                "groupBy": group_by,
                "measure": measure,
                "order": None,
                "resModel": model,
            },
            "searchParams": {
                "comparison": None,
                "context": {},
                "domain": domain or [],
                "groupBy": [],
                "orderBy": [],
            },
            "cumulative": False,
            "stacked": False,
            "verticalAxisPosition": "left",
            "fieldMatching": self._matching(date_field),
        }
        if kind == "line":
            data["fillArea"] = True
        if kind == "bar" and horizontal:
            data["horizontal"] = True
        self.charts.append(data)

    def pivot_table(self, title, pivot_id, rows=10):
        self.tables.append((title, [(0, f"=PIVOT({pivot_id},{rows})")], rows + 2))

    def list_table(self, title, list_id, columns, rows=10):
        cells = [
            (
                (-1, col),
                f'=ODOO.LIST.HEADER({list_id},"{field}")',
            )
            for col, field in enumerate(columns)
        ]
        for row in range(1, rows + 1):
            for col, field in enumerate(columns):
                cells.append(((row - 1, col), f'=ODOO.LIST({list_id},{row},"{field}")'))
        self.tables.append((title, cells, rows + 1))

    # ------------------------------------------------------------------
    def build(self):
        cells, styles, formats = {"A1": {"content": self.title}}, {"A1": "1"}, {}
        figures = []
        data_cells = {}
        y = TITLE_HEIGHT
        if self.scorecards:
            width = (WIDTH - GAP * (len(self.scorecards) - 1)) // len(self.scorecards)
            for index, (title, formula, fmt) in enumerate(self.scorecards):
                row = index + 1
                data_cells[f"A{row}"] = {"content": title}
                data_cells[f"B{row}"] = {"content": formula}
                if fmt:
                    data_cells[f"B{row}"]["format"] = fmt
                figures.append(
                    {
                        "id": _uid(self.key, "score", str(index)),
                        "x": index * (width + GAP),
                        "y": y,
                        "width": width,
                        "height": SCORE_HEIGHT,
                        "tag": "chart",
                        "data": {
                            "type": "scorecard",
                            "title": {
                                "text": title,
                                "color": "#434343",
                                "bold": True,
                            },
                            "background": SCORE_COLORS[index % len(SCORE_COLORS)],
                            "keyValue": f"Data!B{row}",
                            "baselineMode": "text",
                            "baselineColorDown": "#DC6965",
                            "baselineColorUp": "#00A04A",
                            "humanize": False,
                        },
                    }
                )
            y += SCORE_HEIGHT + GAP
        half = (WIDTH - GAP) // 2
        for index, data in enumerate(self.charts):
            figures.append(
                {
                    "id": _uid(self.key, "chart", str(index)),
                    "x": (index % 2) * (half + GAP),
                    "y": y + (index // 2) * (CHART_HEIGHT + GAP),
                    "width": half,
                    "height": CHART_HEIGHT,
                    "tag": "chart",
                    "data": data,
                }
            )
        y += math.ceil(len(self.charts) / 2) * (CHART_HEIGHT + GAP)
        # first grid row below the figures (row 1 is the title, 40 px high)
        row = 2 + math.ceil(max(y - 40, 0) / ROW_HEIGHT) + 1
        for index in range(0, len(self.tables), 2):
            height = 0
            for side, (title, table_cells, rows) in enumerate(
                self.tables[index : index + 2]
            ):
                col0 = 5 * side
                cells[f"{_col(col0)}{row}"] = {"content": title}
                styles[f"{_col(col0)}{row}"] = "2"
                header_row = row + 1
                for offset, content in table_cells:
                    if isinstance(offset, tuple):
                        r, c = offset
                        ref = f"{_col(col0 + c)}{header_row + 1 + r}"
                        if r < 0:
                            styles[ref] = "2"
                    else:
                        ref = f"{_col(col0)}{header_row + offset}"
                    cells[ref] = {"content": content}
                height = max(height, rows + 2)
            row += height + 1
        sheet_rows = max(row + 5, 60)
        sheets = [
            {
                "id": _uid(self.key, "sheet"),
                "name": "Dashboard",
                "colNumber": len(COLS),
                "rowNumber": sheet_rows,
                "rows": {"0": {"size": 40}},
                "cols": {str(i): {"size": size} for i, size in COLS.items()},
                "merges": [],
                "cells": cells,
                "styles": styles,
                "formats": formats,
                "borders": {},
                "conditionalFormats": [],
                "figures": figures,
                "tables": [],
                "areGridLinesVisible": False,
                "isVisible": True,
                "headerGroups": {"ROW": [], "COL": []},
                "dataValidationRules": [],
                "comments": {},
            },
            {
                "id": _uid(self.key, "data"),
                "name": "Data",
                "colNumber": 3,
                "rowNumber": max(len(self.scorecards) + 2, 10),
                "rows": {},
                "cols": {"0": {"size": 220}, "1": {"size": 140}},
                "merges": [],
                "cells": {
                    ref: {"content": cell["content"]}
                    for ref, cell in data_cells.items()
                },
                "styles": {},
                "formats": {
                    ref: cell["format"]
                    for ref, cell in data_cells.items()
                    if "format" in cell
                },
                "borders": {},
                "conditionalFormats": [],
                "figures": [],
                "tables": [],
                "areGridLinesVisible": True,
                "isVisible": False,
                "headerGroups": {"ROW": [], "COL": []},
                "dataValidationRules": [],
                "comments": {},
            },
        ]
        filters = []
        if self.filter_id:
            filters.append(
                {
                    "id": self.filter_id,
                    "type": "date",
                    "label": self.filter_label,
                    "defaultValue": "last_three_months",
                    "rangeType": "relative",
                }
            )
        return {
            "version": 21,
            "sheets": sheets,
            "styles": STYLES,
            "formats": FORMATS,
            "borders": {},
            "revisionId": "START_REVISION",
            "uniqueFigureIds": True,
            "settings": {},
            "pivots": self.pivots,
            "pivotNextId": len(self.pivots) + 1,
            "customTableStyles": {},
            "odooVersion": 12,
            "globalFilters": filters,
            "lists": self.lists,
            "listNextId": len(self.lists) + 1,
            "chartOdooMenusReferences": {},
        }


# ----------------------------------------------------------------------
# The dashboards
# ----------------------------------------------------------------------
def leakage():
    d = Dashboard("leakage", "Revenue Leakage", "Period")
    exc = "workshop.leakage.exception"
    leak_domain = [["leak_kind", "in", LEAKS]]
    by_kind = d.pivot(
        "Leaks by Kind",
        exc,
        ["leak_kind"],
        ["__count", "value_risk"],
        leak_domain,
        "date",
        "value_risk",
    )
    d.scorecard("Revenue at Risk", f'=PIVOT.VALUE({by_kind},"value_risk")')
    d.scorecard("Open Leaks", f'=PIVOT.VALUE({by_kind},"__count")', "3")
    d.chart(
        "Revenue at Risk per Week (weekly runs)",
        "line",
        "workshop.leakage.run",
        "value_risk",
        ["week_start:week"],
        [["state", "=", "done"]],
        "week_start",
    )
    d.chart(
        "Revenue at Risk by Kind",
        "bar",
        exc,
        "value_risk",
        ["leak_kind"],
        leak_domain,
        "date",
    )
    d.chart(
        "Revenue at Risk by Technician",
        "bar",
        "workshop.leakage.technician",
        "value_risk",
        ["technician_id"],
        [["technician_id", "!=", False]],
        "date",
    )
    d.chart(
        "Revenue at Risk by Customer",
        "pie",
        exc,
        "value_risk",
        ["partner_id"],
        leak_domain,
        "date",
    )
    d.pivot_table("Leaks by Kind", by_kind)
    customers = d.pivot(
        "Leaks by Customer",
        exc,
        ["partner_id"],
        ["__count", "value_risk"],
        leak_domain,
        "date",
        "value_risk",
    )
    d.pivot_table("Leaks by Customer", customers)
    technicians = d.pivot(
        "Leaks by Technician",
        "workshop.leakage.technician",
        ["technician_id"],
        ["__count", "value_risk"],
        [["technician_id", "!=", False]],
        "date",
        "value_risk",
    )
    d.pivot_table("Leaks by Technician", technicians)
    weeks = d.pivot(
        "Weekly Runs",
        "workshop.leakage.run",
        ["week_start:week"],
        ["leak_count", "value_risk"],
        [["state", "=", "done"]],
        "week_start",
    )
    d.pivot_table("Weekly Runs", weeks, 14)
    return d


def billing_lag():
    d = Dashboard("billing_lag", "Billing Lag", "Jobs Done")
    lag = "workshop.leakage.billing.lag"
    stats = "workshop.leakage.lag.stats"
    overall = d.pivot(
        "Jobs Done", lag, [], ["__count", "lag_post_days"], [], "done_datetime"
    )
    d.scorecard("Jobs Done", f'=PIVOT.VALUE({overall},"__count")', "3")
    d.scorecard(
        "Average Days to Invoice",
        f'=ROUND(PIVOT.VALUE({overall},"lag_post_days"),1)',
        "2",
    )
    waiting = d.pivot(
        "Not Invoiced Yet",
        lag,
        [],
        ["__count"],
        [["is_invoiced", "=", False]],
        "done_datetime",
    )
    d.scorecard("Done, Not Invoiced Yet", f'=PIVOT.VALUE({waiting},"__count")', "3")
    week_domain = [["dimension", "=", "week"]]
    d.chart(
        "Median Days to Invoice per Week",
        "line",
        stats,
        "median_post_days",
        ["week:week"],
        week_domain,
        "week",
    )
    d.chart(
        "P90 Days to Invoice per Week",
        "line",
        stats,
        "p90_post_days",
        ["week:week"],
        week_domain,
        "week",
    )
    d.chart(
        "Median Days to Invoice by Job Type",
        "bar",
        stats,
        "median_post_days",
        ["job_type_id"],
        [["dimension", "=", "job_type"]],
    )
    d.chart(
        "Jobs Done per Week",
        "bar",
        lag,
        "__count",
        ["week:week"],
        [],
        "done_datetime",
    )
    weekly = d.pivot(
        "Billing Lag per Week",
        stats,
        ["week:week"],
        ["job_count", "median_post_days", "p90_post_days"],
        week_domain,
        "week",
    )
    d.pivot_table("Billing Lag per Week", weekly, 14)
    customers = d.pivot(
        "Billing Lag by Customer",
        stats,
        ["partner_id"],
        ["job_count", "median_post_days", "p90_post_days"],
        [["dimension", "=", "customer"]],
        None,
        "p90_post_days",
    )
    d.pivot_table("Billing Lag by Customer", customers)
    return d


def contracts():
    d = Dashboard("contracts", "Service Contracts")
    revenue = "workshop.leakage.contract.revenue"
    forecast = "workshop.contract.forecast"
    billable = [["state", "in", ["active", "to_renew"]]]
    invoiced = d.pivot("Recurring Revenue", revenue, [], ["amount_untaxed"])
    d.scorecard(
        "Recurring Revenue Invoiced", f'=PIVOT.VALUE({invoiced},"amount_untaxed")'
    )
    ahead = d.pivot("Forecast", forecast, [], ["amount_untaxed"])
    d.scorecard("Forecast, Next 12 Months", f'=PIVOT.VALUE({ahead},"amount_untaxed")')
    running = d.pivot(
        "Running Contracts", "workshop.contract", [], ["__count"], billable
    )
    d.scorecard("Running Contracts", f'=PIVOT.VALUE({running},"__count")', "3")
    renewals = d.pivot(
        "To Renew",
        "workshop.contract",
        [],
        ["__count"],
        [["state", "=", "to_renew"]],
    )
    d.scorecard("To Renew", f'=PIVOT.VALUE({renewals},"__count")', "3")
    d.chart(
        "Recurring Revenue per Month",
        "bar",
        revenue,
        "amount_untaxed",
        ["invoice_date:month"],
    )
    d.chart(
        "Invoice Forecast, Next 12 Months",
        "bar",
        forecast,
        "amount_untaxed",
        ["invoice_date:month"],
    )
    columns = ["name", "partner_id", "date_end", "user_id"]
    due = d.list(
        "Renewals Due",
        "workshop.contract",
        columns,
        billable + [["date_end", "!=", False]],
        [("date_end", True)],
    )
    d.list_table("Renewals Due", due, columns)
    customers = d.pivot(
        "Forecast by Customer",
        forecast,
        ["partner_id"],
        ["amount_untaxed"],
        None,
        None,
        "amount_untaxed",
    )
    d.pivot_table("Forecast by Customer", customers)
    managers = d.pivot(
        "Revenue by Account Manager",
        revenue,
        ["user_id"],
        ["__count", "amount_untaxed"],
        None,
        None,
        "amount_untaxed",
    )
    d.pivot_table("Revenue by Account Manager", managers)
    return d


def sla():
    d = Dashboard("sla", "SLA Compliance", "Jobs Done")
    model = "workshop.leakage.sla"
    overall = d.pivot(
        "SLA", model, [], ["__count", "breach_count", "compliance_pct"], [], "week"
    )
    d.scorecard(
        "SLA Compliance (%)",
        f'=ROUND(PIVOT.VALUE({overall},"compliance_pct"),1)',
        "2",
    )
    d.scorecard("Breaches", f'=PIVOT.VALUE({overall},"breach_count")', "3")
    d.scorecard("Jobs with an SLA", f'=PIVOT.VALUE({overall},"__count")', "3")
    d.chart(
        "SLA Compliance per Week (%)",
        "line",
        model,
        "compliance_pct",
        ["week:week"],
        [],
        "week",
    )
    d.chart(
        "Breaches by Job Type",
        "bar",
        model,
        "breach_count",
        ["job_type_id"],
        [],
        "week",
    )
    weekly = d.pivot(
        "SLA per Week",
        model,
        ["week:week"],
        ["__count", "breach_count", "compliance_pct"],
        [],
        "week",
    )
    d.pivot_table("SLA per Week", weekly, 14)
    types = d.pivot(
        "SLA by Job Type",
        model,
        ["job_type_id"],
        ["__count", "breach_count", "compliance_pct"],
        [],
        "week",
        "breach_count",
    )
    d.pivot_table("SLA by Job Type", types)
    return d


def parts_usage():
    d = Dashboard("parts_usage", "Parts Usage", "Period")
    model = "workshop.leakage.parts.usage"
    overall = d.pivot(
        "Parts", model, [], ["quantity", "value_cost", "value_sale"], [], "date"
    )
    d.scorecard("Parts Used at Cost", f'=PIVOT.VALUE({overall},"value_cost")')
    d.scorecard("Parts Used at Sale Price", f'=PIVOT.VALUE({overall},"value_sale")')
    vans = d.pivot(
        "From Vans", model, [], ["value_cost"], [["is_van", "=", True]], "date"
    )
    d.scorecard("From Vans at Cost", f'=PIVOT.VALUE({vans},"value_cost")')
    d.chart(
        "Parts Cost per Week",
        "line",
        model,
        "value_cost",
        ["date:week"],
        [],
        "date",
    )
    d.chart(
        "Parts Cost by Technician",
        "bar",
        model,
        "value_cost",
        ["technician_id"],
        [],
        "date",
    )
    d.chart(
        "Parts Cost by Category",
        "pie",
        model,
        "value_cost",
        ["product_categ_id"],
        [],
        "date",
    )
    d.chart(
        "Parts Cost by Customer",
        "bar",
        model,
        "value_cost",
        ["partner_id"],
        [],
        "date",
    )
    products = d.pivot(
        "Top Parts",
        model,
        ["product_id"],
        ["quantity", "value_cost", "value_sale"],
        [],
        "date",
        "value_cost",
    )
    d.pivot_table("Top Parts", products)
    locations = d.pivot(
        "By Stock Location",
        model,
        ["location_id"],
        ["quantity", "value_cost"],
        [],
        "date",
        "value_cost",
    )
    d.pivot_table("By Stock Location", locations)
    return d


DASHBOARDS = {
    "workshop_leakage_dashboard.json": leakage,
    "workshop_billing_lag_dashboard.json": billing_lag,
    "workshop_contracts_dashboard.json": contracts,
    "workshop_sla_dashboard.json": sla,
    "workshop_parts_usage_dashboard.json": parts_usage,
}


def render(builder):
    """The JSON text of one dashboard, as stored in data/files."""
    return json.dumps(builder().build(), indent=1, sort_keys=True) + "\n"


def write_files():
    FILES.mkdir(parents=True, exist_ok=True)
    for name, builder in DASHBOARDS.items():
        (FILES / name).write_text(render(builder), encoding="utf-8")


if __name__ == "__main__":
    write_files()
