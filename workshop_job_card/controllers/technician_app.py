from odoo import http
from odoo.http import request
from odoo.tools import file_open

SERVICE_WORKER = "workshop_job_card/static/src/technician_app_page/service_worker.js"
APP_PATH = "/workshop/my-day"


class TechnicianApp(http.Controller):
    """The technician app "My Day" (issue 14): its page (installable to the
    home screen, working offline through its service worker) and its two
    JSON-RPC routes: read the day, sync the outbox."""

    @http.route(APP_PATH, type="http", auth="user", methods=["GET"])
    def technician_app_page(self):
        return request.render(
            "workshop_job_card.technician_app_page",
            {
                "app_path": APP_PATH,
                "app_user": {
                    "id": request.env.uid,
                    "name": request.env.user.name,
                },
            },
        )

    @http.route(
        f"{APP_PATH}/service-worker.js",
        type="http",
        auth="public",
        methods=["GET"],
        readonly=True,
    )
    def technician_app_service_worker(self):
        with file_open(SERVICE_WORKER) as source:
            body = source.read()
        return request.make_response(
            body,
            [
                ("Content-Type", "text/javascript"),
                ("Service-Worker-Allowed", APP_PATH),
                ("Cache-Control", "no-cache"),
            ],
        )

    @http.route("/workshop/technician_app/day", type="json", auth="user", readonly=True)
    def technician_app_day(self):
        """The technician's jobs of today and the next days, and what the app
        keeps on the phone."""
        return request.env["workshop.technician.app"]._read_day()

    @http.route("/workshop/technician_app/sync", type="json", auth="user")
    def technician_app_sync(self, actions):
        """Apply the phone's outbox in order; one result per action."""
        return request.env["workshop.technician.app"]._sync(actions)
