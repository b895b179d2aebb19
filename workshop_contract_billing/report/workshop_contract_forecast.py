"""The invoices service contracts will generate over the coming months.

Not stored: the rows are the contracts' unbilled periods, computed with the
billing engine's own period iterator and line pricing (so the forecast is what
the cron will bill, proration included), and served to list, pivot and graph
views as a ``VALUES`` table query.
"""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL, float_round

from ..models.periods import INTERVAL_MONTHS, ONE_DAY, iter_periods, period_anchor
from ..models.pricing import period_price
from ..models.workshop_contract.workshop_contract import BILLABLE_STATES

HORIZON_MONTHS = 12
# a row's id: contract id × this + period index (stable from one query to the next)
ID_FACTOR = 100000

COLUMNS = [
    # (column, SQL type)
    ("id", "int8"),  # contract id × ID_FACTOR overflows int4
    ("contract_id", "int4"),
    ("partner_id", "int4"),
    ("company_id", "int4"),
    ("currency_id", "int4"),
    ("user_id", "int4"),
    ("recurring_rule", "varchar"),
    ("invoice_date", "date"),
    ("period_start", "date"),
    ("period_end", "date"),
    ("billed_from", "date"),
    ("billed_to", "date"),
    ("amount_untaxed", "numeric"),
    ("is_partial", "bool"),
    ("is_renewal", "bool"),
]


class WorkshopContractForecast(models.Model):
    _name = "workshop.contract.forecast"
    _description = "Contract Invoice Forecast"
    _auto = False
    _order = "invoice_date, contract_id, period_start"
    _rec_name = "contract_id"

    contract_id = fields.Many2one("workshop.contract", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    user_id = fields.Many2one("res.users", string="Account Manager", readonly=True)
    recurring_rule = fields.Selection(
        [
            ("monthly", "Monthly"),
            ("quarterly", "Quarterly"),
            ("half_yearly", "Half-yearly"),
            ("yearly", "Yearly"),
        ],
        string="Billing Period",
        readonly=True,
    )
    invoice_date = fields.Date(readonly=True)
    period_start = fields.Date(readonly=True)
    period_end = fields.Date(readonly=True)
    billed_from = fields.Date(string="From", readonly=True)
    billed_to = fields.Date(string="To", readonly=True)
    amount_untaxed = fields.Monetary(string="Untaxed Amount", readonly=True)
    is_partial = fields.Boolean(string="Prorated", readonly=True)
    is_renewal = fields.Boolean(
        string="After Renewal",
        readonly=True,
        help="Billed only if the contract renews automatically as planned "
        "(prices indexed as set on the contract).",
    )

    @property
    def _table_query(self):
        # one ORM call may build its query more than once (record rules): the
        # rows are computed once while nothing was written in between
        self.env.flush_all()
        cr = self.env.cr
        key = (
            self._name,
            self.env.uid,
            self.env.su,
            tuple(self.env.companies.ids),
            self._forecast_window(),
        )
        cached = cr.cache.get(key)
        if cached and cached[0] == cr.sql_log_count:
            return cached[1]
        query = self._forecast_query()
        cr.cache[key] = (cr.sql_log_count, query)
        return query

    @api.model
    def _forecast_query(self):
        """The rows as one ``unnest`` of typed arrays (one array per column)."""
        rows = self._forecast_rows()
        return SQL(
            "SELECT * FROM unnest(%s) AS v(%s)",
            SQL(", ").join(
                SQL("%s::%s[]", [row[name] for row in rows], SQL(kind))
                for name, kind in COLUMNS
            ),
            SQL(", ").join(SQL.identifier(name) for name, _kind in COLUMNS),
        )

    # ------------------------------------------------------------------
    # The forecast
    # ------------------------------------------------------------------
    @api.model
    def _forecast_window(self):
        """(first day, last day) of the forecast: from today (or the
        ``workshop_forecast_date`` in the context) for HORIZON_MONTHS months."""
        date_from = fields.Date.to_date(
            self.env.context.get("workshop_forecast_date")
        ) or fields.Date.context_today(self)
        return date_from, date_from + relativedelta(months=HORIZON_MONTHS) - ONE_DAY

    @api.model
    def _forecast_contracts(self):
        # the user's own access decides which contracts they see forecast
        return self.env["workshop.contract"].search(
            [("state", "in", BILLABLE_STATES)], order="id"
        )

    @api.model
    def _forecast_rows(self):
        """One dict per invoice the running contracts will issue by the end of
        the window, unbilled overdue periods included (the next run bills them)."""
        date_from, date_to = self._forecast_window()
        rows = []
        for contract in self._forecast_contracts():
            rows.extend(self._contract_forecast_rows(contract, date_from, date_to))
        return rows

    @api.model
    def _forecast_term(self, contract, date_to):
        """(end date used for the forecast, first day of an assumed renewal or
        None, indexation factor per renewal). A contract renews only when it is
        set to renew automatically and nobody gave notice or terminated it."""
        end = contract.date_end
        renews = (
            end
            and end < date_to
            and contract.is_auto_renew
            and not contract.notice_date
            and not contract.termination_date
        )
        if not renews:
            return end, None, 1.0
        renewal_from, terms = end + ONE_DAY, 0
        months = max(contract.renewal_term_months, 1)
        while end < date_to:
            terms += 1
            end = renewal_from + relativedelta(months=months * terms) - ONE_DAY
        return end, renewal_from, 1.0 + (contract.indexation_pct or 0.0) / 100.0

    @api.model
    def _contract_forecast_rows(self, contract, date_from, date_to):
        if not contract.date_start:
            return []
        months = INTERVAL_MONTHS[contract.recurring_rule]
        end, renewal_from, factor = self._forecast_term(contract, date_to)
        anchor = period_anchor(contract.date_start, months, contract.period_alignment)
        billed = contract._billed_starts()
        currency = contract.currency_id
        terms = [line._pricing_terms(currency.rounding) for line in contract.line_ids]
        rows = []
        for period in iter_periods(anchor, months, contract.date_start, end, date_to):
            due = period.due_date(contract.invoicing_mode)
            if period.start in billed or due > date_to:
                continue
            amount = self._period_untaxed(contract, period, terms)
            is_renewal = bool(renewal_from and period.billed_to >= renewal_from)
            if is_renewal and factor != 1.0:
                renewals = self._renewal_terms(
                    contract, renewal_from, period.billed_from
                )
                amount = currency.round(amount * factor**renewals)
            rows.append(
                {
                    "id": contract.id * ID_FACTOR + period.index,
                    "contract_id": contract.id,
                    "partner_id": contract.partner_id.id,
                    "company_id": contract.company_id.id,
                    "currency_id": currency.id,
                    "user_id": contract.user_id.id or None,
                    "recurring_rule": contract.recurring_rule,
                    "invoice_date": due,
                    "period_start": period.start,
                    "period_end": period.end,
                    "billed_from": period.billed_from,
                    "billed_to": period.billed_to,
                    "amount_untaxed": amount,
                    "is_partial": period.is_partial,
                    "is_renewal": is_renewal,
                }
            )
        return rows

    @staticmethod
    def _renewal_terms(contract, renewal_from, day):
        """How many renewals have happened by ``day`` (1 for the first term)."""
        months = max(contract.renewal_term_months, 1)
        terms = 1
        while renewal_from + relativedelta(months=months * terms) <= day:
            terms += 1
        return terms

    @api.model
    def _period_untaxed(self, contract, period, terms=None):
        """Untaxed total of the fee lines the engine bills for ``period``: the
        sum of each line's ``pricing.period_price`` subtotal, the pricing the
        engine invoices (labels are not built: formatting dates for thousands
        of forecast periods would cost more than all the rest). ``terms``: the
        lines' ``_pricing_terms()``, read once per contract by the caller."""
        if terms is None:
            terms = [line._pricing_terms() for line in contract.line_ids]
        rounding = contract.currency_id.rounding
        # a fixed fee needs no asset count: most contracts skip the segments
        segments = (
            contract.covered_asset_ids._segments(period)
            if any(line.kind != "fixed" for line in terms)
            else None
        )
        total = 0.0
        for line in terms:
            priced = period_price(line, period, segments)
            if priced:
                total += float_round(priced[0] * priced[1], precision_rounding=rounding)
        return float_round(total, precision_rounding=rounding)
