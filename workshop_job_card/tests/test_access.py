from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestAccess(WorkshopCommon):
    def test_technician_sees_only_own_jobs(self):
        mine = self._create_job(self._standard_lines())
        other = self._create_job(
            self._standard_lines(), technician_ids=[Command.set(self.technician2.ids)]
        )
        Job = self.env["workshop.job"].with_user(self.technician)
        self.assertEqual(Job.search([("id", "in", (mine | other).ids)]), mine)
        with self.assertRaises(AccessError):
            other.with_user(self.technician).read(["name"])
        Line = self.env["workshop.job.line"].with_user(self.technician)
        self.assertEqual(
            Line.search([("job_id", "in", (mine | other).ids)]).job_id, mine
        )

    def test_coordinator_sees_all_jobs(self):
        jobs = self._create_job() | self._create_job(
            technician_ids=[Command.set(self.technician2.ids)]
        )
        self.assertEqual(
            self.env["workshop.job"]
            .with_user(self.coordinator)
            .search([("id", "in", jobs.ids)]),
            jobs,
        )

    def test_accountant_reads_jobs_but_cannot_create_them(self):
        job = self._create_job()
        self.assertTrue(job.with_user(self.accountant).name)
        with self.assertRaises(AccessError):
            self.env["workshop.job"].with_user(self.accountant).create(
                {"partner_id": self.customer.id}
            )

    def test_technician_sees_only_own_time_logs(self):
        job = self._create_job(
            technician_ids=[Command.set((self.technician | self.technician2).ids)]
        )
        log = (
            self.env["workshop.job.timelog"]
            .with_user(self.technician2)
            .create(
                {
                    "job_id": job.id,
                    "start_datetime": "2026-11-20 08:00:00",
                    "stop_datetime": "2026-11-20 09:00:00",
                }
            )
        )
        self.assertFalse(
            self.env["workshop.job.timelog"]
            .with_user(self.technician)
            .search([("id", "=", log.id)])
        )

    def test_technician_cannot_log_time_for_someone_else(self):
        job = self._create_job()
        with self.assertRaises(UserError):
            self.env["workshop.job.timelog"].with_user(self.technician).create(
                {"job_id": job.id, "user_id": self.technician2.id}
            )

    def test_stage_log_is_read_only(self):
        job = self._create_job()
        with self.assertRaises(AccessError):
            job.stage_log_ids.with_user(self.coordinator).write(
                {"to_state": "invoiced"}
            )
        with self.assertRaises(AccessError):
            self.env["workshop.job.stage.log"].with_user(self.coordinator).create(
                {"job_id": job.id, "to_state": "invoiced"}
            )

    def test_user_without_workshop_group_has_no_access(self):
        job = self._create_job()
        plain = self._user("ws_plain", "internal")
        with self.assertRaises(AccessError):
            job.with_user(plain).read(["name"])
        portal = self._user("ws_portal", "portal")
        with self.assertRaises(AccessError):
            job.with_user(portal).read(["name"])

    def test_multi_company_isolation(self):
        company_b = self._company("Workshop B")
        job_b = self._create_job(company_id=company_b.id, partner_id=self.customer.id)
        self.assertEqual(job_b.company_id, company_b)
        coord_b_only = self._user("ws_coord_a", "coordinator")
        self.assertFalse(
            self.env["workshop.job"]
            .with_user(coord_b_only)
            .search([("id", "=", job_b.id)])
        )
        with self.assertRaises(AccessError):
            job_b.with_user(coord_b_only).read(["name"])

    def test_technician_cannot_change_pricelist(self):
        job = self._create_job()
        pricelist = self.env["product.pricelist"].create({"name": "Discount list"})
        with self.assertRaises(AccessError):
            job.with_user(self.technician).pricelist_id = pricelist
        # writing the value it already has is harmless (forms send it back)
        job.with_user(self.technician).write({"pricelist_id": job.pricelist_id.id})
        job.with_user(self.coordinator).pricelist_id = pricelist
        self.assertEqual(job.pricelist_id, pricelist)
