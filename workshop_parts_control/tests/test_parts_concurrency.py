"""Concurrent issues on committed data: two cursors, as two workers would.

Each test commits its fixtures through its own cursors and removes them at
the end (pattern of odoo/addons/base/tests/test_ir_cron.py)."""

import uuid

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import SQL

CONFLICT = (psycopg2.errors.SerializationFailure, psycopg2.IntegrityError, UserError)


@tagged("post_install", "-at_install")
class TestPartsConcurrency(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    def setUp(self):
        super().setUp()
        self.tag = uuid.uuid4().hex[:8]
        self.job_ids, self.product_ids = [], []
        self.addCleanup(self._cleanup)

    # ------------------------------------------------------------------
    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def _fixtures(self, on_hand, jobs=1):
        """Commit a stock part with ``on_hand`` units and ``jobs`` jobs on site."""
        with self.registry.cursor() as cr:
            env = self._env(cr)
            company = env.company
            company.workshop_strict_parts_control = True
            company.workshop_negative_stock = "block"
            wh = env["stock.warehouse"].search(
                [("company_id", "=", company.id)], limit=1
            )
            product = env["product.product"].create(
                {
                    "name": f"Race part {self.tag}",
                    "type": "consu",
                    "is_storable": True,
                    "list_price": 10,
                }
            )
            env["stock.quant"]._update_available_quantity(
                product, wh.lot_stock_id, on_hand
            )
            partner = env["res.partner"].create({"name": f"Race customer {self.tag}"})
            labour = env.ref("workshop_job_card.product_labour_hour")
            records = env["workshop.job"]
            for _i in range(jobs):
                job = env["workshop.job"].create(
                    {
                        "partner_id": partner.id,
                        "technician_ids": [(6, 0, env.ref("base.user_admin").ids)],
                        "scheduled_datetime": "2026-11-20 08:00:00",
                        "line_ids": [
                            (0, 0, {"kind": "labour", "product_id": labour.id})
                        ],
                    }
                )
                job.action_schedule()
                job.action_dispatch()
                job.action_arrive()
                records |= job
            self.job_ids += records.ids
            self.product_ids.append(product.id)
            cr.commit()  # pylint: disable=invalid-commit
            return wh.id, product.id, records.ids, partner.id

    def _new_issue(self, env, job_id, product_id, qty):
        job = env["workshop.job"].browse(job_id)
        ptype = job.workshop_warehouse_id.workshop_issue_type_id
        vals = job._workshop_prepare_picking_vals(ptype)
        vals["move_ids"] = [
            (
                0,
                0,
                {
                    "name": "race",
                    "product_id": product_id,
                    "product_uom_qty": qty,
                    "product_uom": env.ref("uom.product_uom_unit").id,
                    "location_id": vals["location_id"],
                    "location_dest_id": vals["location_dest_id"],
                },
            )
        ]
        picking = env["stock.picking"].create(vals)
        picking.action_confirm()
        return picking.id

    def _validate(self, env, picking_id):
        picking = env["stock.picking"].browse(picking_id)
        picking.move_ids.quantity = picking.move_ids.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
        env.flush_all()

    def _race(self, picking_ids):
        """Both cursors take their snapshot, the first validates and commits,
        then the second validates: it must fail (Odoo replays it over RPC)."""
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            cr1.execute("SELECT 1")
            cr2.execute("SELECT 1")
            self._validate(self._env(cr1), picking_ids[0])
            cr1.commit()  # pylint: disable=invalid-commit
            with self.assertRaises(CONFLICT):
                self._validate(self._env(cr2), picking_ids[1])
            cr2.rollback()

    def _stock_truth(self, env, job_id, product_id):
        """(sum of the job's part lines, net done moves) for the product."""
        job = env["workshop.job"].browse(job_id)
        lines = job.line_ids.filtered(lambda ln: ln.product_id.id == product_id)
        moves = env["stock.move"].search(
            [
                ("workshop_job_id", "=", job_id),
                ("product_id", "=", product_id),
                ("state", "=", "done"),
            ]
        )
        net = sum(
            m.quantity if m.location_dest_id.workshop_is_consumption else -m.quantity
            for m in moves
        )
        return sum(lines.mapped("quantity")), net

    # ------------------------------------------------------------------
    def test_two_issues_on_one_job_validated_at_once(self):
        _wh, product_id, (job_id,), _p = self._fixtures(on_hand=10)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            pickings = [self._new_issue(env, job_id, product_id, q) for q in (2, 3)]
            cr.commit()  # pylint: disable=invalid-commit
        self._race(pickings)
        # the loser is replayed (as Odoo's RPC layer does) on fresh data
        with self.registry.cursor() as cr:
            self._validate(self._env(cr), pickings[1])
            cr.commit()  # pylint: disable=invalid-commit
        with self.registry.cursor() as cr:
            env = self._env(cr)
            on_job, net = self._stock_truth(env, job_id, product_id)
            self.assertEqual((on_job, net), (5, 5))
            job = env["workshop.job"].browse(job_id)
            self.assertEqual(len(job.line_ids.filtered("workshop_is_stock_line")), 1)

    def test_last_unit_two_jobs_never_negative(self):
        wh_id, product_id, job_ids, _p = self._fixtures(on_hand=1, jobs=2)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            pickings = [self._new_issue(env, j, product_id, 1) for j in job_ids]
            cr.commit()  # pylint: disable=invalid-commit
        self._race(pickings)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            with self.assertRaisesRegex(UserError, "Not enough"):
                self._validate(env, pickings[1])
            cr.rollback()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            stock = env["stock.warehouse"].browse(wh_id).lot_stock_id
            quants = env["stock.quant"].search(
                [("product_id", "=", product_id), ("location_id", "=", stock.id)]
            )
            self.assertEqual(sum(quants.mapped("quantity")), 0)
            self.assertTrue(all(q.quantity >= 0 for q in quants))
            self.assertEqual(self._stock_truth(env, job_ids[0], product_id), (1, 1))
            self.assertEqual(self._stock_truth(env, job_ids[1], product_id), (0, 0))

    def test_two_jobs_of_one_vendor_closed_at_once_share_one_draft_bill(self):
        wh_id, product_id, job_ids, _p = self._fixtures(on_hand=1, jobs=2)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            # only the vendor's parts on the shelf
            cr.execute(SQL("DELETE FROM stock_quant WHERE product_id = %s", product_id))
            # the cleanup removes partners named after the race's customer
            vendor = env["res.partner"].create(
                {"name": f"Race customer {self.tag} (vendor)"}
            )
            stock = env["stock.warehouse"].browse(wh_id).lot_stock_id
            env["stock.quant"]._update_available_quantity(
                env["product.product"].browse(product_id), stock, 2, owner_id=vendor
            )
            for job_id in job_ids:
                self._validate(env, self._new_issue(env, job_id, product_id, 1))
            env["workshop.job"].browse(job_ids).resolution = "<p>Fitted.</p>"
            cr.commit()  # pylint: disable=invalid-commit
            vendor_id = vendor.id

        def close(env, job_id):
            env["workshop.job"].browse(job_id).action_done()
            env.flush_all()

        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            cr1.execute("SELECT 1")
            cr2.execute("SELECT 1")
            close(self._env(cr1), job_ids[0])
            cr1.commit()  # pylint: disable=invalid-commit
            with self.assertRaises(CONFLICT):
                close(self._env(cr2), job_ids[1])
            cr2.rollback()
        # the loser is replayed (as Odoo's RPC layer does) on fresh data
        with self.registry.cursor() as cr:
            close(self._env(cr), job_ids[1])
            cr.commit()  # pylint: disable=invalid-commit
        with self.registry.cursor() as cr:
            bills = self._env(cr)["account.move"].search(
                [("partner_id", "=", vendor_id), ("move_type", "=", "in_invoice")]
            )
            self.assertEqual(bills.mapped("state"), ["draft"])
            self.assertEqual(sorted(bills.invoice_line_ids.mapped("quantity")), [1, 1])

    # ------------------------------------------------------------------
    def _cleanup(self):
        if not (self.job_ids or self.product_ids):
            return
        with self.registry.cursor() as cr:
            jobs, products = (
                tuple(self.job_ids) or (0,),
                tuple(self.product_ids) or (0,),
            )
            queries = [
                # consignment bills of the jobs' parts (their lines cascade)
                "DELETE FROM account_move WHERE id IN (SELECT move_id FROM "
                "account_move_line WHERE product_id IN %(p)s)",
                "DELETE FROM stock_move_line WHERE product_id IN %(p)s",
                "DELETE FROM stock_move WHERE product_id IN %(p)s",
                "DELETE FROM stock_quant WHERE product_id IN %(p)s",
                "DELETE FROM stock_picking WHERE workshop_job_id IN %(j)s",
                "DELETE FROM workshop_job_line WHERE job_id IN %(j)s",
                "DELETE FROM workshop_part_request WHERE job_id IN %(j)s",
                "DELETE FROM workshop_job_stage_log WHERE job_id IN %(j)s",
                "DELETE FROM mail_activity WHERE res_model = 'workshop.job' "
                "AND res_id IN %(j)s",
                "DELETE FROM workshop_job WHERE id IN %(j)s",
            ]
            cr.execute("SELECT to_regclass('stock_valuation_layer')")
            if cr.fetchone()[0]:  # stock_account installed
                queries.insert(
                    0, "DELETE FROM stock_valuation_layer WHERE product_id IN %(p)s"
                )
            for query in queries:
                cr.execute(
                    SQL(
                        query.replace("%(p)s", "%s").replace("%(j)s", "%s"),
                        products if "%(p)s" in query else jobs,
                    )
                )
            env = self._env(cr)
            env["product.product"].browse(self.product_ids).product_tmpl_id.unlink()
            env["res.partner"].search(
                [("name", "like", f"Race customer {self.tag}")]
            ).unlink()
            cr.commit()  # pylint: disable=invalid-commit
