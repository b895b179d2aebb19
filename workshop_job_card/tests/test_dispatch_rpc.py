from odoo.tests import HttpCase, tagged

from .common import RpcCallsMixin
from .common_dispatch import DispatchCommon, at, dt


@tagged("post_install", "-at_install")
class TestDispatchRpc(RpcCallsMixin, DispatchCommon, HttpCase):
    """The board's methods over real XML-RPC: technicians, portal users and
    accountants are refused whatever they pass; a coordinator gets through."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.job = cls._plan_job()

    def _calls(self):
        return [
            ("get_board", dt(at(0)), dt(at(0, 7))),
            ("check_slot", self.job.id, self.technician.id, dt(at(9)), dt(at(10))),
            ("move_job", self.job.id, self.technician.id, dt(at(9)), dt(at(10))),
            ("suggest", self.job.id),
            ("auto_plan", self.job.ids),
            (
                "apply_plan",
                [
                    {
                        "job_id": self.job.id,
                        "technician_id": self.technician.id,
                        "start": dt(at(9)),
                        "end": dt(at(10)),
                    }
                ],
            ),
        ]

    def test_lower_roles_are_refused(self):
        for user in (self.technician, self.portal, self.accountant):
            for method, *args in self._calls():
                with self.subTest(user=user.login, method=method):
                    self.assertRpcRefused(
                        "access", user, "workshop.dispatch", method, *args
                    )
        self.assertEqual(self.job.state, "draft")
        self.assertFalse(self.job.technician_ids)

    def test_a_context_key_opens_nothing(self):
        self.assertRpcRefused(
            "access",
            self.technician,
            "workshop.dispatch",
            "move_job",
            self.job.id,
            self.technician.id,
            dt(at(9)),
            dt(at(10)),
            context={"workshop_grant": ["workshop_job_card.workflow"], "su": True},
        )

    def test_coordinator_moves_a_job_over_rpc(self):
        card = self.rpc(
            self.coordinator,
            "workshop.dispatch",
            "move_job",
            self.job.id,
            self.technician.id,
            dt(at(9)),
            dt(at(10)),
        )
        self.assertEqual(card["state"], "scheduled")
        self.assertEqual(self.job.technician_ids, self.technician)
