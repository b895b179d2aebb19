from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestWorkflow(WorkshopCommon):
    def test_new_job_gets_sequence_and_invoice_contact(self):
        job = self._create_job()
        self.assertTrue(job.name.startswith("WJ/"))
        self.assertEqual(job.state, "draft")
        self.assertEqual(job.partner_invoice_id, self.ap_contact)
        self.assertEqual(job.stage_log_ids.to_state, "draft")

    def test_full_workflow_is_logged(self):
        job = self._finish(self._create_job(self._standard_lines()))
        self.assertEqual(job.state, "signed")
        self.assertEqual(
            job.stage_log_ids.sorted("id").mapped("to_state"),
            [
                "draft",
                "scheduled",
                "dispatched",
                "en_route",
                "on_site",
                "done",
                "signed",
            ],
        )
        self.assertTrue(
            job.arrived_datetime and job.done_datetime and job.signed_datetime
        )

    def test_wait_parts_and_resume(self):
        job = self._create_job(
            self._standard_lines(), scheduled_datetime="2026-11-20 08:00:00"
        )
        job.action_schedule()
        job.action_dispatch()
        job.action_arrive()
        job.action_wait_parts()
        self.assertEqual(job.state, "waiting_parts")
        with self.assertRaises(UserError):
            job.action_done()
        job.action_resume()
        self.assertEqual(job.state, "on_site")

    def test_cannot_skip_states(self):
        job = self._create_job(
            self._standard_lines(), scheduled_datetime="2026-11-20 08:00:00"
        )
        with self.assertRaises(UserError):
            job.action_done()
        with self.assertRaises(UserError):
            job.action_sign(signature=self._signature(), signed_by="X")
        with self.assertRaises(UserError):
            job.action_arrive()
        self.assertEqual(job.state, "draft")

    def test_state_cannot_be_written_directly(self):
        job = self._create_job(self._standard_lines())
        with self.assertRaises(UserError):
            job.write({"state": "invoiced"})
        with self.assertRaises(UserError):
            self._create_job(state="done")

    def test_schedule_needs_date_and_dispatch_needs_technician(self):
        job = self._create_job(self._standard_lines(), technician_ids=[])
        with self.assertRaises(UserError):
            job.action_schedule()
        job.scheduled_datetime = "2026-11-20 08:00:00"
        job.action_schedule()
        with self.assertRaises(UserError):
            job.action_dispatch()

    def test_done_needs_lines_and_resolution(self):
        job = self._create_job([], scheduled_datetime="2026-11-20 08:00:00")
        job.action_schedule()
        job.action_dispatch()
        job.action_arrive()
        job.resolution = "<p>Fixed</p>"
        with self.assertRaisesRegex(UserError, "no lines"):
            job.action_done()
        job.line_ids = [(0, 0, self._line_vals("part", self.part_filter, 1))]
        job.resolution = "<p><br></p>"
        with self.assertRaisesRegex(UserError, "resolution"):
            job.action_done()
        job.resolution = "<p>Replaced the filter</p>"
        job.action_done()
        self.assertEqual(job.state, "done")

    def test_sign_needs_signature_and_name(self):
        job = self._finish(self._create_job(self._standard_lines()), sign=False)
        with self.assertRaises(UserError):
            job.action_sign()
        with self.assertRaises(UserError):
            job.action_sign(signature=self._signature(), signed_by="  ")
        job.action_sign(signature=self._signature(), signed_by="Sam")
        self.assertEqual(job.state, "signed")
        self.assertEqual(job.signed_by, "Sam")

    def test_technician_cannot_schedule_or_cancel(self):
        job = self._create_job(
            self._standard_lines(), scheduled_datetime="2026-11-20 08:00:00"
        )
        with self.assertRaises(AccessError):
            job.with_user(self.technician).action_schedule()
        with self.assertRaises(AccessError):
            job.with_user(self.technician).action_cancel()

    def test_cancel_and_back_to_draft(self):
        job = self._create_job(self._standard_lines())
        job.action_cancel()
        self.assertEqual(job.state, "cancelled")
        with self.assertRaises(UserError):
            job.action_cancel()
        job.action_draft()
        self.assertEqual(job.state, "draft")

    def test_only_draft_or_cancelled_jobs_are_deleted(self):
        job = self._finish(self._create_job(self._standard_lines()))
        with self.assertRaises(UserError):
            job.unlink()
        draft = self._create_job()
        draft.unlink()
        self.assertFalse(draft.exists())

    def test_template_prefills_lines_and_estimate(self):
        template = self.env["workshop.job.template"].create(
            {
                "name": "Brake service",
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "kind": "part",
                            "product_id": self.part_pads.id,
                            "quantity": 2,
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "kind": "labour",
                            "product_id": self.labour.id,
                            "quantity": 1.5,
                        },
                    ),
                ],
            }
        )
        job = self._create_job(template_id=template.id)
        self.assertEqual(job.line_ids.mapped("kind"), ["part", "labour"])
        self.assertEqual(job.labour_estimate_hours, 1.5)
        self.assertEqual(job.line_ids[0].price_unit, 80.0)

    def test_timelog_rolls_into_labour_line_at_rate(self):
        job = self._create_job(
            [("part", self.part_filter, 1)], scheduled_datetime="2026-11-20 08:00:00"
        )
        job.action_schedule()
        job.action_dispatch()
        job.action_arrive()
        self.env["workshop.job.timelog"].with_user(self.technician).create(
            {
                "job_id": job.id,
                "start_datetime": "2026-11-20 09:00:00",
                "stop_datetime": "2026-11-20 11:30:00",
            }
        )
        labour = job.line_ids.filtered(lambda line: line.kind == "labour")
        self.assertEqual(len(labour), 1)
        self.assertEqual(labour.quantity, 2.5)
        self.assertEqual(labour.product_id, self.labour)
        self.assertEqual(labour.price_unit, 90.0)
        self.assertEqual(labour.technician_id, self.technician)
        self.env["workshop.job.timelog"].with_user(self.technician).create(
            {
                "job_id": job.id,
                "start_datetime": "2026-11-20 13:00:00",
                "stop_datetime": "2026-11-20 13:30:00",
            }
        )
        self.assertEqual(labour.quantity, 3.0)

    def test_timer_start_stop_on_done(self):
        job = self._create_job(
            [("part", self.part_filter, 1)], scheduled_datetime="2026-11-20 08:00:00"
        )
        job.action_schedule()
        job.action_dispatch()
        job.action_arrive()
        job.with_user(self.technician).action_timer_start()
        self.assertTrue(job.with_user(self.technician).timer_running)
        with self.assertRaises(ValidationError):
            self.env["workshop.job.timelog"].with_user(self.technician).create(
                {"job_id": job.id}
            )
        job.resolution = "<p>done</p>"
        job.action_done()
        self.assertFalse(job.timelog_ids.filtered(lambda log: not log.stop_datetime))
        self.assertTrue(job.line_ids.filtered(lambda line: line.kind == "labour"))

    def test_travel_line_takes_company_travel_product(self):
        job = self._create_job()
        line = (
            self.env["workshop.job.line"]
            .with_user(self.technician)
            .create({"job_id": job.id, "kind": "travel", "quantity": 42})
        )
        self.assertEqual(
            line.product_id, self.env.ref("workshop_job_card.product_travel_km")
        )
        self.company.workshop_travel_product_id = self.travel
        line2 = self.env["workshop.job.line"].create(
            {"job_id": job.id, "kind": "travel", "quantity": 5}
        )
        self.assertEqual(line2.product_id, self.travel)
        self.assertEqual(line2.price_unit, 0.8)
        self.assertEqual(line.approval_state, "approved", "travel needs no approval")

    def test_logged_time_replaces_planned_template_labour(self):
        template = self.env["workshop.job.template"].create(
            {
                "name": "Brake service",
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "kind": "labour",
                            "product_id": self.labour.id,
                            "quantity": 2.5,
                        },
                    ),
                ],
            }
        )
        job = self._create_job(
            template_id=template.id, scheduled_datetime="2026-11-20 08:00:00"
        )
        job.action_schedule()
        job.action_dispatch()
        job.action_arrive()
        self.env["workshop.job.timelog"].with_user(self.technician).create(
            {
                "job_id": job.id,
                "start_datetime": "2026-11-20 09:00:00",
                "stop_datetime": "2026-11-20 11:00:00",
            }
        )
        labour = job.line_ids.filtered(lambda line: line.kind == "labour")
        self.assertEqual(len(labour), 1, "no second labour line on top of the plan")
        self.assertEqual(labour.quantity, 2.0)
        self.assertEqual(labour.estimated_qty, 2.5)
        self.assertEqual(labour.technician_id, self.technician)
        self.assertEqual(job.labour_hours, 2.0)

    def test_deleting_a_time_log_updates_labour_and_is_refused_once_billed(self):
        job = self._create_job(
            [("part", self.part_filter, 1)], scheduled_datetime="2026-11-20 08:00:00"
        )
        job.action_schedule()
        job.action_dispatch()
        job.action_arrive()
        Log = self.env["workshop.job.timelog"].with_user(self.technician)
        log1 = Log.create(
            {
                "job_id": job.id,
                "start_datetime": "2026-11-20 09:00:00",
                "stop_datetime": "2026-11-20 10:00:00",
            }
        )
        Log.create(
            {
                "job_id": job.id,
                "start_datetime": "2026-11-20 11:00:00",
                "stop_datetime": "2026-11-20 11:30:00",
            }
        )
        labour = job.line_ids.filtered(lambda line: line.kind == "labour")
        self.assertEqual(labour.quantity, 1.5)
        log1.with_user(self.coordinator).unlink()
        self.assertEqual(labour.quantity, 0.5)
        job.resolution = "<p>done</p>"
        job.action_done()
        job.action_sign(signature=self._signature(), signed_by="Sam")
        job.with_user(self.coordinator).action_create_invoice()
        with self.assertRaises(UserError):
            job.timelog_ids.with_user(self.coordinator).unlink()
        self.assertEqual(labour.quantity, 0.5)
