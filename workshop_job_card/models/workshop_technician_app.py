"""The server side of the technician app "My Day" (issue 14).

Two entry points, both called by ``controllers/technician_app.py``:

- :meth:`WorkshopTechnicianApp._read_day`: the technician's upcoming jobs and
  what the app keeps on the device, in a fixed number of queries;
- :meth:`WorkshopTechnicianApp._sync`: an outbox of actions taken on the phone
  (online or not), applied in order, each in its own savepoint, each through the
  same model methods the web client calls. Every action carries a UUID made on
  the device; what an action creates stores it (``client_uuid``, unique in the
  database), so a replayed outbox creates nothing twice.

Other addons add action types with a ``_sync_action_<type>`` method and list
them in :meth:`_sync_action_types` (``workshop_parts_control``: van issues and
parts requests), and add to the day in :meth:`_read_day_extra`.
"""

import base64
import binascii
import math
from datetime import datetime, timedelta, timezone

import psycopg2

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.tools import html2plaintext

from .workshop_job.workshop_job import TRANSITIONS

# How far ahead the app loads planned jobs.
HORIZON_DAYS = 7
# Jobs the technician works on whatever their date; planned ones come by date.
ACTIVE_STATES = ("en_route", "on_site", "waiting_parts", "done")
PLANNED_STATES = ("scheduled", "dispatched")
# Workflow steps of the app -> the job's workflow button.
STEPS = {
    "start_travel": "action_start_travel",
    "arrive": "action_arrive",
    "wait_parts": "action_wait_parts",
    "resume": "action_resume",
    "done": "action_done",
}
# Steps whose stage log row keeps the device's position.
POSITION_STEPS = ("start_travel", "arrive")
MAX_UUID_LENGTH = 64
MAX_PHOTO_BYTES = 15 * 1024 * 1024
# What the model's refusals look like: a conflict the technician is shown.
REFUSALS = (UserError, AccessError, ValidationError, MissingError)


class SyncConflict(UserError):
    """An action that cannot apply to the job as it is now on the server."""


def parse_device_datetime(value):
    """A device timestamp (ISO 8601, as ``Date.toISOString()`` writes it) as a
    naive UTC datetime, or None when it is not one."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo:
        stamp = stamp.astimezone(timezone.utc).replace(tzinfo=None)
    return stamp.replace(microsecond=0)


def is_number(value):
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


class WorkshopTechnicianApp(models.AbstractModel):
    _name = "workshop.technician.app"
    _description = "Workshop Technician App"

    # ------------------------------------------------------------------
    # The day
    # ------------------------------------------------------------------
    @api.model
    def _day_domain(self, now):
        horizon = fields.Datetime.to_datetime(
            fields.Date.context_today(self, now) + timedelta(days=HORIZON_DAYS + 1)
        )
        today = fields.Datetime.to_datetime(fields.Date.context_today(self, now))
        return [
            ("technician_ids", "in", self.env.uid),
            "|",
            "|",
            ("state", "in", ACTIVE_STATES),
            # signed today: the day's finished work stays in view
            "&",
            ("state", "=", "signed"),
            ("signed_datetime", ">=", today),
            "&",
            ("state", "in", PLANNED_STATES),
            "|",
            ("scheduled_datetime", "=", False),
            ("scheduled_datetime", "<", horizon),
        ]

    @api.model
    def _read_day(self):
        """The technician's jobs of today and the next days, in scheduled order,
        with what the app shows and keeps offline. A fixed number of queries
        whatever the number of jobs."""
        now = fields.Datetime.now()
        jobs = self.env["workshop.job"].search(
            self._day_domain(now), order="scheduled_datetime, id"
        )
        payload = {
            "server_time": fields.Datetime.to_string(now),
            "user": {"id": self.env.uid, "name": self.env.user.name},
            "jobs": self._read_jobs(jobs),
        }
        self._read_day_extra(jobs, payload)
        return payload

    @api.model
    def _job_fields(self):
        return [
            "name",
            "state",
            "priority",
            "partner_id",
            "site_partner_id",
            "asset_id",
            "description",
            "diagnosis",
            "resolution",
            "office_note",
            "scheduled_datetime",
            "response_deadline",
            "resolution_deadline",
            "arrived_datetime",
            "signed_by",
            "photo_ids",
            "company_id",
        ]

    @api.model
    def _read_jobs(self, jobs):
        if not jobs:
            return []
        rows = jobs.read(self._job_fields())
        sites = {
            site["id"]: site
            for site in jobs.site_partner_id.read(
                [
                    "street",
                    "street2",
                    "zip",
                    "city",
                    "country_id",
                    "partner_latitude",
                    "partner_longitude",
                    "phone",
                    "mobile",
                ]
            )
        }
        lines = self.env["workshop.job.line"].search_read(
            [("job_id", "in", jobs.ids), ("kind", "not in", ("section", "note"))],
            [
                "job_id",
                "kind",
                "product_id",
                "name",
                "quantity",
                "product_uom_id",
                "approval_state",
                "client_uuid",
            ],
        )
        timelogs = self.env["workshop.job.timelog"].search_read(
            [("job_id", "in", jobs.ids), ("user_id", "=", self.env.uid)],
            ["job_id", "start_datetime", "stop_datetime", "client_uuid"],
            order="start_datetime",
        )
        by_job = {row["id"]: row for row in rows}
        for row in rows:
            row["lines"], row["timelogs"] = [], []
            row["site"] = self._site_payload(
                sites.get(row["site_partner_id"] and row["site_partner_id"][0])
            )
            for fname in ("description", "diagnosis", "resolution"):
                row[fname] = html2plaintext(row[fname] or "").strip()
        for line in lines:
            by_job[line["job_id"][0]]["lines"].append(line)
        for log in timelogs:
            by_job[log["job_id"][0]]["timelogs"].append(log)
        return rows

    @api.model
    def _site_payload(self, site):
        if not site:
            return {}
        street = ", ".join(filter(None, [site["street"], site["street2"]]))
        town = " ".join(filter(None, [site["zip"], site["city"]]))
        address = ", ".join(
            filter(None, [street, town, site["country_id"] and site["country_id"][1]])
        )
        lat, lon = site["partner_latitude"], site["partner_longitude"]
        return {
            "address": address,
            "phone": site["mobile"] or site["phone"] or "",
            "latitude": lat,
            "longitude": lon,
            "has_position": bool(lat or lon),
        }

    @api.model
    def _read_day_extra(self, jobs, payload):
        """Hook: add what other addons keep on the device to ``payload``."""

    # ------------------------------------------------------------------
    # The outbox
    # ------------------------------------------------------------------
    @api.model
    def _sync_action_types(self):
        return {
            "start_travel",
            "arrive",
            "wait_parts",
            "resume",
            "done",
            "sign",
            "timer_start",
            "timer_stop",
            "photo",
            "update",
            "add_line",
        }

    @api.model
    def _client_uuid_fields(self):
        """(model, field) of every record an action may create."""
        return [
            ("workshop.job.stage.log", "client_uuid"),
            ("workshop.job.timelog", "client_uuid"),
            ("workshop.job.line", "client_uuid"),
            ("ir.attachment", "workshop_client_uuid"),
        ]

    @api.model
    def _known_client_uuids(self, uuids):
        """The ones of ``uuids`` already stored: one query per model."""
        known = set()
        if not uuids:
            return known
        for model, fname in self._client_uuid_fields():
            # sudo: whether an id is taken, whoever's record holds it (a record
            # the user cannot read would still refuse the id in the database)
            records = (
                self.env[model]
                .sudo()
                .with_context(active_test=False)
                .search_fetch([(fname, "in", list(uuids))], [fname])
            )
            known.update(records.mapped(fname))
        return known

    @api.model
    def _sync(self, actions):
        """Apply an outbox in order. Returns one result per action:
        ``{"uuid", "status": "applied" | "duplicate" | "conflict", "message"}``.
        An action that is refused is rolled back as a whole and reported; the
        following ones still apply."""
        if not isinstance(actions, list):
            raise UserError(_("The outbox must be a list of actions."))
        uuids = {
            action.get("uuid")
            for action in actions
            if isinstance(action, dict) and self._is_uuid(action.get("uuid"))
        }
        known = self._known_client_uuids(uuids)
        job_ids = {
            action.get("job_id")
            for action in actions
            if isinstance(action, dict) and self._is_id(action.get("job_id"))
        }
        # the jobs the record rules let this user see (reassigned, other
        # companies' and other technicians' jobs are not among them)
        visible = self.env["workshop.job"].search([("id", "in", list(job_ids))])
        return {
            "results": [self._sync_one(action, known, visible) for action in actions]
        }

    @staticmethod
    def _is_uuid(value):
        return isinstance(value, str) and 8 <= len(value) <= MAX_UUID_LENGTH

    @staticmethod
    def _is_id(value):
        return isinstance(value, int) and not isinstance(value, bool) and value > 0

    @api.model
    def _sync_one(self, action, known, visible):
        uuid = action.get("uuid") if isinstance(action, dict) else None
        result = {"uuid": uuid if isinstance(uuid, str) else None}
        try:
            if not self._is_uuid(uuid):
                raise SyncConflict(
                    _("This action has no valid id: it was not sent by the app.")
                )
            if uuid in known:
                return dict(result, status="duplicate")
            kind = action.get("type")
            if kind not in self._sync_action_types():
                raise SyncConflict(_("Unknown action %s.", kind))
            job = self._sync_job(action, visible)
            with self.env.cr.savepoint():
                status = getattr(self, f"_sync_action_{kind}")(job, action)
        except psycopg2.IntegrityError:
            # the same id stored meanwhile by a concurrent replay
            self.env.invalidate_all()
            return dict(result, status="duplicate")
        except REFUSALS as error:
            return dict(result, status="conflict", message=str(error.args[0]))
        known.add(uuid)
        return dict(result, status=status or "applied")

    @api.model
    def _sync_job(self, action, visible):
        """The job the action is about, or a conflict saying why it can no
        longer be worked on from the app."""
        job_id = action.get("job_id")
        job = visible.filtered(lambda j: j.id == job_id)
        if not job:
            raise SyncConflict(
                _("This job was reassigned or removed: it is no longer yours.")
            )
        if self.env.user not in job.technician_ids:
            raise SyncConflict(
                _("Job %s was reassigned: you are no longer its technician.", job.name)
            )
        if job.state == "cancelled":
            raise SyncConflict(_("Job %s was cancelled by the office.", job.name))
        if job.state == "invoiced":
            raise SyncConflict(_("Job %s is invoiced: it cannot change.", job.name))
        return job

    # ------------------------------------------------------------------
    # Actions: the same model methods as the web client
    # ------------------------------------------------------------------
    def _sync_step(self, job, action, method):
        """A workflow button, and the device's time and position on the stage
        log row it writes."""
        getattr(job, method)()
        target = TRANSITIONS[method][1]
        self._tag_stage_log(job, target, action)

    def _tag_stage_log(self, job, target, action):
        # sudo: the history is append-only for users; the app adds the
        # device's facts to the row this step just wrote
        log = (
            self.env["workshop.job.stage.log"]
            .sudo()
            .search(
                [
                    ("job_id", "=", job.id),
                    ("to_state", "=", target),
                    ("client_uuid", "=", False),
                ],
                order="id desc",
                limit=1,
            )
        )
        vals = {
            "client_uuid": action["uuid"],
            "device_datetime": parse_device_datetime(action.get("device_time")),
        }
        if action.get("type") in POSITION_STEPS:
            vals.update(self._position_vals(action.get("position")))
        log.write(vals)

    @staticmethod
    def _position_vals(position):
        """A position the device gave (refused or garbled: none, work goes on)."""
        if not isinstance(position, dict):
            return {}
        lat, lon = position.get("latitude"), position.get("longitude")
        accuracy = position.get("accuracy")
        if not (is_number(lat) and is_number(lon)):
            return {}
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return {}
        return {
            "has_position": True,
            "latitude": lat,
            "longitude": lon,
            "position_accuracy": accuracy
            if is_number(accuracy) and accuracy >= 0
            else 0.0,
        }

    def _sync_action_start_travel(self, job, action):
        self._sync_step(job, action, STEPS["start_travel"])

    def _sync_action_arrive(self, job, action):
        self._sync_step(job, action, STEPS["arrive"])

    def _sync_action_wait_parts(self, job, action):
        self._sync_step(job, action, STEPS["wait_parts"])

    def _sync_action_resume(self, job, action):
        self._sync_step(job, action, STEPS["resume"])

    def _sync_action_done(self, job, action):
        self._sync_step(job, action, STEPS["done"])

    def _sync_action_sign(self, job, action):
        signature = action.get("signature")
        if isinstance(signature, str) and signature.startswith("data:"):
            signature = signature.partition(",")[2]
        job.action_sign(
            signature=signature if isinstance(signature, str) else None,
            signed_by=action.get("signed_by")
            if isinstance(action.get("signed_by"), str)
            else None,
        )
        self._tag_stage_log(job, "signed", action)

    def _device_time(self, action, key):
        stamp = parse_device_datetime(action.get(key))
        if not stamp:
            raise SyncConflict(_("The phone sent no readable time for this timer."))
        return stamp

    def _sync_action_timer_start(self, job, action):
        self.env["workshop.job.timelog"].create(
            {
                "job_id": job.id,
                "start_datetime": self._device_time(action, "start"),
                "client_uuid": action["uuid"],
            }
        )

    def _sync_action_timer_stop(self, job, action):
        Timelog = self.env["workshop.job.timelog"]
        timer_uuid, timelog_id = action.get("timer_uuid"), action.get("timelog_id")
        if self._is_uuid(timer_uuid):
            log = Timelog.search(
                [("client_uuid", "=", timer_uuid), ("job_id", "=", job.id)]
            )
        elif self._is_id(timelog_id):
            log = Timelog.search([("id", "=", timelog_id), ("job_id", "=", job.id)])
        else:
            log = Timelog
        if not log:
            raise SyncConflict(_("The timer to stop is not on job %s.", job.name))
        if log.stop_datetime:
            return "duplicate"
        log.write({"stop_datetime": self._device_time(action, "stop")})
        return None

    def _sync_action_photo(self, job, action):
        data, name = action.get("data"), action.get("name")
        if isinstance(data, str) and data.startswith("data:"):
            data = data.partition(",")[2]
        try:
            raw = base64.b64decode(data or "", validate=True)
        except (binascii.Error, TypeError, ValueError) as error:
            raise SyncConflict(_("The photo could not be read.")) from error
        if not raw or len(raw) > MAX_PHOTO_BYTES:
            raise SyncConflict(_("The photo is empty or too large."))
        attachment = self.env["ir.attachment"].create(
            {
                "name": name if isinstance(name, str) and name else "photo.jpg",
                "datas": data,
                "res_model": "workshop.job",
                "res_id": job.id,
                "workshop_client_uuid": action["uuid"],
            }
        )
        job.write({"photo_ids": [Command.link(attachment.id)]})

    def _sync_action_update(self, job, action):
        vals = action.get("vals")
        if not isinstance(vals, dict) or not vals:
            raise SyncConflict(_("Nothing to change was sent."))
        job.write(vals)

    def _sync_action_add_line(self, job, action):
        vals = action.get("vals")
        if not isinstance(vals, dict):
            raise SyncConflict(_("The line was not sent."))
        self.env["workshop.job.line"].create(
            dict(vals, job_id=job.id, client_uuid=action["uuid"])
        )
