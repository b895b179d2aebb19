from odoo import api, fields, models

from ..tools.actions import domain_action


class WorkshopAsset(models.Model):
    _name = "workshop.asset"
    _description = "Customer Asset (vehicle or equipment)"
    _inherit = ["mail.thread"]
    _order = "partner_id, name"
    _check_company_auto = True
    _rec_names_search = ["name", "license_plate", "serial_number"]

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Owner",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    asset_kind = fields.Selection(
        [("vehicle", "Vehicle"), ("equipment", "Equipment")],
        default="vehicle",
        required=True,
    )
    serial_number = fields.Char(string="Serial / VIN", index=True, tracking=True)
    license_plate = fields.Char(index=True, tracking=True)
    make = fields.Char()
    model = fields.Char()
    year = fields.Integer()
    meter_value = fields.Float(string="Meter", help="Odometer (km) or running hours.")
    meter_unit = fields.Selection(
        [("km", "km"), ("mi", "mi"), ("h", "hours")], default="km"
    )
    site_partner_id = fields.Many2one(
        "res.partner", string="Location", check_company=True
    )
    note = fields.Html()
    job_ids = fields.One2many("workshop.job", "asset_id", string="Jobs")
    job_count = fields.Integer(compute="_compute_job_count")

    _sql_constraints = [
        (
            "serial_company_uniq",
            "unique(serial_number, company_id)",
            "This serial number / VIN is already registered.",
        ),
    ]

    @api.depends("name", "license_plate", "serial_number")
    def _compute_display_name(self):
        for asset in self:
            extra = asset.license_plate or asset.serial_number
            asset.display_name = f"{asset.name} [{extra}]" if extra else asset.name

    def _compute_job_count(self):
        counts = dict(
            self.env["workshop.job"]._read_group(
                [("asset_id", "in", self.ids)], ["asset_id"], ["__count"]
            )
        )
        for asset in self:
            asset.job_count = counts.get(asset, 0)

    def action_view_jobs(self):
        """Open the jobs done on the asset."""
        self.ensure_one()
        return domain_action(
            self.env,
            "workshop_job_card.workshop_job_action",
            [("asset_id", "=", self.id)],
            context={
                "default_asset_id": self.id,
                "default_partner_id": self.partner_id.id,
            },
        )
