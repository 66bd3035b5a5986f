from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.sp_base.tests.common import SpRpcMixin

from .common import PovertyFixtures


@tagged("post_install", "-at_install")
class TestRpc(SpRpcMixin, PovertyFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.campaign = cls.env["sp.poverty.campaign"].create(
            {"area_id": cls.commune_a1.id, "year": 2026})
        cls.form = cls._assess(cls.hh_a1, 1900000, (1,), campaign_id=cls.campaign.id)

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule")
    def test_forged_writes_over_xmlrpc(self):
        officer = self.officer_a1
        for model, record, vals in (
            ("sp.poverty.assessment", self.form, {"result_status": "poor"}),
            ("sp.poverty.assessment", self.form, {"state": "approved"}),
            ("sp.poverty.campaign", self.campaign, {"state": "recognised"}),
            ("sp.poverty.campaign", self.campaign, {"recogniser_id": officer.id}),
        ):
            with self.subTest(vals=vals), self.assertRaises(Exception) as cm:
                self._rpc(officer, model, "write", [record.id], vals)
            self.assertIn("set by the workflow", str(cm.exception))
        with self.assertRaises(Exception) as cm:
            self._rpc(officer, "sp.poverty.campaign", "_sp_write_history", [self.campaign.id])
        self.assertIn("Private methods", str(cm.exception))
        self.assertEqual(self.form.result_status, "middle")
        self.assertEqual(self.campaign.state, "draft")
        # the form itself works over RPC, and its result follows
        self._rpc(officer, "sp.poverty.assessment", "write", [self.form.id],
                  {"income_per_capita": 1000000})
        self.form.invalidate_recordset()
        self.assertEqual(self.form.result_status, "near_poor")
