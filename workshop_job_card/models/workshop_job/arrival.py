import math

from odoo import api, fields, models

EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1, lon1, lat2, lon2):
    """Great-circle distance between two WGS84 points (haversine), in km."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = (
        math.sin(dphi / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


class WorkshopJob(models.Model):
    """Where the technician was when arriving, and what the office tells him
    (read and written by the technician app, issue 14)."""

    _inherit = "workshop.job"  # pylint: disable=consider-merging-classes-inherited

    office_note = fields.Text(
        string="Note for the Technician",
        help="Shown to the technician on the job in the My Day app.",
    )
    arrival_latitude = fields.Float(compute="_compute_arrival_position", digits=(10, 7))
    arrival_longitude = fields.Float(
        compute="_compute_arrival_position", digits=(10, 7)
    )
    arrival_accuracy = fields.Float(
        string="Arrival Accuracy (m)", compute="_compute_arrival_position"
    )
    arrival_distance_km = fields.Float(
        string="Arrival Distance from Site (km)",
        compute="_compute_arrival_position",
        digits=(16, 3),
        help="Between the position the technician's device gave on arrival and "
        "the site address's coordinates; empty when either is unknown.",
    )
    has_arrival_position = fields.Boolean(compute="_compute_arrival_position")

    @api.depends(
        "stage_log_ids.has_position",
        "site_partner_id.partner_latitude",
        "site_partner_id.partner_longitude",
    )
    def _compute_arrival_position(self):
        # one read of the positioned arrival steps of all jobs
        logs = self.env["workshop.job.stage.log"].search(
            [
                ("job_id", "in", self.ids),
                ("to_state", "=", "on_site"),
                ("has_position", "=", True),
            ],
            order="date desc, id desc",
        )
        last = {}
        for log in logs:
            last.setdefault(log.job_id.id, log)
        for job in self:
            log = last.get(job.id)
            site = job.site_partner_id
            job.has_arrival_position = bool(log)
            job.arrival_latitude = log.latitude if log else 0.0
            job.arrival_longitude = log.longitude if log else 0.0
            job.arrival_accuracy = log.position_accuracy if log else 0.0
            job.arrival_distance_km = (
                distance_km(
                    log.latitude,
                    log.longitude,
                    site.partner_latitude,
                    site.partner_longitude,
                )
                if log and (site.partner_latitude or site.partner_longitude)
                else 0.0
            )
