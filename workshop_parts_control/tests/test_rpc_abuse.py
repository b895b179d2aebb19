"""What the screens forbid around parts, tried over real XML-RPC by the lowest
roles (RELIABILITY.md, test 14): each attempt is refused and changes nothing in
the database, whatever context the caller sends."""

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL

from odoo.addons.workshop_job_card.tests.common import RpcCallsMixin, _report

from .common import PartsCommon

STOCK_SYNC = "workshop_parts_control.stock_sync"
TEMPLATE_TO_REQUEST = "workshop_parts_control.template_to_request"
# every context key this addon read as a switch, and JSON-built look-alikes of
# the privileges that replaced them
FORMER_KEYS = {
    "workshop_template_to_request": True,
    "workshop_stock_sync": True,
    "workshop_transition": True,
    "workshop_grant": [STOCK_SYNC, TEMPLATE_TO_REQUEST],
}

# what an attempt could change: every row of the tables parts live in
SNAPSHOT_QUERIES = {
    "job lines": "SELECT id, job_id, kind, product_id, quantity, workshop_qty_issued, "
    "workshop_qty_returned, workshop_is_stock_line, workshop_warranty_state, "
    "workshop_core_parent_id FROM workshop_job_line ORDER BY id",
    "requests": "SELECT id, job_id, product_id, product_uom_qty, state, qty_issued, "
    "requested_by_id, company_id FROM workshop_part_request ORDER BY id",
    "pickings": "SELECT id, state, workshop_job_id, picking_type_id, location_id "
    "FROM stock_picking ORDER BY id",
    "moves": "SELECT id, state, product_id, product_uom_qty, quantity, picked, "
    "workshop_job_id, workshop_job_line_id, workshop_request_id, picking_id "
    "FROM stock_move ORDER BY id",
    "move lines": "SELECT id, move_id, lot_id, quantity FROM stock_move_line "
    "ORDER BY id",
    "quants": "SELECT product_id, location_id, lot_id, SUM(quantity) FROM stock_quant "
    "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
}


@tagged("post_install", "-at_install")
class TestPartsRpcAbuse(RpcCallsMixin, PartsCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.coordinator_nobill = cls._user(
            "wp_coord_nobill", "coordinator", name="Cody Coordinator"
        )
        # the technician's van, with a serial-tracked part of its own
        cls.van = cls._van()
        cls.starter = cls._part("Starter motor", tracking="serial")
        cls.starter_lot = cls.env["stock.lot"].create(
            {"name": "ST-SN-1", "product_id": cls.starter.id}
        )
        cls.old_part = cls._part("Discontinued hose", 5, cls.van)
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.belt, cls.van, 5)
        Quant._update_available_quantity(
            cls.starter, cls.van, 1, lot_id=cls.starter_lot
        )
        cls.old_part.active = False
        # jobs of the technician: open with parts, open, done, signed
        cls.job = cls._open_job()
        cls.job2 = cls._open_job()
        cls.done_job = cls._open_job(resolution="<p>Done.</p>")
        cls.signed_job = cls._open_job(resolution="<p>Signed.</p>")
        cls.other = cls._company("Parts South Ltd")
        cls.other_user = cls._user(
            "wp_south_coord", "clerk", "coordinator", companies=cls.other
        )
        cls.tried = cls.changed = 0

    def setUp(self):
        super().setUp()
        self._issue(self.job, {self.oil: 2})
        self.line = self._part_line(self.job, self.oil)
        self.request = self._request(self.job, self.belt, 1)
        self.open_picking = self.job._workshop_get_issue_picking()
        self._issue(self.done_job, {self.oil: 1})
        # an issue transfer opened (empty) while the work was open...
        self.done_picking = self.done_job._workshop_get_issue_picking(create=True)
        self.done_job.action_done()
        self.signed_job.action_done()
        self.signed_job.action_sign(signature=self._signature(), signed_by="Sam")
        # ...and a part put on it afterwards, ready to be validated
        move = self.env["stock.move"].create(
            dict(
                self.env["stock.move"]._workshop_prepare_issue_move_vals(
                    self.done_picking, self.belt, 0.0
                ),
                product_uom_qty=1,
            )
        )
        move._action_confirm()
        move.write({"quantity": 1, "picked": True})

    @classmethod
    def tearDownClass(cls):
        _report(
            f"workshop_parts_control RPC abuse: {cls.tried} attempts tried, "
            f"{cls.changed} changed something"
        )
        super().tearDownClass()

    # ------------------------------------------------------------------
    def _snapshot(self):
        self.env.flush_all()
        result = {}
        for name, query in SNAPSHOT_QUERIES.items():
            self.env.cr.execute(SQL(query))
            result[name] = self.env.cr.fetchall()
        return result

    def _attempts(self, attempts):
        """Run ``(refusal, user, model, method, args, kwargs)`` attempts: each is
        refused with ``refusal`` and the database reads the same afterwards."""
        for refusal, user, model, method, args, kwargs in attempts:
            with self.subTest(user=user.login, model=model, method=method, args=args):
                before = self._snapshot()
                type(self).tried += 1
                try:
                    self.assertRpcRefused(refusal, user, model, method, *args, **kwargs)
                finally:
                    after = self._snapshot()
                    if after != before:
                        type(self).changed += 1
                changes = {
                    k: (before[k], after[k]) for k in after if after[k] != before[k]
                }
                self.assertFalse(changes, f"{model}.{method} as {user.login}")

    def _new_part_line_vals(self, job, product, qty=3):
        return {
            "job_id": job.id,
            "kind": "part",
            "product_id": product.id,
            "quantity": qty,
        }

    # ------------------------------------------------------------------
    # 1. no context key opens a door
    # ------------------------------------------------------------------
    def test_former_context_keys_change_nothing(self):
        tech, coord = self.technician, self.coordinator_nobill
        line_vals = self._new_part_line_vals(self.job, self.belt)
        self._attempts(
            [
                # the template's door: a hand-typed part became a request
                ("user", tech, "workshop.job.line", "create", [line_vals],
                 {"context": {"workshop_template_to_request": True}}),
                ("user", coord, "workshop.job.line", "create", [line_vals],
                 {"context": FORMER_KEYS}),
                ("user", coord, "workshop.job", "write",
                 [self.job.ids, {"line_ids": [Command.create(line_vals)]}],
                 {"context": FORMER_KEYS}),
                # the stock door
                ("user", coord, "workshop.job.line", "write",
                 [self.line.ids, {"quantity": 9}], {"context": FORMER_KEYS}),
                ("user", self.clerk, "stock.quant", "create",
                 [{"product_id": self.oil.id, "location_id": self.consumption.id,
                   "quantity": 5}], {"context": FORMER_KEYS}),
            ]
        )  # fmt: skip

    # ------------------------------------------------------------------
    # 2. part quantities come from stock moves only
    # ------------------------------------------------------------------
    def test_part_quantities_cannot_be_written_by_hand(self):
        tech, coord, acc = self.technician, self.coordinator_nobill, self.accountant
        Line = "workshop.job.line"
        labour = self.done_job.line_ids.filtered(lambda ln: ln.kind == "labour")
        issued_move = self.line.workshop_move_ids
        Move = self.env["stock.move"]
        self._attempts(
            [
                ("user", coord, Line, "write", [self.line.ids, {"quantity": 10}], {}),
                ("user", coord, Line, "write",
                 [self.line.ids, {"workshop_qty_issued": 10}], {}),
                ("user", acc, Line, "write",
                 [self.line.ids, {"workshop_qty_returned": 2}], {}),
                ("user", acc, Line, "write", [self.line.ids, {"quantity": 0}], {}),
                ("user", tech, Line, "write",
                 [self.line.ids, {"workshop_qty_issued": 7}], {}),
                ("user", coord, Line, "write",
                 [self.line.ids, {"workshop_is_stock_line": False}], {}),
                ("user", coord, Line, "write",
                 [self.line.ids, {"workshop_move_ids": [Command.clear()]}], {}),
                ("user", coord, Line, "create",
                 [dict(self._new_part_line_vals(self.job, self.part_filter),
                       workshop_qty_issued=4)], {}),
                # a clerk re-links an issued move to another job's line
                ("user", self.clerk, "stock.move", "write",
                 [issued_move.ids, {"workshop_job_line_id": labour.id}], {}),
                ("user", self.clerk, "stock.move", "create",
                 [dict(Move._workshop_prepare_issue_move_vals(
                     self.open_picking, self.oil, 0.0),
                     workshop_job_line_id=labour.id)],
                 {}),
                # requests: what stock and the author decide
                ("user", tech, "workshop.part.request", "write",
                 [self.request.ids, {"qty_issued": 1, "state": "issued"}], {}),
                ("user", tech, "workshop.part.request", "write",
                 [self.request.ids, {"requested_by_id": self.technician2.id}], {}),
                ("user", tech, "workshop.part.request", "write",
                 [self.request.ids, {"job_id": self.job2.id}], {}),
            ]
        )  # fmt: skip
        self.assertEqual(self.line.quantity, 2)

    # ------------------------------------------------------------------
    # 3. van issues: bad input refused with a clear message
    # ------------------------------------------------------------------
    def test_van_issue_bad_input_refused(self):
        tech, job = self.technician, self.job
        issue = "action_workshop_van_issue"

        def van(*args):
            return ("user", tech, "workshop.job", issue, [job.ids, *args], {})

        self._attempts(
            [
                van(self.belt.id, 0),
                van(self.belt.id, -2),
                van(self.belt.id, "abc"),
                van(self.old_part.id, 1),
                van(self.labour.id, 1),
                van(999999, 1),
                van(self.alternator.id, 1, self.starter_lot.id),
                van(self.belt.id, 1, self.starter_lot.id),
                van(self.starter.id, 1),
                van(self.starter.id, 2, self.starter_lot.id),
            ]
        )
        # good input still goes through
        self.rpc(tech, "workshop.job", issue, job.ids, self.starter.id, 1,
                 self.starter_lot.id)  # fmt: skip
        self.assertEqual(self._part_line(job, self.starter).quantity, 1)

    # ------------------------------------------------------------------
    # 4. no parts issued to finished work
    # ------------------------------------------------------------------
    def test_no_issue_to_a_done_or_signed_job(self):
        tech, clerk = self.technician, self.clerk
        counter = "workshop.parts.counter"
        ptype = self.warehouse.workshop_issue_type_id
        self._attempts(
            [
                ("user", tech, "workshop.job", "action_workshop_van_issue",
                 [self.done_job.ids, self.belt.id, 1], {}),
                ("user", tech, "workshop.job", "action_workshop_van_issue",
                 [self.signed_job.ids, self.belt.id, 1], {}),
                ("user", tech, "workshop.part.request", "create",
                 [{"job_id": self.done_job.id, "product_id": self.oil.id}], {}),
                ("user", clerk, counter, "scan_job", [self.signed_job.barcode], {}),
                ("user", clerk, counter, "scan",
                 [self.done_picking.id, self.oil.barcode], {}),
                ("user", clerk, counter, "validate", [self.done_picking.id], {}),
                ("user", clerk, "stock.picking", "button_validate",
                 [self.done_picking.ids], {}),
                ("user", clerk, "stock.picking", "create",
                 [self.signed_job._workshop_prepare_picking_vals(ptype)], {}),
            ]
        )  # fmt: skip
        # returns from finished (not invoiced) work stay allowed
        action = self.rpc(
            clerk, "workshop.job", "action_workshop_return_parts", self.done_job.ids
        )
        self._validate(self.env["stock.picking"].browse(action["res_id"]))
        self.assertEqual(self._part_line(self.done_job, self.oil).quantity, 0)

    # ------------------------------------------------------------------
    # 5. other roles and other companies
    # ------------------------------------------------------------------
    def test_other_company_and_other_roles_refused(self):
        south, acc = self.other_user, self.accountant
        Request = "workshop.part.request"
        self._attempts(
            [
                ("access", south, Request, "write",
                 [self.request.ids, {"product_uom_qty": 3}], {}),
                ("access", south, Request, "action_cancel", [self.request.ids], {}),
                ("access", south, Request, "unlink", [self.request.ids], {}),
                ("access", south, Request, "create",
                 [{"job_id": self.job.id, "product_id": self.oil.id}], {}),
                ("access", acc, Request, "create",
                 [{"job_id": self.job.id, "product_id": self.oil.id}], {}),
                ("access", acc, "workshop.job", "action_workshop_van_issue",
                 [self.job.ids, self.belt.id, 1], {}),
                ("access", acc, "workshop.job.line", "action_workshop_approve_warranty",
                 [self.line.ids], {}),
                ("access", self.coordinator_nobill, "workshop.job.line",
                 "action_workshop_approve_warranty", [self.line.ids], {}),
                ("access", self.technician2, "workshop.job",
                 "action_workshop_van_issue", [self.job.ids, self.belt.id, 1], {}),
            ]
        )  # fmt: skip
