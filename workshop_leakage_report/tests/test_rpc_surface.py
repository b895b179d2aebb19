from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.workshop_job_card.tests.common import public_methods

from .common import LeakageCommon

# Every public method this addon defines, per model (init is private for RPC).
PUBLIC_METHODS = {
    # ORM write overrides (mark the stored leakage facts), Odoo's checks apply
    "product.template": {"write"},
    "res.company": {"write"},
    "stock.location": {"write"},
    "uom.uom": {"write"},
    "workshop.leakage.run": {"action_run_now", "action_open_exceptions"},
    # create / write: an overview only of the user's own companies
    "workshop.leakage.dashboard": {
        "create",
        "write",
        "action_open_exceptions",
        "action_export_xlsx",
        # each figure's list (the records behind it, under the user's rules)
        "action_open_jobs_done",
        "action_open_jobs_leaking",
        "action_open_billing_lag",
        "action_open_jobs_logged",
        "action_open_margin",
        "action_open_contract_revenue",
        "action_open_contract_cost",
        "action_open_sla",
    },
}


@tagged("post_install", "-at_install")
class TestRpcSurface(LeakageCommon):
    def test_every_public_method_is_reviewed(self):
        self.assertEqual(
            # init() only builds the SQL views; Odoo refuses it over RPC
            public_methods(
                "workshop_leakage_report", ("models", "report"), exclude={"init"}
            ),
            PUBLIC_METHODS,
        )

    def test_public_methods_refuse_portal_and_other_company_users(self):
        run = self.env["workshop.leakage.run"]._run_for_company(self.company)
        board = self.env["workshop.leakage.dashboard"].create({})
        portal = self._user("ws_portal", "portal")
        _other, outsider = self._other_company_manager("ws_other_mgr")
        for user in (portal, outsider):
            with self.assertRaises(AccessError):
                run.with_user(user).action_open_exceptions()
            with self.assertRaises(AccessError):
                board.with_user(user).action_export_xlsx()
            for method in sorted(PUBLIC_METHODS["workshop.leakage.dashboard"]):
                if not method.startswith("action_open_"):
                    continue
                with self.assertRaises(AccessError):
                    getattr(board.with_user(user), method)()
        with self.assertRaises(AccessError):
            self.env["workshop.leakage.run"].with_user(portal).action_run_now()
