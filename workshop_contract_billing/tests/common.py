"""Shared fixtures for workshop_contract_billing tests."""

from odoo import Command, fields

from odoo.addons.workshop_job_card.tests.common import WorkshopCommon


class ContractCommon(WorkshopCommon):
    """WorkshopCommon plus contract products and three covered assets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.fee = Product.create(
            {
                "name": "Maintenance plan (monthly fee)",
                "type": "service",
                "list_price": 100.0,
                "taxes_id": [Command.set(cls.tax_15.ids)],
            }
        )
        cls.asset_fee = Product.create(
            {
                "name": "Fleet care per vehicle",
                "type": "service",
                "list_price": 50.0,
                "taxes_id": [Command.set(cls.tax_15.ids)],
            }
        )
        cls.assets = cls.env["workshop.asset"].create(
            [{"name": f"Van {i}", "partner_id": cls.customer.id} for i in range(1, 4)]
        )

    @classmethod
    def _contract(cls, lines=None, activate=True, **vals):
        """A contract for the customer; ``lines`` are dicts of line values (a
        100.00 monthly fixed fee by default)."""
        values = {
            "partner_id": cls.customer.id,
            "client_order_ref": "PO-C-1",
            "date_start": fields.Date.to_date("2026-01-01"),
            "line_ids": [
                Command.create(line) for line in (lines or [{"product_id": cls.fee.id}])
            ],
        }
        values.update(vals)
        contract = cls.env["workshop.contract"].create(values)
        if activate:
            contract.action_activate()
        return contract

    def _run_cron(self, day):
        """Run the billing cron as of ``day``; return the invoices it created."""
        Move = self.env["account.move"]
        before = Move.search([("workshop_contract_id", "!=", False)])
        self.env["workshop.contract"].with_context(
            workshop_contract_no_commit=True
        )._cron_recurring_invoice(date_ref=fields.Date.to_date(day))
        return Move.search([("workshop_contract_id", "!=", False)]) - before

    @staticmethod
    def _d(day):
        return fields.Date.to_date(day)
