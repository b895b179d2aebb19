import random
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.tools import SQL

WEEKS = 12
# (customer, asset, job type, technician, hours of labour)
WORK = [
    ("partner_bayline", "asset_bayline_transit350", "job_type_maintenance", "mechanic"),
    ("partner_pacificfresh", "asset_pacificfresh_hino", "job_type_repair", "mechanic"),
    (
        "partner_goldengate",
        "asset_goldengate_generator",
        "job_type_inspection",
        "electrician",
    ),
    (
        "partner_harborview",
        "asset_harborview_compressor",
        "job_type_repair",
        "electrician",
    ),
    ("partner_sunset", "asset_sunset_tacoma", "job_type_maintenance", "mechanic"),
    (
        "partner_pacificfresh",
        "asset_pacificfresh_forklift",
        "job_type_emergency",
        "electrician",
    ),
    ("partner_bayline", "asset_bayline_forklift", "job_type_repair", "mechanic"),
    ("partner_goldengate", "asset_goldengate_f250", "job_type_maintenance", "mechanic"),
]
# state history of a finished job: (state, hours after it was reported)
STEPS = [("draft", 0), ("scheduled", 1), ("dispatched", 20), ("en_route", 22)]
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def _ref(env, name):
    return env.ref(f"workshop_job_card.{name}")


class WorkshopLeakageDemoHistory(models.AbstractModel):
    """Twelve weeks of a running workshop for the demo database (called from
    demo/workshop_demo_history.xml): finished jobs every week, invoiced a few
    days later (faster as the weeks go by), some late on their SLA, some
    never invoiced; two contracts billed monthly; the parts of the finished
    demo jobs dated when they were used; every demo record owned by a demo
    user; then the trend backfilled."""

    _name = "workshop.leakage.demo.history"
    _description = "Workshop Demo History"

    @api.model
    def _demo_history(self):
        rng = random.Random(18)
        users = {
            login: _ref(self.env, f"user_{login}")
            for login in ("coordinator", "mechanic", "electrician", "accountant")
        }
        users["manager"] = _ref(self.env, "user_service_manager")
        self._demo_owners(users)
        jobs, plan = self._demo_jobs(users, rng)
        self._demo_finish(jobs, plan, users)
        self._demo_contracts(users)
        self._demo_date_parts()
        self.env["workshop.leakage.run"]._backfill_history()

    # ------------------------------------------------------------------
    def _demo_owners(self, users):
        """No demo record managed by OdooBot: contracts to the service
        manager, jobs to the coordinator, activities to the manager."""
        root = self.env.ref("base.user_root")
        self.env["workshop.contract"].search(
            [("user_id", "in", (root.id, False))]
        ).write({"user_id": users["manager"].id})
        self.env["workshop.job"].search([("user_id", "in", (root.id, False))]).write(
            {"user_id": users["coordinator"].id}
        )
        self.env["mail.activity"].search([("user_id", "=", root.id)]).write(
            {"user_id": users["manager"].id}
        )

    def _demo_jobs(self, users, rng):
        """Three to five jobs a week, created by the coordinator; returns the
        jobs and their (reported, arrived, done, invoiced or None) times."""
        today = fields.Date.context_today(self)
        monday = today - timedelta(days=today.weekday())
        labour = _ref(self.env, "product_labour_mechanic")
        vals_list, plan = [], []
        for week in range(WEEKS, 0, -1):
            for _n in range(rng.randint(3, 5)):
                partner, asset, job_type, tech = rng.choice(WORK)
                day = monday - timedelta(weeks=week, days=-rng.randint(0, 4))
                reported = datetime.combine(day, time(rng.randint(7, 11)))
                # SLA: most jobs arrive the same day; one in five a day late
                late = rng.random() < 0.2
                arrived = reported + timedelta(hours=rng.randint(26, 40) if late else 3)
                done = arrived + timedelta(hours=rng.randint(2, 6))
                # days to invoice shrink as the office catches up; one in
                # eight is never invoiced (a leak)
                if rng.random() < 0.125:
                    invoiced = None
                else:
                    lag = max(0.3, rng.uniform(0.5, 1.0) * week * 0.9)
                    invoiced = done + timedelta(days=lag)
                    if invoiced.date() >= today:
                        invoiced = None
                hours = rng.choice([1.0, 1.5, 2.0, 3.0, 4.0])
                vals_list.append(
                    {
                        "partner_id": _ref(self.env, partner).id,
                        "asset_id": _ref(self.env, asset).id,
                        "job_type_id": _ref(self.env, job_type).id,
                        "user_id": users["coordinator"].id,
                        "technician_ids": [Command.set(users[tech].ids)],
                        "client_order_ref": f"PO-{rng.randint(4000, 9999)}",
                        "reported_datetime": reported,
                        "scheduled_datetime": reported + timedelta(hours=1),
                        "resolution": "<p>Work done, tested with the customer.</p>",
                        "line_ids": [
                            Command.create(
                                {
                                    "kind": "labour",
                                    "product_id": labour.id,
                                    "quantity": hours,
                                    "technician_id": users[tech].id,
                                }
                            )
                        ],
                    }
                )
                plan.append((reported, arrived, done, invoiced))
        Job = self.env["workshop.job"].with_user(users["coordinator"])
        return Job.create(vals_list), plan

    def _demo_finish(self, jobs, plan, users):
        """Through the workflow as the people who press the buttons, then the
        times they did it."""
        jobs.action_schedule()
        jobs.action_dispatch()
        jobs = jobs.with_user(users["manager"])
        jobs.action_arrive()
        jobs.action_done()
        jobs.action_sign(signature=SIGNATURE, signed_by="Site supervisor")
        for job, (_reported, arrived, done, _invoiced) in zip(jobs, plan, strict=False):
            job.with_user(users["coordinator"]).write(
                {"arrived_datetime": arrived, "done_datetime": done}
            )
        to_invoice = jobs.browse(
            [job.id for job, times in zip(jobs, plan, strict=False) if times[3]]
        ).with_user(users["coordinator"])
        Move = self.env["account.move"]
        before = Move.search([("move_type", "=", "out_invoice")])
        to_invoice.action_create_invoice()
        invoices = Move.search([("move_type", "=", "out_invoice")]) - before
        when = {job.id: times[3] for job, times in zip(jobs, plan, strict=False)}
        for invoice in invoices:
            invoice.invoice_date = when[invoice.workshop_job_id.id].date()
        invoices.with_user(users["accountant"]).action_post()
        # the state history as it happened (one statement)
        rows = []
        for job, (reported, arrived, done, invoiced) in zip(jobs, plan, strict=False):
            rows += [
                (job.id, state, reported + timedelta(hours=h)) for state, h in STEPS
            ]
            rows += [(job.id, "on_site", arrived), (job.id, "done", done)]
            rows += [(job.id, "signed", done + timedelta(minutes=10))]
            if invoiced:
                rows.append((job.id, "invoiced", invoiced))
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE workshop_job_stage_log sl SET date = v.date
                  FROM (VALUES %s) AS v(job_id, to_state, date)
                 WHERE sl.job_id = v.job_id AND sl.to_state = v.to_state
                """,
                SQL(", ").join(SQL("(%s, %s, %s::timestamp)", *row) for row in rows),
            )
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE workshop_job j SET signed_datetime = sl.date
                  FROM workshop_job_stage_log sl
                 WHERE sl.job_id = j.id AND sl.to_state = 'signed'
                   AND j.id = ANY(%s)
                """,
                jobs.ids,
            )
        )
        self.env.invalidate_all()

    def _demo_contracts(self, users):
        """Two monthly contracts started three months ago, billed so far."""
        today = fields.Date.context_today(self)
        start = (today - relativedelta(months=3)).replace(day=1)
        product = self.env.ref("workshop_contract_billing.product_fleet_care")
        Contract = self.env["workshop.contract"].with_user(users["manager"])
        contracts = Contract.create(
            [
                {
                    "title": title,
                    "partner_id": _ref(self.env, partner).id,
                    "user_id": users[owner].id,
                    "date_start": start,
                    "date_end": start + relativedelta(years=1, days=-1),
                    "recurring_rule": "monthly",
                    "invoicing_mode": "advance",
                    "line_ids": [
                        Command.create(
                            {"kind": "fixed", "product_id": product.id, "quantity": qty}
                        )
                    ],
                }
                for title, partner, owner, qty in (
                    ("Reefer fleet care", "partner_pacificfresh", "manager", 4),
                    ("Landscaping trucks care", "partner_sunset", "coordinator", 2),
                )
            ]
        )
        contracts.action_activate()
        contracts._recurring_create_invoices(today)

    def _demo_date_parts(self):
        """The parts issued to the finished demo jobs dated when the job was
        done (the demo loads them all on one day)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE stock_move sm SET date = j.done_datetime
                  FROM workshop_job j
                 WHERE sm.workshop_job_id = j.id AND sm.state = 'done'
                   AND j.done_datetime IS NOT NULL AND j.done_datetime < sm.date
                """
            )
        )
        self.env.invalidate_all()
