"""The kinds of parts moves a job card makes, and the values of each.

Every parts move belongs to a transfer of the job and goes from the transfer's
source to its destination; where the transfers of each kind go is one table,
:data:`WORKSHOP_MOVE_ROUTES` (read by ``workshop.job._workshop_get_move_route``).
"""

from odoo import api, models

# A parts move still to be done (not done, not cancelled).
OPEN_MOVE_STATES = ("draft", "waiting", "confirmed", "partially_available", "assigned")

# Per kind of parts move, on the job's parts warehouse: the operation type of
# its transfer, and the transfer's source and destination (a field of the
# warehouse, an XML id, or None: the operation type's default location).
WORKSHOP_MOVE_ROUTES = {
    # shelf (or a technician's van) → workshop consumption
    "issue": ("workshop_issue_type_id", None, None),
    # workshop consumption → shelf
    "return": ("workshop_return_type_id", None, None),
    # the customer's old part (the core) → the part's vendor
    "core_return": ("out_type_id", "lot_stock_id", "stock.stock_location_suppliers"),
}


class StockMove(models.Model):
    _inherit = "stock.move"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _workshop_prepare_parts_move_vals(self, picking, product, quantity, uom=None):
        """Values of a move of ``quantity`` ``product`` (in ``uom``, default the
        product's unit) on the job's transfer ``picking``, from its source to
        its destination. No side effects."""
        return {
            "name": product.display_name,
            "picking_id": picking.id,
            "product_id": product.id,
            "product_uom_qty": quantity,
            "product_uom": (uom or product.uom_id).id,
            "location_id": picking.location_id.id,
            "location_dest_id": picking.location_dest_id.id,
            "company_id": picking.company_id.id,
        }

    @api.model
    def _workshop_prepare_issue_move_vals(self, picking, product, quantity, uom=None):
        """Values of a move issuing ``quantity`` ``product`` to the job on its
        parts issue transfer ``picking`` (from the shelf or a van). No side
        effects."""
        return self._workshop_prepare_parts_move_vals(picking, product, quantity, uom)

    @api.model
    def _workshop_prepare_return_move_vals(self, picking, product, quantity, uom=None):
        """Values of a move returning ``quantity`` ``product`` from the job to
        the shelf on its parts return transfer ``picking``. No side effects."""
        return self._workshop_prepare_parts_move_vals(picking, product, quantity, uom)

    @api.model
    def _workshop_prepare_core_return_move_vals(self, picking, core_line, quantity):
        """Values of a move sending ``quantity`` cores of the core charge line
        ``core_line`` back to the vendor on the core return transfer
        ``picking``. No side effects."""
        return dict(
            self._workshop_prepare_parts_move_vals(
                picking, core_line.product_id, quantity, core_line.product_uom_id
            ),
            name=core_line.name,
            workshop_core_line_id=core_line.id,
        )
