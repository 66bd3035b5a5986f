from odoo.tests import HttpCase, tagged

from odoo.addons.sp_base.tests.common import SpRpcMixin

from .common import SpAuditFixtures


@tagged("post_install", "-at_install")
class TestAuditRpc(SpAuditFixtures, SpRpcMixin, HttpCase):

    def test_rpc_write_read_export_recorded(self):
        admin = self.env.ref("base.user_admin")
        self._rpc(admin, "res.partner", "write", [self.partner_a.id],
                  {"email": "rpc@example.org"})
        log = self._logs(self.partner_a, "write")
        self.assertEqual(len(log), 1)
        self.assertEqual(log.user_id, admin)
        self.assertEqual(log.origin, "xmlrpc")
        self.assertTrue(log.request_path.startswith("/xmlrpc"))
        self.assertEqual(log.new_values, {"email": "rpc@example.org"})
        # reads: only of the records the rule's domain names (companies here)
        self.partner_b.sudo().is_company = True
        self._rpc(self.manager_a, "res.partner", "read", [self.partner_a.id], ["name"])
        self.assertFalse(self._logs(self.partner_a, "read"))
        self._rpc(self.central_officer, "res.partner", "read", [self.partner_b.id], ["name"])
        read = self._logs(self.partner_b, "read")
        self.assertEqual(len(read), 1)
        self.assertEqual(read.user_id, self.central_officer)
        self.assertEqual(read.summary, {"fields": ["name"]})
        # export over RPC
        self._rpc(admin, "res.partner", "export_data", [self.partner_a.id], ["name"])
        export = self.env["sp.audit.log"].search([("action", "=", "export"),
                                                  ("model", "=", "res.partner")])
        self.assertEqual(export.record_count, 1)
        self.assertEqual(export.origin, "xmlrpc")
        # the log itself is not writable over RPC, not even by the administrator
        self.assertFalse(self._rpc_fails(admin, log))

    def _rpc_fails(self, user, log):
        try:
            self._rpc(user, "sp.audit.log", "write", [log.id], {"action": "read"})
        except Exception:
            return False
        return True

    def test_confidential_ticket_read_recorded(self):
        if "sp.grievance" not in self.env:
            self.skipTest("sp_grievance is not installed")
        household = self.env["sp.household"].create({"area_id": self.commune_a1.id})
        Ticket = self.env["sp.grievance"]
        secret = Ticket.create({
            "category_id": self.env.ref("sp_grievance.category_misconduct_fraud").id,
            "description": "Tố cáo cán bộ.", "household_id": household.id,
            "is_confidential": True,
        })
        plain = Ticket.create({
            "category_id": self.env.ref("sp_grievance.category_payment").id,
            "description": "Chưa nhận tiền.", "household_id": household.id,
        })
        self.assertTrue(secret.is_confidential)
        self.assertFalse(plain.is_confidential)
        reader = self._sp_user("sp_audit_inspector", "sp_grievance.group_inspector", self.central,
                               self.central | self.office_a | self.office_b)
        self._rpc(reader, "sp.grievance", "read", [secret.id, plain.id], ["state"])
        self._rpc(reader, "sp.grievance", "web_read", [secret.id], {"state": {}})
        reads = self._logs(secret, "read")
        self.assertEqual(len(reads), 2)
        self.assertEqual(reads.user_id, reader)
        self.assertFalse(self._logs(plain, "read"))
