from odoo import api, fields, models

from .workshop_job.workshop_job import JOB_STATES


class WorkshopJobStageLog(models.Model):
    _name = "workshop.job.stage.log"
    _description = "Workshop Job State History"
    _order = "date desc, id desc"
    _log_access = True

    job_id = fields.Many2one(
        "workshop.job", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="job_id.company_id", store=True, index=True)
    from_state = fields.Selection(JOB_STATES, string="From")
    to_state = fields.Selection(JOB_STATES, string="To", required=True, index=True)
    user_id = fields.Many2one(
        "res.users", required=True, default=lambda self: self.env.uid
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    # Set by the technician app (issue 14): the device's id of the step, and
    # where and when the device was when the step was taken (travel, arrival).
    client_uuid = fields.Char(readonly=True, copy=False)
    device_datetime = fields.Datetime(string="Device Time", readonly=True)
    latitude = fields.Float(digits=(10, 7), readonly=True)
    longitude = fields.Float(digits=(10, 7), readonly=True)
    position_accuracy = fields.Float(
        string="Accuracy (m)", digits=(10, 1), readonly=True
    )
    has_position = fields.Boolean(readonly=True)

    _sql_constraints = [
        (
            "client_uuid_uniq",
            "unique(client_uuid)",
            "This step of the technician app was already recorded.",
        ),
    ]

    @api.model
    def _log(self, jobs, from_state):
        """Append one history row per job for its current state."""
        # sudo() keeps the acting user in env.uid: the row names who did it
        uid = self.env.uid
        return self.create(
            [
                {
                    "job_id": job.id,
                    "from_state": from_state,
                    "to_state": job.state,
                    "user_id": uid,
                }
                for job in jobs
            ]
        )
