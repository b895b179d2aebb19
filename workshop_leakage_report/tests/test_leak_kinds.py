from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import LeakageCommon


@tagged("post_install", "-at_install")
class TestLeakKinds(LeakageCommon):
    def test_job_done_long_ago_and_never_invoiced(self):
        job = self._job_with_parts({self.oil: 2})
        self.assertEqual(self._recon(job)[self.oil].leak_kind, "in_billing")
        self.assertFalse(self._job_leaks(job))
        self._age_done(job, 5)
        leaks = self._job_leaks(job)
        self.assertEqual(set(leaks.mapped("leak_kind")), {"done_not_invoiced"})
        self.assertAlmostEqual(sum(leaks.mapped("value_sale")), 2 * 9.0 + 90.0)

    def test_draft_invoice_not_posted_after_the_grace_days(self):
        job = self._job_with_parts({self.oil: 2})
        invoice = self._invoice(job, post=False)
        self.assertEqual(self._recon(job)[self.oil].leak_kind, "in_billing")
        self._age_draft(invoice, 5)
        leaks = self._job_leaks(job)
        self.assertEqual(set(leaks.mapped("leak_kind")), {"draft_not_posted"})
        self.assertEqual(leaks.filtered(lambda r: r.product_id == self.oil).quantity, 2)

    def test_line_priced_below_list_beyond_the_threshold(self):
        job = self._job_with_parts({self.oil: 4, self.belt: 1})

        def discount(invoice):
            self._line(invoice, self.oil).price_unit = 5.0  # 44% below 9.00
            self._line(invoice, self.belt).price_unit = 23.0  # 8% below: tolerated

        invoice = self._invoice(job, edit=discount)
        leaks = self._job_leaks(job)
        self.assertEqual(leaks.mapped("leak_kind"), ["underpriced"])
        self.assertEqual(leaks.product_id, self.oil)
        self.assertEqual(leaks.invoice_id, invoice)
        self.assertAlmostEqual(leaks.value_sale, 4 * 9.0 - 4 * 5.0)

    def test_warranty_part_waiting_for_approval_is_an_open_case(self):
        job = self._open_job()
        self._request(job, self.belt, 1, is_warranty=True)
        self._validate(job._workshop_get_issue_picking())
        job.resolution = "<p>Done.</p>"
        job.action_done()
        self._age_done(job, 5)
        belt = self._recon(job)[self.belt]
        self.assertEqual(belt.leak_kind, "open_case")

    def test_labour_logged_but_invoiced_short(self):
        job = self._open_job()
        start = fields.Datetime.now() - timedelta(hours=5)
        self.env["workshop.job.timelog"].create(
            {
                "job_id": job.id,
                "user_id": self.technician.id,
                "start_datetime": start,
                "stop_datetime": start + timedelta(hours=3),
            }
        )
        job.resolution = "<p>Done.</p>"
        job.action_done()

        def bill_one_hour(invoice):
            labour = invoice.invoice_line_ids.filtered(
                lambda a: a.product_id == self.labour
            )
            labour.quantity = 0
            labour[0].quantity = 1

        self._invoice(job, edit=bill_one_hour)
        row = self._recon(job)[self.labour]
        self.assertEqual(row.qty_logged, 3)
        self.assertEqual(row.qty_invoiced, 1)
        self.assertEqual(row.leak_kind, "labour_unbilled")
        self.assertAlmostEqual(row.value_sale, (row.qty_used - 1) * 90.0)

    def test_contract_period_due_and_not_invoiced(self):
        fee = self.env["product.product"].create(
            {"name": "Care plan", "type": "service", "list_price": 100.0}
        )
        contract = self.env["workshop.contract"].create(
            {
                "partner_id": self.customer.id,
                "date_start": fields.Date.today() - timedelta(days=60),
                "line_ids": [(0, 0, {"product_id": fee.id})],
            }
        )
        contract.action_activate()
        leaks = self._leaks([("contract_id", "=", contract.id)])
        self.assertEqual(leaks.leak_kind, "contract_unbilled")
        self.assertAlmostEqual(leaks.value_sale, 100.0)

    def test_consumption_without_job_refused_under_strict_control(self):
        move = self._consume_without_job()
        with self.assertRaises(UserError):
            move._action_done()
        self.assertFalse(self._leaks([("leak_kind", "=", "no_job")]))

    def test_consumption_without_job_is_reported_when_control_is_lax(self):
        self.company.workshop_strict_parts_control = False
        move = self._consume_without_job()
        move._action_done()
        self.assertEqual(move.state, "done")
        leak = self._leaks([("leak_kind", "=", "no_job")])
        self.assertEqual(leak.stock_move_id, move)
        self.assertEqual(leak.quantity, 3)
        self.assertAlmostEqual(leak.value_cost, 12.0)
        self.assertAlmostEqual(leak.value_sale, 27.0)

    def _consume_without_job(self):
        move = self.env["stock.move"].create(
            {
                "name": "Oil off the books",
                "product_id": self.oil.id,
                "product_uom_qty": 3,
                "product_uom": self.oil.uom_id.id,
                "location_id": self.stock.id,
                "location_dest_id": self.consumption.id,
            }
        )
        move._action_confirm()
        move._action_assign()
        move.quantity = 3
        move.picked = True
        return move


@tagged("post_install", "-at_install")
class TestConsignmentCase(LeakageCommon):
    def test_installed_consignment_parts_with_unposted_vendor_bill(self):
        battery = self.env["product.product"].create(
            {
                "name": "Battery 12V 95Ah",
                "type": "consu",
                "is_storable": True,
                "sale_ok": True,
                "list_price": 160.0,
                "standard_price": 90.0,
            }
        )
        vendor = self._vendor("Volt Batteries SA", battery, 70.0)
        self._consign(battery, 5, vendor)
        job = self._job_with_parts({battery: 2})
        self._invoice(job)
        self._age_done(job, 5)
        case = self._leaks([("job_id", "=", job.id), ("leak_kind", "=", "open_case")])
        self.assertEqual(case.quantity, 2)
        self.assertAlmostEqual(case.value_cost, 180.0)
        bill = self.env["account.move"].search(
            [("move_type", "=", "in_invoice"), ("partner_id", "=", vendor.id)]
        )
        bill.invoice_date = fields.Date.today()
        bill.action_post()
        self.assertFalse(self._job_leaks(job))


@tagged("post_install", "-at_install")
class TestOverviewKpis(LeakageCommon):
    def test_contract_profitability_logged_jobs_and_sla(self):
        fee = self.env["product.product"].create(
            {"name": "Care plan", "type": "service", "list_price": 100.0}
        )
        asset = self.env["workshop.asset"].create(
            {"name": "Van 9", "partner_id": self.customer.id}
        )
        contract = self.env["workshop.contract"].create(
            {
                "partner_id": self.customer.id,
                "date_start": fields.Date.today().replace(day=1),
                "line_ids": [(0, 0, {"product_id": fee.id})],
                "covered_asset_ids": [(0, 0, {"asset_id": asset.id})],
            }
        )
        contract.action_activate()
        contract.with_user(self.manager).action_invoice_now()
        revenue = sum(contract.invoice_ids.mapped("amount_untaxed_signed"))
        self.assertTrue(revenue)
        covered = self._job_with_parts({self.oil: 2}, asset_id=asset.id)
        logged = self._open_job()
        start = fields.Datetime.now() - timedelta(hours=3)
        self.env["workshop.job.timelog"].create(
            {
                "job_id": logged.id,
                "user_id": self.technician.id,
                "start_datetime": start,
                "stop_datetime": start + timedelta(hours=1),
            }
        )
        logged.resolution = "<p>Done.</p>"
        logged.action_done()
        board = self.env["workshop.leakage.dashboard"].create(
            {
                "date_from": fields.Date.today() - timedelta(days=30),
                "date_to": fields.Date.today(),
            }
        )
        self.assertEqual(board.jobs_done, 2)
        self.assertAlmostEqual(board.contract_revenue, revenue)
        self.assertAlmostEqual(board.contract_cost, 2 * 4.0, msg="oil at cost")
        self.assertAlmostEqual(board.contract_margin, revenue - 8.0)
        self.assertAlmostEqual(board.logged_on_site_pct, 50.0)
        self.assertEqual(covered.sla_resolution_late, False)
        self.assertAlmostEqual(board.sla_compliance, 100.0)
