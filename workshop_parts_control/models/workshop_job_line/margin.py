from odoo import models


class WorkshopJobLine(models.Model):
    _inherit = "workshop.job.line"  # pylint: disable=consider-merging-classes-inherited

    def _workshop_parts_cost(self, valued):
        """Cost of this part line in the company's currency: the valuation of
        its own stock (``valued``, from valuation layers) or its product cost,
        plus consigned units at the vendor's price."""
        self.ensure_one()
        product = self.product_id.with_company(self.company_id)
        if not product:
            # a line being typed in the form has no product yet
            return 0.0
        uom = self.product_uom_id or product.uom_id
        qty = self.quantity
        cost = 0.0
        if self.workshop_is_stock_line and self.workshop_qty_consigned:
            by_owner = self._workshop_consigned_by_owner()
            for (_line, owner), units in by_owner.items():
                cost += units * self._workshop_consignment_price(owner, units)
            qty -= self.workshop_qty_consigned
        if self.workshop_is_stock_line and self in valued:
            return cost + valued[self]
        return cost + qty * product.uom_id._compute_price(product.standard_price, uom)

    def _workshop_labour_cost(self):
        """Cost of this labour line: its hours at the technician's hourly cost
        when Employees (hr_hourly_cost) knows one, else at the cost of the
        labour product."""
        self.ensure_one()
        hourly = self._workshop_technician_hourly_cost()
        hour = self.env.ref("uom.product_uom_hour")
        uom = self.product_uom_id or self.product_id.uom_id
        hours = self.quantity
        if uom and uom.category_id == hour.category_id:
            hours = uom._compute_quantity(self.quantity, hour)
        if hourly:
            return hours * hourly
        product = self.product_id or self.company_id.workshop_labour_product_id
        if not product:
            return 0.0
        product = product.with_company(self.company_id)
        return self.quantity * product.uom_id._compute_price(
            product.standard_price, uom
        )

    def _workshop_technician_hourly_cost(self):
        """The hourly cost of the line's technician in the line's company from
        Employees (hr_hourly_cost, an optional module detected at run time);
        0 when unknown."""
        self.ensure_one()
        user = self.technician_id
        Employee = self.env.get("hr.employee")
        if not user or Employee is None or "hourly_cost" not in Employee._fields:
            return 0.0
        # sudo: costs of employees are read for the manager's margin only
        employee = (
            user.sudo()
            .with_company(self.company_id)
            .employee_ids.filtered(lambda e: e.company_id == self.company_id)[:1]
        )
        return employee.hourly_cost
