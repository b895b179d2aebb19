"""Renewal and termination never happen twice, even across transactions: a
lifecycle run on a stale snapshot (a second worker, or a run that overlaps a
user's click) renews, indexes and credits nothing a committed run already did.

Like test_reliability.py, these tests commit contracts of their own in their
own cursors and delete them afterwards.
"""

import secrets
from contextlib import closing

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.workshop_job_card.tools.privilege import grant

from ..models.workshop_contract.workshop_contract import TERMINATION
from .test_reliability import ENGINE, _delete_committed

RENEWAL = "odoo.addons.workshop_contract_billing.models.workshop_contract.renewal"


@tagged("post_install", "-at_install")
class TestLifecycleOverlap(TransactionCase):
    COUNT = 5

    def _commit_contracts(self, **vals):
        token = secrets.token_hex(4)
        with self.registry.cursor() as cr:  # commits on exit
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            partner = env["res.partner"].create({"name": f"Lifecycle {token}"})
            product = env.ref("workshop_job_card.product_callout_fee")
            values = {
                "partner_id": partner.id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
                "is_auto_renew": True,
                "indexation_pct": 3.5,
                "auto_post": False,  # draft invoices: easy to clean up
                "line_ids": [
                    Command.create({"product_id": product.id, "price_unit": 100.0})
                ],
            }
            values.update(vals)
            contracts = env["workshop.contract"].create(
                [dict(values) for _i in range(self.COUNT)]
            )
            contracts.action_activate()
            data = {"contracts": contracts.ids, "partner": partner.id}
        self.addCleanup(_delete_committed, self.registry, data)
        return data

    def _lifecycle(self, cr, day):
        env = api.Environment(cr, SUPERUSER_ID, {})
        return env["workshop.contract"]._cron_contract_lifecycle(
            date_ref=fields.Date.to_date(day)
        )

    def _read(self, data, query):
        with closing(self.registry.cursor()) as cr:
            cr.execute(query, {"ids": tuple(data["contracts"])})
            return cr.fetchall()

    def test_stale_run_renews_and_indexes_nothing_twice(self):
        data = self._commit_contracts()
        with (
            closing(self.registry.cursor()) as cr_a,
            closing(self.registry.cursor()) as cr_b,
        ):
            # B takes its snapshot before A renews and commits
            cr_b.execute(
                "SELECT count(*) FROM workshop_contract WHERE id IN %s",
                [tuple(data["contracts"])],
            )
            self._lifecycle(cr_a, "2027-01-01")
            cr_a.commit()
            with mute_logger("odoo.sql_db", ENGINE, RENEWAL):
                done_by_b = self._lifecycle(cr_b, "2027-01-01")
            cr_b.commit()
        self.assertEqual(done_by_b, 0)
        rows = self._read(
            data,
            """SELECT c.date_end, c.renewal_count, l.price_unit, c.state
                 FROM workshop_contract c
                 JOIN workshop_contract_line l ON l.contract_id = c.id
                WHERE c.id IN %(ids)s""",
        )
        self.assertEqual(
            {
                (str(end), count, float(price), state)
                for end, count, price, state in rows
            },
            {("2027-12-31", 1, 103.5, "active")},
        )
        self.assertEqual(len(rows), self.COUNT)

    def test_stale_settlement_credits_once(self):
        data = self._commit_contracts(is_auto_renew=False, date_end=False)
        with closing(self.registry.cursor()) as cr_setup:
            env = api.Environment(cr_setup, SUPERUSER_ID, {})
            env["workshop.contract"]._cron_recurring_invoice(
                date_ref=fields.Date.to_date("2026-03-01")
            )
            # scheduled termination after March 15: settled by the next runs
            contracts = env["workshop.contract"].browse(data["contracts"])
            grant(contracts, TERMINATION).write(
                {
                    "termination_date": "2026-03-15",
                    "termination_reason": "Overlap test",
                    "date_end": "2026-03-15",
                }
            )
            cr_setup.commit()
        with (
            closing(self.registry.cursor()) as cr_a,
            closing(self.registry.cursor()) as cr_b,
        ):
            cr_b.execute(
                "SELECT count(*) FROM workshop_contract WHERE id IN %s",
                [tuple(data["contracts"])],
            )
            self.assertEqual(self._lifecycle(cr_a, "2026-03-16"), self.COUNT)
            cr_a.commit()
            with mute_logger("odoo.sql_db", ENGINE, RENEWAL):
                self.assertEqual(self._lifecycle(cr_b, "2026-03-16"), 0)
            cr_b.commit()
        credited = self._read(
            data,
            """SELECT count(*), count(DISTINCT contract_id),
                      (SELECT count(*) FROM account_move
                        WHERE workshop_contract_id IN %(ids)s
                          AND move_type = 'out_refund')
                 FROM workshop_contract_period
                WHERE contract_id IN %(ids)s AND kind = 'credit'""",
        )
        self.assertEqual(credited, [(self.COUNT, self.COUNT, self.COUNT)])
        states = self._read(
            data, "SELECT DISTINCT state FROM workshop_contract WHERE id IN %(ids)s"
        )
        self.assertEqual(states, [("terminated",)])
