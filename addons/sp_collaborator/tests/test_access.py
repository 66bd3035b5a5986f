"""Who reads and writes collaborators, caseloads, activities, trainings and allowances, and which
households a collaborator sees: through the ORM (with_user) and through RPC (XML-RPC and
JSON-RPC as the user), for every role."""
import json
import xmlrpc.client

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.sp_base.tests.common import SpRpcMixin

from .common import CollaboratorFixtures


class JsonRpcError(Exception):
    """The error a JSON-RPC call returned, with the message the user would read."""


class AccessFixture(CollaboratorFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.asg_a1b = cls.Assignment.create({
            "collaborator_id": cls.ctv_a1b.id, "household_id": cls.hh_a1b.id,
            "date_from": cls.start,
        })
        yesterday = cls.today - relativedelta(days=1)
        cls.visit_a1 = cls._visit(cls.ctv_a1, cls.hh_a1, yesterday)
        cls.visit_a1b = cls._visit(cls.ctv_a1b, cls.hh_a1b, yesterday)
        cls.visit_b1 = cls._visit(cls.ctv_b1, cls.hh_b1, yesterday)
        cls.env["sp.collaborator.allowance.term"].create({
            "company_id": cls.office_b.id, "date_from": cls.start, "monthly_base": 400000,
        })
        month = cls.today.replace(day=1)
        cls.env["sp.collaborator.allowance"]._sp_compute(
            month, cls.ctv_a1 | cls.ctv_a1b | cls.ctv_b1)
        cls.allowances = cls.env["sp.collaborator.allowance"].search([("period", "=", month)])
        cls.all_ctv = cls.ctv_a1 | cls.ctv_a1b | cls.ctv_b1
        cls.all_visits = cls.visit_a1 | cls.visit_a1b | cls.visit_b1
        a_ctv, a_visits = cls.ctv_a1 | cls.ctv_a1b, cls.visit_a1 | cls.visit_a1b
        cls.scope = {
            "sp_officer_a1": (a_ctv, a_visits),
            "sp_manager_a": (a_ctv, a_visits),
            "sp_central": (cls.all_ctv, cls.all_visits),
            "sp_agent": (cls.all_ctv, cls.all_visits),
            "sp_auditor_a": (a_ctv, a_visits),
            "sp_collaborator_a1": (cls.ctv_a1, cls.visit_a1),
        }

    def _staff(self):
        return (self.officer_a1, self.manager_a, self.central_officer, self.agent, self.auditor_a)


@tagged("post_install", "-at_install")
class TestCollaboratorAccessOrm(AccessFixture, TransactionCase):
    def test_read_scope_per_role(self):
        for user in (*self._staff(), self.collaborator_a1):
            collaborators, visits = self.scope[user.login]
            with self.subTest(user=user.login):
                self.assertEqual(
                    self.Collaborator.with_user(user).search([("id", "in", self.all_ctv.ids)]),
                    collaborators)
                self.assertEqual(
                    self.Activity.with_user(user).search([("id", "in", self.all_visits.ids)]),
                    visits)
                hidden = self.all_visits - visits
                if hidden:
                    with self.assertRaises(AccessError):
                        hidden.with_user(user).read(["outcome"])

    def test_collaborator_sees_only_the_caseload(self):
        Household = self.Household.with_user(self.collaborator_a1)
        self.assertEqual(Household.search([]), self.hh_a1)
        self.assertEqual(Household.search_count([]), 1)
        # hh_a1b lies in the collaborator's own village, but in someone else's caseload.
        for household in (self.hh_a1b, self.hh_a2, self.hh_b1):
            with self.subTest(household=household.code), self.assertRaises(AccessError):
                household.with_user(self.collaborator_a1).read(["code"])
        people = self.Person.with_user(self.collaborator_a1).search([])
        self.assertEqual(people, self.hh_a1.member_ids)
        self.assertEqual(people, self.head_a1 | self.child_a1)
        with self.assertRaises(AccessError):
            self.head_a2.with_user(self.collaborator_a1).read(["name"])
        summary = self.hh_a1.with_user(self.collaborator_a1).read(
            ["code", "area_id", "head_id", "member_ids", "poverty_status", "last_visit_date"])
        self.assertEqual(summary[0]["head_id"][0], self.head_a1.id)
        self.assertEqual(
            self.env["sp.collaborator.assignment"].with_user(self.collaborator_a1).search([]),
            self.asg_a1)
        self.assertEqual(
            self.env["sp.collaborator.allowance"].with_user(self.collaborator_a1).search([]),
            self.allowances.filtered(lambda a: a.collaborator_id == self.ctv_a1))

    def test_collaborator_cannot_change_the_registry(self):
        with self.assertRaises(AccessError):
            self.hh_a1.with_user(self.collaborator_a1).write({"poverty_status": "poor"})
        with self.assertRaises(AccessError):
            self.head_a1.with_user(self.collaborator_a1).write({"name": "X"})
        with self.assertRaises(AccessError):
            self.Assignment.with_user(self.collaborator_a1).create({
                "collaborator_id": self.ctv_a1.id, "household_id": self.hh_a2.id})
        with self.assertRaises(AccessError):
            self.ctv_a1.with_user(self.collaborator_a1).write({"state": "active"})

    def test_caseload_follows_assignments_at_once(self):
        Household = self.Household.with_user(self.collaborator_a1)
        self.assertEqual(Household.search([]), self.hh_a1)
        self.asg_a1b.date_to = self.today - relativedelta(days=1)
        self.Assignment.create({"collaborator_id": self.ctv_a1.id,
                                "household_id": self.hh_a1b.id, "date_from": self.today})
        self.assertEqual(Household.search([]), self.hh_a1 | self.hh_a1b)
        self.asg_a1.date_to = self.today - relativedelta(days=1)
        self.assertEqual(Household.search([]), self.hh_a1b)

    def test_collaborator_logs_own_activities_only(self):
        Activity = self.Activity.with_user(self.collaborator_a1)
        mine = Activity.create({"household_id": self.hh_a1.id, "topic": "health_check",
                                "date": self.today - relativedelta(days=2)})
        mine.outcome = "Referred to the health station"
        with self.assertRaises(AccessError):
            Activity.create({"collaborator_id": self.ctv_a1b.id, "household_id": self.hh_a1b.id,
                             "topic": "school", "date": self.today - relativedelta(days=2)})
        with self.assertRaises(AccessError):
            self.visit_a1b.with_user(self.collaborator_a1).write({"outcome": "not mine"})
        with self.assertRaises(AccessError):
            mine.unlink()

    def test_staff_who_is_also_a_collaborator_keeps_staff_reach(self):
        self.officer_a1.groups_id = [Command.link(self.env.ref("sp_base.group_collaborator").id)]
        found = self.Household.with_user(self.officer_a1).search([])
        self.assertIn(self.hh_a1b, found)

    def test_officer_manages_collaborators_of_their_communes(self):
        Collaborator = self.Collaborator.with_user(self.officer_a1)
        new = Collaborator.create({"name": "Lý Thị Mai", "area_id": self.village_a1.id})
        household = self._sp_household(self.village_a1, "Trịnh Văn Hùng")
        self.Assignment.with_user(self.officer_a1).create({
            "collaborator_id": new.id, "household_id": household.id,
        }).unlink()
        self.ctv_a1b.with_user(self.officer_a1).action_suspend()
        with self.assertRaises(AccessError):
            Collaborator.create({"name": "Elsewhere", "area_id": self.village_b1.id})
        with self.assertRaises(AccessError):
            self.ctv_b1.with_user(self.officer_a1).write({"phone": "0900"})
        with self.assertRaises(AccessError):
            new.unlink()
        self.visit_a1.with_user(self.officer_a1).action_reject()
        training = self.env["sp.collaborator.training"].with_user(self.officer_a1).create({
            "name": "Kỹ năng tư vấn", "area_id": self.commune_a1.id})
        training.attendance_ids = [Command.create({"collaborator_id": self.ctv_a1.id})]
        with self.assertRaises(AccessError):
            self.env["sp.collaborator.allowance.term"].with_user(self.officer_a1).create({
                "company_id": self.office_a.id, "date_from": self.today})

    def test_manager_runs_the_province(self):
        new = self.Collaborator.with_user(self.manager_a).create(
            {"name": "Lý Văn Tài", "area_id": self.village_a1.id})
        new.unlink()
        self.env["sp.collaborator.allowance.term"].with_user(self.manager_a).create({
            "company_id": self.office_a.id, "date_from": self.today, "monthly_base": 600000})
        with self.assertRaises(AccessError):
            self.ctv_b1.with_user(self.manager_a).read(["name"])
        allowances = self.env["sp.collaborator.allowance"].with_user(self.manager_a).search([])
        self.assertEqual(allowances.collaborator_id, self.ctv_a1 | self.ctv_a1b)
        allowances.action_confirm()

    def test_read_only_roles(self):
        for user in (self.auditor_a, self.agent):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.ctv_a1.with_user(user).write({"phone": "0900"})
                with self.assertRaises(AccessError):
                    self.Activity.with_user(user).create({
                        "collaborator_id": self.ctv_a1.id, "household_id": self.hh_a1.id,
                        "topic": "school", "date": self.today - relativedelta(days=1)})
                with self.assertRaises(AccessError):
                    self.Collaborator.with_user(user).create(
                        {"name": "x", "area_id": self.village_a1.id})
        self.assertEqual(
            self.env["sp.collaborator.allowance"].with_user(self.auditor_a).search([]).collaborator_id,
            self.ctv_a1 | self.ctv_a1b)
        with self.assertRaises(AccessError):
            self.env["sp.collaborator.allowance"].with_user(self.agent).search([])


@tagged("post_install", "-at_install")
class TestCollaboratorAccessRpc(SpRpcMixin, AccessFixture, HttpCase):
    def _call_kw(self, model, method, args, kwargs=None):
        response = self.url_open("/web/dataset/call_kw", data=json.dumps({
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        }), headers={"Content-Type": "application/json"})
        body = response.json()
        if "error" in body:
            raise JsonRpcError(body["error"]["data"]["message"])
        return body["result"]

    def test_rpc_read_scope_per_role(self):
        for user in (*self._staff(), self.collaborator_a1):
            collaborators, visits = self.scope[user.login]
            with self.subTest(user=user.login):
                ids = self._rpc(user, "sp.collaborator", "search", [("id", "in", self.all_ctv.ids)])
                self.assertEqual(set(ids), set(collaborators.ids))
                ids = self._rpc(user, "sp.collaborator.activity", "search",
                                [("id", "in", self.all_visits.ids)])
                self.assertEqual(set(ids), set(visits.ids))

    def test_rpc_collaborator_reads_only_the_caseload(self):
        user = self.collaborator_a1
        self.assertEqual(self._rpc(user, "sp.household", "search", []), self.hh_a1.ids)
        people = self._rpc(user, "sp.individual", "search_read", [], fields=["name"])
        self.assertEqual({p["id"] for p in people}, set(self.hh_a1.member_ids.ids))
        for household in (self.hh_a1b, self.hh_a2, self.hh_b1):
            with self.subTest(household=household.code), mute_logger("odoo.http"), \
                    self.assertRaises(xmlrpc.client.Fault) as err:
                self._rpc(user, "sp.household", "read", household.ids, fields=["code"])
            self.assertIn("doesn't have 'read' access", err.exception.faultString)
        with mute_logger("odoo.http"), self.assertRaises(xmlrpc.client.Fault) as err:
            self._rpc(user, "sp.household", "write", self.hh_a1.ids, {"notes": "x"})
        self.assertIn("not allowed to modify", err.exception.faultString)

    def test_rpc_bad_input_messages(self):
        user = self.collaborator_a1
        with mute_logger("odoo.http"), self.assertRaises(xmlrpc.client.Fault) as err:
            self._rpc(user, "sp.collaborator.activity", "create", {
                "household_id": self.hh_a1b.id, "topic": "school",
                "date": str(self.today - relativedelta(days=1))})
        self.assertIn("is not in the caseload of Phạm Thị Lan", err.exception.faultString)
        self.authenticate(user.login, user.login)
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcError) as err:
            self._call_kw("sp.collaborator.activity", "create", [{
                "household_id": self.hh_a1.id, "topic": "school",
                "date": str(self.today + relativedelta(days=3))}])
        self.assertIn("cannot be dated in the future", str(err.exception))
        with mute_logger("odoo.http"), self.assertRaises(xmlrpc.client.Fault) as err:
            self._rpc(self.officer_a1, "sp.collaborator.assignment", "create", {
                "collaborator_id": self.ctv_a1.id, "household_id": self.hh_a1b.id,
                "date_from": str(self.today)})
        self.assertIn("only one collaborator per household", err.exception.faultString)

    def test_payment_list_download(self):
        self.authenticate(self.manager_a.login, self.manager_a.login)
        allowances = self.allowances.filtered(lambda a: a.company_id == self.office_a)
        action = self._call_kw("sp.collaborator.allowance", "action_export_xlsx", [allowances.ids])
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"PK"), "an XLSX (zip) file")
        self.assertIn("ctv_allowances.xlsx", response.headers["Content-Disposition"])
        # Another user cannot fetch the file.
        self.authenticate(self.officer_a1.login, self.officer_a1.login)
        with mute_logger("odoo.http"):
            self.assertNotEqual(self.url_open(action["url"]).status_code, 200)

    def test_json_rpc_manager_and_auditor(self):
        self.authenticate(self.manager_a.login, self.manager_a.login)
        res = self._call_kw("sp.collaborator", "search_read",
                            [[("id", "in", self.all_ctv.ids)], ["name"]])
        self.assertEqual({r["id"] for r in res}, set((self.ctv_a1 | self.ctv_a1b).ids))
        self.authenticate(self.auditor_a.login, self.auditor_a.login)
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcError) as err:
            self._call_kw("sp.collaborator", "write", [self.ctv_a1.ids, {"phone": "0900"}])
        self.assertIn("not allowed to modify", str(err.exception))
