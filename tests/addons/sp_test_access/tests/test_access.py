"""Proves sp_base's access mechanism (company rule + area rule) per role, through the ORM and
through RPC, on a small operational model. Every operational model of the suite declares the
same two rules; the modules' own access tests repeat this proof on their models."""
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.sp_base.tests.common import SpCommon, SpFixtures


class AccessFixture(SpFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Record = cls.env["sp.test.record"]
        cls.rec_a1 = Record.create({"name": "A1 commune", "area_id": cls.commune_a1.id})
        cls.rec_a1_village = Record.create({"name": "A1 village", "area_id": cls.village_a1.id})
        cls.rec_a2 = Record.create({"name": "A2 commune", "area_id": cls.commune_a2.id})
        cls.rec_b1 = Record.create({"name": "B1 commune", "area_id": cls.commune_b1.id})
        cls.all_recs = cls.rec_a1 | cls.rec_a1_village | cls.rec_a2 | cls.rec_b1
        cls.expected = {
            "sp_officer_a1": cls.rec_a1 | cls.rec_a1_village,
            "sp_manager_a": cls.rec_a1 | cls.rec_a1_village | cls.rec_a2,
            "sp_central": cls.all_recs,
            "sp_agent": cls.all_recs,
            "sp_auditor_a": cls.rec_a1 | cls.rec_a1_village | cls.rec_a2,
        }


@tagged("post_install", "-at_install")
class TestAccessOrm(AccessFixture, SpCommon):
    def _users(self):
        return (self.officer_a1, self.manager_a, self.central_officer, self.agent, self.auditor_a)

    def test_company_follows_area(self):
        self.assertEqual(self.rec_a1.company_id, self.office_a)
        self.assertEqual(self.rec_b1.company_id, self.office_b)

    def test_read_scope_per_role(self):
        Record = self.env["sp.test.record"]
        for user in self._users():
            with self.subTest(user=user.login):
                expected = self.expected[user.login]
                found = Record.with_user(user).search([("id", "in", self.all_recs.ids)])
                self.assertEqual(found, expected)
                self.assertEqual(
                    Record.with_user(user).search_count([("id", "in", self.all_recs.ids)]),
                    len(expected),
                )
                groups = Record.with_user(user).read_group(
                    [("id", "in", self.all_recs.ids)], ["company_id"], ["company_id"]
                )
                self.assertEqual(sum(g["company_id_count"] for g in groups), len(expected))
                if user.has_group("base.group_allow_export"):
                    exported = Record.with_user(user).search([]).export_data(["name"])["datas"]
                    self.assertEqual(
                        sorted(r[0] for r in exported), sorted(expected.mapped("name"))
                    )
                else:
                    with self.assertRaisesRegex(UserError, "rights to export"):
                        Record.with_user(user).search([]).export_data(["name"])
                hidden = self.all_recs - expected
                if hidden:
                    with self.assertRaises(AccessError):
                        hidden.with_user(user).read(["name"])

    def test_write_scope_per_role(self):
        self.rec_a1.with_user(self.officer_a1).name = "officer writes own commune"
        self.rec_a1_village.with_user(self.officer_a1).name = "and its villages"
        for rec in (self.rec_a2, self.rec_b1):
            with self.assertRaises(AccessError):
                rec.with_user(self.officer_a1).name = "not mine"
        self.rec_a2.with_user(self.manager_a).name = "manager writes the province"
        with self.assertRaises(AccessError):
            self.rec_b1.with_user(self.manager_a).name = "other province"
        self.rec_b1.with_user(self.central_officer).name = "central writes all"
        for user in (self.auditor_a, self.agent):
            with self.assertRaises(AccessError):
                self.rec_a1.with_user(user).name = "read-only role"
            with self.assertRaises(AccessError):
                self.env["sp.test.record"].with_user(user).create(
                    {"name": "x", "area_id": self.commune_a1.id}
                )

    def test_create_outside_scope_refused(self):
        Record = self.env["sp.test.record"].with_user(self.officer_a1)
        Record.create({"name": "in my commune", "area_id": self.village_a1.id})
        with self.assertRaises(AccessError):
            Record.create({"name": "neighbour commune", "area_id": self.commune_a2.id})
        with self.assertRaises(AccessError):
            self.env["sp.test.record"].with_user(self.manager_a).create(
                {"name": "other province", "area_id": self.commune_b1.id}
            )

    def test_central_officer_narrows_by_switching_company(self):
        Record = self.env["sp.test.record"].with_user(self.central_officer)
        only_b = Record.with_context(allowed_company_ids=[self.office_b.id])
        self.assertEqual(only_b.search([("id", "in", self.all_recs.ids)]), self.rec_b1)
        both = Record.with_context(allowed_company_ids=[self.office_a.id, self.office_b.id])
        self.assertEqual(both.search([("id", "in", self.all_recs.ids)]), self.all_recs)

    def test_area_change_takes_effect(self):
        Record = self.env["sp.test.record"].with_user(self.officer_a1)
        self.assertNotIn(self.rec_a2, Record.search([]))
        self.officer_a1.sp_area_ids = self.commune_a1 | self.commune_a2
        self.assertIn(self.rec_a2, Record.search([]))
        self.officer_a1.sp_area_ids = False
        self.assertEqual(
            Record.search([("id", "in", self.all_recs.ids)]),
            self.rec_a1 | self.rec_a1_village | self.rec_a2,
        )


@tagged("post_install", "-at_install")
class TestAccessRpc(AccessFixture, HttpCase):
    def _rpc(self, user, method, *args, **kwargs):
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, user.login, user.login, {})
        self.assertEqual(uid, user.id)
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, uid, user.login, "sp.test.record", method, list(args), kwargs
        )

    def test_rpc_read_scope_per_role(self):
        for user in (self.officer_a1, self.manager_a, self.central_officer, self.auditor_a):
            with self.subTest(user=user.login):
                ids = self._rpc(user, "search", [("id", "in", self.all_recs.ids)])
                self.assertEqual(set(ids), set(self.expected[user.login].ids))
                count = self._rpc(user, "search_count", [("id", "in", self.all_recs.ids)])
                self.assertEqual(count, len(self.expected[user.login]))

    def test_rpc_write_scope(self):
        self._rpc(self.officer_a1, "write", self.rec_a1.ids, {"name": "ok"})
        with self.assertRaises(Exception) as err, self.assertLogs("odoo.http", "WARNING"):
            self._rpc(self.officer_a1, "write", self.rec_b1.ids, {"name": "no"})
        self.assertIn("doesn't have 'write' access", str(err.exception))
        with self.assertRaises(Exception) as err, self.assertLogs("odoo.http", "WARNING"):
            self._rpc(self.auditor_a, "write", self.rec_a1.ids, {"name": "no"})
        self.assertIn("not allowed to modify", str(err.exception))
        self.assertEqual(self.rec_b1.name, "B1 commune")

    def test_json_rpc_read_scope(self):
        self.authenticate(self.manager_a.login, self.manager_a.login)
        res = self.make_jsonrpc_request("/web/dataset/call_kw", {
            "model": "sp.test.record", "method": "search_read",
            "args": [[("id", "in", self.all_recs.ids)], ["name"]], "kwargs": {},
        })
        self.assertEqual({r["id"] for r in res}, set(self.expected["sp_manager_a"].ids))
