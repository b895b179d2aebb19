from datetime import timedelta
from functools import partial

from markupsafe import Markup

from odoo import _, api, fields, models

from odoo.addons.workshop_job_card.tools.guarded import run_guarded

ALERT = "workshop_leakage_report.mail_activity_type_leakage_alert"
ESCALATION = "workshop_leakage_report.mail_activity_type_leakage_escalation"


class WorkshopJob(models.Model):
    _inherit = "workshop.job"

    # ------------------------------------------------------------------
    # Alerts and escalation (daily scheduled action)
    # ------------------------------------------------------------------
    @api.model
    def _cron_workshop_leakage_alerts(self):
        """Give coordinators an activity on their jobs that leak (value over
        the company threshold, done and not invoiced, SLA at risk), and
        escalate the ignored ones to the service manager. Idempotent: a job
        has at most one open alert and one open escalation. Each company and
        each job in a savepoint: a job that fails is rolled back alone, logged
        and noted in its chatter, and the others go on."""
        for company in self.env["res.company"].search([]):
            jobs_env = self.with_company(company)
            # a company whose leaks cannot be read is logged and skipped; its
            # jobs' alerts come at the next run
            reasons = run_guarded(
                self.env,
                partial(jobs_env._workshop_leak_alert_reasons, company),
                lambda exc: None,
                f"Leak alerts of company {company.name} ({company.id})",
                default={},
            )
            jobs_env._workshop_schedule_leak_alerts(reasons)
            jobs_env._workshop_escalate_leak_alerts(company)

    def _workshop_leak_isolated(self, work, step):
        """Run ``work()`` for this job in a savepoint; on failure note it in
        the job's chatter, where its coordinator and the manager see it
        (``step``: what failed, translated)."""
        self.ensure_one()

        def note(exc):
            # sudo: the cron writes a note on the job it failed on
            self.sudo().message_post(
                body=_(
                    "%(step)s: %(error)s. The other jobs were processed; this "
                    "one is tried again at the next run.",
                    step=step,
                    error=str(exc) or type(exc).__name__,
                ),
                subtype_xmlid="mail.mt_note",
            )

        return run_guarded(self.env, work, note, f"{step} (job {self.id})")

    @api.model
    def _workshop_leak_alert_reasons(self, company):
        """{job: [reason, ...]} of the jobs of ``company`` that need an alert."""
        # the views read many tables: write everything pending first
        self.env.flush_all()
        Exception_ = self.env["workshop.leakage.exception"].sudo()
        currency = company.currency_id
        reasons = {}
        groups = Exception_._read_group(
            [("company_id", "=", company.id), ("job_id", "!=", False)],
            ["job_id", "leak_kind"],
            ["value_risk:sum"],
        )
        per_job = {}
        for job, kind, value in groups:
            per_job.setdefault(job, [0.0, set()])
            per_job[job][0] += value or 0.0
            per_job[job][1].add(kind)
        kinds = dict(Exception_._leak_kind_selection())
        for job, (value, job_kinds) in per_job.items():
            if "done_not_invoiced" in job_kinds or (
                currency.compare_amounts(value, company.workshop_leak_alert_value) >= 0
            ):
                reasons.setdefault(job, []).append(
                    _(
                        "%(value)s at risk: %(kinds)s",
                        value=currency.format(value),
                        kinds=", ".join(sorted(kinds[k] for k in job_kinds)),
                    )
                )
        if company.workshop_leak_alert_sla:
            at_risk = self.sudo().search(
                [("company_id", "=", company.id), ("sla_status", "=", "at_risk")]
            )
            for job in at_risk:
                reasons.setdefault(job, []).append(_("SLA at risk"))
        return reasons

    @api.model
    def _workshop_schedule_leak_alerts(self, reasons):
        if not reasons:
            return
        alert_type = self.env.ref(ALERT)
        jobs = self.browse([job.id for job in reasons]).sudo()
        open_alerts = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "workshop.job"),
                    ("res_id", "in", jobs.ids),
                    ("activity_type_id", "=", alert_type.id),
                ]
            )
        )
        alerted = set(open_alerts.mapped("res_id"))
        for job in jobs:
            if job.id in alerted:
                continue
            job._workshop_leak_isolated(
                lambda job=job: job._workshop_schedule_leak_alert(reasons[job]),
                _("Leak alert not scheduled"),
            )

    def _workshop_schedule_leak_alert(self, reasons):
        """The alert activity of this job for its coordinator (or the
        company's leakage recipient)."""
        self.ensure_one()
        user = self.user_id or self.company_id._workshop_leak_managers()[:1]
        if not user:
            return
        # sudo (the caller's): the cron addresses the coordinator; no rights
        # are granted
        self.activity_schedule(
            ALERT,
            user_id=user.id,
            summary=_("Revenue leak to fix"),
            note=Markup("<br/>").join(reasons),
        )

    @api.model
    def _workshop_escalate_leak_alerts(self, company):
        """Alerts overdue by the company's escalation delay go to the manager
        (once per job)."""
        days = company.workshop_leak_escalation_days
        limit = fields.Date.context_today(self) - timedelta(days=days)
        Activity = self.env["mail.activity"].sudo()
        overdue = Activity.search(
            [
                ("res_model", "=", "workshop.job"),
                ("activity_type_id", "=", self.env.ref(ALERT).id),
                ("date_deadline", "<", limit),
            ]
        )
        jobs = (
            self.sudo()
            .browse(overdue.mapped("res_id"))
            .filtered(lambda j: j.company_id == company)
        )
        if not jobs:
            return
        escalated = set(
            Activity.search(
                [
                    ("res_model", "=", "workshop.job"),
                    ("res_id", "in", jobs.ids),
                    ("activity_type_id", "=", self.env.ref(ESCALATION).id),
                ]
            ).mapped("res_id")
        )
        manager = company._workshop_leak_managers()[:1]
        if not manager:
            return
        for job in jobs:
            if job.id in escalated:
                continue
            alert = overdue.filtered(lambda a, j=job: a.res_id == j.id)[:1]
            job._workshop_leak_isolated(
                lambda job=job, alert=alert: job._workshop_escalate_leak_alert(
                    alert, manager
                ),
                _("Leak alert not escalated"),
            )

    def _workshop_escalate_leak_alert(self, alert, manager):
        """The escalation activity of this job for ``manager``, quoting the
        ignored ``alert``."""
        self.ensure_one()
        self.activity_schedule(
            ESCALATION,
            user_id=manager.id,
            summary=_("Leak alert ignored"),
            note=Markup("<p>%s</p>%s")
            % (
                _(
                    "%(user)s has not acted on this leak alert since %(date)s.",
                    user=alert.user_id.name,
                    date=alert.date_deadline,
                ),
                alert.note or "",
            ),
        )
