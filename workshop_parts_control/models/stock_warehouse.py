from odoo import _, fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    workshop_consumption_location_id = fields.Many2one(
        "stock.location",
        string="Workshop Consumption Location",
        check_company=True,
        copy=False,
    )
    workshop_issue_type_id = fields.Many2one(
        "stock.picking.type",
        string="Parts Issue Type",
        check_company=True,
        copy=False,
    )
    workshop_return_type_id = fields.Many2one(
        "stock.picking.type",
        string="Parts Return Type",
        check_company=True,
        copy=False,
    )

    def _get_locations_values(self, vals, code=False):
        values = super()._get_locations_values(vals, code=code)
        values["workshop_consumption_location_id"] = {
            "name": _("Workshop Consumption"),
            "active": True,
            # not stock any more: the parts are on (or in) the customer's asset
            "usage": "production",
            "workshop_is_consumption": True,
        }
        return values

    def _get_sequence_values(self, name=False, code=False):
        values = super()._get_sequence_values(name=name, code=code)
        name = name or self.name
        code = code or self.code
        for field, default_code, label in (
            ("workshop_issue_type_id", "PI", _("%s Sequence parts issue")),
            ("workshop_return_type_id", "PR", _("%s Sequence parts return")),
        ):
            values[field] = {
                "name": label % name,
                "prefix": f"{code}/{self[field].sequence_code or default_code}/",
                "padding": 5,
                "company_id": self.company_id.id,
            }
        return values

    def _get_picking_type_create_values(self, max_sequence):
        data, next_sequence = super()._get_picking_type_create_values(max_sequence)
        consumption = self.workshop_consumption_location_id
        common = {
            "code": "internal",
            "company_id": self.company_id.id,
            "use_create_lots": False,
            "use_existing_lots": True,
        }
        data["workshop_issue_type_id"] = dict(
            common,
            name=_("Parts Issue"),
            workshop_operation="issue",
            # what is not counted stays requested
            create_backorder="always",
            default_location_src_id=self.lot_stock_id.id,
            default_location_dest_id=consumption.id,
            sequence=next_sequence + 1,
            sequence_code="PI",
        )
        data["workshop_return_type_id"] = dict(
            common,
            name=_("Parts Return"),
            workshop_operation="return",
            # what does not come back was used on the job
            create_backorder="never",
            default_location_src_id=consumption.id,
            default_location_dest_id=self.lot_stock_id.id,
            sequence=next_sequence + 2,
            sequence_code="PR",
        )
        return data, next_sequence + 3

    def _get_picking_type_update_values(self):
        data = super()._get_picking_type_update_values()
        code = self.code.replace(" ", "").upper()
        data["workshop_issue_type_id"] = {"active": self.active, "barcode": code + "PI"}
        data["workshop_return_type_id"] = {
            "active": self.active,
            "barcode": code + "PR",
        }
        return data

    def _workshop_create_missing_parts_data(self):
        """Create the consumption location and the issue / return types of
        warehouses created before this addon was installed."""
        for warehouse in self:
            if not warehouse.workshop_consumption_location_id:
                warehouse._create_missing_locations({})
            if not (
                warehouse.workshop_issue_type_id and warehouse.workshop_return_type_id
            ):
                vals = warehouse._create_or_update_sequences_and_picking_types()
                if vals:
                    warehouse.write(vals)
