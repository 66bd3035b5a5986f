"""Who reads and writes what, per role, through the ORM and over RPC."""
import json

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, TransactionCase, tagged

from odoo.addons.sp_base.tests.common import SpRpcMixin

from .common import ProgrammeFixtures, month


class AccessFixture(ProgrammeFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        hh_a2 = cls._household(cls.commune_a2, "poor")
        cls.enr_a1 = cls._enrol_cls(cls._person("A1", "1950-01-10", cls.hh_poor_a1))
        cls.enr_a2 = cls._enrol_cls(cls._person("A2", "1950-01-10", hh_a2))
        cls.enr_b1 = cls._enrol_cls(cls._person("B1", "1950-01-10", cls.hh_poor_b1))
        cls.all_enrolments = cls.enr_a1 | cls.enr_a2 | cls.enr_b1
        cls.env["sp.entitlement"]._sp_compute_period(month("2026-10"),
                                                     enrolments=cls.all_enrolments)
        cls.all_rows = cls.env["sp.entitlement"].search([("enrolment_id", "in",
                                                          cls.all_enrolments.ids)])
        cls.expected = {
            "sp_officer_a1": cls.enr_a1,
            "sp_manager_a": cls.enr_a1 | cls.enr_a2,
            "sp_central": cls.all_enrolments,
            "sp_agent": cls.all_enrolments,
            "sp_auditor_a": cls.enr_a1 | cls.enr_a2,
            "sp_collaborator_a1": cls.enr_a1,
            "sp_officer_b1": cls.enr_b1,
        }

    @classmethod
    def _enrol_cls(cls, person):
        enrolment = cls.env["sp.enrolment"].create({
            "programme_id": cls.allowance.id, "individual_id": person.id,
            "category_ids": [(6, 0, cls.c5.ids)], "application_date": "2015-01-05"})
        enrolment.action_submit()
        enrolment.popdb_status = "matched"
        enrolment.action_verify()
        decision = cls.env["sp.decision"].create({
            "name": "1", "decision_date": "2015-01-20", "signer": "Chủ tịch",
            "programme_id": cls.allowance.id, "area_id": enrolment.commune_id.id})
        enrolment.with_user(cls.central_officer).action_approve(decision=decision)
        return enrolment


@freeze_time("2026-11-20")
@tagged("post_install", "-at_install")
class TestAccessOrm(AccessFixture, TransactionCase):
    def _users(self):
        return (self.officer_a1, self.officer_b1, self.manager_a, self.central_officer,
                self.agent, self.auditor_a, self.collaborator_a1)

    def test_read_scope_per_role(self):
        for user in self._users():
            with self.subTest(user=user.login):
                expected = self.expected[user.login]
                Enrolment = self.Enrolment.with_user(user)
                self.assertEqual(Enrolment.search([("id", "in", self.all_enrolments.ids)]),
                                 expected)
                if user != self.collaborator_a1:
                    rows = self.Entitlement.with_user(user).search(
                        [("id", "in", self.all_rows.ids)])
                    self.assertEqual(rows.enrolment_id, expected)
                    decisions = self.env["sp.decision"].with_user(user).search(
                        [("id", "in", self.all_enrolments.decision_id.ids)])
                    self.assertEqual(decisions, expected.decision_id)
                for hidden in self.all_enrolments - expected:
                    with self.assertRaises(AccessError):
                        hidden.with_user(user).read(["monthly_amount"])
                # Policy data is national: everyone reads it.
                self.assertEqual(self.env["sp.standard.level"].with_user(user).search_count(
                    [("programme_id", "=", self.allowance.id)]), 4)

    def test_write_scope_per_role(self):
        self.enr_a1.with_user(self.officer_a1).note = "own commune"
        for record in (self.enr_a2, self.enr_b1):
            with self.assertRaises(AccessError):
                record.with_user(self.officer_a1).note = "not mine"
        self.enr_a2.with_user(self.manager_a).note = "province"
        with self.assertRaises(AccessError):
            self.enr_b1.with_user(self.manager_a).note = "other province"
        self.enr_b1.with_user(self.central_officer).note = "central"
        for user in (self.auditor_a, self.agent, self.collaborator_a1):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.enr_a1.with_user(user).note = "read-only role"
                with self.assertRaises(AccessError):
                    self.Enrolment.with_user(user).create({
                        "programme_id": self.allowance.id,
                        "individual_id": self.enr_a1.individual_id.id})
                with self.assertRaises(AccessError):
                    self.all_rows[:1].with_user(user).amount = 1

    def test_steps_cannot_be_skipped_by_writing(self):
        application = self._application(self._person("Draft", "1950-01-10", self.hh_poor_a1),
                                         self.allowance, self.c5)
        for vals in ({"state": "active"}, {"decision_id": self.enr_a1.decision_id.id},
                     {"monthly_amount": 1}):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "set by the"):
                application.with_user(self.manager_a).write(vals)
        with self.assertRaisesRegex(UserError, "through an adjustment"):
            self.enr_a1.with_user(self.manager_a).category_ids = self.c5 | self.c6
        with self.assertRaisesRegex(UserError, "starts as an application"):
            self.Enrolment.with_user(self.officer_a1).create({
                "programme_id": self.allowance.id, "state": "active",
                "individual_id": application.individual_id.id})
        application.with_user(self.officer_a1).popdb_status = "matched"

    def test_officer_cannot_create_outside_area(self):
        person = self._person("Other commune", "1950-01-10", self._household(self.commune_a2,
                                                                              "poor"))
        with self.assertRaises(AccessError):
            self.Enrolment.with_user(self.officer_a1).create({
                "programme_id": self.allowance.id, "individual_id": person.id,
                "category_ids": [(6, 0, self.c5.ids)]})

    def test_policy_is_for_administrators(self):
        for user in (self.officer_a1, self.manager_a, self.central_officer, self.auditor_a):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.allowance.with_user(user).funeral_coefficient = 30
                with self.assertRaises(AccessError):
                    self.env["sp.standard.level"].with_user(user).create({
                        "programme_id": self.allowance.id, "date_from": "2027-01-01",
                        "amount": 600000})
        self.env["sp.standard.level"].with_user(self.admin_user).create({
            "programme_id": self.allowance.id, "date_from": "2027-01-01", "amount": 600000})

    def test_entitlements_computed_by_managers_only(self):
        with self.assertRaisesRegex(UserError, "Only province managers"):
            self.Entitlement.with_user(self.officer_a1)._sp_compute_period(month("2026-11"))
        result = self.Entitlement.with_user(self.manager_a)._sp_compute_period(month("2026-11"))
        self.assertEqual(result["rows"], 2)  # the manager's own office only
        rows = self.Entitlement.with_user(self.manager_a)._sp_confirm_period(month("2026-11"))
        self.assertEqual(rows.enrolment_id, self.enr_a1 | self.enr_a2)
        with self.assertRaises(AccessError):
            self.Entitlement.with_user(self.auditor_a)._sp_confirm_period(month("2026-10"))


@freeze_time("2026-11-20")
@tagged("post_install", "-at_install")
class TestAccessRpc(SpRpcMixin, AccessFixture, HttpCase):
    def test_rpc_read_scope_per_role(self):
        for user in (self.officer_a1, self.manager_a, self.central_officer, self.auditor_a,
                     self.agent):
            with self.subTest(user=user.login):
                ids = self._rpc(user, "sp.enrolment", "search",
                                [("id", "in", self.all_enrolments.ids)])
                self.assertEqual(set(ids), set(self.expected[user.login].ids))
                rows = self._rpc(user, "sp.entitlement", "search_read",
                                 [("id", "in", self.all_rows.ids)], ["enrolment_id"])
                self.assertEqual({r["enrolment_id"][0] for r in rows},
                                 set(self.expected[user.login].ids))

    def test_rpc_write_refused(self):
        self._rpc(self.officer_a1, "sp.enrolment", "write", self.enr_a1.ids, {"note": "ok"})
        with self.assertRaises(Exception) as err, self.assertLogs("odoo.http", "WARNING"):
            self._rpc(self.officer_a1, "sp.enrolment", "write", self.enr_a1.ids,
                      {"state": "terminated"})
        self.assertIn("set by the enrolment's steps", str(err.exception))
        with self.assertRaises(Exception) as err, self.assertLogs("odoo.http", "WARNING"):
            self._rpc(self.auditor_a, "sp.enrolment", "write", self.enr_a1.ids, {"note": "no"})
        self.assertIn("not allowed to modify", str(err.exception))
        with self.assertRaises(Exception) as err, self.assertLogs("odoo.http", "WARNING"):
            self._rpc(self.officer_a1, "sp.enrolment", "write", self.enr_b1.ids, {"note": "no"})
        self.assertRegex(str(err.exception), "sp_officer_a1 .* doesn't have '(read|write)' access")

    def test_json_rpc_segregation_of_duties(self):
        person = self._person("Applicant", "1950-01-10", self.hh_poor_a1)
        enrolment = self._application(person, self.allowance, self.c5)
        enrolment.with_user(self.manager_a).action_submit()
        enrolment.popdb_status = "matched"
        enrolment.action_verify()
        decision = self._decision(self.allowance, "2026-11-02", area=self.commune_a1)
        self.authenticate(self.manager_a.login, self.manager_a.login)
        with self.assertLogs("odoo.http", "WARNING"):
            response = self.url_open(
                "/web/dataset/call_kw", data=json.dumps({
                    "jsonrpc": "2.0", "method": "call", "params": {
                        "model": "sp.enrolment", "method": "action_approve",
                        "args": [enrolment.ids], "kwargs": {}}}),
                headers={"Content-Type": "application/json"})
        self.assertIn("segregation of duties", response.text)
        self.authenticate(self.manager_a2.login, self.manager_a2.login)
        self.make_jsonrpc_request("/web/dataset/call_kw", {
            "model": "sp.enrolment.action.wizard", "method": "create",
            "args": [{"action": "approve", "enrolment_ids": [(6, 0, enrolment.ids)],
                      "decision_id": decision.id}], "kwargs": {}})
        wizard = self.env["sp.enrolment.action.wizard"].search([], order="id desc", limit=1)
        self.make_jsonrpc_request("/web/dataset/call_button", {
            "model": "sp.enrolment.action.wizard", "method": "action_confirm",
            "args": [wizard.ids], "kwargs": {}})
        self.assertEqual(enrolment.state, "active")
