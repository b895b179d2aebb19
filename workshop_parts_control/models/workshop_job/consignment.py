from collections import defaultdict

from odoo import _, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, float_is_zero

from odoo.addons.workshop_job_card.tools.actions import records_action

# The work is closed: what is on the job now is installed on the asset.
INSTALLED_STATES = ("done", "signed", "invoiced")


class WorkshopJob(models.Model):
    _inherit = "workshop.job"  # pylint: disable=consider-merging-classes-inherited

    workshop_consignment_bill_count = fields.Integer(
        string="Consignment Bills",
        compute="_compute_workshop_consignment_bill_count",
        groups="account.group_account_invoice",
    )

    def _compute_workshop_consignment_bill_count(self):
        for job in self:
            job.workshop_consignment_bill_count = len(job._workshop_consignment_bills())

    def _workshop_consignment_bills(self):
        self.ensure_one()
        return self.line_ids.workshop_consignment_bill_line_ids.move_id

    def action_done(self):
        """Finish the work and bill the consigned parts installed."""
        res = super().action_done()
        self._workshop_sync_consignment_bills()
        return res

    def action_workshop_view_consignment_bills(self):
        """Open the vendor bills that pay the consigned parts of the job."""
        self.ensure_one()
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(_("Only invoicing users open vendor bills."))
        return records_action(
            self._workshop_consignment_bills(), "account.action_move_in_invoice_type"
        )

    # ------------------------------------------------------------------
    # Consignment: the vendor bills what was installed
    # ------------------------------------------------------------------
    def _workshop_sync_consignment_bills(self):
        """Make the vendor bills of consigned parts match what is installed.

        For each stock part line and owner of the closed jobs of ``self``: the
        installed (net issued) consigned quantity minus what live vendor bills
        already pay. More installed: a line is added to the owner's draft
        consignment bill (one per owner and company, created when missing).
        Less (a part returned after the work was closed): draft bill lines
        shrink; what a posted bill already paid becomes an activity for the
        parts clerk to get a vendor credit note. Re-running changes nothing."""
        # sudo: closing a job (a technician) or validating a return (a clerk)
        # keeps the vendor bills right; neither reads or writes bills himself
        jobs = self.sudo().filtered(lambda j: j.state in INSTALLED_STATES)
        lines = jobs.line_ids.filtered("workshop_is_stock_line")
        if not lines:
            return
        jobs._lock_for_invoicing()
        installed = lines._workshop_consigned_by_owner()
        billed = lines._workshop_consignment_billed()
        to_bill = defaultdict(list)
        for line, owner in set(installed) | set(billed):
            rounding = (line.product_uom_id or line.product_id.uom_id).rounding
            delta = installed.get((line, owner), 0.0) - billed.get((line, owner), 0.0)
            if float_is_zero(delta, precision_rounding=rounding):
                continue
            if delta > 0:
                live = line.workshop_consignment_bill_line_ids.filtered(
                    lambda a, o=owner: a.workshop_consignment_owner_id == o
                )
                round_ = max(live.mapped("workshop_consignment_round") or [0]) + 1
                to_bill[line.company_id, owner].append(
                    line._workshop_prepare_consignment_bill_line_vals(
                        owner, delta, round_
                    )
                )
            else:
                line._workshop_reduce_consignment_bill(owner, -delta)
        for (company, owner), vals_list in to_bill.items():
            bill = self._workshop_get_consignment_bill(company, owner)
            bill.write(
                {"invoice_line_ids": [fields.Command.create(v) for v in vals_list]}
            )

    def _workshop_get_consignment_bill(self, company, owner):
        """The owner's draft consignment bill in ``company``, created when
        there is none (vendors are paid in one bill per period, not per job)."""
        self._workshop_lock_consignment_vendor(owner)
        # sudo: whoever closes the job (a technician) prepares the vendor bill
        # as a consequence of stock; nobody gets billing rights from it
        Move = self.env["account.move"].sudo().with_company(company)
        bill = Move.search(
            [
                ("move_type", "=", "in_invoice"),
                ("state", "=", "draft"),
                ("company_id", "=", company.id),
                ("partner_id", "=", owner.id),
                ("line_ids.workshop_consignment_line_id", "!=", False),
            ],
            limit=1,
        )
        return bill or Move.with_context(default_move_type="in_invoice").create(
            self._workshop_prepare_consignment_bill_vals(company, owner)
        )

    def _workshop_lock_consignment_vendor(self, owner):
        """Serialise the search-or-create of ``owner``'s draft consignment bill:
        two jobs of one vendor closed at once must share one bill.

        A ``FOR UPDATE`` lock is not enough under REPEATABLE READ: the second
        transaction would wait, then search with its old snapshot, miss the
        first one's new bill and create another. Writing the vendor's row (a
        no-op update) makes the second one fail with a serialization error
        instead, which Odoo replays against the committed bill."""
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET write_date = write_date WHERE id = %s",
                owner.id,
            )
        )

    def _workshop_prepare_consignment_bill_vals(self, company, owner):
        """Values of a new draft consignment bill. No side effects."""
        return {
            "move_type": "in_invoice",
            "partner_id": owner.id,
            "company_id": company.id,
            "currency_id": company.currency_id.id,
            "invoice_origin": _("Consignment"),
        }
