import logging
from datetime import datetime, time, timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from odoo.addons.workshop_job_card.tools.actions import domain_action, records_action
from odoo.addons.workshop_job_card.tools.commits import can_commit
from odoo.addons.workshop_job_card.tools.guarded import run_guarded

from ..report.leak_facts import prepare_read
from ..report.leak_sql import VALUE_GROUPS

_logger = logging.getLogger(__name__)

MANAGER = "workshop_job_card.group_workshop_manager"


class WorkshopLeakageRun(models.Model):
    """One weekly leakage check of a company: totals per leak kind, kept so
    the trend over the weeks is visible."""

    _name = "workshop.leakage.run"
    _description = "Workshop Leakage Run"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "week_start desc, id desc"
    # runs are a ledger nobody writes (see ir.model.access.csv): whoever reads
    # a run may still comment on it and close its review activity
    _mail_post_access = "read"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, readonly=True, default=fields.Date.today)
    week_start = fields.Date(required=True, readonly=True, index=True)
    run_datetime = fields.Datetime(
        required=True, readonly=True, default=fields.Datetime.now
    )
    since_datetime = fields.Datetime(
        string="Changes Since",
        readonly=True,
        help="The previous run: only jobs changed since then were re-read. "
        "Empty: a full reconciliation.",
    )
    mode = fields.Selection(
        [("full", "Full Reconciliation"), ("incremental", "Changes Since Last Run")],
        required=True,
        readonly=True,
        default="full",
    )
    jobs_scanned = fields.Integer(string="Jobs Re-read", readonly=True)
    job_count = fields.Integer(string="Jobs with Leaks", readonly=True)
    leak_count = fields.Integer(string="Leaks", readonly=True)
    value_sale = fields.Monetary(
        string="Leak Value (sale)", readonly=True, groups=VALUE_GROUPS
    )
    value_cost = fields.Monetary(
        string="Leak Value (cost)", readonly=True, groups=VALUE_GROUPS
    )
    value_risk = fields.Monetary(
        string="Revenue at Risk", readonly=True, groups=VALUE_GROUPS
    )
    value_risk_change = fields.Monetary(
        string="Change vs Previous Run", readonly=True, groups=VALUE_GROUPS
    )
    previous_run_id = fields.Many2one("workshop.leakage.run", readonly=True)
    line_ids = fields.One2many("workshop.leakage.run.line", "run_id", readonly=True)
    notified_datetime = fields.Datetime(string="Notified On", readonly=True)
    state = fields.Selection(
        [("done", "Done"), ("failed", "Failed")],
        required=True,
        readonly=True,
        default="done",
        help="Failed: the scheduled check of this company stopped on an error "
        "(see the chatter); the next run of the week replaces it.",
    )
    failure_reason = fields.Text(readonly=True)
    is_reconstructed = fields.Boolean(
        string="Reconstructed",
        readonly=True,
        help="Rebuilt from history when the leakage report was installed: the "
        "leaks known today that date from that week or before. Leaks fixed "
        "since then no longer show, so the figures can be lower than a run "
        "that week would have found.",
    )

    _sql_constraints = [
        (
            "company_week_uniq",
            "unique(company_id, week_start)",
            "One leakage run per company and week.",
        ),
    ]

    @api.depends("week_start", "company_id")
    def _compute_name(self):
        for run in self:
            run.name = _(
                "Leakage %(week)s — %(company)s",
                week=run.week_start and run.week_start.strftime("%G-W%V") or "",
                company=run.company_id.name or "",
            )

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    def action_run_now(self):
        """Run this week's check of the current company now and open the run."""
        # service managers only; a second call the same week returns that run
        if not self.env.user.has_group(MANAGER):
            raise AccessError(_("Only a service manager runs the leakage check."))
        # sudo: the run writes stored totals and notifies; rights checked above
        run = self.sudo()._run_for_company(self.env.company)
        return records_action(
            run.with_env(self.env),
            "workshop_leakage_report.workshop_leakage_run_action",
        )

    @api.model
    def _cron_weekly_check(self):
        """Scheduled action: one run per company, committed per company. A
        company whose run fails is rolled back alone, gets a failed run its
        managers are asked to look at, and the others go on."""
        for company in self.env["res.company"].search([]):
            run_guarded(
                self.env,
                lambda company=company: self.with_company(company)._run_for_company(
                    company
                ),
                lambda exc, company=company: self._record_failure(company, exc),
                f"Leakage run of company {company.name} ({company.id})",
            )
            if can_commit(self.env):
                self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _record_failure(self, company, error, today=None):
        """Keep this week's run of ``company`` as failed, with the error in its
        chatter and an activity for the company's leakage recipients; the next
        run of the week (cron or "Run now") replaces it."""
        today = today or fields.Date.context_today(self)
        week_start = today - timedelta(days=today.weekday())
        reason = str(error) or type(error).__name__
        run = self.search(
            [("company_id", "=", company.id), ("week_start", "=", week_start)],
            limit=1,
        )
        if run and run.state == "done":
            return run
        vals = {"state": "failed", "failure_reason": reason}
        if run:
            run.write(vals)
        else:
            run = self.create(
                dict(vals, company_id=company.id, date=today, week_start=week_start)
            )
        message = _(
            "The weekly leakage check of %(company)s failed: %(reason)s. Fix the "
            "cause, then run the check again (Run This Week's Check).",
            company=company.name,
            reason=reason,
        )
        run.message_post(body=message, subtype_xmlid="mail.mt_note")
        for user in company._workshop_leak_managers():
            run.with_context(mail_activity_quick_update=True).activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=_("Weekly leakage check failed"),
                note=Markup("<p>%s</p>") % message,
            )
        return run

    # ------------------------------------------------------------------
    # The run
    # ------------------------------------------------------------------
    @api.model
    def _run_for_company(self, company, today=None):
        """This week's run of ``company``: the existing one, or a new one built
        from the stored per-job totals refreshed for what changed."""
        today = today or fields.Date.context_today(self)
        week_start = today - timedelta(days=today.weekday())
        existing = self.search(
            [("company_id", "=", company.id), ("week_start", "=", week_start)],
            limit=1,
        )
        if existing.state == "done":
            return existing
        # serialise two runners of the same company (cron and a manual click)
        self.env.cr.execute(
            SQL("SELECT id FROM res_company WHERE id = %s FOR UPDATE", company.id)
        )
        earlier = [
            ("company_id", "=", company.id),
            ("week_start", "<", week_start),
            ("state", "=", "done"),
        ]
        previous = self.search(earlier, limit=1)
        # a reconstructed week read no stored totals: the changes are counted
        # from the last run that did (none: a full reconciliation)
        last_read = self.search(earlier + [("is_reconstructed", "=", False)], limit=1)
        Total = self.env["workshop.leakage.job.total"]
        now = fields.Datetime.now()
        if last_read:
            job_ids = Total._changed_job_ids(company, last_read.run_datetime)
            scanned = Total._refresh(company, job_ids)
        else:
            scanned = Total._refresh(company)
        vals = self._prepare_run_vals(
            company, today, week_start, previous, scanned, now, last_read
        )
        if existing:
            # this week's failed run: completed in place, its history kept
            existing.write(dict(vals, state="done", failure_reason=False))
            run = existing
        else:
            run = self.create(vals)
        run._notify_managers()
        return run

    @api.model
    def _summary_by_kind(self, company):
        """{leak_kind: (jobs, rows, quantity, sale, cost, risk)} from the stored
        job totals plus the job-less leaks (contracts, moves without a job:
        small, indexed sets) read live."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT leak_kind, COUNT(DISTINCT job_id), SUM(row_count),
                       SUM(quantity), SUM(value_sale), SUM(value_cost),
                       SUM(value_risk)
                  FROM workshop_leakage_job_total
                 WHERE company_id = %(company)s
                 GROUP BY leak_kind
                UNION ALL
                SELECT leak_kind, 0, COUNT(*), SUM(quantity), SUM(value_sale),
                       SUM(value_cost), SUM(value_risk)
                  FROM workshop_leakage_exception
                 WHERE company_id = %(company)s AND job_id IS NULL
                   AND leak_kind IN %(kinds)s
                 GROUP BY leak_kind
                """,
                company=company.id,
                kinds=tuple(
                    self.env["workshop.leakage.exception"]._jobless_leak_kinds()
                ),
            )
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    @api.model
    def _prepare_run_vals(
        self, company, today, week_start, previous, scanned, now, last_read=None
    ):
        """Values of the run: ``previous`` is the run the change is measured
        against, ``last_read`` the run changes were read since (defaults to
        ``previous``; a reconstructed run read nothing)."""
        last_read = previous if last_read is None else last_read
        summary = self._summary_by_kind(company)
        lines = []
        for kind in self.env["workshop.leakage.exception"]._leak_kinds():
            if kind not in summary:
                continue
            jobs, rows, qty, sale, cost, risk = summary[kind]
            lines.append(
                fields.Command.create(
                    {
                        "leak_kind": kind,
                        "job_count": jobs or 0,
                        "leak_count": rows or 0,
                        "quantity": qty or 0.0,
                        "value_sale": sale or 0.0,
                        "value_cost": cost or 0.0,
                        "value_risk": risk or 0.0,
                    }
                )
            )
        self.env.cr.execute(
            SQL(
                "SELECT COUNT(DISTINCT job_id) FROM workshop_leakage_job_total "
                "WHERE company_id = %s",
                company.id,
            )
        )
        job_count = self.env.cr.fetchone()[0]
        risk = sum((v[5] or 0.0) for v in summary.values())
        return {
            "company_id": company.id,
            "date": today,
            "week_start": week_start,
            "run_datetime": now,
            "since_datetime": last_read.run_datetime if last_read else False,
            "mode": "incremental" if last_read else "full",
            "previous_run_id": previous.id if previous else False,
            "jobs_scanned": scanned,
            "job_count": job_count,
            "leak_count": sum((v[1] or 0) for v in summary.values()),
            "value_sale": sum((v[3] or 0.0) for v in summary.values()),
            "value_cost": sum((v[4] or 0.0) for v in summary.values()),
            "value_risk": risk,
            "value_risk_change": risk - (previous.value_risk if previous else 0.0),
            "line_ids": lines,
        }

    # ------------------------------------------------------------------
    # The trend from history (at install)
    # ------------------------------------------------------------------
    @api.model
    def _backfill_history(self, today=None, weeks=52):
        """One reconstructed run per past week with activity (a job reported
        or done, a leak dated that week) of the last ``weeks`` weeks, for
        every company, so the trend has a line before the first scheduled
        run. A week that already has a run keeps it: calling this again
        creates nothing. Each run counts the leaks known now that date from
        its week or before, per kind, as the weekly run adds them up; it
        notifies nobody. Returns the new runs."""
        today = today or fields.Date.context_today(self)
        this_week = today - timedelta(days=today.weekday())
        rows = self._history_rows(this_week - timedelta(weeks=weeks), this_week)
        weeks_vals, lines = {}, {}
        for company_id, week_start, kind, jobs, count, qty, sale, cost, risk in rows:
            key = (company_id, week_start)
            if kind is None:
                # the week's totals (all kinds): jobs counted once
                weeks_vals[key] = {
                    "company_id": company_id,
                    "week_start": week_start,
                    "job_count": jobs or 0,
                    "leak_count": count or 0,
                    "value_sale": sale or 0.0,
                    "value_cost": cost or 0.0,
                    "value_risk": risk or 0.0,
                }
            elif count:
                lines.setdefault(key, []).append(
                    fields.Command.create(
                        {
                            "leak_kind": kind,
                            "job_count": jobs or 0,
                            "leak_count": count,
                            "quantity": qty or 0.0,
                            "value_sale": sale or 0.0,
                            "value_cost": cost or 0.0,
                            "value_risk": risk or 0.0,
                        }
                    )
                )
        vals_list, risk_before = [], {}
        now = fields.Datetime.now()
        for key in sorted(weeks_vals):
            vals = weeks_vals[key]
            week_end = vals["week_start"] + timedelta(days=6)
            vals.update(
                {
                    "date": week_end,
                    "run_datetime": datetime.combine(week_end, time(23, 59)),
                    "mode": "full",
                    "is_reconstructed": True,
                    "notified_datetime": now,
                    "value_risk_change": vals["value_risk"]
                    - risk_before.get(key[0], 0.0),
                    "line_ids": lines.get(key, []),
                }
            )
            risk_before[key[0]] = vals["value_risk"]
            vals_list.append(vals)
        return self.with_context(tracking_disable=True, mail_create_nolog=True).create(
            vals_list
        )

    @api.model
    def _history_rows(self, date_from, date_to):
        """(company, week, leak kind, jobs, leaks, quantity, sale, cost, risk)
        per company and past week with activity in [date_from, date_to) and
        no run yet, per leak kind and (kind None) for all kinds: the leaks
        dated up to the end of that week. One query; the leaks are read once."""
        prepare_read(self.env)
        self.env.cr.execute(
            SQL(
                """
                WITH activity AS (
                  SELECT company_id, reported_datetime::date AS day
                    FROM workshop_job
                   WHERE reported_datetime >= %(start)s
                     AND reported_datetime < %(stop)s
                  UNION
                  SELECT company_id, done_datetime::date
                    FROM workshop_job
                   WHERE done_datetime >= %(start)s AND done_datetime < %(stop)s
                ), weeks AS (
                  SELECT DISTINCT a.company_id,
                         date_trunc('week', a.day)::date AS week_start
                    FROM activity a
                   WHERE NOT EXISTS (
                     SELECT 1 FROM workshop_leakage_run r
                      WHERE r.company_id = a.company_id
                        AND r.week_start = date_trunc('week', a.day)::date)
                ), leaks AS MATERIALIZED (
                  SELECT company_id, leak_kind, job_id, date, quantity,
                         value_sale, value_cost, value_risk
                    FROM workshop_leakage_exception
                   WHERE date < %(stop)s
                     AND (job_id IS NOT NULL OR leak_kind IN %(jobless)s)
                )
                SELECT w.company_id, w.week_start, l.leak_kind,
                       COUNT(DISTINCT l.job_id), COUNT(l.leak_kind),
                       SUM(l.quantity), SUM(l.value_sale), SUM(l.value_cost),
                       SUM(l.value_risk)
                  FROM weeks w
                  LEFT JOIN leaks l ON l.company_id = w.company_id
                                   AND l.date < w.week_start + 7
                 GROUP BY GROUPING SETS ((w.company_id, w.week_start, l.leak_kind),
                                         (w.company_id, w.week_start))
                """,
                start=date_from,
                stop=date_to,
                jobless=tuple(
                    self.env["workshop.leakage.exception"]._jobless_leak_kinds()
                ),
            )
        )
        # a week with no leak at all: its kind row is (None, 0 leaks) like
        # the total row; keep one total row per week
        rows, totals = [], set()
        for row in self.env.cr.fetchall():
            if row[2] is None:
                if (row[0], row[1]) in totals:
                    continue
                totals.add((row[0], row[1]))
            rows.append(row)
        return rows

    def _notify_managers(self):
        """Email the summary (mail template, queued: sent after commit) and give
        each recipient an activity to review the run. Once per run."""
        template = self.env.ref(
            "workshop_leakage_report.mail_template_leakage_run",
            raise_if_not_found=False,
        )
        activity_type = "workshop_leakage_report.mail_activity_type_leakage_review"
        for run in self.filtered(lambda r: not r.notified_datetime):
            managers = run.company_id._workshop_leak_managers()
            partners = managers.partner_id
            if template and partners:
                template.send_mail(
                    run.id,
                    email_values={"recipient_ids": [fields.Command.set(partners.ids)]},
                )
            for user in managers:
                # the summary email above is the notification: no second
                # "activity assigned" email
                run.with_context(mail_activity_quick_update=True).activity_schedule(
                    activity_type,
                    user_id=user.id,
                    summary=_("Review the weekly leakage report"),
                    note=Markup("<p>%s</p>")
                    % _(
                        "%(count)s leak(s) on %(jobs)s job(s), %(value)s at risk.",
                        count=run.leak_count,
                        jobs=run.job_count,
                        value=run.currency_id.format(run.value_risk),
                    ),
                )
            run.message_post(
                body=_(
                    "Weekly leakage check: %(count)s leak(s), %(value)s at risk.",
                    count=run.leak_count,
                    value=run.currency_id.format(run.value_risk),
                ),
                subtype_xmlid="mail.mt_note",
            )
            run.notified_datetime = fields.Datetime.now()

    def action_open_exceptions(self):
        """Open the current exceptions of the run's company."""
        self.ensure_one()
        return domain_action(
            self.env,
            "workshop_leakage_report.workshop_leakage_exception_action",
            [("company_id", "=", self.company_id.id)],
        )
