from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import dispatch as planner
from .workshop_dispatch_data.workshop_dispatch_data import MOVABLE_STATES, _dt
from .workshop_job.workshop_job import COORDINATOR


class WorkshopDispatch(models.AbstractModel):
    """The dispatch board's server side (Workshop › Dispatch).

    Every public method is an RPC entry point: each checks first that the
    user is a service coordinator, then reads through the user's own record
    rules and writes through the job's ``write`` and workflow actions, so the
    field rights, constraints and the state history apply as in the form.
    The reasoning (conflicts, slots, scores, plans) is plain Python in
    ``tools/dispatch.py``; the board loader and the schedule come from
    ``workshop.dispatch.data`` in a fixed number of queries.
    """

    _name = "workshop.dispatch"
    _inherit = "workshop.dispatch.data"
    _description = "Workshop Dispatch Board"

    def _check_coordinator(self):
        if not self.env.user.has_group(COORDINATOR):
            raise AccessError(
                _("Only service coordinators and managers can use the dispatch board.")
            )

    # ------------------------------------------------------------------
    # The board
    # ------------------------------------------------------------------
    @api.model
    def get_board(self, start, end, team_id=False, skill_id=False):
        """Technicians (filtered by team or skill) with their working hours and
        jobs between ``start`` and ``end`` (UTC strings), each job with its
        conflicts; the unscheduled or unassigned jobs, SLA-tightest first; the
        teams and skills to filter by."""
        self._check_coordinator()
        start, end = self._parse_window(start, end)
        rows = self._technicians(team_id=team_id, skill_id=skill_id)
        techs = self._tech_profiles(rows, start, end)
        bookings, jobs = self._bookings(techs, start, end)
        panel = self._panel_jobs()
        skills = self.env["workshop.skill"].search_read([], ["name", "color"])
        teams = self.env["workshop.team"].search_read([], ["name"])
        return {
            "technicians": [self._tech_card(row, techs[row["id"]]) for row in rows],
            "jobs": self._job_cards(jobs, techs, bookings),
            "unscheduled": [self._job_card(job) for job in panel],
            "skills": skills,
            "teams": teams,
        }

    @api.model
    def check_slot(self, job_id, technician_id, start, end):
        """The conflicts of moving the job to ``technician_id`` from ``start``
        to ``end``, before it is done: ``[{code, message}]``."""
        self._check_coordinator()
        job, _user, row = self._job_and_technician(job_id, technician_id)
        start, end = self._parse_window(start, end)
        return self._slot_conflicts(job, row, start, end)

    @api.model
    def move_job(
        self,
        job_id,
        technician_id,
        start,
        end,
        from_technician_id=False,
        dispatch=False,
    ):
        """Assign and schedule the job (a draft is scheduled; ``dispatch``
        dispatches it); ``from_technician_id`` is the technician it is taken
        from. Returns the job's card with its conflicts after the move."""
        self._check_coordinator()
        job, user, row = self._job_and_technician(job_id, technician_id)
        start, end = self._parse_window(start, end)
        self._schedule(job, user, start, end, from_technician_id)
        if dispatch and job.state == "scheduled":
            job.action_dispatch()
        card = self._job_card(self._read_jobs([("id", "=", job.id)])[0])
        card["conflicts"] = self._slot_conflicts(job, row, start, end)
        return card

    # ------------------------------------------------------------------
    # Suggestions and plans
    # ------------------------------------------------------------------
    @api.model
    def suggest(self, job_id, earliest=False):
        """Technicians for the job, best first, each with his earliest free
        slot meeting the rules and the parts of his score; those without the
        skills or without a slot follow, with the reason."""
        self._check_coordinator()
        job = self._movable_jobs([job_id])
        need = self._needs(job)[0]
        earliest = self._earliest(earliest)
        until = earliest + planner.HORIZON
        techs = self._tech_profiles(
            self._technicians(company=job.company_id), earliest, until
        )
        bookings, _jobs = self._bookings(
            techs, earliest, until, exclude=job, schedule_only=True
        )
        rows = planner.rank(need, list(techs.values()), bookings, earliest, until)
        return [self._suggestion_row(row, techs) for row in rows]

    @api.model
    def auto_plan(self, job_ids, earliest=False):
        """A preview of a greedy plan for the jobs (SLA-tightest first): nothing
        is written. ``{planned: [...], unplanned: [...]}``; apply it with
        :meth:`apply_plan`."""
        self._check_coordinator()
        jobs = self._movable_jobs(job_ids)
        if len(jobs.company_id) > 1:
            raise UserError(_("Plan the jobs of one company at a time."))
        earliest = self._earliest(earliest)
        until = earliest + planner.HORIZON
        techs = self._tech_profiles(
            self._technicians(company=jobs.company_id), earliest, until
        )
        bookings, _jobs = self._bookings(
            techs, earliest, until, exclude=jobs, schedule_only=True
        )
        needs = self._needs(jobs)
        planned, unplanned = planner.plan(
            needs, list(techs.values()), bookings, earliest, until
        )
        names = {need.id: need.name for need in needs}
        tech_names = {tech.id: tech.name for tech in techs.values()}
        return {
            "planned": [
                {
                    "job_id": row["job_id"],
                    "job_name": names[row["job_id"]],
                    "technician_id": row["technician_id"],
                    "technician_name": tech_names[row["technician_id"]],
                    "start": _dt(row["start"]),
                    "end": _dt(row["end"]),
                    "score": row["score"],
                }
                for row in planned
            ],
            "unplanned": [
                {"job_id": row["job_id"], "job_name": names[row["job_id"]]}
                for row in unplanned
            ],
        }

    @api.model
    def apply_plan(self, assignments):
        """Apply a plan (``[{job_id, technician_id, start, end}]``) in one
        transaction: every assignment is checked first (movable job, technician
        with the skills, no double booking with the schedule or within the
        plan); any refusal writes nothing."""
        self._check_coordinator()
        checked = self._check_plan(assignments)
        for job, user, start, end in checked:
            self._schedule(job, user, start, end)
        return len(checked)

    # ------------------------------------------------------------------
    # Writes: the job's own rules
    # ------------------------------------------------------------------
    def _schedule(self, job, user, start, end, from_technician_id=False):
        if end <= start:
            raise UserError(_("A job must end after it starts."))
        technicians = job.technician_ids
        if from_technician_id:
            technicians = technicians.filtered(lambda t: t.id != from_technician_id)
        job.write(
            {
                "scheduled_datetime": start,
                "scheduled_end_datetime": end,
                "technician_ids": [Command.set((technicians | user).ids)],
            }
        )
        if job.state == "draft":
            job.action_schedule()

    def _check_plan(self, assignments):
        if not isinstance(assignments, list) or not assignments:
            raise UserError(_("The plan is empty."))
        try:
            entries = [
                (int(a["job_id"]), int(a["technician_id"]), a["start"], a["end"])
                for a in assignments
            ]
        except (KeyError, TypeError, ValueError) as error:
            raise UserError(_("The plan is not readable: %s", error)) from error
        jobs = self._movable_jobs([entry[0] for entry in entries])
        if len(jobs) != len(entries):
            raise UserError(_("A job appears twice in the plan."))
        rows = {row["id"]: row for row in self._technicians(company=jobs.company_id)}
        checked = []
        for job_id, tech_id, start, end in entries:
            job = jobs.browse(job_id)
            row = rows.get(tech_id)
            if not row or job.company_id.id not in row["company_ids"]:
                raise UserError(_("%s cannot be given to this technician.", job.name))
            start, end = self._parse_window(start, end)
            checked.append((job, self.env["res.users"].browse(tech_id), start, end))
        self._check_plan_bookings(checked, jobs, list(rows.values()))
        return checked

    def _check_plan_bookings(self, checked, jobs, rows):
        first = min(entry[2] for entry in checked)
        last = max(entry[3] for entry in checked)
        techs = self._tech_profiles(rows, first, last)
        bookings, booked = self._bookings(
            techs, first, last, exclude=jobs, schedule_only=True
        )
        needs = {need.id: need for need in self._needs(jobs)}
        for job, user, start, end in checked:
            conflicts = planner.slot_conflicts(
                techs[user.id], needs[job.id], start, end, bookings[user.id]
            )
            hard = [c for c in conflicts if c["code"] in ("skill", "overlap")]
            if hard:
                names = {**self._names(booked), **self._names(jobs)}
                messages = self._describe(hard, names)
                raise UserError(
                    _(
                        "%(job)s cannot go to %(tech)s: %(why)s",
                        job=job.name,
                        tech=techs[user.id].name,
                        why="; ".join(m["message"] for m in messages),
                    )
                )
            bookings[user.id].append(
                planner.Booking(start, end, job.id, needs[job.id].location)
            )
            bookings[user.id].sort()

    # ------------------------------------------------------------------
    # Reads
    # ------------------------------------------------------------------
    def _job_and_technician(self, job_id, technician_id):
        """(job, user, row of :meth:`_technicians`) of a move."""
        job = self._movable_jobs([job_id])
        rows = []
        if isinstance(technician_id, int):
            rows = self._technicians(company=job.company_id, user_ids=[technician_id])
        if not rows:
            raise UserError(
                _("This user is not a technician of %s's company.", job.name)
            )
        return job, self.env["res.users"].browse(technician_id), rows[0]

    def _needs(self, jobs):
        """The jobs as the planner sees them, read in one query."""
        rows = {row["id"]: row for row in self._read_jobs([("id", "in", jobs.ids)])}
        return [self._need(rows[job.id]) for job in jobs]

    def _movable_jobs(self, job_ids):
        """The jobs, readable and writable by the user, that the board may move."""
        if not isinstance(job_ids, list) or not all(
            isinstance(i, int) for i in job_ids
        ):
            raise UserError(_("Give the jobs as a list of ids."))
        jobs = self.env["workshop.job"].browse(job_ids).exists()
        if len(jobs) != len(set(job_ids)):
            raise UserError(_("A job of the list no longer exists."))
        jobs.check_access("write")
        fixed = jobs.filtered(lambda j: j.state not in MOVABLE_STATES)
        if fixed:
            raise UserError(
                _(
                    "%(jobs)s can no longer be moved on the board: the work has "
                    "started or ended.",
                    jobs=", ".join(fixed.mapped("name")),
                )
            )
        return jobs

    def _slot_conflicts(self, job, row, start, end):
        techs = self._tech_profiles([row], start - timedelta(hours=12), end)
        bookings, booked = self._bookings(
            techs,
            start - timedelta(hours=12),
            end + timedelta(hours=12),
            exclude=job,
            schedule_only=True,
        )
        conflicts = planner.slot_conflicts(
            techs[row["id"]], self._needs(job)[0], start, end, bookings[row["id"]]
        )
        return self._describe(conflicts, self._names(booked))

    def _suggestion_row(self, row, techs):
        tech = techs[row["technician_id"]]
        result = {"technician_id": tech.id, "technician_name": tech.name}
        if "score" in row:
            result.update(
                start=_dt(row["start"]),
                end=_dt(row["end"]),
                score=row["score"],
                parts=row["parts"],
            )
        elif row.get("missing_skill_ids"):
            skills = self.env["workshop.skill"].browse(row["missing_skill_ids"])
            result["reason"] = _("Missing skill: %s", ", ".join(skills.mapped("name")))
        else:
            result["reason"] = _("No free slot in the coming week")
        return result

    def _earliest(self, earliest):
        moment = fields.Datetime.to_datetime(earliest) if earliest else None
        return planner.ceil_step(moment or fields.Datetime.now())

    def _parse_window(self, start, end):
        try:
            start = fields.Datetime.to_datetime(start)
            end = fields.Datetime.to_datetime(end)
        except (TypeError, ValueError) as error:
            raise UserError(_("Dates are not readable: %s", error)) from error
        if not start or not end or end <= start:
            raise UserError(_("A slot needs a start before its end."))
        return start, end
