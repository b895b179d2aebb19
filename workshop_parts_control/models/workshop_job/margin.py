from odoo import api, fields, models

from odoo.addons.workshop_job_card.models.workshop_job.workshop_job import MANAGER

# revenue: what the customer pays on the job card
REVENUE_KINDS = ("part", "labour", "travel", "fee")


class WorkshopJob(models.Model):
    _inherit = "workshop.job"  # pylint: disable=consider-merging-classes-inherited

    workshop_revenue = fields.Monetary(
        string="Revenue",
        compute="_compute_workshop_margin",
        compute_sudo=True,
        groups=MANAGER,
        help="Untaxed amount the customer pays: approved billable lines, "
        "warranty lines at zero.",
    )
    workshop_parts_cost = fields.Monetary(
        string="Parts Cost",
        compute="_compute_workshop_margin",
        compute_sudo=True,
        groups=MANAGER,
        help="Parts net issued at their stock valuation (inventory valuation "
        "installed), else at product cost; consigned parts at the vendor's "
        "price.",
    )
    workshop_labour_cost = fields.Monetary(
        string="Labour Cost",
        compute="_compute_workshop_margin",
        compute_sudo=True,
        groups=MANAGER,
        help="Labour hours at the technician's hourly cost (Employees) or the "
        "labour product's cost.",
    )
    workshop_margin = fields.Monetary(
        string="Margin",
        compute="_compute_workshop_margin",
        compute_sudo=True,
        groups=MANAGER,
        help="Revenue − parts cost − labour cost.",
    )
    workshop_margin_percent = fields.Float(
        string="Margin (%)",
        compute="_compute_workshop_margin",
        compute_sudo=True,
        groups=MANAGER,
    )

    # Not stored: the valuation of a done move can still change (landed
    # costs, the inventory valuation module installed later); managers read
    # the figures as they stand. Computed as superuser: a service manager
    # need not hold stock or accounting rights to see the margin (the fields
    # themselves are for service managers only).
    @api.depends(
        "currency_id",
        "line_ids.price_subtotal",
        "line_ids.quantity",
        "line_ids.is_billable",
        "line_ids.approval_state",
    )
    def _compute_workshop_margin(self):
        svl_cost = self._workshop_valued_parts_cost()
        for job in self:
            lines = job.line_ids
            revenue = sum(
                0.0 if line.is_warranty else line.price_subtotal
                for line in lines
                if line.kind in REVENUE_KINDS
                and line.is_billable
                and line.approval_state == "approved"
            )
            parts = job._workshop_to_job_currency(
                sum(
                    line._workshop_parts_cost(svl_cost)
                    for line in lines
                    if line.kind == "part"
                )
            )
            labour = job._workshop_to_job_currency(
                sum(
                    line._workshop_labour_cost()
                    for line in lines
                    if line.kind == "labour"
                )
            )
            job.workshop_revenue = revenue
            job.workshop_parts_cost = parts
            job.workshop_labour_cost = labour
            job.workshop_margin = revenue - parts - labour
            job.workshop_margin_percent = (
                100.0 * job.workshop_margin / revenue if revenue else 0.0
            )

    def _workshop_to_job_currency(self, amount):
        self.ensure_one()
        company = self.company_id
        return company.currency_id._convert(
            amount,
            self.currency_id or company.currency_id,
            company,
            fields.Date.context_today(self),
        )

    @api.model
    def _workshop_stock_valuation_installed(self):
        """Inventory valuation (stock_account) is an optional module: detect
        it at run time rather than depend on it."""
        return "stock.valuation.layer" in self.env

    def _workshop_valued_parts_cost(self):
        """{job line: cost} of the stock part lines of ``self`` from the
        valuation layers of their done moves (issues cost, returns give it
        back); empty when inventory valuation is not installed."""
        if not self._workshop_stock_valuation_installed():
            return {}
        moves = self.line_ids.workshop_move_ids.filtered(lambda m: m.state == "done")
        if not moves:
            return {}
        # sudo: managers read costs; valuation layers need inventory rights
        Layer = self.env["stock.valuation.layer"].sudo()
        groups = Layer._read_group(
            [("stock_move_id", "in", moves.ids)], ["stock_move_id"], ["value:sum"]
        )
        result = {}
        for move, value in groups:
            line = move.workshop_job_line_id
            result[line] = result.get(line, 0.0) - value
        return result
