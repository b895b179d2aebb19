"""No period billed twice: RELIABILITY.md tests 3, 4, 5 and 12 for contracts.

The overlap tests need real transactions: like Odoo's ``test_ir_cron`` they open
cursors of their own (``self.registry.cursor()``), commit contracts of their own
and delete them afterwards.
"""

import secrets
from contextlib import closing
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import ContractCommon

ENGINE = "odoo.addons.workshop_contract_billing.models.workshop_contract.billing"


@tagged("post_install", "-at_install")
class TestCrashMidBatch(ContractCommon):
    def test_crash_of_the_37th_of_100_contracts(self):
        contracts = self.env["workshop.contract"]
        for _i in range(100):
            contracts |= self._contract()
        bad = contracts[36]
        Contract = type(self.env["workshop.contract"])
        original = Contract._prepare_invoice_vals

        def crash_on_37th(contract, period, **extras):
            if contract == bad:
                raise ValueError("no income account on the product")
            return original(contract, period, **extras)

        with (
            patch.object(Contract, "_prepare_invoice_vals", crash_on_37th),
            mute_logger(ENGINE),
        ):
            moves = self._run_cron("2026-01-01")
        self.assertEqual(len(moves), 99)
        self.assertFalse(bad.invoice_ids)
        self.assertIn("no income account", bad.billing_error)
        self.assertEqual(
            bad.activity_ids.activity_type_id,
            self.env.ref("mail.mail_activity_data_warning"),
        )
        self.assertFalse((contracts - bad).filtered("billing_error"))
        # fixed: the next run bills the 37th only
        moves = self._run_cron("2026-01-01")
        self.assertEqual(moves.workshop_contract_id, bad)
        self.assertFalse(bad.billing_error)
        periods = contracts.period_ids
        self.assertEqual(len(periods), 100)
        self.assertEqual(
            len(set(periods.mapped(lambda p: (p.contract_id, p.period_start)))), 100
        )
        self.assertEqual(len(contracts.invoice_ids), 100)


@tagged("post_install", "-at_install")
class TestMultiCompany(ContractCommon):
    def test_each_company_bills_its_own_contracts(self):
        company_b = self._company("Workshop B", chart=True)
        customer_b = self.env["res.partner"].create(
            {"name": "B customer", "company_id": company_b.id}
        )
        fee_b = self.env["product.product"].create(
            {"name": "B fee", "type": "service", "list_price": 70.0}
        )
        contract_a = self._contract()
        contract_b = (
            self.env["workshop.contract"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": customer_b.id,
                    "company_id": company_b.id,
                    "date_start": "2026-01-01",
                    "line_ids": [Command.create({"product_id": fee_b.id})],
                }
            )
        )
        contract_b.action_activate()
        moves = self._run_cron("2026-01-01")
        self.assertEqual(
            moves.filtered(lambda m: m.company_id == company_b).workshop_contract_id,
            contract_b,
        )
        self.assertEqual(contract_a.invoice_ids.company_id, self.company)
        self.assertEqual(contract_b.invoice_ids.company_id, company_b)
        # a user of company A sees none of company B's contracts
        Contract = self.env["workshop.contract"].with_user(self.coordinator)
        self.assertEqual(
            Contract.search([("id", "in", (contract_a | contract_b).ids)]), contract_a
        )


def _delete_committed(registry, data):
    """Remove committed contracts and their draft invoices (SQL: the ORM rightly
    refuses to delete billed periods)."""
    with registry.cursor() as cr:
        cr.execute(
            "SELECT id FROM account_move WHERE workshop_contract_id IN %s",
            [tuple(data["contracts"])],
        )
        moves = tuple(row[0] for row in cr.fetchall()) or (0,)
        for model, ids in (
            ("account.move", moves),
            ("workshop.contract", tuple(data["contracts"])),
        ):
            cr.execute(
                "DELETE FROM mail_message WHERE model = %s AND res_id IN %s",
                [model, ids],
            )
            cr.execute(
                "DELETE FROM mail_followers WHERE res_model = %s AND res_id IN %s",
                [model, ids],
            )
        cr.execute(
            "DELETE FROM workshop_contract_period WHERE contract_id IN %s",
            [tuple(data["contracts"])],
        )
        cr.execute("DELETE FROM account_move WHERE id IN %s", [moves])
        cr.execute(
            "DELETE FROM workshop_contract WHERE id IN %s", [tuple(data["contracts"])]
        )
        cr.execute("DELETE FROM res_partner WHERE id = %s", [data["partner"]])


@tagged("post_install", "-at_install")
class TestOverlappingRuns(TransactionCase):
    """Two runs (cron workers, or a cron and "Invoice now") in their own
    transactions over the same committed contracts."""

    COUNT = 20
    DAY = fields.Date.to_date("2026-03-01")

    def _commit_contracts(self):
        token = secrets.token_hex(4)
        with self.registry.cursor() as cr:  # commits on exit
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].create({"name": f"Overlap {token}"})
            product = env.ref("workshop_job_card.product_callout_fee")
            contracts = env["workshop.contract"].create(
                [
                    {
                        "partner_id": partner.id,
                        "date_start": "2026-01-01",
                        "auto_post": False,  # draft invoices: easy to clean up
                        "line_ids": [Command.create({"product_id": product.id})],
                    }
                    for _i in range(self.COUNT)
                ]
            )
            contracts.action_activate()
            data = {"contracts": contracts.ids, "partner": partner.id}
        self.addCleanup(_delete_committed, self.registry, data)
        return data

    def _figures(self, data):
        with closing(self.registry.cursor()) as cr:
            cr.execute(
                """SELECT count(*), count(DISTINCT (contract_id, period_start)),
                          (SELECT count(*) FROM account_move
                            WHERE workshop_contract_id IN %(ids)s)
                     FROM workshop_contract_period WHERE contract_id IN %(ids)s""",
                {"ids": tuple(data["contracts"])},
            )
            return dict(
                zip(("periods", "distinct", "invoices"), cr.fetchone(), strict=True)
            )

    def _cron(self, cr):
        env = api.Environment(cr, SUPERUSER_ID, {})
        return env["workshop.contract"]._cron_recurring_invoice(date_ref=self.DAY)

    def test_second_run_while_the_first_holds_the_contracts_bills_nothing(self):
        data = self._commit_contracts()
        with (
            closing(self.registry.cursor()) as cr_a,
            closing(self.registry.cursor()) as cr_b,
        ):
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            # run A locks half of the contracts and bills them, not committed yet
            half = env_a["workshop.contract"].browse(
                data["contracts"][: self.COUNT // 2]
            )
            half._lock_for_billing()._recurring_create_invoices(self.DAY)
            # run B skips what A holds and bills the rest
            self.assertEqual(self._cron(cr_b), self.COUNT // 2)
            cr_b.commit()
            cr_a.commit()
        with closing(self.registry.cursor()) as cr_c:
            self.assertEqual(self._cron(cr_c), 0)  # a third run finds nothing due
            cr_c.commit()
        figures = self._figures(data)
        self.assertEqual(figures["periods"], self.COUNT * 3)
        self.assertEqual(figures["distinct"], figures["periods"])  # 0 duplicates
        self.assertEqual(figures["invoices"], self.COUNT * 3)

    def test_run_on_a_stale_snapshot_bills_nothing_twice(self):
        data = self._commit_contracts()
        with (
            closing(self.registry.cursor()) as cr_a,
            closing(self.registry.cursor()) as cr_b,
        ):
            # B takes its snapshot before A bills and commits
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            self.assertEqual(
                env_b["workshop.contract"].search_count(
                    [("id", "in", data["contracts"])]
                ),
                self.COUNT,
            )
            self.assertEqual(self._cron(cr_a), self.COUNT)
            cr_a.commit()
            with mute_logger("odoo.sql_db", ENGINE):
                billed_by_b = self._cron(cr_b)
            cr_b.commit()
        self.assertEqual(billed_by_b, 0)
        figures = self._figures(data)
        self.assertEqual(figures["periods"], self.COUNT * 3)
        self.assertEqual(figures["distinct"], figures["periods"])
        self.assertEqual(figures["invoices"], self.COUNT * 3)
