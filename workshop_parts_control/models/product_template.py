from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    workshop_has_core = fields.Boolean(
        string="Has a Core",
        help="The old part (the core) goes back to the supplier: issuing this part "
        "to a job adds a core charge line to the job and a return of the core to "
        "the vendor.",
    )
    workshop_core_product_id = fields.Many2one(
        "product.product",
        string="Core Product",
        domain="[('type', '=', 'consu'), ('is_storable', '=', False)]",
        check_company=True,
        help="What is billed as the core charge and returned to the vendor: a "
        "non-stock goods product (the core is the customer's old part, not stock).",
    )
    workshop_core_charge = fields.Monetary(
        string="Core Charge",
        currency_field="currency_id",
        help="Price of the core charge line per unit issued; empty: the core "
        "product's sales price.",
    )

    @api.constrains("workshop_has_core", "workshop_core_product_id")
    def _check_workshop_core(self):
        for template in self.filtered("workshop_has_core"):
            core = template.workshop_core_product_id
            if not core:
                raise ValidationError(
                    _(
                        "%s has a core: set the core product that is billed and "
                        "returned to the vendor.",
                        template.display_name,
                    )
                )
            if core.is_storable or core.type != "consu":
                raise ValidationError(
                    _(
                        "The core product %s must be goods without stock tracking: "
                        "the core is the customer's old part, it is not on the shelf.",
                        core.display_name,
                    )
                )
            if core.product_tmpl_id == template:
                raise ValidationError(
                    _("The core product of %s cannot be the part itself.")
                    % template.display_name
                )
