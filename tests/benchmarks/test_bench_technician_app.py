"""Benchmark: the technician app's routes against the standard form's RPCs
(``scripts/bench``).

- open My Day: ``_read_day`` (one request) for 5 and 50 jobs, against what the
  standard list + form cost to show the same jobs (``web_search_read`` of the
  list, then ``web_read`` of each job's form: 1 + N requests);
- sync: 100 queued actions (travel, then the diagnosis) on 50 jobs in one sync
  request, against the same through the form (the button's ``call_button`` and
  the form's reload for each travel, ``web_save`` and its reload for each note:
  2 requests per action).

Requests and SQL queries are printed (``pytest -s``); queries are counted with
the cursor's ``sql_log_count``. Timings are printed, never asserted.
"""

import time
import uuid

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.workshop_job_card.tests.common import WorkshopCommon, _report

FORM_SPEC = {
    "name": {},
    "state": {},
    "partner_id": {"fields": {"display_name": {}}},
    "site_partner_id": {"fields": {"display_name": {}}},
    "asset_id": {"fields": {"display_name": {}}},
    "description": {},
    "diagnosis": {},
    "resolution": {},
    "scheduled_datetime": {},
    "line_ids": {
        "fields": {
            "product_id": {"fields": {"display_name": {}}},
            "quantity": {},
            "name": {},
        }
    },
    "timelog_ids": {"fields": {"start_datetime": {}, "stop_datetime": {}}},
}


@tagged("post_install", "-at_install")
class TestBenchTechnicianApp(WorkshopCommon):
    def _jobs(self, count):
        jobs = self.env["workshop.job"]
        for _i in range(count):
            job = self._create_job(
                lines=[("labour", self.labour, 0.0)],
                scheduled_datetime=fields.Datetime.now(),
                technician_ids=[Command.set(self.technician.ids)],
            )
            job.action_schedule()
            job.action_dispatch()
            jobs |= job
        return jobs

    def _measure(self, func):
        self.env.invalidate_all()
        before, start = self.env.cr.sql_log_count, time.perf_counter()
        func()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before, time.perf_counter() - start

    def test_bench_technician_app(self):
        tech = self.env(user=self.technician)
        rows = []
        for count in (5, 50):
            self._jobs(count - (5 if count == 50 else 0))
            app_q, app_t = self._measure(
                lambda: tech["workshop.technician.app"]._read_day()
            )
            visible = tech["workshop.job"].search(
                [("technician_ids", "in", self.technician.id)]
            )

            def form_day(visible=visible):
                tech["workshop.job"].web_search_read(
                    [("technician_ids", "in", self.technician.id)],
                    {"name": {}, "partner_id": {"fields": {"display_name": {}}}},
                )
                for job in visible:
                    job.with_env(tech).web_read(FORM_SPEC)

            form_q, form_t = self._measure(form_day)
            rows.append(
                f"open My Day, {len(visible):3d} jobs: app 1 request {app_q:5d} "
                f"queries {app_t * 1000:7.1f} ms | form {1 + len(visible):3d} "
                f"requests {form_q:5d} queries {form_t * 1000:7.1f} ms"
            )

        app_jobs, form_jobs = self._jobs(50), self._jobs(50)
        actions = []
        for job in app_jobs:
            for kind, extra in (
                ("start_travel", {}),
                ("update", {"vals": {"diagnosis": "<p>Leak at the seal</p>"}}),
            ):
                actions.append(
                    dict(uuid=str(uuid.uuid4()), type=kind, job_id=job.id, **extra)
                )
        app_q, app_t = self._measure(
            lambda: tech["workshop.technician.app"]._sync(actions)
        )

        def form_sync():
            for job in form_jobs.with_env(tech):
                job.action_start_travel()
                job.web_read(FORM_SPEC)
                job.web_save({"diagnosis": "<p>Leak at the seal</p>"}, FORM_SPEC)

        form_q, form_t = self._measure(form_sync)
        rows.append(
            f"sync 100 actions:       app 1 request {app_q:5d} queries "
            f"{app_t * 1000:7.1f} ms | form 200 requests {form_q:5d} queries "
            f"{form_t * 1000:7.1f} ms"
        )
        _report("\n".join(["", "Technician app vs standard form RPCs", *rows]))
        self.assertTrue(rows)
