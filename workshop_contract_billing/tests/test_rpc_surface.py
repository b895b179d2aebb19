from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.workshop_job_card.tests.common import public_methods

from .common import ContractCommon

# Every public method this addon defines, per model: each is an RPC entry point,
# reviewed for its own rights checks (RELIABILITY.md, test 11). init() only builds
# indexes and Odoo refuses it over RPC.
PUBLIC_METHODS = {
    "account.move": {
        "action_view_workshop_contract",
        "button_cancel",
        "button_draft",
        "unlink",
    },
    "workshop.contract": {
        "action_activate",
        "action_check_sla_breaches",
        "action_draft",
        "action_invoice_now",
        "action_renew",
        "action_terminate",
        "action_view_invoices",
        "action_view_jobs",
        "action_view_sla_credits",
        "create",
        "write",
    },
    "workshop.contract.sla.policy": {"action_view_contracts"},
    "workshop.contract.terminate.wizard": {"action_confirm"},
    "workshop.job": {"write", "create"},
}

CONTRACT_ACTIONS = sorted(
    name for name in PUBLIC_METHODS["workshop.contract"] if name.startswith("action_")
)


@tagged("post_install", "-at_install")
class TestContractRpcSurface(ContractCommon):
    def test_every_public_method_is_reviewed(self):
        self.maxDiff = None
        self.assertEqual(
            public_methods(
                "workshop_contract_billing",
                ("models", "wizards", "report"),
                exclude={"init"},
            ),
            PUBLIC_METHODS,
        )

    def test_contract_actions_refuse_portal_and_other_company_users(self):
        contract = self._contract()
        other = self._company("Contracts South Ltd")
        portal = self._user("wc_portal", "portal")
        outsider = self._user(
            "wc_other_manager", "manager", "invoicing", companies=other
        )
        for user in (portal, outsider):
            for name in CONTRACT_ACTIONS:
                with self.subTest(user=user.login, method=name):
                    with self.assertRaises(AccessError):
                        getattr(contract.with_user(user), name)()
        self.assertEqual(contract.state, "active")
        self.assertFalse(contract.invoice_ids)
