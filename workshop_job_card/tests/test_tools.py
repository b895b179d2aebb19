"""The shared mechanisms of workshop_job_card/tools, used by every addon."""

from odoo.tests import tagged

from ..tools.actions import records_action
from ..tools.commits import can_commit
from ..tools.locks import lock_rows
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

    def test_no_commit_inside_tests(self):
        self.assertFalse(can_commit(self.env))
