from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class WorkshopPortal(CustomerPortal):
    """Customers follow their job cards: state, work done, lines and invoices."""

    def _workshop_job_domain(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return [("partner_id", "child_of", partner.id), ("state", "!=", "cancelled")]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "workshop_job_count" in counters:
            # sudo: portal users have no access to job cards; the domain limits
            # the count to the user's own company's jobs.
            values["workshop_job_count"] = (
                request.env["workshop.job"]
                .sudo()
                .search_count(self._workshop_job_domain())
            )
        return values

    @http.route(
        ["/my/workshop_jobs", "/my/workshop_jobs/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_workshop_jobs(self, page=1, **kw):
        # sudo: see _prepare_home_portal_values
        Job = request.env["workshop.job"].sudo()
        domain = self._workshop_job_domain()
        pager = portal_pager(
            url="/my/workshop_jobs",
            total=Job.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        jobs = Job.search(
            domain, order="id desc", limit=self._items_per_page, offset=pager["offset"]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "jobs": jobs,
                "pager": pager,
                "page_name": "workshop_job",
                "default_url": "/my/workshop_jobs",
            }
        )
        return request.render("workshop_job_card.portal_my_workshop_jobs", values)

    @http.route(
        ["/my/workshop_jobs/<int:job_id>"], type="http", auth="public", website=True
    )
    def portal_my_workshop_job(self, job_id, access_token=None, **kw):
        # sudo: read the job to compare its customer with the visitor's; nothing
        # is shown unless the visitor is that customer or holds the job's token.
        job_sudo = request.env["workshop.job"].sudo().browse(job_id).exists()
        if not job_sudo:
            return request.redirect("/my")
        visitor = request.env.user.partner_id.commercial_partner_id
        if (
            request.env.user._is_public()
            or visitor != job_sudo.partner_id.commercial_partner_id
        ):
            try:
                job_sudo = self._document_check_access(
                    "workshop.job", job_id, access_token
                )
            except (AccessError, MissingError):
                return request.redirect("/my")
        values = self._get_page_view_values(
            job_sudo,
            access_token,
            {"page_name": "workshop_job"},
            "my_workshop_jobs_history",
            False,
            **kw,
        )
        values["job"] = job_sudo
        return request.render("workshop_job_card.portal_my_workshop_job", values)
