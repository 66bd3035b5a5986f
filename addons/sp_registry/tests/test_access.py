"""Who reads and writes which households, people, events and duplicate pairs: through the ORM
(with_user) and through RPC (XML-RPC and JSON-RPC as the user), for every role."""
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, TransactionCase, tagged

from odoo.addons.sp_base.tests.common import SpRpcMixin

from .common import RegistryFixtures

MODELS = ("sp.household", "sp.individual", "sp.registry.event", "sp.registry.duplicate",
          "sp.household.poverty.history")


class AccessFixture(RegistryFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Event = cls.env["sp.registry.event"]
        cls.events = Event
        for person in (cls.child_a1, cls.head_a2, cls.head_b1):
            cls.events |= Event.create({"type": "correction", "individual_id": person.id,
                                        "person_name": person.name + " X"})
        History = cls.env["sp.household.poverty.history"]
        cls.histories = History.create([{"household_id": h.id, "year": 2024, "status": "poor"}
                                        for h in cls.all_households])
        # one duplicate pair per commune
        Person = cls.env["sp.individual"]
        twins = Person
        for head in (cls.head_a1, cls.head_a2, cls.head_b1):
            twins |= Person.create({"name": head.name, "gender": head.gender,
                                    "birthdate": head.birthdate, "area_id": head.area_id.id})
        cls.env["sp.registry.duplicate"]._sp_find_duplicates()
        cls.pairs = cls.env["sp.registry.duplicate"].search([("individual_b_id", "in", twins.ids)])
        assert len(cls.pairs) == 3, cls.pairs
        people = cls.all_people | twins
        a_people = people.filtered(lambda p: p.province_id == cls.prov_a)
        officer_people = people.filtered(lambda p: p.commune_id == cls.commune_a1)
        cls.scope = {
            "sp_officer_a1": {"sp.household": cls.hh_a1, "sp.individual": officer_people},
            "sp_manager_a": {"sp.household": cls.hh_a1 | cls.hh_a2, "sp.individual": a_people},
            "sp_central": {"sp.household": cls.all_households, "sp.individual": people},
            "sp_agent": {"sp.household": cls.all_households, "sp.individual": people},
            "sp_auditor_a": {"sp.household": cls.hh_a1 | cls.hh_a2, "sp.individual": a_people},
        }
        for scope in cls.scope.values():
            visible = scope["sp.individual"]
            scope["sp.registry.event"] = cls.events.filtered(
                lambda e, visible=visible: e.individual_id in visible)
            scope["sp.household.poverty.history"] = cls.histories.filtered(
                lambda r, hh=scope["sp.household"]: r.household_id in hh)
            scope["sp.registry.duplicate"] = cls.pairs.filtered(
                lambda r, visible=visible: r.individual_a_id in visible)
        cls.every = {
            "sp.household": cls.all_households, "sp.individual": cls.all_people | twins,
            "sp.registry.event": cls.events, "sp.household.poverty.history": cls.histories,
            "sp.registry.duplicate": cls.pairs,
        }


@tagged("post_install", "-at_install")
class TestRegistryAccessOrm(AccessFixture, TransactionCase):
    def _users(self):
        return (self.officer_a1, self.manager_a, self.central_officer, self.agent, self.auditor_a)

    def test_scope_sanity(self):
        self.assertEqual(len(self.scope["sp_officer_a1"]["sp.individual"]), 3)
        self.assertEqual(len(self.scope["sp_manager_a"]["sp.individual"]), 5)
        self.assertEqual(len(self.scope["sp_central"]["sp.individual"]), 7)

    def test_read_scope_per_role(self):
        for user in self._users():
            for model in MODELS:
                with self.subTest(user=user.login, model=model):
                    Model = self.env[model].with_user(user)
                    domain = [("id", "in", self.every[model].ids)]
                    expected = self.scope[user.login][model]
                    self.assertEqual(Model.search(domain), expected)
                    self.assertEqual(Model.search_count(domain), len(expected))
                    groups = Model.read_group(domain, ["company_id"], ["company_id"])
                    self.assertEqual(sum(g["company_id_count"] for g in groups), len(expected))
                    groups = Model.web_read_group(domain, ["company_id"], ["company_id"])
                    self.assertEqual(groups["length"], len(expected.company_id))
                    hidden = self.every[model] - expected
                    if hidden:
                        with self.assertRaises(AccessError):
                            hidden.with_user(user).read(["company_id"])

    def test_export_follows_rules(self):
        for user in self._users():
            with self.subTest(user=user.login):
                Person = self.env["sp.individual"].with_user(user)
                expected = self.scope[user.login]["sp.individual"]
                if user.has_group("base.group_allow_export"):
                    rows = Person.search([("id", "in", self.every["sp.individual"].ids)]) \
                        .export_data(["id_number", "name"])["datas"]
                    self.assertEqual(len(rows), len(expected))
                else:
                    with self.assertRaisesRegex(UserError, "rights to export"):
                        Person.search([]).export_data(["name"])

    def test_accent_search_respects_rules(self):
        found = self.env["sp.individual"].with_user(self.officer_a1).search(
            [("name", "ilike", "le van cuong")])
        self.assertFalse(found)
        found = self.env["sp.individual"].with_user(self.central_officer).search(
            [("name", "ilike", "le van cuong")])
        self.assertIn(self.head_b1, found)

    def test_write_scope_per_role(self):
        self.hh_a1.with_user(self.officer_a1).street = "Xóm 1"
        self.child_a1.with_user(self.officer_a1).in_school = True
        for record in (self.hh_a2, self.hh_b1, self.head_a2, self.head_b1):
            with self.assertRaises(AccessError):
                record.with_user(self.officer_a1).write({"notes": "not mine"})
        self.hh_a2.with_user(self.manager_a).street = "Tổ 2"
        self.head_a2.with_user(self.manager_a).in_school = True
        for record in (self.hh_b1, self.head_b1):
            with self.assertRaises(AccessError):
                record.with_user(self.manager_a).write({"notes": "other province"})
        self.hh_b1.with_user(self.central_officer).street = "Tổ 3"
        self.head_b1.with_user(self.central_officer).in_school = True
        for user in (self.auditor_a, self.agent):
            for record in (self.hh_a1, self.head_a1, self.events[:1], self.histories[:1],
                           self.pairs[:1]):
                with self.subTest(user=user.login, model=record._name), \
                        self.assertRaises(AccessError):
                    record.with_user(user).write({"write_date": record.write_date})

    def test_create_scope(self):
        Person = self.env["sp.individual"]
        Person.with_user(self.officer_a1).create(
            {"name": "Mới", "gender": "male", "household_id": self.hh_a1.id})
        self.env["sp.household"].with_user(self.officer_a1).create(
            {"area_id": self.village_a1.id})
        with self.assertRaises(AccessError):
            Person.with_user(self.officer_a1).create(
                {"name": "Hàng xóm", "gender": "male", "area_id": self.commune_a2.id})
        with self.assertRaises(AccessError):
            self.env["sp.household"].with_user(self.manager_a).create(
                {"area_id": self.commune_b1.id})
        for user in (self.auditor_a, self.agent):
            with self.assertRaises(AccessError):
                Person.with_user(user).create(
                    {"name": "x", "gender": "male", "area_id": self.commune_a1.id})
        with self.assertRaises(AccessError):
            Person.with_user(self.officer_a1).browse(self.head_a1.id).unlink()

    def test_collaborator_has_no_registry_access_here(self):
        """This module gives village collaborators nothing. Another module may let them read
        what they are assigned (sp_collaborator: the households of their caseload, and their
        members); nobody assigned this collaborator anything, so they read nothing, and
        never write."""
        collaborator = self.collaborator_a1
        for model in MODELS:
            Model = self.env[model].with_user(collaborator)
            with self.subTest(model=model):
                grants = self.env["ir.model.access"].search([
                    ("model_id.model", "=", model), ("perm_read", "=", True),
                    "|", ("group_id", "=", False), ("group_id", "in", collaborator.groups_id.ids),
                ])
                self.assertFalse([xmlid for xmlid in grants.get_external_id().values()
                                  if xmlid.startswith("sp_registry.")])
                if Model.has_access("read"):
                    self.assertFalse(Model.search([]))
                    self.assertFalse(Model.search_count([]))
                else:
                    with self.assertRaises(AccessError):
                        Model.search([])
                self.assertFalse(Model.has_access("write"))
                self.assertFalse(Model.has_access("create"))

    def test_officer_cannot_move_someone_elses_household(self):
        with self.assertRaises(AccessError):
            self.env["sp.registry.event"].with_user(self.officer_a1).create(
                {"type": "move", "household_id": self.hh_a2.id, "to_area_id": self.commune_a1.id})
        event = self.env["sp.registry.event"].with_user(self.manager_a).create(
            {"type": "move", "household_id": self.hh_a2.id, "to_area_id": self.commune_b1.id})
        with self.assertRaises(AccessError):
            event.with_user(self.officer_a1).action_apply()
        event.with_user(self.manager_a).action_apply()
        self.assertEqual(self.hh_a2.company_id, self.office_b)
        self.assertEqual(self.head_a2.company_id, self.office_b)


@tagged("post_install", "-at_install")
class TestRegistryAccessRpc(SpRpcMixin, AccessFixture, HttpCase):
    def test_xmlrpc_read_scope(self):
        for user in (self.officer_a1, self.manager_a, self.central_officer, self.auditor_a,
                     self.agent):
            for model in ("sp.household", "sp.individual"):
                with self.subTest(user=user.login, model=model):
                    domain = [("id", "in", self.every[model].ids)]
                    expected = self.scope[user.login][model]
                    self.assertEqual(set(self._rpc(user, model, "search", domain)),
                                     set(expected.ids))
                    self.assertEqual(self._rpc(user, model, "search_count", domain),
                                     len(expected))
                    groups = self._rpc(user, model, "read_group", domain, ["company_id"],
                                       ["company_id"])
                    self.assertEqual(sum(g["company_id_count"] for g in groups), len(expected))

    def test_xmlrpc_write_scope(self):
        self._rpc(self.officer_a1, "sp.household", "write", self.hh_a1.ids, {"street": "ok"})
        self._rpc(self.officer_a1, "sp.individual", "write", self.child_a1.ids,
                  {"in_school": True})
        for user, record in ((self.officer_a1, self.hh_a2), (self.officer_a1, self.head_b1),
                             (self.manager_a, self.hh_b1)):
            with self.subTest(user=user.login, record=record.display_name), \
                    self.assertRaises(Exception) as err, self.assertLogs("odoo.http", "WARNING"):
                self._rpc(user, record._name, "write", record.ids, {"notes": "no"})
            self.assertRegex(str(err.exception), "doesn't have '(read|write)' access")
        with self.assertRaises(Exception) as err, self.assertLogs("odoo.http", "WARNING"):
            self._rpc(self.auditor_a, "sp.individual", "write", self.head_a1.ids, {"notes": "no"})
        self.assertIn("not allowed to modify", str(err.exception))
        self._rpc(self.central_officer, "sp.household", "write", self.hh_b1.ids,
                  {"street": "central"})
        self.assertEqual(self.hh_b1.street, "central")
        self.assertFalse(self.hh_a2.notes)

    def test_json_rpc_search_read_and_export(self):
        self.authenticate(self.officer_a1.login, self.officer_a1.login)
        res = self.make_jsonrpc_request("/web/dataset/call_kw", {
            "model": "sp.individual", "method": "web_search_read",
            "args": [[("name", "ilike", "nguyen")]],
            "kwargs": {"specification": {"name": {}, "household_id": {"fields": {"code": {}}}}},
        })
        self.assertEqual({r["id"] for r in res["records"]},
                         set(self.scope["sp_officer_a1"]["sp.individual"].filtered(
                             lambda p: p.name.startswith("Nguyễn")).ids))
        self.authenticate(self.manager_a.login, self.manager_a.login)
        res = self.make_jsonrpc_request("/web/dataset/call_kw", {
            "model": "sp.household", "method": "web_read_group",
            "args": [[("id", "in", self.all_households.ids)], ["code:count"], ["company_id"]],
            "kwargs": {},
        })
        self.assertEqual(sum(g["company_id_count"] for g in res["groups"]), 2)
        ids = self.make_jsonrpc_request("/web/dataset/call_kw", {
            "model": "sp.individual", "method": "search",
            "args": [[("id", "in", self.every["sp.individual"].ids)]], "kwargs": {},
        })
        self.assertEqual(set(ids), set(self.scope["sp_manager_a"]["sp.individual"].ids))
        if self.manager_a.has_group("base.group_allow_export"):
            res = self.make_jsonrpc_request("/web/dataset/call_kw", {
                "model": "sp.individual", "method": "export_data",
                "args": [ids, ["name", "id_number"]], "kwargs": {},
            })
            self.assertEqual(len(res["datas"]), len(ids))
