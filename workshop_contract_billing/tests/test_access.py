from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ContractCommon


@tagged("post_install", "-at_install")
class TestContractAccess(ContractCommon):
    def test_technician_cannot_read_contracts(self):
        contract = self._contract()
        with self.assertRaises(AccessError):
            contract.with_user(self.technician).read(["name"])

    def test_accountant_invoices_but_cannot_create_contracts(self):
        contract = self._contract()
        contract.with_user(self.accountant).action_invoice_now()
        self.assertTrue(contract.invoice_ids)
        with self.assertRaises(AccessError):
            self.env["workshop.contract"].with_user(self.accountant).create(
                {"partner_id": self.customer.id}
            )

    def test_coordinator_without_billing_rights_cannot_invoice(self):
        contract = self._contract()
        coordinator = self.coordinator
        coordinator.groups_id -= self.env.ref("account.group_account_invoice")
        with self.assertRaises(UserError):
            contract.with_user(coordinator).action_invoice_now()
        self.assertFalse(contract.invoice_ids)

    def test_coordinator_manages_contracts_but_only_managers_delete(self):
        contract = self._contract(activate=False).with_user(self.coordinator)
        contract.action_activate()
        self.assertEqual(contract.state, "active")
        draft = self._contract(activate=False)
        with self.assertRaises(AccessError):
            draft.with_user(self.coordinator).unlink()
        draft.with_user(self.manager).unlink()
        self.assertFalse(draft.exists())

    def test_billed_contract_cannot_be_deleted(self):
        contract = self._contract()
        self._run_cron("2026-01-01")
        with self.assertRaises(UserError):
            contract.with_user(self.manager).unlink()
