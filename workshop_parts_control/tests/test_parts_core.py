from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import PartsCommon


@tagged("post_install", "-at_install")
class TestPartsCore(PartsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.starter, cls.starter_core = cls._core_part("Starter motor 24V")
        cls.vendor = cls._vendor("Rebuild Motors GmbH", cls.starter, 150.0)
        cls.env["stock.quant"]._update_available_quantity(cls.starter, cls.stock, 5)
        cls.suppliers = cls.env.ref("stock.stock_location_suppliers")

    def _core_line(self, job):
        return job.line_ids.filtered("workshop_core_parent_id")

    def _core_moves(self, job, states=("confirmed", "assigned", "waiting")):
        return self._core_line(job).workshop_core_move_ids.filtered(
            lambda m: m.state in states
        )

    def test_issuing_a_part_with_a_core_adds_the_core_charge(self):
        job = self._open_job()
        self._issue(job, {self.starter: 1})
        core = self._core_line(job)
        self.assertEqual(core.product_id, self.starter_core)
        self.assertEqual(core.quantity, 1)
        self.assertEqual(core.price_unit, 75.0)
        self.assertEqual(core.approval_state, "approved")
        self.assertEqual(
            core.workshop_core_parent_id, self._part_line(job, self.starter)
        )
        self._issue(job, {self.starter: 1})
        self.assertEqual(self._core_line(job).quantity, 2, "one charge line per part")

    def test_issue_prepares_the_core_return_to_the_main_vendor(self):
        job = self._open_job()
        self._issue(job, {self.starter: 2})
        move = self._core_moves(job)
        self.assertEqual(move.product_uom_qty, 2)
        picking = move.picking_id
        self.assertEqual(picking.picking_type_id, self.warehouse.out_type_id)
        self.assertEqual(picking.location_dest_id, self.suppliers)
        self.assertEqual(picking.partner_id, self.vendor)
        self.assertIn(picking, job.workshop_picking_ids)
        activity = job.activity_ids.filtered(lambda a: a.user_id == self.clerk)
        self.assertEqual(len(activity), 1)
        self.assertIn(picking.name, activity.note)

    def test_cores_go_back_to_the_main_vendor_of_the_company(self):
        other = self._company("East Workshop Ltd")
        Info = self.env["product.supplierinfo"]
        tmpl = self.starter.product_tmpl_id
        cheaper = self._vendor("Cheap Starters Ltd")
        foreign = self._vendor("East Rebuilders")
        Info.create(
            [
                {
                    "partner_id": cheaper.id,
                    "product_tmpl_id": tmpl.id,
                    "price": 90.0,
                    "sequence": 5,
                },
                {
                    "partner_id": foreign.id,
                    "product_tmpl_id": tmpl.id,
                    "price": 80.0,
                    "sequence": 0,
                    "company_id": other.id,
                },
            ]
        )
        self.assertEqual(tmpl.seller_ids[:1].partner_id, foreign)
        job = self._open_job()
        self._issue(job, {self.starter: 1})
        self.assertEqual(self._core_moves(job).picking_id.partner_id, self.vendor)

    def test_core_charge_is_billed_on_the_invoice(self):
        job = self._open_job()
        self._issue(job, {self.starter: 1})
        self._finish_open_job(job)
        job.with_user(self.coordinator).action_create_invoice()
        aml = self._core_line(job).invoice_line_ids
        self.assertEqual(aml.product_id, self.starter_core)
        self.assertEqual(aml.price_unit, 75.0)
        self.assertIn("Core charge", aml.name)

    def test_returning_the_part_before_invoicing_takes_the_core_charge_off(self):
        job = self._open_job()
        self._issue(job, {self.starter: 2})
        self._return(job, {self.starter: 1})
        self.assertEqual(self._core_line(job).quantity, 1)
        self.assertEqual(self._core_moves(job).product_uom_qty, 1)
        core_moves = self._core_line(job).workshop_core_move_ids
        self._return(job, {self.starter: 1})
        self.assertFalse(self._core_line(job), "no part, no core charge")
        self.assertEqual(set(core_moves.mapped("state")), {"cancel"})

    def test_warranty_part_carries_a_warranty_core_charge(self):
        job = self._open_job()
        self._request(job, self.starter, 1, is_warranty=True)
        self._validate(job._workshop_get_issue_picking())
        self.assertTrue(self._core_line(job).is_warranty)

    def test_core_charge_is_a_system_line(self):
        job = self._open_job()
        self._issue(job, {self.starter: 1})
        core = self._core_line(job)
        with self.assertRaises(AccessError):
            core.with_user(self.technician).write({"name": "Core, kept by customer"})
        with self.assertRaises(UserError):
            core.with_user(self.coordinator).write({"quantity": 0})
        with self.assertRaises(UserError):
            core.with_user(self.coordinator).unlink()
        with self.assertRaises(UserError):
            self.env["workshop.job.line"].with_user(self.coordinator).create(
                {
                    "job_id": job.id,
                    "product_id": self.starter_core.id,
                    "workshop_core_parent_id": self._part_line(job, self.starter).id,
                }
            )
        # the office may still set the price (a goodwill core charge)
        core.with_user(self.coordinator).write({"price_unit": 50.0})
        self.assertEqual(core.price_unit, 50.0)

    def test_credit_policy_drops_the_charge_when_the_core_goes_back_first(self):
        self.company.workshop_core_credit_policy = "credit"
        job = self._open_job()
        self._issue(job, {self.starter: 2})
        self._validate(self._core_moves(job).picking_id, {self.starter_core: 1})
        self.assertEqual(self._core_line(job).workshop_core_qty_returned, 1)
        self.assertEqual(self._core_line(job).quantity, 1)

    def test_keep_policy_bills_the_core_even_when_returned(self):
        job = self._open_job()
        self._issue(job, {self.starter: 1})
        self._validate(self._core_moves(job).picking_id)
        self.assertEqual(self._core_line(job).workshop_core_qty_returned, 1)
        self.assertEqual(self._core_line(job).quantity, 1)

    def test_core_returned_after_invoicing_asks_the_coordinator_to_credit(self):
        self.company.workshop_core_credit_policy = "credit"
        job = self._open_job()
        self._issue(job, {self.starter: 1})
        picking = self._core_moves(job).picking_id
        self._finish_open_job(job)
        job.with_user(self.coordinator).action_create_invoice()
        self.assertEqual(job.state, "invoiced")
        self._validate(picking)
        self.assertEqual(self._core_line(job).quantity, 1, "the invoice is locked")
        activity = job.activity_ids.filtered(lambda a: a.user_id == self.coordinator)
        self.assertEqual(len(activity), 1)
        self.assertIn("credit", activity.summary.lower())

    def test_copied_job_does_not_inherit_the_core_charge(self):
        job = self._open_job()
        self._issue(job, {self.starter: 1})
        copy = job.copy()
        self.assertFalse(
            copy.line_ids.filtered(lambda ln: ln.product_id == self.starter_core)
        )
        self.assertTrue(copy.line_ids.filtered(lambda ln: ln.kind == "labour"))

    def test_product_form_shows_the_core_settings(self):
        views = self.env["product.template"].get_views([(False, "form")])
        arch = views["views"]["form"]["arch"]
        for field in ("workshop_has_core", "workshop_core_product_id"):
            self.assertIn(field, arch)

    def test_core_settings_written_through_the_variant(self):
        """The variant form and a CSV import of variants set the core like the
        product form does (and meet the same rule)."""
        core = self.env["product.product"].create(
            {"name": "Starter core", "type": "consu", "is_storable": False}
        )
        with Form(self.env["product.product"]) as form:
            form.name = "Starter motor 12V"
            form.is_storable = True
            form.workshop_has_core = True
            form.workshop_core_product_id = core
            form.workshop_core_charge = 40.0
        variant = form.record
        self.assertEqual(variant.product_tmpl_id.workshop_core_product_id, core)
        self.assertEqual(variant.product_tmpl_id.workshop_core_charge, 40.0)
        variant.write({"workshop_core_charge": 55.0})
        self.assertEqual(variant.product_tmpl_id.workshop_core_charge, 55.0)
        with self.assertRaises(ValidationError):
            variant.write({"workshop_core_product_id": variant.id})
        result = self.env["product.product"].load(
            [
                "name",
                "is_storable",
                "workshop_has_core",
                "workshop_core_product_id/.id",
                "workshop_core_charge",
            ],
            [["Starter motor 24V", "True", "True", str(core.id), "65"]],
        )
        self.assertFalse(result["messages"])
        imported = self.env["product.product"].browse(result["ids"])
        self.assertEqual(
            (imported.workshop_has_core, imported.workshop_core_product_id),
            (True, core),
        )
        self.assertEqual(imported.product_tmpl_id.workshop_core_charge, 65.0)
        result = self.env["product.product"].load(
            ["name", "is_storable", "workshop_has_core"],
            [["Starter motor 48V", "True", "True"]],
        )
        self.assertFalse(result["ids"], "a core without core product is refused")

    def test_core_product_must_be_goods_without_stock(self):
        with self.assertRaises(ValidationError):
            self.belt.workshop_has_core = True
        with self.assertRaises(ValidationError):
            self.belt.write(
                {"workshop_has_core": True, "workshop_core_product_id": self.oil.id}
            )

    def test_core_product_of_another_company_is_refused(self):
        other = self._company("South Workshop Ltd")
        _part, foreign_core = self._core_part("Pump", company=other)
        with self.assertRaises(UserError):
            self.belt.write(
                {
                    "company_id": self.company.id,
                    "workshop_has_core": True,
                    "workshop_core_product_id": foreign_core.id,
                }
            )

    # ------------------------------------------------------------------
    def _finish_open_job(self, job):
        job.resolution = "<p>Starter replaced.</p>"
        job.action_done()
        job.action_sign(signature=self._signature(), signed_by="Sam")
