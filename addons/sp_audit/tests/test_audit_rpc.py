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
