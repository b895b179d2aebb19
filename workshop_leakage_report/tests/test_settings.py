from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import LeakageCommon

THRESHOLDS = (
    "workshop_leak_draft_days",
    "workshop_leak_done_days",
    "workshop_leak_underprice_pct",
    "workshop_leak_contract_days",
    "workshop_leak_core_days",
    "workshop_leak_alert_value",
    "workshop_leak_escalation_days",
)


@tagged("post_install", "-at_install")
class TestSettings(LeakageCommon):
    def test_negative_thresholds_are_refused_on_the_company(self):
        for name in THRESHOLDS:
            with self.subTest(field=name):
                before = self.company[name]
                with self.assertRaises(ValidationError):
                    self.company.write({name: -1})
                self.company.invalidate_recordset()
                self.assertEqual(self.company[name], before)

    def test_negative_thresholds_are_refused_from_the_settings(self):
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create(
                {"workshop_leak_done_days": -2}
            ).execute()
        self.company.invalidate_recordset()
        self.assertEqual(self.company.workshop_leak_done_days, 2)

    def test_zero_is_a_valid_threshold_and_underpricing_is_a_percentage(self):
        self.company.write(dict.fromkeys(THRESHOLDS, 0))
        with self.assertRaises(ValidationError):
            self.company.workshop_leak_underprice_pct = 150.0

    def test_core_grace_has_a_sensible_default(self):
        company = self._company("Workshop North")
        self.assertEqual(company.workshop_leak_core_days, 14)
