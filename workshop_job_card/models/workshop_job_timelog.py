from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools.field_rights import FieldRight
from .workshop_job.workshop_job import COORDINATOR

# A device clock a little ahead of the server's is not a time log in the future.
CLOCK_SKEW = timedelta(minutes=5)


class WorkshopJobTimelog(models.Model):
    _name = "workshop.job.timelog"
    _description = "Workshop Job Time Log"
    _inherit = ["workshop.field.rights.mixin"]
    _order = "start_datetime desc, id desc"
    _check_company_auto = True
    # a technician logs his own time; the office may log anyone's
    _workshop_field_rights = {"user_id": FieldRight(groups=(COORDINATOR,))}

    job_id = fields.Many2one(
        "workshop.job",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="job_id.company_id", store=True, index=True)
    user_id = fields.Many2one(
        "res.users",
        string="Technician",
        required=True,
        default=lambda self: self.env.user,
        index=True,
    )
    start_datetime = fields.Datetime(
        string="Start", required=True, default=fields.Datetime.now
    )
    stop_datetime = fields.Datetime(string="Stop")
    duration_hours = fields.Float(
        string="Hours", compute="_compute_duration_hours", store=True, digits=(16, 2)
    )
    note = fields.Char()
    line_id = fields.Many2one(
        "workshop.job.line",
        string="Labour Line",
        ondelete="set null",
        index="btree_not_null",
        readonly=True,
    )
    # the technician app's id of the timer (issue 14): a replayed outbox
    # never starts it twice
    client_uuid = fields.Char(copy=False, index="btree_not_null")

    _sql_constraints = [
        (
            "client_uuid_uniq",
            "unique(client_uuid)",
            "This timer of the technician app was already recorded.",
        ),
    ]

    @api.depends("start_datetime", "stop_datetime")
    def _compute_duration_hours(self):
        for log in self:
            if log.start_datetime and log.stop_datetime:
                delta = log.stop_datetime - log.start_datetime
                log.duration_hours = round(delta.total_seconds() / 3600.0, 2)
            else:
                log.duration_hours = 0.0

    @api.constrains("start_datetime", "stop_datetime")
    def _check_dates(self):
        for log in self:
            if log.stop_datetime and log.stop_datetime < log.start_datetime:
                raise ValidationError(_("A time log cannot stop before it starts."))

    @api.constrains("stop_datetime")
    def _check_not_in_future(self):
        latest = fields.Datetime.now() + CLOCK_SKEW
        if any(log.stop_datetime and log.stop_datetime > latest for log in self):
            raise ValidationError(_("A time log cannot stop in the future."))

    @api.constrains("start_datetime", "stop_datetime")
    def _check_max_duration(self):
        if self.env.su or self.env.user.has_group(COORDINATOR):
            return
        for log in self.filtered("stop_datetime"):
            limit = log.company_id.workshop_timelog_max_hours
            if limit and log.duration_hours > limit:
                raise ValidationError(
                    _(
                        "%(hours).2f h in one time log is more than the %(limit).2f h "
                        "a technician may log at once: set the real stop time, "
                        "or ask a service coordinator.",
                        hours=log.duration_hours,
                        limit=limit,
                    )
                )

    @api.constrains("user_id", "start_datetime", "stop_datetime")
    def _check_no_overlap(self):
        """One technician cannot work two stretches at the same time (a running
        timer lasts until it is stopped)."""
        self.flush_model(["user_id", "start_datetime", "stop_datetime"])
        self.env.cr.execute(
            SQL(
                """
                SELECT a.id
                  FROM workshop_job_timelog a
                  JOIN workshop_job_timelog b
                    ON b.user_id = a.user_id AND b.id <> a.id
                   AND b.start_datetime < COALESCE(a.stop_datetime, 'infinity')
                   AND a.start_datetime < COALESCE(b.stop_datetime, 'infinity')
                 WHERE a.id IN %s
                 LIMIT 1
                """,
                tuple(self.ids),
            )
        )
        if self.env.cr.fetchone():
            raise ValidationError(
                _("This time log overlaps another one of the same technician.")
            )

    @api.constrains("user_id", "stop_datetime", "job_id")
    def _check_one_running_timer(self):
        running = self.filtered(lambda log: not log.stop_datetime)
        if not running:
            return
        count = self.search_count(
            [("user_id", "in", running.user_id.ids), ("stop_datetime", "=", False)]
        )
        if count > len(running.user_id):
            raise ValidationError(_("A technician can run only one timer at a time."))

    @api.model_create_multi
    def create(self, vals_list):
        logs = super().create(vals_list)
        jobs = logs.job_id
        if jobs.filtered(lambda j: j.state in ("invoiced", "cancelled")):
            raise UserError(_("Time cannot be logged on an invoiced or cancelled job."))
        logs.filtered("stop_datetime")._rollup_to_labour_lines()
        return logs

    def write(self, vals):
        res = super().write(vals)
        if {"start_datetime", "stop_datetime", "user_id"} & set(vals):
            self.filtered("stop_datetime")._rollup_to_labour_lines()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_billed(self):
        locked = self.job_id.filtered(lambda j: j.state in ("invoiced", "cancelled"))
        if locked or any(
            log.line_id._has_posted_billing() for log in self if log.line_id
        ):
            raise UserError(
                _(
                    "Time billed on an invoice cannot be deleted: "
                    "credit the invoice first."
                )
            )

    def unlink(self):
        lines = self.line_id
        res = super().unlink()
        # the labour line keeps following its remaining logs
        for line in lines.exists().sudo()._as_timelog_rollup():
            line.quantity = sum(line.timelog_ids.mapped("duration_hours"))
        return res

    def action_stop(self):
        """Stop running timers now and roll them into labour lines."""
        self.filtered(lambda log: not log.stop_datetime).write(
            {"stop_datetime": fields.Datetime.now()}
        )
        return True

    def _claim_planned_labour_line(self, product):
        """A planned labour operation (from a template or the office, nobody's
        yet) becomes this technician's line at their rate, so logged time
        replaces the plan instead of being billed on top of it."""
        self.ensure_one()
        planned = self.job_id.line_ids.filtered(
            lambda line: line.kind == "labour"
            and not line.technician_id
            and not line.timelog_ids
            and not line.sudo().invoice_line_ids
        )
        planned = planned.filtered(lambda line: line.product_id == product) or planned
        line = planned[:1]
        if line:
            # sudo: the rate product, not the technician, decides the price
            line.sudo()._as_timelog_rollup().write(
                {"technician_id": self.user_id.id, "product_id": product.id}
            )
        return line

    def _rollup_to_labour_lines(self):
        """Each stopped log belongs to the labour line of its technician's rate
        product on its job (created when missing); that line's quantity is the
        sum of its logs."""
        Line = self.env["workshop.job.line"]
        to_create = {}
        for log in self.filtered(lambda log: not log.line_id):
            product = log.user_id._get_workshop_labour_product(log.job_id.company_id)
            if not product:
                raise UserError(
                    _(
                        "Set a labour product for %(user)s or a "
                        "default one in the Workshop "
                        "settings.",
                        user=log.user_id.name,
                    )
                )
            line = log.job_id.line_ids.filtered(
                lambda line, log=log, product=product: line.kind == "labour"
                and line.product_id == product
                and line.technician_id == log.user_id
                and not line.sudo().invoice_line_ids
            )[:1]
            if not line:
                line = log._claim_planned_labour_line(product)
            if line:
                log.line_id = line
            else:
                to_create.setdefault((log.job_id, product, log.user_id), self.browse())
                to_create[(log.job_id, product, log.user_id)] |= log
        if to_create:
            # sudo: technicians create labour lines at the rate product's price,
            # which they may not set themselves.
            new_lines = Line.sudo().create(
                [
                    {
                        "job_id": job.id,
                        "kind": "labour",
                        "product_id": product.id,
                        "technician_id": user.id,
                        "quantity": 0.0,
                    }
                    for job, product, user in to_create
                ]
            )
            for line, logs in zip(new_lines, to_create.values(), strict=False):
                logs.line_id = line.id
        lines = self.line_id
        # sudo: the quantity comes from the logs, not from the user.
        for line in lines.sudo()._as_timelog_rollup():
            line.quantity = sum(line.timelog_ids.mapped("duration_hours"))
