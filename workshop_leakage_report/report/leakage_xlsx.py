"""The leakage workbook (xlsxwriter): summary, leaks by job, parts usage by
technician / location / customer, billing lag. Every sheet has a frozen
header, an autofilter and a totals row written as a formula with its value
(so spreadsheet programs and readers of cached values agree).

Exports are data, not code: every text cell is written with ``write_string``
(never ``write``, which turns a customer named ``=HYPERLINK(...)`` or a product
named ``=1+1`` into a formula); the only formulas are the totals we build."""

import io

import xlsxwriter

from odoo import _


class LeakageWorkbook:
    def __init__(self, dashboard):
        self.board = dashboard
        self.env = dashboard.env
        self.company = dashboard.company_id
        currency = self.company.currency_id
        symbol = (currency.symbol or currency.name).replace('"', "")
        digits = "0" * (currency.decimal_places or 0)
        number = f"#,##0.{digits}" if digits else "#,##0"
        if currency.position == "before":
            self.money_format = f'"{symbol}" {number};-"{symbol}" {number}'
        else:
            self.money_format = f'{number} "{symbol}";-{number} "{symbol}"'

    # ------------------------------------------------------------------
    def render(self):
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        self.formats = {
            "header": book.add_format(
                {"bold": True, "bg_color": "#DDE3EA", "border": 1, "text_wrap": True}
            ),
            "money": book.add_format({"num_format": self.money_format}),
            "qty": book.add_format({"num_format": "#,##0.00"}),
            "days": book.add_format({"num_format": "0.0"}),
            "pct": book.add_format({"num_format": "0.0"}),
            "date": book.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
            "total": book.add_format({"bold": True, "top": 1}),
            "total_money": book.add_format(
                {"bold": True, "top": 1, "num_format": self.money_format}
            ),
            "total_qty": book.add_format(
                {"bold": True, "top": 1, "num_format": "#,##0.00"}
            ),
            "title": book.add_format({"bold": True, "font_size": 14}),
        }
        self._sheet_summary(book)
        self._sheet_leaks(book)
        self._sheet_usage(book)
        self._sheet_lag(book)
        book.close()
        return output.getvalue()

    # ------------------------------------------------------------------
    def _table(self, sheet, columns, rows, first_row=0, totals=()):
        """Write a header, the rows and a totals row; ``columns`` are
        (title, format, width); ``totals`` the indexes of summed columns."""
        fmt = self.formats
        for col, (title, _kind, width) in enumerate(columns):
            sheet.write_string(first_row, col, title, fmt["header"])
            sheet.set_column(col, col, width)
        for r, row in enumerate(rows, start=first_row + 1):
            for col, value in enumerate(row):
                kind = columns[col][1]
                if value is None or value is False:
                    sheet.write_blank(r, col, None)
                elif kind in ("date", "datetime"):
                    sheet.write_datetime(r, col, value, fmt[kind])
                elif kind:
                    sheet.write_number(r, col, value, fmt[kind])
                else:
                    sheet.write_string(r, col, str(value))
        last = first_row + len(rows)
        sheet.freeze_panes(first_row + 1, 0)
        sheet.autofilter(first_row, 0, max(last, first_row + 1), len(columns) - 1)
        if totals:
            total_row = last + 1
            sheet.write_string(total_row, 0, _("Total"), fmt["total"])
            for col in totals:
                letter = xlsxwriter.utility.xl_col_to_name(col)
                value = sum(row[col] or 0.0 for row in rows)
                kind = "total_money" if columns[col][1] == "money" else "total_qty"
                sheet.write_formula(
                    total_row,
                    col,
                    f"=SUBTOTAL(109,{letter}{first_row + 2}:{letter}{last + 1})",
                    fmt[kind],
                    value,
                )
        return last

    def _name(self, record):
        return record.display_name if record else ""

    # ------------------------------------------------------------------
    def _sheet_summary(self, book):
        sheet = book.add_worksheet(_("Summary"))
        fmt = self.formats
        board = self.board
        sheet.write_string(
            0, 0, _("Leakage report — %s", self.company.name), fmt["title"]
        )
        sheet.write_string(1, 0, _("Jobs done from"))
        sheet.write_datetime(1, 1, board.date_from, fmt["date"])
        sheet.write_string(1, 2, _("to"))
        sheet.write_datetime(1, 3, board.date_to, fmt["date"])
        kpis = board._kpi_values()
        labels = [
            ("revenue_at_risk", _("Revenue at risk"), "money"),
            ("leak_count", _("Leaks"), "qty"),
            ("jobs_done", _("Jobs done"), "qty"),
            ("leak_rate", _("Leak rate (%)"), "pct"),
            ("lag_median_days", _("Median days to invoice"), "days"),
            ("lag_p90_days", _("P90 days to invoice"), "days"),
            ("sent_median_days", _("Median days to send"), "days"),
            ("logged_on_site_pct", _("Jobs fully logged on site (%)"), "pct"),
            ("margin_per_job", _("Margin per job"), "money"),
            ("contract_margin", _("Contract profitability"), "money"),
            ("sla_compliance", _("SLA compliance (%)"), "pct"),
        ]
        for row, (key, label, kind) in enumerate(labels, start=3):
            sheet.write_string(row, 0, label)
            sheet.write_number(row, 1, kpis[key] or 0.0, fmt[kind])
        start = len(labels) + 5
        Exception_ = self.env["workshop.leakage.exception"]
        groups = Exception_._read_group(
            self._leak_domain(),
            ["leak_kind"],
            ["__count", "quantity:sum", "value_sale:sum", "value_cost:sum"],
        )
        kinds = dict(Exception_._fields["leak_kind"]._description_selection(self.env))
        rows = [
            [kinds[kind], count, qty or 0.0, sale or 0.0, cost or 0.0]
            for kind, count, qty, sale, cost in groups
        ]
        self._table(
            sheet,
            [
                (_("Where it broke"), None, 34),
                (_("Leaks"), "qty", 12),
                (_("Quantity"), "qty", 12),
                (_("Value at sale price"), "money", 18),
                (_("Value at cost"), "money", 18),
            ],
            rows,
            first_row=start,
            totals=(1, 2, 3, 4),
        )
        sheet.set_column(0, 0, 34)

    def _leak_domain(self):
        return self.board._leak_domain()

    def _sheet_leaks(self, book):
        sheet = book.add_worksheet(_("Leaks by Job"))
        Exception_ = self.env["workshop.leakage.exception"]
        kinds = dict(Exception_._fields["leak_kind"]._description_selection(self.env))
        leaks = Exception_.search(self._leak_domain(), order="job_id, id")
        rows = [
            [
                leak.job_id.name or leak.contract_id.display_name or "",
                kinds.get(leak.leak_kind, leak.leak_kind),
                self._name(leak.product_id),
                self._name(leak.partner_id),
                self._name(leak.user_id),
                leak.date,
                leak.quantity,
                leak.value_sale,
                leak.value_cost,
                leak.value_risk,
            ]
            for leak in leaks
        ]
        self._table(
            sheet,
            [
                (_("Job / contract"), None, 16),
                (_("Where it broke"), None, 28),
                (_("Product"), None, 30),
                (_("Customer"), None, 26),
                (_("Responsible"), None, 20),
                (_("Date"), "date", 12),
                (_("Quantity"), "qty", 12),
                (_("Value at sale price"), "money", 18),
                (_("Value at cost"), "money", 16),
                (_("Revenue at risk"), "money", 16),
            ],
            rows,
            totals=(6, 7, 8, 9),
        )

    def _sheet_usage(self, book):
        sheet = book.add_worksheet(_("Parts Usage"))
        Usage = self.env["workshop.leakage.parts.usage"]
        groups = Usage._read_group(
            self.board._period_domain("date"),
            ["technician_id", "location_id", "partner_id", "product_id"],
            ["quantity:sum", "value_cost:sum", "value_sale:sum"],
        )
        rows = [
            [
                self._name(tech),
                self._name(location),
                self._name(partner),
                self._name(product),
                qty or 0.0,
                cost or 0.0,
                sale or 0.0,
            ]
            for tech, location, partner, product, qty, cost, sale in groups
        ]
        self._table(
            sheet,
            [
                (_("Technician"), None, 22),
                (_("Location"), None, 26),
                (_("Customer"), None, 26),
                (_("Product"), None, 30),
                (_("Quantity"), "qty", 12),
                (_("Cost"), "money", 16),
                (_("Sale value"), "money", 16),
            ],
            rows,
            totals=(4, 5, 6),
        )

    def _sheet_lag(self, book):
        sheet = book.add_worksheet(_("Billing Lag"))
        Lag = self.env["workshop.leakage.billing.lag"]
        lags = Lag.search(self.board._period_domain("done_datetime"))
        rows = [
            [
                lag.job_id.name,
                self._name(lag.partner_id),
                self._name(lag.job_type_id),
                self._name(lag.user_id),
                lag.done_datetime,
                lag.invoice_id.name or "",
                lag.posted_datetime or None,
                lag.sent_datetime or None,
                lag.lag_post_days if lag.is_invoiced else None,
                lag.lag_sent_days if lag.sent_datetime else None,
            ]
            for lag in lags
        ]
        self._table(
            sheet,
            [
                (_("Job"), None, 16),
                (_("Customer"), None, 26),
                (_("Job type"), None, 16),
                (_("Coordinator"), None, 20),
                (_("Done on"), "datetime", 17),
                (_("Invoice"), None, 16),
                (_("Invoiced on"), "datetime", 17),
                (_("Sent on"), "datetime", 17),
                (_("Days to invoice"), "days", 12),
                (_("Days to send"), "days", 12),
            ],
            rows,
        )
