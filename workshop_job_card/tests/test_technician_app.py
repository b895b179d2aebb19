"""The technician app's server side (issue 14): the day, the outbox sync and its
idempotency, conflicts, positions, query budgets."""

import uuid
from datetime import timedelta

import psycopg2

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import QueryCount, WorkshopCommon


def _uuid():
    return str(uuid.uuid4())


def _iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.000Z")


class TechnicianAppCommon(WorkshopCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.App = cls.env["workshop.technician.app"]
        cls.site = cls.env["res.partner"].create(
            {
                "name": "Fleet Depot",
                "type": "delivery",
                "parent_id": cls.customer.id,
                "street": "1 Depot Road",
                "city": "Leeds",
                "partner_latitude": 53.8008,
                "partner_longitude": -1.5491,
            }
        )
        cls.job = cls._dispatched_job()

    @classmethod
    def _dispatched_job(cls, technician=None, **vals):
        job = cls._create_job(
            lines=[("labour", cls.labour, 0.0)],
            scheduled_datetime=fields.Datetime.now() + timedelta(hours=1),
            technician_ids=[Command.set((technician or cls.technician).ids)],
            **vals,
        )
        job.action_schedule()
        job.action_dispatch()
        return job

    def sync(self, actions, user=None):
        app = self.App.with_user(user or self.technician)
        return app._sync(actions)["results"]

    def action(self, kind, job=None, **values):
        return dict(
            {
                "uuid": _uuid(),
                "type": kind,
                "job_id": (job or self.job).id,
                "device_time": _iso(fields.Datetime.now()),
            },
            **values,
        )

    def full_day(self, job=None):
        """The actions of a job from travel to sign-off, as the app queues them."""
        now = fields.Datetime.now()
        start = self.action("timer_start", job, start=_iso(now - timedelta(hours=2)))
        return [
            self.action(
                "start_travel",
                job,
                position={"latitude": 53.7, "longitude": -1.6, "accuracy": 20},
            ),
            self.action(
                "arrive",
                job,
                position={"latitude": 53.801, "longitude": -1.549, "accuracy": 8},
            ),
            start,
            self.action(
                "timer_stop",
                job,
                timer_uuid=start["uuid"],
                stop=_iso(now - timedelta(minutes=30)),
            ),
            self.action("photo", job, name="before.png", data=self._signature()),
            self.action("update", job, vals={"resolution": "<p>Fixed the pump.</p>"}),
            self.action("done", job),
            self.action(
                "sign", job, signature=self._signature(), signed_by="Sam Customer"
            ),
        ]


@tagged("post_install", "-at_install")
class TestTechnicianAppSync(TechnicianAppCommon):
    def test_full_day_synced_ends_signed_and_ready_to_invoice(self):
        results = self.sync(self.full_day())
        self.assertEqual([r["status"] for r in results], ["applied"] * 8, results)
        job = self.job
        self.assertEqual(job.state, "signed")
        self.assertEqual(job.signed_by, "Sam Customer")
        self.assertTrue(job.is_invoiceable if "is_invoiceable" in job else True)
        log = job.timelog_ids
        self.assertEqual(len(log), 1)
        self.assertAlmostEqual(log.duration_hours, 1.5, places=2)
        self.assertEqual(len(job.photo_ids), 1)
        self.assertIn("Fixed the pump", job.resolution)
        arrival = job.stage_log_ids.filtered(lambda s: s.to_state == "on_site")
        self.assertTrue(arrival.has_position)
        self.assertAlmostEqual(arrival.latitude, 53.801)
        self.assertLess(job.arrival_distance_km, 0.2)
        self.assertTrue(job.has_arrival_position)

    def test_replayed_outbox_creates_nothing_twice(self):
        outbox = self.full_day()
        self.sync(outbox)
        counts = (
            len(self.job.timelog_ids),
            len(self.job.photo_ids),
            len(self.job.stage_log_ids),
            len(self.job.line_ids),
        )
        again = self.sync(outbox)
        # a text update writes the same text again; everything else is known
        self.assertEqual(
            [r["status"] for r in again],
            ["duplicate"] * 5 + ["applied"] + ["duplicate"] * 2,
        )
        self.job.invalidate_recordset()
        self.assertEqual(
            counts,
            (
                len(self.job.timelog_ids),
                len(self.job.photo_ids),
                len(self.job.stage_log_ids),
                len(self.job.line_ids),
            ),
        )

    def test_outbox_cut_midway_and_resent_applies_each_action_once(self):
        outbox = self.full_day()
        self.sync(outbox[:4])
        results = self.sync(outbox)
        self.assertEqual(
            [r["status"] for r in results],
            ["duplicate"] * 3 + ["duplicate"] + ["applied"] * 4,
        )
        self.assertEqual(len(self.job.timelog_ids), 1)
        self.assertEqual(self.job.state, "signed")

    def test_client_uuid_is_unique_in_the_database(self):
        key = _uuid()
        Timelog = self.env["workshop.job.timelog"]
        Timelog.create(
            {
                "job_id": self.job.id,
                "user_id": self.technician.id,
                "start_datetime": "2026-01-01 08:00:00",
                "stop_datetime": "2026-01-01 09:00:00",
                "client_uuid": key,
            }
        )
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            Timelog.create(
                {
                    "job_id": self.job.id,
                    "user_id": self.technician.id,
                    "start_datetime": "2026-01-02 08:00:00",
                    "stop_datetime": "2026-01-02 09:00:00",
                    "client_uuid": key,
                }
            )

    def test_cancelled_job_conflict_applies_nothing(self):
        outbox = self.full_day()
        self.job.action_cancel()
        results = self.sync(outbox)
        self.assertEqual({r["status"] for r in results}, {"conflict"})
        self.assertIn("cancelled", results[0]["message"])
        self.assertFalse(self.job.timelog_ids)
        self.assertFalse(self.job.photo_ids)
        self.assertEqual(self.job.state, "cancelled")

    def test_reassigned_job_conflict(self):
        self.job.technician_ids = self.technician2
        results = self.sync([self.action("start_travel")])
        self.assertEqual(results[0]["status"], "conflict")
        self.assertEqual(self.job.state, "dispatched")

    def test_refused_action_is_rolled_back_whole_and_the_next_applies(self):
        # done without a resolution: refused by action_done; the photo after it applies
        results = self.sync(
            [
                self.action("arrive"),
                self.action("done"),
                self.action("photo", name="p.png", data=self._signature()),
            ]
        )
        self.assertEqual(
            [r["status"] for r in results], ["applied", "conflict", "applied"]
        )
        self.assertEqual(self.job.state, "on_site")
        self.assertEqual(len(self.job.photo_ids), 1)

    def test_refused_position_never_blocks_the_step(self):
        results = self.sync(
            [
                self.action("start_travel", position=None),
                self.action("arrive", position={"latitude": "x", "longitude": 500}),
            ]
        )
        self.assertEqual([r["status"] for r in results], ["applied", "applied"])
        arrival = self.job.stage_log_ids.filtered(lambda s: s.to_state == "on_site")
        self.assertFalse(arrival.has_position)
        self.assertFalse(self.job.has_arrival_position)

    def test_timer_keeps_device_start_and_stop(self):
        start, stop = "2026-01-05T08:00:00.000Z", "2026-01-05T09:15:00.000Z"
        first = self.action("timer_start", start=start)
        self.sync(
            [
                self.action("arrive"),
                first,
                self.action("timer_stop", timer_uuid=first["uuid"], stop=stop),
            ]
        )
        log = self.job.timelog_ids
        self.assertEqual(
            fields.Datetime.to_string(log.start_datetime), "2026-01-05 08:00:00"
        )
        self.assertEqual(
            fields.Datetime.to_string(log.stop_datetime), "2026-01-05 09:15:00"
        )
        self.assertEqual(log.client_uuid, first["uuid"])


@tagged("post_install", "-at_install")
class TestTechnicianAppRights(TechnicianAppCommon):
    """The sync applies what the model allows the technician, nothing more."""

    def test_cannot_touch_another_technicians_job(self):
        other = self._dispatched_job(technician=self.technician2)
        results = self.sync(
            [
                self.action("start_travel", other),
                self.action("update", other, vals={"diagnosis": "<p>mine</p>"}),
                self.action("photo", other, name="x.png", data=self._signature()),
            ]
        )
        self.assertEqual({r["status"] for r in results}, {"conflict"})
        self.assertEqual(other.state, "dispatched")
        self.assertFalse(other.diagnosis)
        self.assertFalse(other.photo_ids)

    def test_cannot_touch_another_companys_job(self):
        company2 = self._company("Other Workshop Co")
        customer2 = self.env["res.partner"].create(
            {"name": "Other Customer", "company_id": company2.id}
        )
        job2 = (
            self.env["workshop.job"]
            .with_company(company2)
            .create(
                {
                    "partner_id": customer2.id,
                    "company_id": company2.id,
                    "technician_ids": [Command.set(self.technician.ids)],
                    "scheduled_datetime": fields.Datetime.now(),
                }
            )
        )
        job2.action_schedule()
        job2.action_dispatch()
        # named on it, but the technician works for the first company only
        results = self.sync([self.action("start_travel", job2)])
        self.assertEqual(results[0]["status"], "conflict")
        self.assertEqual(job2.state, "dispatched")

    def test_forbidden_fields_are_refused(self):
        pricelist = self.env["product.pricelist"].create({"name": "Cheap"})
        results = self.sync(
            [
                self.action("update", vals={"pricelist_id": pricelist.id}),
                self.action("update", vals={"state": "done"}),
                self.action("update", vals={"office_note": "I say so"}),
                self.action(
                    "add_line",
                    vals={
                        "kind": "fee",
                        "name": "Call-out",
                        "quantity": 1,
                        "price_unit": 0.01,
                    },
                ),
                self.action("update", vals={"partner_id": self.ap_contact.id}),
            ]
        )
        self.assertEqual({r["status"] for r in results}, {"conflict"}, results)
        self.assertNotEqual(self.job.pricelist_id, pricelist)
        self.assertEqual(self.job.state, "dispatched")
        self.assertFalse(self.job.office_note)
        self.assertEqual(len(self.job.line_ids), 1)
        self.assertEqual(self.job.partner_id, self.customer)

    def test_lines_added_in_the_field_wait_for_approval(self):
        self.sync(
            [
                self.action(
                    "add_line",
                    vals={"kind": "fee", "name": "Parking", "quantity": 1},
                )
            ]
        )
        line = self.job.line_ids.filtered(lambda ln: ln.kind == "fee")
        self.assertEqual(line.approval_state, "to_approve")

    def test_technician_cannot_read_the_day_of_another(self):
        self._dispatched_job(technician=self.technician2)
        day = self.App.with_user(self.technician)._read_day()
        self.assertEqual([job["id"] for job in day["jobs"]], self.job.ids)

    def test_malformed_actions_are_conflicts(self):
        results = self.sync(
            [
                {"type": "start_travel", "job_id": self.job.id},
                {"uuid": _uuid(), "type": "drop_tables", "job_id": self.job.id},
                {"uuid": _uuid(), "type": "start_travel", "job_id": "1"},
                "nonsense",
            ]
        )
        self.assertEqual({r["status"] for r in results}, {"conflict"})
        with self.assertRaises(UserError):
            self.App.with_user(self.technician)._sync("nope")

    def test_stage_log_stays_append_only_for_technicians(self):
        self.sync([self.action("start_travel")])
        log = self.job.stage_log_ids.filtered(lambda s: s.to_state == "en_route")
        with self.assertRaises(AccessError):
            log.with_user(self.technician).write({"latitude": 1.0})


@tagged("post_install", "-at_install")
class TestTechnicianAppQueries(TechnicianAppCommon):
    """Opening My Day costs the same whatever the number of jobs; a sync's
    queries grow by a small constant per action."""

    # queries per action of a sync, at most (savepoint, checks, writes, logs)
    PER_ACTION = 40

    def _day_queries(self):
        app = self.App.with_user(self.technician)
        self.env.invalidate_all()
        with QueryCount(self.env) as queries:
            app._read_day()
        return queries.count

    def test_day_costs_a_fixed_number_of_queries(self):
        self._day_queries()  # warm-up (caches of groups, rules)
        few = self._day_queries()
        for _i in range(10):
            self._dispatched_job()
        many = self._day_queries()
        self.assertEqual(few, many, "My Day's queries grow with the number of jobs")
        with self.assertQueryCount(few):
            self.env.invalidate_all()
            self.App.with_user(self.technician)._read_day()

    def _sync_queries(self, count):
        jobs = [self._dispatched_job() for _i in range(count)]
        actions = []
        for job in jobs:
            actions += [
                self.action("start_travel", job),
                self.action("update", job, vals={"diagnosis": "<p>ok</p>"}),
            ]
        self.env.invalidate_all()
        with QueryCount(self.env) as queries:
            results = self.App.with_user(self.technician)._sync(actions)["results"]
        self.assertEqual({r["status"] for r in results}, {"applied"})
        return queries.count, len(actions)

    def test_sync_queries_grow_by_a_small_constant_per_action(self):
        self._sync_queries(2)  # warm-up
        small, n_small = self._sync_queries(5)
        large, n_large = self._sync_queries(50)
        per_action = (large - small) / (n_large - n_small)
        self.assertLessEqual(per_action, self.PER_ACTION)
        # linear, not more: the fixed part stays what it was
        fixed = small - per_action * n_small
        self.assertLessEqual(abs(large - (fixed + per_action * n_large)), 1)
