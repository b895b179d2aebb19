"""The shared mechanisms of workshop_job_card/tools, used by every addon."""

from odoo.tests import tagged

from ..tools.actions import domain_action, records_action
from ..tools.commits import can_commit
from ..tools.locks import lock_next, lock_rows
from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestTools(WorkshopCommon):
    def test_one_record_opens_its_form_several_a_list(self):
        jobs = self._create_job() | self._create_job()
        one = records_action(jobs[0], "workshop_job_card.workshop_job_action")
        self.assertEqual((one["res_id"], one["views"]), (jobs[0].id, [(False, "form")]))
        many = records_action(
            jobs, "workshop_job_card.workshop_job_action", context={"a": 1}
        )
        self.assertEqual(many["domain"], [("id", "in", jobs.ids)])
        self.assertEqual(many["context"], {"a": 1})
        self.assertFalse(many["res_id"])

    def test_skip_locked_leaves_out_rows_another_transaction_holds(self):
        # committed rows: the company's partner and OdooBot's
        held = self.env.ref("base.main_partner")
        free = self.env.ref("base.partner_root")
        self.assertEqual(lock_rows(held), held)
        with self.env.registry.cursor() as other_cr:
            both = (held | free).with_env(self.env(cr=other_cr))
            self.assertEqual(lock_rows(both, skip_locked=True).ids, free.ids)
            other_cr.rollback()

    def test_domain_action_keeps_the_domain_and_the_values(self):
        action = domain_action(
            self.env,
            "workshop_job_card.workshop_job_action",
            [("partner_id", "=", self.customer.id)],
            context={"default_partner_id": self.customer.id},
        )
        self.assertEqual(action["res_model"], "workshop.job")
        self.assertEqual(action["domain"], [("partner_id", "=", self.customer.id)])
        self.assertEqual(action["context"], {"default_partner_id": self.customer.id})

    def test_lock_next_takes_the_first_free_rows_of_a_domain(self):
        # committed rows this test class's fixtures do not hold (creating users
        # key-locks OdooBot's partner): the company's, the admin's, the public one
        rows = (
            self.env.ref("base.main_partner")
            | self.env.ref("base.partner_admin")
            | self.env.ref("base.public_partner")
        ).sorted("id")
        domain = [("id", "in", rows.ids), ("active", "in", (True, False))]
        Partner = self.env["res.partner"]
        self.assertEqual(lock_next(Partner, domain, 1), rows[0])
        with self.env.registry.cursor() as other_cr:
            other = Partner.with_env(self.env(cr=other_cr))
            # the first row is held by the test's transaction: skipped, not waited for
            self.assertEqual(lock_next(other, domain, 1).ids, rows[1].ids)
            self.assertEqual(lock_next(other, domain, 5).ids, rows[1:].ids)
            self.assertEqual(
                lock_next(other, domain, 5, order="id desc").ids, rows[1:][::-1].ids
            )
            other_cr.rollback()

    def test_lock_next_sees_pending_writes(self):
        partner = self.env.ref("base.main_partner")
        partner.ref = "WS-LOCK-NEXT"  # in the cache, not yet in the database
        self.assertEqual(
            lock_next(self.env["res.partner"], [("ref", "=", "WS-LOCK-NEXT")], 1),
            partner,
        )

    def test_no_commit_inside_tests(self):
        self.assertFalse(can_commit(self.env))
