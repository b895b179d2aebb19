from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.workshop_job_card.tests.common import public_methods

from .common import PartsCommon

# Every public method this addon defines, per model: each is an RPC entry point,
# reviewed for its own rights checks (RELIABILITY.md, test 11). init() only builds
# indexes and Odoo refuses it over RPC.
PUBLIC_METHODS = {
    "stock.picking": {"write", "action_view_workshop_job", "create"},
    "stock.move": {"write", "create"},
    "stock.quant": {"write", "create"},
    "workshop.job": {
        "action_cancel",
        "action_done",
        "action_workshop_return_parts",
        "action_workshop_van_issue",
        "action_workshop_view_consignment_bills",
        "action_workshop_view_pickings",
        "copy_data",
    },
    "workshop.job.line": {"action_workshop_approve_warranty", "create", "write"},
    "workshop.part.request": {"write", "action_cancel", "create"},
    "workshop.parts.counter": {
        "open_picking",
        "scan",
        "scan_job",
        "set_quantity",
        "validate",
    },
}


@tagged("post_install", "-at_install")
class TestPartsRpcSurface(PartsCommon):
    def test_every_public_method_is_reviewed(self):
        self.maxDiff = None
        found = public_methods("workshop_parts_control", exclude={"init"})
        found.pop("account.move.line", None)  # only init(): indexes
        self.assertEqual(found, PUBLIC_METHODS)

    def test_public_methods_refuse_portal_and_other_company_users(self):
        job = self._open_job()
        self._issue(job, {self.oil: 1})
        request = self._request(job, self.belt, 1)
        picking = job._workshop_get_issue_picking()
        line = self._part_line(job, self.oil)
        before = (picking.state, request.state, line.quantity)
        other = self._company("Parts South Ltd")
        portal = self._user("wp_portal", "portal")
        outsider = self._user("wp_other_clerk", "clerk", "manager", companies=other)
        calls = {
            "action_workshop_return_parts": lambda env: env["workshop.job"]
            .browse(job.id)
            .action_workshop_return_parts(),
            "action_workshop_van_issue": lambda env: env["workshop.job"]
            .browse(job.id)
            .action_workshop_van_issue(self.oil.id, 1.0),
            "action_workshop_view_consignment_bills": lambda env: env["workshop.job"]
            .browse(job.id)
            .action_workshop_view_consignment_bills(),
            "action_workshop_view_pickings": lambda env: env["workshop.job"]
            .browse(job.id)
            .action_workshop_view_pickings(),
            "request.action_cancel": lambda env: env["workshop.part.request"]
            .browse(request.id)
            .action_cancel(),
            "action_workshop_approve_warranty": lambda env: env["workshop.job.line"]
            .browse(line.id)
            .action_workshop_approve_warranty(),
            "action_view_workshop_job": lambda env: env["stock.picking"]
            .browse(picking.id)
            .action_view_workshop_job(),
            "open_picking": lambda env: env["workshop.parts.counter"].open_picking(
                picking.id
            ),
            "scan": lambda env: env["workshop.parts.counter"].scan(
                picking.id, self.belt.barcode
            ),
            "set_quantity": lambda env: env["workshop.parts.counter"].set_quantity(
                picking.id, picking.move_ids[:1].id, 1.0
            ),
            "validate": lambda env: env["workshop.parts.counter"].validate(picking.id),
        }
        for user in (portal, outsider):
            env = self.env(user=user)
            for name, call in calls.items():
                with self.subTest(user=user.login, method=name):
                    with self.assertRaises(AccessError):
                        call(env)
            with self.subTest(user=user.login, method="scan_job"):
                # another company's job card is simply not found at the counter
                with self.assertRaises(UserError):
                    env["workshop.parts.counter"].scan_job(job.barcode)
        self.assertEqual((picking.state, request.state, line.quantity), before)
        self.assertEqual(line.quantity, 1.0)
        # the technician who asked may still withdraw the request
        request.with_user(self.technician).action_cancel()
        self.assertEqual(set(request.sudo().move_ids.mapped("state")), {"cancel"})
