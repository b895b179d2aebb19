"""The billing engine does the per-invoice work of Odoo once per batch where it
can: one chatter line per invoice naming its contract, customers subscribed as
followers for the batch, and a budget of SQL queries per invoice."""

from odoo.tests import tagged

from odoo.addons.workshop_job_card.tests.common import QueryCount

from .common import ContractCommon

# measured: about 10 queries per invoice (creating and posting it included)
QUERIES_PER_INVOICE = 14


@tagged("post_install", "-at_install")
class TestBillingBatch(ContractCommon):
    def setUp(self):
        super().setUp()
        # the chatter is what these tests look at
        self.env = self.env(context=dict(self.env.context, tracking_disable=False))

    def _contracts(self, count):
        return self.env["workshop.contract"].concat(
            *(self._contract() for _i in range(count))
        )

    def test_invoice_chatter_names_the_contract_that_created_it(self):
        contracts = self._contracts(3)
        moves = self._run_cron("2026-01-01")
        self.assertEqual(moves.workshop_contract_id, contracts)
        for move in moves:
            logged = move.message_ids.filtered(
                lambda m, c=move.workshop_contract_id: c.name in (m.body or "")
            )
            self.assertEqual(len(logged), 1, "one creation line per invoice")
            self.assertIn("Invoice Created", logged.body)

    def test_customer_follows_each_posted_invoice_once(self):
        self._contracts(3)
        moves = self._run_cron("2026-01-01")
        self.assertEqual(set(moves.mapped("state")), {"posted"})
        for move in moves:
            followers = move.message_follower_ids.filtered(
                lambda f, p=move.partner_id: f.partner_id == p
            )
            self.assertEqual(len(followers), 1)
            self.assertEqual(
                followers.subtype_ids,
                self.env["mail.message.subtype"].default_subtypes(move._name)[2],
            )

    def test_queries_per_invoice_stay_within_budget(self):
        # a first invoice opens the journal's sequence for the year
        self._contracts(1)
        self._run_cron("2026-01-01")
        counts = {}
        for size in (10, 20):
            contracts = self._contracts(size)
            with QueryCount(self.env) as queries:
                moves = self._run_cron("2026-01-01")
            counts[size] = queries.count
            self.assertEqual(moves.workshop_contract_id, contracts)
        per_invoice = (counts[20] - counts[10]) / 10
        self.assertLessEqual(per_invoice, QUERIES_PER_INVOICE)
