from odoo import _, models
from odoo.tools import float_compare, float_is_zero

from ..stock_move.kinds import OPEN_MOVE_STATES


class WorkshopJob(models.Model):
    _inherit = "workshop.job"  # pylint: disable=consider-merging-classes-inherited

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for job, vals in zip(self, vals_list, strict=False):
            # the core charge follows the part issued to the original job: the
            # copy gets its own when its part is issued
            cores = {
                (line.product_id.id, line.name)
                for line in job.line_ids.filtered("workshop_core_parent_id")
            }
            if cores and vals.get("line_ids"):
                vals["line_ids"] = [
                    cmd
                    for cmd in vals["line_ids"]
                    if not (
                        cmd[0] == 0
                        and (cmd[2].get("product_id"), cmd[2].get("name")) in cores
                    )
                ]
        return vals_list

    def _workshop_sync_core_returns(self):
        """Prepare (or shrink) each job's transfer returning cores to the
        vendor: what is still to go back is the core charge's parts net
        issued less the cores already returned."""
        for job in self:
            for core in job.line_ids.filtered("workshop_core_parent_id"):
                part = core.workshop_core_parent_id
                todo = max(part.quantity - core.workshop_core_qty_returned, 0.0)
                open_moves = core.workshop_core_move_ids.filtered(
                    lambda m: m.state in OPEN_MOVE_STATES
                )
                rounding = core.product_uom_id.rounding or 0.001
                if open_moves:
                    if float_is_zero(todo, precision_rounding=rounding):
                        open_moves._action_cancel()
                    elif float_compare(
                        sum(open_moves.mapped("product_uom_qty")),
                        todo,
                        precision_rounding=rounding,
                    ):
                        open_moves[1:]._action_cancel()
                        open_moves[0].product_uom_qty = todo
                elif not float_is_zero(todo, precision_rounding=rounding):
                    job._workshop_create_core_return(core, todo)

    def _workshop_create_core_return(self, core, quantity):
        """An outgoing transfer of ``quantity`` cores to the part's main
        vendor, and an activity for the parts clerks to send it."""
        self.ensure_one()
        part = core.workshop_core_parent_id.product_id
        # the main vendor: the first of the part's vendors (by sequence) that
        # sells to the job's company
        vendor = (
            part._prepare_sellers()
            .filtered(lambda s: not s.company_id or s.company_id == self.company_id)[:1]
            .partner_id
        )
        ptype, src, dest = self._workshop_get_move_route("core_return")
        vals = dict(
            self._workshop_prepare_picking_vals(ptype, src, dest),
            partner_id=vendor.id,
            origin=_("%s (cores)", self.name),
        )
        # sudo: the core return follows the issue validated by the clerk
        picking = self.env["stock.picking"].sudo().create(vals)
        Move = self.env["stock.move"].sudo()
        Move.create(
            Move._workshop_prepare_core_return_move_vals(picking, core, quantity)
        )
        picking.action_confirm()
        note = _(
            "Send the core of %(part)s back to %(vendor)s with %(picking)s.",
            part=part.display_name,
            vendor=vendor.display_name or _("the vendor (set one on the transfer)"),
            picking=picking.name,
        )
        for user in self._workshop_activity_users():
            # sudo: the clerk validating the issue may not write the job
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Return the core to the vendor"),
                note=note,
                user_id=user.id,
            )
        return picking
