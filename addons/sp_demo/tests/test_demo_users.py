import json

from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import mute_logger

ROLE_GROUPS = {
    "commune_officer": "sp_base.group_commune_officer",
    "province_manager": "sp_base.group_province_manager",
    "province_approver": "sp_base.group_province_manager",
    "central_officer": "sp_base.group_central_officer",
    "call_centre_agent": "sp_base.group_call_centre_agent",
    "collaborator": "sp_base.group_collaborator",
    "auditor": "sp_base.group_auditor",
    "admin": "sp_base.group_admin",
    "payment_agency": "sp_payment.group_payment_agency",
}


@tagged("post_install", "-at_install")
class TestDemoUsers(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.logins = cls.env["sp.demo.generator"].create_demo_users()
        cls.users = {
            row["role"]: cls.env["res.users"].search([("login", "=", row["login"])])
            for row in cls.logins
        }
        cls.province = cls.env["sp.area"].search(
            [("scheme", "=", "2025"), ("level", "=", "province"), ("code", "=", "08")])

    def test_one_user_per_role(self):
        expected = {role for role, xmlid in ROLE_GROUPS.items()
                    if self.env.ref(xmlid, raise_if_not_found=False)}
        self.assertEqual(set(self.users), expected)
        for row in self.logins:
            self.assertEqual(row["password"], row["login"])
            user = self.users[row["role"]]
            self.assertEqual(len(user), 1, row["login"])
            self.assertTrue(user.has_group(ROLE_GROUPS[row["role"]]), row["role"])
            self.assertTrue(user.has_group("base.group_user"))
        # Roles do not leak into one another.
        self.assertFalse(self.users["commune_officer"].has_group("sp_base.group_province_manager"))
        self.assertFalse(self.users["auditor"].has_group("sp_base.group_commune_officer"))
        self.assertFalse(self.users["call_centre_agent"].has_group("sp_base.group_admin"))

    def test_users_can_work(self):
        """An email (the chatter posts need a sender), Vietnamese and Vietnam's time zone, and
        a first task to try."""
        for row in self.logins:
            user = self.users[row["role"]]
            self.assertTrue(user.email, row["login"])
            self.assertEqual(user.tz, "Asia/Ho_Chi_Minh")
            self.assertEqual(user.lang, "vi_VN")
            self.assertTrue(row["first_task"], row["role"])
            if row["role"] != "admin":
                self.assertTrue(user.action_id, "%s lands on its work, not Discuss" % row["role"])
                # the home action opens for the user (its model is readable by the role)
                action = self.env[user.action_id.type].browse(user.action_id.id)
                model = self.env[action.res_model].with_user(user)
                self.assertTrue(model.has_access("read"), row["role"])

    def test_offices_and_areas(self):
        office = self.province.company_id
        self.assertTrue(office, "the pilot province office exists")
        officer = self.users["commune_officer"]
        self.assertEqual(officer.company_id, office)
        self.assertEqual(len(officer.sp_area_ids), 1)
        self.assertEqual(officer.sp_area_ids.level, "commune")
        self.assertEqual(officer.sp_area_ids.province_id, self.province)
        self.assertEqual(self.users["collaborator"].sp_area_ids, officer.sp_area_ids)
        for role in ("province_manager", "province_approver"):
            manager = self.users[role]
            self.assertEqual((manager.company_id, manager.company_ids), (office, office))
            self.assertFalse(manager.sp_area_ids)
        # two managers, so that one prepares and the other approves
        self.assertNotEqual(self.users["province_manager"], self.users["province_approver"])
        central = self.users["central_officer"]
        self.assertEqual(central.company_id, office.parent_id)
        self.assertEqual(central.company_ids, self.env["res.company"].search([]))
        self.assertEqual(self.users["admin"].company_ids, self.env["res.company"].search([]))

    def test_demo_data_seen_per_role(self):
        """The module's demo data: each demo user sees households, only within their scope."""
        self.env["sp.demo.generator"]._install_demo()
        Household = self.env["sp.household"]
        everything = Household.search([])
        officer = self.users["commune_officer"]
        mine = Household.with_user(officer).search([])
        self.assertTrue(mine, "the demo commune officer has households to work on")
        self.assertEqual(mine.commune_id, officer.sp_area_ids)
        province = Household.with_user(self.users["province_manager"]).search([])
        self.assertGreater(len(province), len(mine))
        self.assertEqual(province.province_id, self.province)
        central = self.users["central_officer"]
        seen = Household.with_user(central).with_context(
            allowed_company_ids=central.company_ids.ids).search([])
        self.assertEqual(seen, everything)
        self.assertGreater(len(set(seen.province_id.mapped("code"))), 1)

    def test_idempotent(self):
        officer = self.users["commune_officer"]
        officer.write({"groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
                       "sp_area_ids": [(5,)]})
        again = self.env["sp.demo.generator"].create_demo_users()
        self.assertEqual(again, self.logins)
        self.assertEqual(self.env["res.users"].search_count(
            [("login", "in", [row["login"] for row in self.logins])]), len(self.logins))
        self.assertTrue(officer.has_group("sp_base.group_commune_officer"))
        self.assertEqual(len(officer.sp_area_ids), 1)


@tagged("post_install", "-at_install")
class TestDemoLoginsOverHttp(HttpCase):
    def test_every_demo_user_logs_in(self):
        logins = self.env["sp.demo.generator"].create_demo_users()
        self.assertGreaterEqual(len(logins), 7)
        for row in logins:
            self.opener.cookies.clear()
            response = self.url_open(
                "/web/session/authenticate",
                data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {
                    "db": self.env.cr.dbname, "login": row["login"],
                    "password": row["password"]}}),
                headers={"Content-Type": "application/json"},
            )
            self.assertEqual(response.status_code, 200)
            body = response.json()
            self.assertNotIn("error", body, "%s: %s" % (row["login"], body.get("error")))
            user = self.env["res.users"].search([("login", "=", row["login"])])
            self.assertEqual(body["result"]["uid"], user.id, row["login"])
            # The session works: the user reads their own name through JSON-RPC.
            response = self.url_open(
                "/web/dataset/call_kw/res.users/read",
                data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {
                    "model": "res.users", "method": "read", "args": [[user.id], ["name"]],
                    "kwargs": {}}}),
                headers={"Content-Type": "application/json"},
            )
            self.assertEqual(response.json()["result"][0]["name"], user.name)
        # A wrong password is refused.
        self.opener.cookies.clear()
        with mute_logger("odoo.http"):
            response = self.url_open(
            "/web/session/authenticate",
                data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {
                    "db": self.env.cr.dbname, "login": logins[0]["login"], "password": "wrong"}}),
                headers={"Content-Type": "application/json"},
            )
        self.assertIn("error", response.json())
