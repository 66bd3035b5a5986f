"""Who may import and see which imports: commune officers and above create and read their own
office's and areas' imports, auditors read them, call-centre agents and collaborators have no
access; an officer's rows must lie in their work areas. Through the ORM and through RPC."""
import base64
import xmlrpc.client

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, TransactionCase, tagged

from .test_import_common import ImportFixtures, csv_bytes, person

MODELS = ("sp.registry.import", "sp.registry.import.column", "sp.registry.import.household",
          "sp.registry.import.line", "sp.registry.import.issue")


@tagged("post_install", "-at_install")
class TestImportAccess(ImportFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        data = csv_bytes([person("A1", "Hứa Văn Quyền", "Chủ hộ"),
                          person("A2", "Hứa Văn Ngoài", "Chủ hộ", commune="99002")])
        Import = cls.env["sp.registry.import"]
        cls.officer_import = Import.with_user(cls.imp_officer).create(
            {"file": base64.b64encode(data), "file_name": "officer.csv"})
        cls.officer_import.action_read_columns()
        cls.officer_import.action_validate()

    def test_officer_imports_only_in_their_areas(self):
        record = self.officer_import
        self.assertEqual((record.company_id, record.area_id), (self.office, self.c1))
        self.assertRowError(record, 3, "is outside the area of this import")
        record.action_import()
        self.assertEqual(record.household_done_count, 1)
        household = self.Person.with_user(self.imp_officer).search(
            [("name", "=", "Hứa Văn Quyền")]).household_id
        self.assertEqual(household.area_id, self.c1)
        self.assertEqual(household.create_uid, self.imp_officer)
        self.assertFalse(self.Person.search([("name", "=", "Hứa Văn Ngoài")]))

    def test_who_reads_the_officer_import(self):
        issues = self.officer_import.issue_ids
        self.assertTrue(issues)
        for user in (self.imp_officer, self.imp_manager, self.imp_auditor, self.central_officer):
            with self.subTest(user=user.login):
                for model in MODELS:
                    records = self.env[model].with_user(user).search(
                        [("import_id", "=", self.officer_import.id)] if model != MODELS[0]
                        else [("id", "=", self.officer_import.id)])
                    self.assertTrue(records, model)
                self.officer_import.with_user(user).read(["state", "row_count"])
        # another province's officer and manager see nothing of it
        for user in (self.officer_a1, self.manager_a):
            with self.subTest(user=user.login):
                self.assertFalse(self.Import.with_user(user).search(
                    [("id", "=", self.officer_import.id)]))
                self.assertFalse(self.env["sp.registry.import.issue"].with_user(user).search(
                    [("import_id", "=", self.officer_import.id)]))
                with self.assertRaises(AccessError):
                    self.officer_import.with_user(user).read(["state"])
        # agents and collaborators have no access to imports at all
        for user in (self.agent, self.collaborator_a1):
            with self.subTest(user=user.login):
                for model in MODELS:
                    with self.assertRaises(AccessError):
                        self.env[model].with_user(user).search([])

    def test_auditor_never_writes(self):
        auditor = self.Import.with_user(self.imp_auditor)
        with self.assertRaises(AccessError):
            auditor.create({"file": base64.b64encode(b"x"), "file_name": "a.csv"})
        with self.assertRaises(AccessError):
            self.officer_import.with_user(self.imp_auditor).write({"name": "x"})
        with self.assertRaises(AccessError):
            self.officer_import.column_ids[:1].with_user(self.imp_auditor).write(
                {"target": "street"})
        with self.assertRaises(AccessError):
            self.officer_import.with_user(self.imp_auditor).unlink()

    def test_manager_imports_the_whole_province(self):
        data = csv_bytes([person("M1", "Hứa Văn Tỉnh", "Chủ hộ", commune="99002")])
        record = self.Import.with_user(self.imp_manager).create(
            {"file": base64.b64encode(data), "file_name": "manager.csv"})
        self.assertEqual((record.company_id, record.area_id.id), (self.office, False))
        record.action_read_columns()
        record.action_validate()
        record.action_import()
        self.assertEqual(record.household_done_count, 1)
        # and the officer of commune 1 does not see it (outside their areas)
        self.assertFalse(self.Import.with_user(self.imp_officer).search([("id", "=", record.id)]))

    def test_officer_of_several_communes_chooses_one(self):
        self.imp_officer.sp_area_ids = self.c1 | self.c2
        with self.assertRaisesRegex(ValidationError, "choose the one this list is for"):
            self.Import.with_user(self.imp_officer).create({"file_name": "x.csv"})
        record = self.Import.with_user(self.imp_officer).create(
            {"file_name": "x.csv", "area_id": self.c2.id})
        self.assertEqual(record.company_id, self.office)


@tagged("post_install", "-at_install")
class TestImportRpc(ImportFixtures, HttpCase):
    def _xmlrpc(self, login, model, method, *args, **kwargs):
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, login, login, {})
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, uid, login, model, method,
                                             list(args), kwargs)

    def test_officer_imports_over_json_rpc(self):
        self.authenticate("imp_officer", "imp_officer")
        data = csv_bytes([person("J1", "Giáp Văn Mạng", "Chủ hộ")])

        def call(model, method, args, kwargs=None):
            response = self.make_jsonrpc_request("/web/dataset/call_kw", {
                "model": model, "method": method, "args": args, "kwargs": kwargs or {}})
            return response

        record_id = call("sp.registry.import", "create", [{
            "file": base64.b64encode(data).decode(), "file_name": "rpc.csv"}])
        for method in ("action_read_columns", "action_validate", "action_import"):
            call("sp.registry.import", method, [[record_id]])
        [record] = call("sp.registry.import", "read", [[record_id], ["state",
                                                                     "household_done_count"]])
        self.assertEqual((record["state"], record["household_done_count"]), ("done", 1))
        self.assertTrue(self.env["sp.individual"].search([("name", "=", "Giáp Văn Mạng")]))

    def test_roles_over_xmlrpc(self):
        data = base64.b64encode(csv_bytes([person("X1", "Giáp Văn Xml", "Chủ hộ")])).decode()
        record_id = self._xmlrpc("imp_manager", "sp.registry.import", "create",
                                 {"file": data, "file_name": "xml.csv"})
        self.assertEqual(self._xmlrpc("imp_auditor", "sp.registry.import", "search",
                                      [("id", "=", record_id)]), [record_id])
        self.assertEqual(self._xmlrpc("sp_manager_a", "sp.registry.import", "search_count",
                                      [("id", "=", record_id)]), 0)
        for login, method, args in (
            ("imp_auditor", "create", ({"file": data, "file_name": "no.csv"},)),
            ("imp_auditor", "write", ([record_id], {"name": "no"})),
            ("sp_agent", "search", ([],)),
            ("sp_manager_a", "read", ([record_id], ["state"])),
        ):
            with self.subTest(login=login, method=method), \
                    self.assertRaisesRegex(xmlrpc.client.Fault, "AccessError|not allowed|doesn.t have"):
                self._xmlrpc(login, "sp.registry.import", method, *args)
