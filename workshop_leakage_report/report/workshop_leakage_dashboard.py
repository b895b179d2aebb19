import base64
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from odoo.addons.workshop_job_card.tools.actions import domain_action

from .leak_facts import prepare_read
from .leakage_xlsx import LeakageWorkbook

MANAGER = "workshop_job_card.group_workshop_manager"
BILLING = "account.group_account_invoice"


class WorkshopLeakageDashboard(models.TransientModel):
    """Leakage overview: KPIs of one company over a period of finished jobs,
    computed with _read_group over the leakage views (record rules apply)
    and percentile_cont for the billing lag."""

    _name = "workshop.leakage.dashboard"
    _description = "Workshop Leakage Overview"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self) - timedelta(days=90),
    )
    date_to = fields.Date(required=True, default=fields.Date.context_today)

    revenue_at_risk = fields.Monetary(compute="_compute_kpis")
    leak_count = fields.Integer(string="Leaks", compute="_compute_kpis")
    jobs_done = fields.Integer(compute="_compute_kpis")
    jobs_leaking = fields.Integer(string="Jobs with Leaks", compute="_compute_kpis")
    leak_rate = fields.Float(string="Leak Rate (%)", compute="_compute_kpis")
    lag_median_days = fields.Float(
        string="Median Days to Invoice", compute="_compute_kpis"
    )
    lag_p90_days = fields.Float(string="P90 Days to Invoice", compute="_compute_kpis")
    sent_median_days = fields.Float(
        string="Median Days to Send", compute="_compute_kpis"
    )
    logged_on_site_pct = fields.Float(
        string="Jobs Fully Logged on Site (%)", compute="_compute_kpis"
    )
    margin_per_job = fields.Monetary(compute="_compute_kpis")
    contract_revenue = fields.Monetary(compute="_compute_kpis")
    contract_cost = fields.Monetary(compute="_compute_kpis")
    contract_margin = fields.Monetary(
        string="Contract Profitability", compute="_compute_kpis"
    )
    sla_compliance = fields.Float(string="SLA Compliance (%)", compute="_compute_kpis")

    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        boards = super().create(vals_list)
        boards._check_company_allowed(boards.company_id)
        return boards

    def write(self, vals):
        if vals.get("company_id"):
            self._check_company_allowed(
                self.env["res.company"].browse(vals["company_id"])
            )
        return super().write(vals)

    @api.model
    def _check_company_allowed(self, companies):
        """The figures are read with SQL per company: an overview of a company
        the user is not in would show its figures. (The record rule checks the
        records before a write, not the company they are moved to.)"""
        if self.env.su:
            return
        if companies - self.env.user.company_ids:
            raise AccessError(
                _("You have no access to the leakage figures of this company.")
            )

    def _check_access_values(self):
        if not (self.env.user.has_group(MANAGER) or self.env.user.has_group(BILLING)):
            raise AccessError(
                _("Only service managers and accountants see leakage values.")
            )

    def _period_domain(self, field):
        self.ensure_one()
        return [
            ("company_id", "=", self.company_id.id),
            (field, ">=", self.date_from),
            (field, "<", self.date_to + timedelta(days=1)),
        ]

    @api.depends("company_id", "date_from", "date_to")
    def _compute_kpis(self):
        for board in self:
            board.update(board._kpi_values())

    def _kpi_values(self):
        """All figures of the overview as a dict (also used by the XLSX)."""
        self.ensure_one()
        if not (self.company_id and self.date_from and self.date_to):
            return dict.fromkeys(
                [
                    "revenue_at_risk",
                    "leak_count",
                    "jobs_done",
                    "jobs_leaking",
                    "leak_rate",
                    "lag_median_days",
                    "lag_p90_days",
                    "sent_median_days",
                    "logged_on_site_pct",
                    "margin_per_job",
                    "contract_revenue",
                    "contract_cost",
                    "contract_margin",
                    "sla_compliance",
                ],
                0,
            )
        self.env.flush_all()
        Exception_ = self.env["workshop.leakage.exception"]
        Lag = self.env["workshop.leakage.billing.lag"]
        Recon = self.env["workshop.leakage.reconciliation"]
        leak_domain = self._period_domain("date") + [
            ("leak_kind", "in", self.env["workshop.leakage.exception"]._leak_kinds())
        ]
        [(risk, count)] = Exception_._read_group(
            leak_domain, [], ["value_risk:sum", "__count"]
        )
        leaking = Exception_._read_group(
            leak_domain + [("job_id", "!=", False)], ["job_id"], ["__count"]
        )
        lag_domain = self._period_domain("done_datetime")
        lag_rows = Lag._read_group(lag_domain, ["job_id"], ["__count"])
        jobs_done = len(lag_rows)
        done_ids = [job.id for job, _count in lag_rows]
        invoiced_ids = [
            job.id
            for [job] in Lag._read_group(
                lag_domain + [("is_invoiced", "=", True)], ["job_id"]
            )
        ]
        invoiced_jobs = len(invoiced_ids)
        # margin of the invoiced jobs: net invoiced minus the parts used at cost
        [(invoiced, used_cost)] = Recon._read_group(
            [("job_id", "in", invoiced_ids)],
            [],
            ["amount_invoiced:sum", "value_used_cost:sum"],
        )
        stats = self._lag_percentiles(done_ids)
        contract_revenue, contract_cost = self._contract_figures()
        values = {
            "revenue_at_risk": risk or 0.0,
            "leak_count": count,
            "jobs_done": jobs_done,
            "jobs_leaking": len({job.id for job, _c in leaking} & set(done_ids))
            if jobs_done
            else 0,
            "lag_median_days": stats[0] or 0.0,
            "lag_p90_days": stats[1] or 0.0,
            "sent_median_days": stats[2] or 0.0,
            "logged_on_site_pct": self._logged_on_site_pct(done_ids),
            "margin_per_job": ((invoiced or 0.0) - (used_cost or 0.0)) / invoiced_jobs
            if invoiced_jobs
            else 0.0,
            "contract_revenue": contract_revenue,
            "contract_cost": contract_cost,
            "contract_margin": contract_revenue - contract_cost,
            "sla_compliance": self._sla_compliance(done_ids),
        }
        values["leak_rate"] = (
            100.0 * values["jobs_leaking"] / jobs_done if jobs_done else 0.0
        )
        return values

    def _lag_percentiles(self, job_ids):
        if not job_ids:
            return (0.0, 0.0, 0.0)
        self.env.cr.execute(
            SQL(
                """
                SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lag_post_days),
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY lag_post_days),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY lag_sent_days)
                  FROM workshop_leakage_billing_lag
                 WHERE job_id = ANY(%s)
                """,
                job_ids,
            )
        )
        return self.env.cr.fetchone()

    def _logged_on_site_pct(self, job_ids):
        """Share of the jobs with time logged by their technicians and no part
        typed by hand (every stock part came through the counter)."""
        if not job_ids:
            return 0.0
        self.env.cr.execute(
            SQL(
                """
                SELECT COUNT(*) FILTER (
                         WHERE EXISTS (SELECT 1 FROM workshop_job_timelog t
                                        WHERE t.job_id = j.id
                                          AND t.stop_datetime IS NOT NULL)
                           AND NOT EXISTS (
                             SELECT 1 FROM workshop_job_line jl
                               JOIN product_product pp ON pp.id = jl.product_id
                               JOIN product_template pt
                                 ON pt.id = pp.product_tmpl_id
                              WHERE jl.job_id = j.id AND jl.kind = 'part'
                                AND pt.is_storable
                                AND NOT COALESCE(jl.workshop_is_stock_line, FALSE))
                       ) * 100.0 / COUNT(*)
                  FROM workshop_job j
                 WHERE j.id = ANY(%s)
                """,
                job_ids,
            )
        )
        return self.env.cr.fetchone()[0] or 0.0

    def _sla_compliance(self, job_ids):
        if not job_ids:
            return 0.0
        jobs = self.env["workshop.job"].search_fetch(
            [("id", "in", job_ids), ("resolution_deadline", "!=", False)],
            ["sla_response_late", "sla_resolution_late"],
        )
        if not jobs:
            return 100.0
        met = jobs.filtered(
            lambda j: not j.sla_response_late and not j.sla_resolution_late
        )
        return 100.0 * len(met) / len(jobs)

    def _contract_figures(self):
        """Posted contract invoices of the period (company currency, net of
        credit notes) and the cost of the parts used on jobs of the assets
        those contracts cover, in the same period."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                """
                SELECT COALESCE(SUM(am.amount_untaxed_signed), 0)
                  FROM account_move am
                 WHERE am.workshop_contract_id IS NOT NULL
                   AND am.state = 'posted'
                   AND am.move_type IN ('out_invoice', 'out_refund')
                   AND am.company_id = %(company)s
                   AND am.invoice_date BETWEEN %(start)s AND %(stop)s
                """,
                company=self.company_id.id,
                start=self.date_from,
                stop=self.date_to,
            )
        )
        revenue = self.env.cr.fetchone()[0] or 0.0
        prepare_read(self.env)
        self.env.cr.execute(
            SQL(
                """
                SELECT COALESCE(SUM(r.value_used_cost), 0)
                  FROM workshop_leakage_reconciliation r
                  JOIN workshop_job j ON j.id = r.job_id
                 WHERE j.company_id = %(company)s
                   AND j.done_datetime >= %(start)s
                   AND j.done_datetime < %(stop)s
                   AND j.asset_id IN (
                     SELECT ca.asset_id FROM workshop_contract_asset ca
                       JOIN workshop_contract wc ON wc.id = ca.contract_id
                      WHERE wc.company_id = %(company)s
                        AND wc.state IN ('active', 'to_renew', 'expired'))
                """,
                company=self.company_id.id,
                start=self.date_from,
                stop=self.date_to + timedelta(days=1),
            )
        )
        cost = self.env.cr.fetchone()[0] or 0.0
        return float(revenue), float(cost)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _open_list(self, xmlid, domain, name=None):
        """The window action ``xmlid`` showing only the records of ``domain``
        (the one helper every figure's link goes through)."""
        self.ensure_one()
        action = domain_action(self.env, xmlid, domain, context={})
        # the list first: a figure opens the records behind it
        views = action.get("views") or []
        action["views"] = sorted(views, key=lambda view: view[1] != "list")
        if name:
            action["name"] = name
        return action

    def _leak_domain(self):
        return self._period_domain("date") + [
            ("leak_kind", "in", self.env["workshop.leakage.exception"]._leak_kinds())
        ]

    def _done_job_ids(self):
        """Ids of the jobs done in the period (the overview's job figures)."""
        return [
            job.id
            for [job] in self.env["workshop.leakage.billing.lag"]._read_group(
                self._period_domain("done_datetime"), ["job_id"]
            )
        ]

    def action_open_exceptions(self):
        """The leaks behind the overview's figures (revenue at risk, leaks)."""
        return self._open_list(
            "workshop_leakage_report.workshop_leakage_exception_action",
            self._leak_domain(),
        )

    def action_open_jobs_done(self):
        """The jobs done in the period, with their billing lag."""
        return self._open_list(
            "workshop_leakage_report.workshop_leakage_billing_lag_action",
            self._period_domain("done_datetime"),
        )

    def action_open_jobs_leaking(self):
        """The jobs done in the period that have a leak (leak rate)."""
        leaking = self.env["workshop.leakage.exception"]._read_group(
            self._leak_domain() + [("job_id", "in", self._done_job_ids())],
            ["job_id"],
        )
        return self._open_list(
            "workshop_job_card.workshop_job_action",
            [("id", "in", [job.id for [job] in leaking])],
            _("Jobs with Leaks"),
        )

    def action_open_billing_lag(self):
        """The invoiced jobs of the period with their days to invoice and send."""
        return self._open_list(
            "workshop_leakage_report.workshop_leakage_billing_lag_action",
            self._period_domain("done_datetime") + [("is_invoiced", "=", True)],
        )

    def action_open_jobs_logged(self):
        """The jobs done in the period (share fully logged on site)."""
        return self._open_list(
            "workshop_job_card.workshop_job_action",
            [("id", "in", self._done_job_ids())],
            _("Jobs Done"),
        )

    def action_open_margin(self):
        """Issued vs invoiced of the invoiced jobs of the period (margin)."""
        invoiced = self.env["workshop.leakage.billing.lag"]._read_group(
            self._period_domain("done_datetime") + [("is_invoiced", "=", True)],
            ["job_id"],
        )
        return self._open_list(
            "workshop_leakage_report.workshop_leakage_reconciliation_action",
            [("job_id", "in", [job.id for [job] in invoiced])],
        )

    def action_open_contract_revenue(self):
        """The posted contract invoices and credit notes of the period."""
        return self._open_list(
            "workshop_leakage_report.workshop_leakage_contract_revenue_action",
            self._period_domain("invoice_date"),
        )

    def action_open_contract_cost(self):
        """The parts used on jobs of covered assets done in the period."""
        self.ensure_one()
        assets = self.env["workshop.contract.asset"]._read_group(
            [
                ("contract_id.company_id", "=", self.company_id.id),
                ("contract_id.state", "in", ("active", "to_renew", "expired")),
            ],
            ["asset_id"],
        )
        jobs = self.env["workshop.leakage.billing.lag"]._read_group(
            self._period_domain("done_datetime")
            + [("job_id.asset_id", "in", [asset.id for [asset] in assets])],
            ["job_id"],
        )
        return self._open_list(
            "workshop_leakage_report.workshop_leakage_reconciliation_action",
            [("job_id", "in", [job.id for [job] in jobs])],
        )

    def action_open_sla(self):
        """The jobs of the period with an SLA, met or breached."""
        return self._open_list(
            "workshop_leakage_report.workshop_leakage_sla_action",
            self._period_domain("done_datetime"),
        )

    def action_export_xlsx(self):
        """Download the period's leakage workbook (XLSX)."""
        # sheets: summary, leaks by job, parts usage, billing lag
        self.ensure_one()
        self._check_access_values()
        content = self._render_xlsx()
        name = _(
            "leakage_%(company)s_%(start)s_%(stop)s.xlsx",
            company=self.company_id.name.replace(" ", "_"),
            start=self.date_from,
            stop=self.date_to,
        )
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "datas": base64.b64encode(content),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument."
                "spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def _render_xlsx(self):
        """The workbook as bytes."""
        self.ensure_one()
        return LeakageWorkbook(self).render()
