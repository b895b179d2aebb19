from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html2plaintext

from .workshop_job import JOB_STATES, TRANSITIONS


class WorkshopJob(models.Model):
    _inherit = "workshop.job"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def _transition(self, action):
        """Check an action of the TRANSITIONS table for every job and apply it."""
        from_states, target, group = TRANSITIONS[action]
        if not self.env.user.has_group(group) and not self.env.su:
            raise AccessError(
                _(
                    "You are not allowed to do this on a job (%(action)s).",
                    action=action,
                )
            )
        for job in self:
            if job.state not in from_states:
                raise UserError(
                    _(
                        "Job %(job)s is %(state)s: it cannot go to "
                        "%(target)s from there.",
                        job=job.name,
                        state=dict(JOB_STATES)[job.state],
                        target=dict(JOB_STATES)[target],
                    )
                )
        self._set_state(target)
        return True

    def _set_state(self, target):
        """Write the new state and record it in the state history."""
        by_state = {}
        for job in self:
            by_state.setdefault(job.state, self.browse())
            by_state[job.state] |= job
        now = fields.Datetime.now()
        for from_state, jobs in by_state.items():
            jobs._as_workflow().write({"state": target})
            # first arrival and first completion feed SLA and billing lag
            stamp = {"on_site": "arrived_datetime", "done": "done_datetime"}.get(target)
            if stamp:
                jobs.filtered(lambda j, f=stamp: not j[f])._as_workflow().write(
                    {stamp: now}
                )
            # sudo: the history is append-only and not writable by users.
            self.env["workshop.job.stage.log"].sudo()._log(jobs, from_state)

    def action_schedule(self):
        """Plan the job: it needs a scheduled date."""
        missing = self.filtered(lambda j: not j.scheduled_datetime)
        if missing:
            raise UserError(
                _(
                    "Set a scheduled date on %(jobs)s first.",
                    jobs=", ".join(missing.mapped("name")),
                )
            )
        return self._transition("action_schedule")

    def action_dispatch(self):
        """Send the job to its technicians: it needs at least one."""
        missing = self.filtered(lambda j: not j.technician_ids)
        if missing:
            raise UserError(
                _(
                    "Assign a technician to %(jobs)s first.",
                    jobs=", ".join(missing.mapped("name")),
                )
            )
        return self._transition("action_dispatch")

    def action_start_travel(self):
        """The technician leaves for the site."""
        return self._transition("action_start_travel")

    def action_arrive(self):
        """The technician is on site (starts the response-time clock's end)."""
        return self._transition("action_arrive")

    def action_wait_parts(self):
        """Work stops until parts arrive."""
        return self._transition("action_wait_parts")

    def action_resume(self):
        """Parts are there: work continues on site."""
        return self._transition("action_resume")

    def action_done(self):
        """Close the work: needs at least one line and resolution notes.

        Running timers are stopped and rolled into labour lines.
        """
        for job in self:
            if not job.line_ids.filtered(
                lambda line: line.kind not in ("section", "note")
            ):
                raise UserError(
                    _(
                        "Job %(job)s has no lines: record the work before closing it.",
                        job=job.name,
                    )
                )
            if not job._html_has_text(job.resolution):
                raise UserError(
                    _(
                        "Job %(job)s has no resolution notes: say what was done.",
                        job=job.name,
                    )
                )
        self.timelog_ids.filtered(lambda log: not log.stop_datetime).action_stop()
        return self._transition("action_done")

    def action_sign(self, signature=None, signed_by=None):
        """Record the customer's sign-off. External clients may pass the signature
        (base64 PNG) and the signer's name as arguments."""
        if signature or signed_by:
            vals = {}
            if signature:
                vals["signature"] = signature
            if signed_by:
                vals["signed_by"] = signed_by
            self.write(vals)
        for job in self:
            if not job.signature or not (job.signed_by or "").strip():
                raise UserError(
                    _(
                        "Job %(job)s needs the customer's "
                        "signature and the signer's name.",
                        job=job.name,
                    )
                )
        self._as_workflow().write({"signed_datetime": fields.Datetime.now()})
        res = self._transition("action_sign")
        self._auto_invoice_on_sign()
        return res

    def action_cancel(self):
        """Cancel the job; refused while it has a live invoice."""
        for job in self:
            if job.invoice_ids.filtered(lambda m: m.state != "cancel"):
                raise UserError(
                    _(
                        "Job %(job)s has invoices: cancel or credit them first.",
                        job=job.name,
                    )
                )
        self.timelog_ids.filtered(lambda log: not log.stop_datetime).action_stop()
        return self._transition("action_cancel")

    def action_draft(self):
        """Bring a cancelled job back to draft."""
        return self._transition("action_draft")

    # ------------------------------------------------------------------
    # Time logging (phone buttons)
    # ------------------------------------------------------------------
    def action_timer_start(self):
        """Start the current user's timer on this job."""
        self.ensure_one()
        # True, not the log: XML-RPC cannot marshal a recordset (the timer would
        # start and the client would still get a fault)
        self.env["workshop.job.timelog"].create({"job_id": self.id})
        return True

    def action_timer_stop(self):
        """Stop the current user's running timer on this job."""
        logs = self.timelog_ids.filtered(
            lambda log: log.user_id == self.env.user and not log.stop_datetime
        )
        if not logs:
            raise UserError(_("You have no running timer on this job."))
        return logs.action_stop()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @staticmethod
    def _html_has_text(html):
        return bool(html and html2plaintext(html).strip())
