from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"  # pylint: disable=consider-merging-classes-inherited

    def _workshop_assign_return_owners(self):
        """Give returned parts the owner they were issued with, so a vendor's
        consigned part comes back to the shelf as the vendor's (and is not
        billed by the vendor). Serial numbers come back to the owner they left
        with; other parts without an owner set by the clerk come back from the
        job's consigned quantity first, then from the company's own."""
        for move in self:
            todo = move.move_line_ids.filtered(lambda ml: not ml.owner_id)
            line = move.workshop_job_id.line_ids.filtered(
                lambda ln, p=move.product_id: ln.workshop_is_stock_line
                and ln.product_id == p
            )
            if not todo or not line.workshop_qty_consigned:
                continue
            issued = line.workshop_move_ids.filtered(
                lambda m: m.state == "done"
            )._workshop_split_by_direction()[0]
            lot_owner = {ml.lot_id: ml.owner_id for ml in issued.move_line_ids}
            balance = {
                owner: qty
                for (_line, owner), qty in line._workshop_consigned_by_owner().items()
                if qty > 0
            }
            for ml in todo:
                if ml.lot_id:
                    ml.owner_id = lot_owner.get(ml.lot_id, False)
                    continue
                ml._workshop_split_by_owner(balance, line.product_uom_id)
