import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, TransactionCase, tagged

from odoo.addons.sp_base.tests.common import SpRpcMixin

from .common import PaymentFixtures

MODELS = ["sp.payment.cycle", "sp.payment.batch", "sp.payment.line"]
DENIED = "doesn't have '(read|write)' access|not allowed to (modify|access)"


class AccessFixture(PaymentFixtures):
    """Office A pays commune A1 through Vietnam Post's pay point and commune A2 through a bank
    (the commune's own contract); office B through the bank. One late batch is still draft."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.contract_a2 = env["sp.payment.contract"].create({
            "name": "HĐ-02/A2", "agency_id": cls.bank.id, "area_id": cls.commune_a2.id,
            "date_start": "2020-01-01", "method": "bank",
        })
        cls._sp_enrol(cls._sp_people(2, cls.village_a1), cls.m1)
        cls._sp_enrol(cls._sp_people(2, cls.village_a2, start=10), cls.m1)
        officer_b = cls._sp_user("sp_officer_b", "sp_base.group_commune_officer", cls.office_b)
        cls._sp_enrol(cls._sp_people(1, cls.commune_b1, start=20), cls.m1, officer=officer_b,
                      manager=cls.manager_b)
        cls.cycle_a = cls._sp_cycle(cls.m1)
        cls.cycle_a.with_user(cls.officer_a).action_generate()
        cls.cycle_a.with_user(cls.manager_a).action_approve()
        cls._sp_enrol(cls._sp_people(1, cls.village_a1, start=30), cls.m1)
        cls.cycle_a.with_user(cls.officer_a).action_generate()   # late: a draft batch
        cls.cycle_b = cls._sp_cycle(cls.m1, office=cls.office_b)
        cls.cycle_b.with_user(officer_b).action_generate()
        cls.cycle_b.with_user(cls.manager_b).action_approve()
        Batch = env["sp.payment.batch"]
        cls.batch_post = Batch.search([("cycle_id", "=", cls.cycle_a.id),
                                       ("area_id", "=", cls.commune_a1.id),
                                       ("state", "=", "approved")])
        cls.batch_late = Batch.search([("cycle_id", "=", cls.cycle_a.id), ("state", "=", "draft")])
        cls.batch_bank_a = Batch.search([("cycle_id", "=", cls.cycle_a.id),
                                         ("area_id", "=", cls.commune_a2.id)])
        cls.batch_b = cls.cycle_b.batch_ids
        cls.every = {
            "sp.payment.cycle": cls.cycle_a | cls.cycle_b,
            "sp.payment.batch": cls.cycle_a.batch_ids | cls.batch_b,
            "sp.payment.line": cls.cycle_a.line_ids | cls.cycle_b.line_ids,
        }

        def scope(cycles, batches):
            return {"sp.payment.cycle": cycles, "sp.payment.batch": batches,
                    "sp.payment.line": batches.line_ids}

        a_all, b_all = cls.cycle_a.batch_ids, cls.batch_b
        cls.scope = {
            cls.agency_user: scope(cls.cycle_a, cls.batch_post),
            cls.bank_user: scope(cls.cycle_a | cls.cycle_b, cls.batch_bank_a | cls.batch_b),
            cls.officer_a1: scope(cls.cycle_a.browse(), cls.batch_post | cls.batch_late),
            cls.manager_a: scope(cls.cycle_a, a_all),
            cls.manager_b: scope(cls.cycle_b, b_all),
            cls.auditor_a: scope(cls.cycle_a, a_all),
            cls.central_officer: scope(cls.cycle_a | cls.cycle_b, a_all | b_all),
            cls.agent: scope(cls.cycle_a | cls.cycle_b, a_all | b_all),
        }


@tagged("post_install", "-at_install")
class TestPaymentAccess(AccessFixture, TransactionCase):
    def test_fixture(self):
        self.assertEqual(self.batch_post.agency_id, self.vnpost)
        self.assertEqual(self.batch_bank_a.agency_id, self.bank, "the commune's own contract")
        self.assertEqual(self.batch_bank_a.method, "bank")
        self.assertEqual(len(self.batch_late), 1)
        self.assertEqual(self.batch_late.agency_id, self.vnpost)

    def test_read_scope_per_role(self):
        for user, expected in self.scope.items():
            for model in MODELS:
                with self.subTest(user=user.login, model=model):
                    found = self.env[model].with_user(user).search(
                        [("id", "in", self.every[model].ids)])
                    self.assertEqual(found, expected[model].with_user(user))

    def test_collaborator_sees_no_payment(self):
        for model in MODELS + ["sp.payment.result"]:
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.collaborator_a1).search([])

    def test_agency_user_limits(self):
        user = self.agency_user
        with self.assertRaises(AccessError):
            self.batch_bank_a.with_user(user).read(["name"])
        with self.assertRaises(AccessError):
            self.batch_late.with_user(user).action_export()
        with self.assertRaises(AccessError):
            self.batch_post.with_user(user).write({"state": "closed"})
        with self.assertRaises(AccessError):
            self.batch_post.line_ids[0].with_user(user).write({"recipient_name": "x"})
        with self.assertRaises(AccessError):
            self.env["sp.payment.cycle"].with_user(user).create(
                {"period": self.m2, "company_id": self.office_a.id})
        with self.assertRaises(AccessError):
            self.cycle_a.with_user(user).action_generate()
        with self.assertRaises(UserError):
            self.cycle_a.with_user(user).action_approve()
        Result = self.env["sp.payment.result"].with_user(user)
        data = base64.b64encode(self._sp_result_csv([self._sp_row(self.batch_post.line_ids[0])]))
        with self.assertRaises(AccessError):
            Result.create({"cycle_id": self.cycle_b.id, "file": data, "file_name": "b.csv"})
        with self.assertRaises(AccessError):
            Result.create({"cycle_id": self.cycle_a.id, "file": data, "file_name": "a.csv",
                           "agency_id": self.bank.id})
        # what it may do: download its batch, upload its results, read its log
        self.batch_post.with_user(user).action_export()
        result = Result.create({"cycle_id": self.cycle_a.id, "file": data, "file_name": "a.csv"})
        result.action_import()
        self.assertEqual(result.applied_count, 1)
        logs = self.env["sp.payment.file.log"].with_user(user).search([])
        self.assertEqual(set(logs.mapped("kind")), {"export", "import"})
        self.assertFalse(self.env["sp.payment.file.log"].with_user(self.bank_user).search([]))

    def test_staff_limits(self):
        with self.assertRaises(AccessError):
            self.cycle_a.with_user(self.auditor_a).write({"allocated_amount": 1})
        with self.assertRaises(AccessError):
            self.cycle_a.with_user(self.auditor_a).action_generate()
        with self.assertRaises(AccessError):
            self.cycle_a.with_user(self.manager_b).action_generate()
        with self.assertRaises(AccessError):
            self.cycle_a.with_user(self.officer_a1).read(["name"])
        with self.assertRaises(AccessError):
            self.batch_bank_a.with_user(self.officer_a1).action_export()
        with self.assertRaises(AccessError):
            self.env["sp.payment.line"].with_user(self.agent).browse(
                self.batch_post.line_ids[0].id).write({"recipient_name": "x"})
        self.cycle_a.with_user(self.manager_a).allocated_amount = 5_000_000
        self.assertEqual(self.cycle_a.balance_amount, 5_000_000)


@tagged("post_install", "-at_install")
class TestPaymentAccessRpc(SpRpcMixin, AccessFixture, HttpCase):
    def test_xmlrpc_read_scope(self):
        for user in (self.agency_user, self.bank_user, self.officer_a1, self.manager_b,
                     self.auditor_a):
            for model in MODELS:
                with self.subTest(user=user.login, model=model):
                    domain = [("id", "in", self.every[model].ids)]
                    self.assertEqual(set(self._rpc(user, model, "search", domain)),
                                     set(self.scope[user][model].ids))

    def test_xmlrpc_agency_export_and_refusals(self):
        user = self.agency_user
        action = self._rpc(user, "sp.payment.batch", "action_export", self.batch_post.ids)
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(self.batch_post.state, "exported")
        for method, args in (("action_export", (self.batch_bank_a.ids,)),
                             ("write", (self.batch_post.ids, {"state": "closed"}))):
            with self.subTest(method=method), self.assertRaises(Exception) as err, \
                    self.assertLogs("odoo.http", "WARNING"):
                self._rpc(user, "sp.payment.batch", method, *args)
            self.assertRegex(str(err.exception), DENIED)
        with self.assertRaises(Exception) as err, self.assertLogs("odoo.http", "WARNING"):
            self._rpc(user, "sp.payment.line", "read", self.batch_late.line_ids.ids, ["reference"])
        self.assertRegex(str(err.exception), DENIED)

    def test_http_download_only_own_lists(self):
        self.batch_post.with_user(self.agency_user).action_export()
        self.batch_bank_a.with_user(self.bank_user).action_export()
        own = self.batch_post.log_ids.attachment_id
        other = self.batch_bank_a.log_ids.attachment_id
        self.authenticate(self.agency_user.login, self.agency_user.login)
        response = self.url_open("/web/content/%s?download=true" % own.id)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content[:2], b"PK")
        response = self.url_open("/web/content/%s?download=true" % other.id)
        self.assertIn(response.status_code, (403, 404))

    def test_json_rpc_agency_uploads_results(self):
        self.authenticate(self.agency_user.login, self.agency_user.login)
        res = self.make_jsonrpc_request("/web/dataset/call_kw", {
            "model": "sp.payment.line", "method": "web_search_read",
            "args": [[]],
            "kwargs": {"specification": {"reference": {}, "total_amount": {},
                                         "batch_id": {"fields": {"display_name": {}}}}},
        })
        self.assertEqual({r["id"] for r in res["records"]}, set(self.batch_post.line_ids.ids))
        rows = [self._sp_row(line) for line in self.batch_post.line_ids]
        result_id = self.make_jsonrpc_request("/web/dataset/call_kw", {
            "model": "sp.payment.result", "method": "create",
            "args": [{"cycle_id": self.cycle_a.id, "file_name": "ket_qua.csv",
                      "file": base64.b64encode(self._sp_result_csv(rows)).decode()}],
            "kwargs": {},
        })
        self.make_jsonrpc_request("/web/dataset/call_kw", {
            "model": "sp.payment.result", "method": "action_import",
            "args": [[result_id]], "kwargs": {},
        })
        result = self.env["sp.payment.result"].browse(result_id)
        self.assertEqual((result.state, result.agency_id, result.applied_count),
                         ("done", self.vnpost, 2))
        self.assertEqual(set(self.batch_post.line_ids.mapped("state")), {"paid"})
        self.authenticate(self.manager_b.login, self.manager_b.login)
        ids = self.make_jsonrpc_request("/web/dataset/call_kw", {
            "model": "sp.payment.line", "method": "search",
            "args": [[("id", "in", self.every["sp.payment.line"].ids)]], "kwargs": {},
        })
        self.assertEqual(set(ids), set(self.cycle_b.line_ids.ids))
