"""Two jobs of one contract invoiced at the same time never both take what is
left of a cap (RELIABILITY.md: two cursors).

Like the contract reliability tests, these open cursors of their own, commit
records of their own and delete them afterwards."""

import secrets
from contextlib import closing

from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.workshop_job_card.tests.common import _report


def _delete_committed(registry, data):
    """Remove the committed records (SQL: the ORM rightly refuses to delete
    invoiced jobs)."""
    with registry.cursor() as cr:
        jobs = tuple(data["jobs"])
        cr.execute(
            "DELETE FROM workshop_contract_usage WHERE contract_id = %s",
            [data["contract"]],
        )
        cr.execute(
            """SELECT DISTINCT l.move_id FROM account_move_line l
                 JOIN workshop_job_line j ON j.id = l.workshop_job_line_id
                WHERE j.job_id IN %s""",
            [jobs],
        )
        moves = tuple(row[0] for row in cr.fetchall()) or (0,)
        for model, ids in (("account.move", moves), ("workshop.job", jobs)):
            cr.execute(
                "DELETE FROM mail_message WHERE model = %s AND res_id IN %s",
                [model, ids],
            )
            cr.execute(
                "DELETE FROM mail_followers WHERE res_model = %s AND res_id IN %s",
                [model, ids],
            )
        cr.execute("DELETE FROM account_move WHERE id IN %s", [moves])
        cr.execute("DELETE FROM workshop_job WHERE id IN %s", [jobs])
        cr.execute(
            "DELETE FROM workshop_contract_allowance WHERE contract_id = %s",
            [data["contract"]],
        )
        cr.execute(
            "DELETE FROM mail_message WHERE model = 'workshop.contract' "
            "AND res_id = %s",
            [data["contract"]],
        )
        cr.execute("DELETE FROM workshop_contract WHERE id = %s", [data["contract"]])
        cr.execute("DELETE FROM workshop_asset WHERE id = %s", [data["asset"]])
        cr.execute("DELETE FROM workshop_job_type WHERE id = %s", [data["job_type"]])
        cr.execute("DELETE FROM res_partner WHERE id = %s", [data["partner"]])


@tagged("post_install", "-at_install")
class TestConcurrentCoverage(TransactionCase):
    """A contract covering 4 labour hours a month; two finished jobs of 3 hours
    each on its asset in the same month, invoiced by two transactions."""

    def _commit_jobs(self, with_allowance):
        token = secrets.token_hex(4)
        with self.registry.cursor() as cr:  # commits on exit
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            env = env(su=True)
            partner = env["res.partner"].create({"name": f"Cover {token}"})
            asset = env["workshop.asset"].create(
                {"name": f"Lift {token}", "partner_id": partner.id}
            )
            job_type = env["workshop.job.type"].create({"name": f"Service {token}"})
            labour = env.ref("workshop_job_card.product_labour_hour")
            contract = env["workshop.contract"].create(
                {
                    "partner_id": partner.id,
                    "date_start": "2026-01-01",
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": env.ref(
                                    "workshop_job_card.product_callout_fee"
                                ).id
                            }
                        )
                    ],
                    "covered_asset_ids": [Command.create({"asset_id": asset.id})],
                    "coverage_ids": [Command.create({"job_type_id": job_type.id})],
                    "coverage_labour_hours": 4.0,
                }
            )
            contract.action_activate()
            jobs = env["workshop.job"].create(
                [
                    {
                        "partner_id": partner.id,
                        "asset_id": asset.id,
                        "job_type_id": job_type.id,
                        "scheduled_datetime": f"2026-03-{day} 08:00:00",
                        "line_ids": [
                            Command.create(
                                {
                                    "kind": "labour",
                                    "product_id": labour.id,
                                    "quantity": 3.0,
                                }
                            )
                        ],
                    }
                    for day in (10, 11)
                ]
            )
            jobs._as_workflow().write({"state": "done"})
            assert jobs.contract_id == contract
            if with_allowance:
                period = contract._period_of(jobs[0].service_date)
                env["workshop.contract.allowance"]._get_for_periods(
                    {(contract, period)}
                )
            data = {
                "partner": partner.id,
                "asset": asset.id,
                "job_type": job_type.id,
                "contract": contract.id,
                "jobs": jobs.ids,
            }
        self.addCleanup(_delete_committed, self.registry, data)
        return data

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True}, su=True)

    def _covered_hours(self, data):
        with closing(self.registry.cursor()) as cr:
            cr.execute(
                """SELECT COALESCE(SUM(u.labour_hours), 0),
                          (SELECT COALESCE(SUM(quantity), 0) FROM account_move_line
                            WHERE workshop_job_line_id IN (
                                  SELECT id FROM workshop_job_line WHERE job_id IN %s)
                              AND display_type = 'product'
                              AND workshop_covered_contract_id IS NULL)
                     FROM workshop_contract_usage u
                    WHERE u.contract_id = %s""",
                [tuple(data["jobs"]), data["contract"]],
            )
            return cr.fetchone()

    def _race(self, with_allowance):
        data = self._commit_jobs(with_allowance)
        job_a, job_b = data["jobs"]
        with (
            closing(self.registry.cursor()) as cr_a,
            closing(self.registry.cursor()) as cr_b,
        ):
            env_b = self._env(cr_b)
            # B takes its snapshot before A invoices and commits
            self.assertEqual(
                env_b["workshop.job"].search_count([("id", "in", data["jobs"])]), 2
            )
            self._env(cr_a)["workshop.job"].browse(job_a)._create_invoices()
            cr_a.commit()
            # B, on its stale snapshot, must not see 4 hours left: it fails
            # and Odoo replays the call in a fresh transaction
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaises(pg_errors.SerializationFailure),
            ):
                env_b["workshop.job"].browse(job_b)._create_invoices()
            cr_b.rollback()
            self._env(cr_b)["workshop.job"].browse(job_b)._create_invoices()
            cr_b.commit()
        covered, billed = self._covered_hours(data)
        _report(
            f"concurrent coverage (allowance row existed: {with_allowance}): "
            f"covered {covered} h of a 4 h cap, billed {billed} h"
        )
        self.assertEqual(covered, 4.0)
        self.assertEqual(billed, 2.0)

    def test_second_invoicing_on_a_stale_snapshot_takes_no_used_cap(self):
        self._race(with_allowance=True)

    def test_two_first_invoicings_of_a_period_take_the_cap_once(self):
        self._race(with_allowance=False)
