"""Shared fixtures for workshop_leakage_report tests."""

from datetime import timedelta

from odoo import Command, fields
from odoo.tools import SQL

from odoo.addons.workshop_parts_control.tests.common import PartsCommon


class LeakageCommon(PartsCommon):
    """PartsCommon plus a pure coordinator (no billing rights) and helpers to
    finish, invoice, age and read the leakage views of a job."""

    @classmethod
    def _other_company_manager(cls, login):
        """A second company, and a service manager with billing rights who
        belongs to it only."""
        company = cls._company("Workshop South")
        return company, cls._user(login, "manager", "invoicing", companies=company)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "workshop_leak_draft_days": 3,
                "workshop_leak_done_days": 2,
                "workshop_leak_underprice_pct": 10.0,
                "workshop_leak_contract_days": 3,
                "workshop_leak_alert_value": 20.0,
                "workshop_leak_escalation_days": 3,
                "workshop_leak_manager_id": cls.manager.id,
            }
        )
        cls.pure_coordinator = cls._user(
            "ws_pure_coord", "coordinator", name="Pia Coordinator"
        )

    @classmethod
    def _billed_contract(cls, fee, **vals):
        """A monthly contract billed in advance from the first of this month
        at ``fee``, active, its first invoice created (``vals`` over these)."""
        today = fields.Date.context_today(cls.env.user)
        product = cls.env["product.product"].create(
            {"name": "Plan fee", "type": "service", "list_price": fee}
        )
        contract = cls.env["workshop.contract"].create(
            dict(
                {
                    "partner_id": cls.customer.id,
                    "date_start": today.replace(day=1),
                    "recurring_rule": "monthly",
                    "invoicing_mode": "advance",
                    "line_ids": [Command.create({"product_id": product.id})],
                },
                **vals,
            )
        )
        contract.action_activate()
        contract._recurring_create_invoices(today)
        return contract

    # ------------------------------------------------------------------
    # Building jobs
    # ------------------------------------------------------------------
    def _job_with_parts(self, quantities, returns=None, sign=True, **vals):
        """A job on site, ``quantities`` issued ({product: qty}), ``returns``
        returned, then done (and signed)."""
        job = self._open_job(**vals)
        self._issue(job, quantities)
        if returns:
            self._return(job, returns)
        job.resolution = "<p>Done.</p>"
        job.action_done()
        if sign:
            job.action_sign(signature=self._signature(), signed_by="Sam")
        return job

    def _invoice(self, job, post=True, edit=None):
        """Invoice the job as the coordinator; ``edit(invoice)`` changes the
        draft before it is posted. Returns the new invoice."""
        Move = self.env["account.move"]
        before = Move.search([("move_type", "=", "out_invoice")])
        job.with_user(self.coordinator).action_create_invoice()
        invoice = Move.search([("move_type", "=", "out_invoice")]) - before
        if edit:
            edit(invoice)
        if post:
            invoice.action_post()
        return invoice

    def _credit(self, invoice, quantities=None):
        """Post a credit note of ``invoice``; ``quantities`` ({product: qty})
        keeps only those quantities (a partial credit note)."""
        refund = invoice._reverse_moves()
        if quantities is not None:
            for aml in refund.invoice_line_ids.filtered(
                lambda a: a.display_type == "product"
            ):
                if aml.product_id in quantities:
                    aml.quantity = quantities[aml.product_id]
                else:
                    aml.unlink()
        refund.action_post()
        return refund

    @staticmethod
    def _line(invoice, product):
        return invoice.invoice_line_ids.filtered(lambda a: a.product_id == product)

    @classmethod
    def _age_done(cls, job, days):
        """Pretend the job was done ``days`` ago."""
        job.flush_recordset()
        cls.env.cr.execute(
            SQL(
                "UPDATE workshop_job SET done_datetime = %s WHERE id = %s",
                fields.Datetime.now() - timedelta(days=days),
                job.id,
            )
        )
        job.invalidate_recordset()

    def _age_draft(self, invoice, days):
        """Pretend the draft invoice was created ``days`` ago."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE account_move_line SET create_date = %s WHERE move_id = %s",
                fields.Datetime.now() - timedelta(days=days),
                invoice.id,
            )
        )

    # ------------------------------------------------------------------
    # Reading the views
    # ------------------------------------------------------------------
    def _recon(self, job):
        """{product: reconciliation row} of the job."""
        self.env.flush_all()
        # view rows keep their ids: forget what an earlier read cached
        self.env["workshop.leakage.reconciliation"].invalidate_model()
        rows = self.env["workshop.leakage.reconciliation"].search(
            [("job_id", "=", job.id)]
        )
        return {row.product_id: row for row in rows}

    def _leaks(self, domain):
        self.env.flush_all()
        self.env["workshop.leakage.exception"].invalidate_model()
        return self.env["workshop.leakage.exception"].search(domain)

    def _job_leaks(self, job):
        return self._leaks([("job_id", "=", job.id)])


__all__ = ["LeakageCommon", "Command"]
