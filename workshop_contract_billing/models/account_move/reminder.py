"""Payment reminders for the suite's invoices (job cards and contracts): one
email before the due date, one after, each sent once per invoice.

The emails go through the mail queue: they are sent after this transaction
commits, so a rolled-back or repeated run never sends one twice. What was sent
is recorded on the invoice in the same transaction as the queued email.
"""

from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import split_every

from odoo.addons.workshop_job_card.tools.commits import can_commit
from odoo.addons.workshop_job_card.tools.guarded import run_batch_guarded

# kind -> (field recording the sending, mail template)
REMINDERS = {
    "before": (
        "workshop_reminder_before_datetime",
        "workshop_contract_billing.mail_template_payment_reminder_before",
    ),
    "overdue": (
        "workshop_reminder_overdue_datetime",
        "workshop_contract_billing.mail_template_payment_reminder_overdue",
    ),
}


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    workshop_reminder_before_datetime = fields.Datetime(
        string="Payment Reminder Sent",
        readonly=True,
        copy=False,
        help="When the reminder before the due date was queued.",
    )
    workshop_reminder_overdue_datetime = fields.Datetime(
        string="Overdue Reminder Sent",
        readonly=True,
        copy=False,
        help="When the reminder after the due date was queued.",
    )

    @api.model
    def _workshop_reminder_domain(self, kind, company, date_ref):
        """Invoices of ``company`` that get the ``kind`` reminder on ``date_ref``;
        None when the company turned that reminder off."""
        if kind == "before":
            days = company.workshop_reminder_days_before
            dates = [
                ("invoice_date_due", ">=", date_ref),
                ("invoice_date_due", "<=", date_ref + timedelta(days=days)),
            ]
        else:
            days = company.workshop_reminder_days_after
            dates = [("invoice_date_due", "<=", date_ref - timedelta(days=days))]
        if not days:
            return None
        return [
            ("company_id", "=", company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            (REMINDERS[kind][0], "=", False),
            "|",
            "|",
            ("workshop_job_id", "!=", False),
            ("workshop_contract_id", "!=", False),
            ("invoice_line_ids.workshop_job_line_id", "!=", False),
            *dates,
        ]

    @api.model
    def _cron_workshop_payment_reminder(self, date_ref=None, batch_size=100):
        """Queue the payment reminders due on ``date_ref`` (today), per company,
        committing per batch; returns how many were queued. Safe to re-run."""
        date_ref = fields.Date.to_date(date_ref) or fields.Date.context_today(self)
        may_commit = can_commit(self.env)
        queued = 0
        for company in self.env["res.company"].search([]):
            for kind in REMINDERS:
                domain = self._workshop_reminder_domain(kind, company, date_ref)
                if domain is None:
                    continue
                moves = self.with_company(company).search(
                    domain, order="invoice_date_due, id"
                )
                for ids in split_every(batch_size, moves.ids):
                    batch = self.with_company(company).browse(ids)
                    # one bad invoice (a broken contact, a template error) is
                    # noted on it and skipped; the others get their reminder
                    queued += sum(
                        run_batch_guarded(
                            batch,
                            lambda moves, k=kind: moves._send_workshop_payment_reminder(
                                k
                            ),
                            lambda move, error: move._workshop_reminder_failed(error),
                        )
                    )
                    if may_commit:
                        self.env.cr.commit()  # pylint: disable=invalid-commit
        return queued

    def _workshop_reminder_failed(self, error):
        """Note on the invoice that its payment reminder could not be sent."""
        self.ensure_one()
        with self.env.cr.savepoint():
            self.message_post(
                body=Markup("<p>%s</p>") % _("Payment reminder not sent: %s", error),
                message_type="notification",
                subtype_xmlid="mail.mt_note",
            )

    def _send_workshop_payment_reminder(self, kind):
        """Queue the ``kind`` reminder to each invoice's contact that has an
        email and did not get it yet; returns how many were queued."""
        field, template_xmlid = REMINDERS[kind]
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        todo = self.filtered(lambda m: not m[field] and m.partner_id.email)
        if not template or not todo:
            return 0
        # recorded first, in the email's transaction: a concurrent run writing
        # the same invoices conflicts and rolls back with its queued emails
        todo.write({field: fields.Datetime.now()})
        for move in todo.with_context(mail_notify_force_send=False):
            move.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return len(todo)
