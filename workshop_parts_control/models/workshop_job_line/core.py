from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, float_is_zero

from odoo.addons.workshop_job_card.models.workshop_job.workshop_job import COORDINATOR

from ...tools.stock_sync import as_stock_sync, is_stock_sync
from ..stock_move.kinds import OPEN_MOVE_STATES


class WorkshopJobLine(models.Model):
    _inherit = "workshop.job.line"  # pylint: disable=consider-merging-classes-inherited

    workshop_core_parent_id = fields.Many2one(
        "workshop.job.line",
        string="Core of",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="cascade",
        help="The part line whose old part (core) this core charge stands for. "
        "The system keeps this line in step with the part.",
    )
    workshop_core_line_ids = fields.One2many(
        "workshop.job.line", "workshop_core_parent_id", string="Core Charge"
    )
    workshop_core_move_ids = fields.One2many(
        "stock.move", "workshop_core_line_id", string="Core Returns", readonly=True
    )
    workshop_core_qty_returned = fields.Float(
        string="Cores Returned",
        compute="_compute_workshop_core_qty_returned",
        store=True,
        digits="Product Unit of Measure",
        help="Cores sent back to the vendor (done core return transfers).",
    )

    def init(self):
        res = super().init()
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS workshop_job_line_core_uniq "
            "ON workshop_job_line (workshop_core_parent_id) "
            "WHERE workshop_core_parent_id IS NOT NULL"
        )
        return res

    @api.depends("workshop_core_move_ids.state", "workshop_core_move_ids.quantity")
    def _compute_workshop_core_qty_returned(self):
        for line in self:
            uom = line.product_uom_id or line.product_id.uom_id
            line.workshop_core_qty_returned = sum(
                m.product_uom._compute_quantity(m.quantity, uom)
                for m in line.workshop_core_move_ids
                if m.state == "done"
            )

    # ------------------------------------------------------------------
    # Core charge lines are system lines
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not is_stock_sync(self.env) and any(
            v.get("workshop_core_parent_id") for v in vals_list
        ):
            raise UserError(_("Core charges are added when the part is issued."))
        return super().create(vals_list)

    def write(self, vals):
        cores = self.filtered("workshop_core_parent_id")
        if cores and not is_stock_sync(self.env):
            if not (self.env.su or self.env.user.has_group(COORDINATOR)):
                raise AccessError(
                    _(
                        "Core charge lines follow the issued part: only the "
                        "office edits them."
                    )
                )
            frozen = {"product_id", "quantity", "product_uom_id", "kind", "job_id"}
            if frozen & set(vals):
                raise UserError(
                    _(
                        "The core charge of %s follows the issued part: return "
                        "the part or the core instead of changing the line.",
                        cores[0].workshop_core_parent_id.product_id.display_name,
                    )
                )
        if "workshop_core_parent_id" in vals and not is_stock_sync(self.env):
            raise UserError(_("Core charges are added when the part is issued."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_core_charge(self):
        if not is_stock_sync(self.env) and self.filtered(
            lambda ln: ln.workshop_core_parent_id
            and ln.workshop_core_parent_id not in self
        ):
            raise UserError(
                _(
                    "A core charge goes when its part is returned to stock, not "
                    "by deleting the line."
                )
            )

    # ------------------------------------------------------------------
    # Sync: part issued / returned, core returned
    # ------------------------------------------------------------------
    def _workshop_core_charge_qty(self):
        """What the customer pays cores for on this part line: the net issued
        parts, less (policy 'credit', before invoicing) cores already sent
        back to the vendor."""
        self.ensure_one()
        core = self.workshop_core_line_ids[:1]
        qty = self.quantity
        if (
            self.company_id.workshop_core_credit_policy == "credit"
            and self.job_id.state != "invoiced"
        ):
            qty -= core.workshop_core_qty_returned
        return max(qty, 0.0)

    def _workshop_sync_cores(self):
        """Keep the core charge line and the core return of each part line
        with a core in step with the parts net issued."""
        lines = self.filtered(
            lambda ln: ln.workshop_is_stock_line
            and ln.product_id.workshop_has_core
            and ln.job_id.state != "invoiced"
        )
        # sudo: the core charge is the system's consequence of a stock move
        # validated by the parts clerk, not a user's edit
        Line = as_stock_sync(self.env["workshop.job.line"].sudo())
        to_create = []
        for line in Line.browse(lines.ids):
            core = line.workshop_core_line_ids[:1]
            qty = line._workshop_core_charge_qty()
            rounding = line.product_uom_id.rounding or 0.001
            if core:
                sent = core.workshop_core_move_ids.filtered(lambda m: m.state == "done")
                if float_is_zero(qty, precision_rounding=rounding) and not (
                    core.invoice_line_ids or sent
                ):
                    core.workshop_core_move_ids.filtered(
                        lambda m: m.state in OPEN_MOVE_STATES
                    )._action_cancel()
                    core.unlink()
                elif float_compare(core.quantity, qty, precision_rounding=rounding):
                    core.quantity = qty
            elif not float_is_zero(qty, precision_rounding=rounding):
                to_create.append(line._workshop_prepare_core_line_vals(qty))
        Line.create(to_create)
        Line.browse(lines.ids).job_id._workshop_sync_core_returns()

    def _workshop_prepare_core_line_vals(self, quantity):
        """Values of the core charge line of this part line. No side effects."""
        self.ensure_one()
        template = self.product_id.product_tmpl_id
        core = template.workshop_core_product_id
        vals = {
            "job_id": self.job_id.id,
            "kind": "part",
            "product_id": core.id,
            "product_uom_id": core.uom_id.id,
            "quantity": quantity,
            "name": _("Core charge: %s", self.product_id.display_name),
            "workshop_core_parent_id": self.id,
            "sequence": self.sequence + 1,
            # a part replaced under warranty carries no core charge either
            "is_warranty": self.is_warranty,
        }
        if template.workshop_core_charge:
            job = self.job_id
            vals["price_unit"] = template.currency_id._convert(
                template.workshop_core_charge,
                job.currency_id,
                job.company_id,
                fields.Date.context_today(self),
            )
        return vals

    def _workshop_core_returned(self):
        """Cores came back to the vendor: with policy 'credit' the charge
        drops before invoicing; after invoicing the coordinator is asked to
        credit it."""
        for core in self.filtered("workshop_core_parent_id"):
            job = core.job_id
            if job.company_id.workshop_core_credit_policy != "credit":
                continue
            if job.state == "invoiced":
                # sudo: the clerk validating the core return may not write the job
                job.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=_("Credit the core charge"),
                    note=_(
                        "The core of %s went back to the vendor after the job "
                        "was invoiced: credit the core charge to the customer.",
                        core.workshop_core_parent_id.product_id.display_name,
                    ),
                    user_id=(job.user_id or self.env.user).id,
                )
        self.workshop_core_parent_id._workshop_sync_cores()
