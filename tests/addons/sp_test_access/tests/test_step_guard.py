"""The one guard of workflow fields (sp_base's sp.step.mixin): a step-owned field is written by
its step only, whatever context the client sends, through the ORM and over XML-RPC."""
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from odoo.addons.sp_base.tests.common import SpCommon, SpFixtures, SpRpcMixin


@tagged("post_install", "-at_install")
class TestStepGuardOrm(SpCommon):
    def setUp(self):
        super().setUp()
        self.rec = self.env["sp.test.record"].create(
            {"name": "A1", "area_id": self.commune_a1.id})

    def test_plain_write_refused_whatever_the_context(self):
        Record = self.env["sp.test.record"].with_user(self.officer_a1)
        for context in ({}, {"sp_step": True}, {"tracking_disable": True, "sp_step": "1"}):
            with self.subTest(context=context), self.assertRaises(AccessError):
                Record.with_context(**context).browse(self.rec.id).write({"state": "approved"})
        self.assertEqual(self.rec.state, "draft")

    def test_create_with_step_field_refused_default_accepted(self):
        Record = self.env["sp.test.record"].with_user(self.officer_a1)
        with self.assertRaises(AccessError):
            Record.create({"name": "x", "area_id": self.commune_a1.id, "state": "approved"})
        with self.assertRaises(AccessError):
            Record.create({"name": "x", "area_id": self.commune_a1.id,
                           "approved_by": self.officer_a1.id})
        rec = Record.create({"name": "x", "area_id": self.commune_a1.id, "state": "draft"})
        self.assertEqual(rec.state, "draft")

    def test_step_writes_as_the_user_within_scope(self):
        rec = self.rec.with_user(self.officer_a1)
        rec.action_approve()
        self.assertEqual(rec.state, "approved")
        self.assertEqual(rec.approved_by, self.officer_a1)
        self.assertEqual(rec.write_uid, self.officer_a1)

    def test_step_refused_outside_scope(self):
        other = self.env["sp.test.record"].create({"name": "B1", "area_id": self.commune_b1.id})
        with self.assertRaises(AccessError):
            other.with_user(self.officer_a1).action_approve()
        with self.assertRaises(AccessError):
            other.with_user(self.agent).action_approve()  # read-only role
        self.assertEqual(other.state, "draft")

    def test_system_administrator_may_write(self):
        self.rec.with_user(self.env.ref("base.user_admin")).write({"state": "approved"})
        self.assertEqual(self.rec.state, "approved")


@tagged("post_install", "-at_install")
class TestStepGuardRpc(SpFixtures, SpRpcMixin, HttpCase):
    def test_forged_write_over_rpc(self):
        rec = self.env["sp.test.record"].create({"name": "A1", "area_id": self.commune_a1.id})
        for context in ({}, {"sp_step": True}):
            with self.subTest(context=context), self.assertRaisesRegex(Exception, "steps"):
                self._rpc(self.officer_a1, "sp.test.record", "write", [rec.id],
                          {"state": "approved"}, context=context)
        with self.assertRaisesRegex(Exception, "private|_sp_step_write"):
            self._rpc(self.officer_a1, "sp.test.record", "_sp_step_write", [rec.id],
                      {"state": "approved"})
        self.assertEqual(rec.state, "draft")
        self._rpc(self.officer_a1, "sp.test.record", "action_approve", [rec.id])
        rec.invalidate_recordset()
        self.assertEqual(rec.state, "approved")
