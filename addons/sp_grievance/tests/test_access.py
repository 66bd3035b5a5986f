"""Who reads, creates and writes which tickets and calls, through the ORM and through RPC, for
every role; confidential tickets; agents never edit the registry."""
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, tagged

from odoo.addons.sp_base.tests.common import SpRpcMixin

from .common import GrievanceFixtures


class AccessFixture(GrievanceFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.t_a1 = cls._ticket(individual_id=cls.head_a1.id)
        cls.t_a2 = cls._ticket(household_id=cls.hh_a2.id)
        cls.t_b1 = cls._ticket(household_id=cls.hh_b1.id)
        cls.t_email = cls._ticket(household_id=False, channel="email",
                                  complainant_email="x@example.com")
        cls.t_fraud = cls._ticket(category_id=cls.cat_fraud.id)
        cls.t_fraud_assigned = cls._ticket(category_id=cls.cat_fraud.id,
                                           household_id=cls.hh_a2.id, user_id=cls.manager_a.id)
        cls.calls = cls.env["sp.grievance.call"].create([
            {"ticket_id": t.id, "outcome": "ticket", "household_id": t.household_id.id,
             "area_id": t.area_id.id, "company_id": t.company_id.id}
            for t in (cls.t_a1, cls.t_b1, cls.t_fraud)])
        cls.every = (cls.t_a1 | cls.t_a2 | cls.t_b1 | cls.t_email | cls.t_fraud
                     | cls.t_fraud_assigned)
        national = cls.t_a1 | cls.t_a2 | cls.t_b1 | cls.t_email
        cls.scope = {
            "sp_officer_a1": cls.t_a1,
            "sp_manager_a": cls.t_a1 | cls.t_a2 | cls.t_fraud_assigned,
            "sp_central": national,
            "sp_agent": national,
            "sp_auditor_a": cls.t_a1 | cls.t_a2,
            "sp_collaborator_a1": cls.t_a1,
            "sp_suite_admin": national,
            "sp_inspector": cls.every,
        }
        cls.users = (cls.officer_a1, cls.manager_a, cls.central_officer, cls.agent,
                     cls.auditor_a, cls.collaborator_a1, cls.suite_admin, cls.inspector)


@tagged("post_install", "-at_install")
class TestGrievanceAccessOrm(AccessFixture, TransactionCase):
    def test_read_scope_per_role(self):
        for user in self.users:
            with self.subTest(user=user.login):
                Ticket = self.Ticket.with_user(user)
                domain = [("id", "in", self.every.ids)]
                expected = self.scope[user.login]
                self.assertEqual(Ticket.search(domain), expected)
                self.assertEqual(Ticket.search_count(domain), len(expected))
                groups = Ticket.read_group(domain, ["company_id"], ["company_id"])
                self.assertEqual(sum(g["company_id_count"] for g in groups), len(expected))
                for hidden in self.every - expected:
                    with self.assertRaises(AccessError):
                        hidden.with_user(user).read(["description"])

    def test_report_follows_the_ticket_rules(self):
        for user in (self.officer_a1, self.manager_a, self.agent, self.auditor_a,
                     self.inspector):
            with self.subTest(user=user.login):
                rows = self.env["sp.grievance.report"].with_user(user).search(
                    [("ticket_id", "in", self.every.ids)])
                self.assertEqual(rows.ticket_id, self.scope[user.login])
        with self.assertRaises(AccessError):
            self.env["sp.grievance.report"].with_user(self.collaborator_a1).search([])

    def test_confidential_tickets(self):
        # nobody but the assignee and inspectors, not even the central officer or the suite
        # administrator; the inspector group is implied by no role
        for user in (self.central_officer, self.agent, self.suite_admin, self.officer_a1,
                     self.auditor_a):
            self.assertFalse(user.has_group("sp_grievance.group_inspector"))
            self.assertFalse(self.Ticket.with_user(user).search(
                [("is_confidential", "=", True)]), user.login)
        self.t_fraud_assigned.with_user(self.manager_a).write({"resolution": "Đang xác minh"})
        self.t_fraud.with_user(self.inspector).write({"user_id": self.officer_a1.id})
        self.assertEqual(self.Ticket.with_user(self.officer_a1).search(
            [("is_confidential", "=", True)]), self.t_fraud)
        self.assertEqual(self.env["sp.grievance.call"].with_user(self.officer_a1).search(
            [("id", "in", self.calls.ids)]), self.calls.filtered(
                lambda c: c.ticket_id in (self.t_a1 | self.t_fraud)))
        self.t_fraud.with_user(self.inspector).write({"user_id": False})
        with self.assertRaises(AccessError):
            self.t_fraud.with_user(self.officer_a1).read(["description"])

    def test_write_scope_per_role(self):
        self.t_a1.with_user(self.officer_a1).write({"priority": "1"})
        with self.assertRaises(AccessError):
            self.t_a2.with_user(self.officer_a1).write({"priority": "1"})
        self.t_a2.with_user(self.manager_a).write({"priority": "1"})
        with self.assertRaises(AccessError):
            self.t_b1.with_user(self.manager_a).write({"priority": "1"})
        self.t_b1.with_user(self.central_officer).write({"priority": "1"})
        self.t_fraud.with_user(self.inspector).write({"priority": "2"})
        for user in (self.agent, self.auditor_a, self.collaborator_a1):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.t_a1.with_user(user).write({"priority": "2"})
        for user in self.users:
            if user != self.suite_admin:
                with self.subTest(user=user.login), self.assertRaises(AccessError):
                    self.t_a1.with_user(user).unlink()

    def test_create_scope_per_role(self):
        # agents create nationally; officers in their own areas; collaborators in theirs
        self._ticket(user=self.agent, household_id=self.hh_b1.id)
        self._ticket(user=self.officer_a1, household_id=self.hh_a1.id)
        self._ticket(user=self.collaborator_a1, household_id=False, area_id=self.village_a1.id,
                     channel="collaborator", complainant_name="Bà Tư")
        with self.assertRaises(AccessError):
            self._ticket(user=self.officer_a1, household_id=self.hh_a2.id)
        with self.assertRaises(AccessError):
            self._ticket(user=self.collaborator_a1, household_id=False,
                         area_id=self.commune_a2.id, complainant_name="Ông Năm")
        with self.assertRaises(AccessError):
            self._ticket(user=self.auditor_a, household_id=self.hh_a1.id)

    def test_who_may_comment(self):
        # agents note follow-up calls on tickets they may only read; auditors write nothing
        self.t_b1.with_user(self.agent).message_post(body="Bà gọi lại hỏi tiến độ.")
        self.t_a1.with_user(self.officer_a1).message_post(body="Đã liên hệ hộ.")
        with self.assertRaises(AccessError):
            self.t_a1.with_user(self.auditor_a).message_post(body="Không được phép.")
        with self.assertRaises(AccessError):
            self.t_a2.with_user(self.officer_a1).message_post(body="Không phải xã mình.")

    def test_agent_reads_the_registry_but_never_edits_it(self):
        self.assertEqual(self.head_b1.with_user(self.agent).name, self.head_b1.name)
        with self.assertRaises(AccessError):
            self.head_b1.with_user(self.agent).write({"phone": "0911111111"})
        with self.assertRaises(AccessError):
            self.hh_b1.with_user(self.agent).write({"street": "x"})
        with self.assertRaises(AccessError):
            self.env["sp.individual"].with_user(self.agent).create(
                {"name": "x", "gender": "male", "area_id": self.commune_a1.id})

    def test_configuration_is_for_the_administrator(self):
        sla = self.sla_commune
        for user in (self.central_officer, self.agent, self.officer_a1):
            with self.subTest(user=user.login):
                self.assertTrue(sla.with_user(user).name)
                with self.assertRaises(AccessError):
                    sla.with_user(user).write({"resolve_days": 1})
                with self.assertRaises(AccessError):
                    self.cat_payment.with_user(user).write({"is_confidential": True})
        sla.with_user(self.suite_admin).write({"resolve_days": 4})
        self.calendar.with_user(self.suite_admin).write({"name": "Lịch thử"})


@tagged("post_install", "-at_install")
class TestGrievanceAccessRpc(SpRpcMixin, AccessFixture, HttpCase):
    def test_xmlrpc_read_scope(self):
        for user in self.users:
            with self.subTest(user=user.login):
                domain = [("id", "in", self.every.ids)]
                ids = self._rpc(user, "sp.grievance", "search", domain)
                self.assertEqual(set(ids), set(self.scope[user.login].ids))
                self.assertEqual(self._rpc(user, "sp.grievance", "search_count", domain),
                                 len(self.scope[user.login]))

    def test_xmlrpc_write_and_create(self):
        self._rpc(self.officer_a1, "sp.grievance", "write", self.t_a1.ids, {"priority": "1"})
        self.assertEqual(self.t_a1.priority, "1")
        with self.assertRaises(Exception) as err, self.assertLogs("odoo.http", "WARNING"):
            self._rpc(self.agent, "sp.grievance", "write", self.t_a1.ids, {"priority": "2"})
        self.assertIn("not allowed to modify", str(err.exception))
        with self.assertRaises(Exception) as err, self.assertLogs("odoo.http", "WARNING"):
            self._rpc(self.agent, "sp.individual", "write", self.head_a1.ids, {"phone": False})
        self.assertIn("not allowed to modify", str(err.exception))
        with self.assertRaises(Exception) as err, self.assertLogs("odoo.http", "WARNING"):
            self._rpc(self.officer_a1, "sp.grievance", "read", self.t_fraud.ids, ["name"])
        self.assertIn("doesn't have 'read' access", str(err.exception))
        new_id = self._rpc(self.agent, "sp.grievance", "create", {
            "category_id": self.cat_payment.id, "household_id": self.hh_b1.id,
            "description": "Qua RPC"})
        self.assertEqual(self.Ticket.browse(new_id).company_id, self.office_b)
        with self.assertRaises(Exception) as err, self.assertLogs("odoo.http", "WARNING"):
            self._rpc(self.agent, "sp.grievance", "create", {
                "category_id": self.cat_payment.id, "description": " "})
        self.assertIn("description", str(err.exception))
        with self.assertRaises(Exception) as err, self.assertLogs("odoo.http", "WARNING"):
            self._rpc(self.agent, "sp.grievance", "create", {
                "category_id": self.cat_payment.id, "description": "x",
                "household_ref": "X1001-999999"})
        self.assertIn("No household with the code", str(err.exception))

    def test_json_rpc_console_flow(self):
        self.authenticate(self.agent.login, self.agent.login)

        def call(model, method, *args, **kwargs):
            return self.make_jsonrpc_request("/web/dataset/call_kw", {
                "model": model, "method": method, "args": list(args), "kwargs": kwargs})

        console_id = call("sp.grievance.console", "create", {"query": "0399000202"})
        call("sp.grievance.console", "action_search", [console_id])
        call("sp.grievance.console", "write", [console_id], {
            "category_id": self.cat_payment.id, "description": "Chưa nhận tiền."})
        call("sp.grievance.console", "action_create_ticket", [console_id])
        [console] = call("sp.grievance.console", "read", [console_id],
                         ["reference", "household_id", "ticket_id"])
        self.assertRegex(console["reference"], r"^KN-")
        self.assertEqual(console["household_id"][0], self.hh_b1.id)
        ticket = self.Ticket.browse(console["ticket_id"][0])
        self.assertEqual(ticket.name, console["reference"])
        self.assertEqual(ticket.company_id, self.office_b)
