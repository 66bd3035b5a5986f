import datetime
from unittest.mock import patch

import psycopg2

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.sp_audit.models.audit_hook import audit_step

from .common import SpAuditFixtures


class CountInserts:
    """Counts the INSERT statements into the audit table run by a cursor."""

    def __init__(self, cr):
        self.cr = cr
        self.count = 0

    def __enter__(self):
        original = self.cr.execute

        def execute(query, params=None, log_exceptions=True):
            if "INSERT INTO sp_audit_entry" in str(query):
                self.count += 1
            return original(query, params, log_exceptions)

        self._patch = patch.object(self.cr, "execute", execute)
        self._patch.start()
        return self

    def __exit__(self, *exc):
        self._patch.stop()


@tagged("post_install", "-at_install")
class TestAudit(SpAuditFixtures, TransactionCase):

    def test_write_recorded_with_user_action_values(self):
        admin = self.admin
        partner = self.partner_a.with_user(admin)
        partner.write({"email": "a@example.org", "comment": "not audited"})
        log = self._logs(self.partner_a, "write")
        self.assertEqual(len(log), 1)
        self.assertEqual(log.user_id, admin)
        self.assertEqual(log.origin, "server")
        self.assertEqual(log.old_values, {"email": None})
        self.assertEqual(log.new_values, {"email": "a@example.org"})
        self.assertEqual(log.company_id, self.office_a)
        # a field no rule names: no row
        self.partner_a.write({"comment": "again"})
        self.assertEqual(len(self._logs(self.partner_a, "write")), 1)
        # the same value again: nothing changed, no row
        self.partner_a.write({"email": "a@example.org"})
        self.assertEqual(len(self._logs(self.partner_a, "write")), 1)

    def test_create_unlink_and_step(self):
        with audit_step("test_step"):
            partner = self.env["res.partner"].create({"name": "Mới", "email": "m@example.org"})
        log = self._logs(partner, "create")
        self.assertEqual(log.new_values["name"], "Mới")
        self.assertEqual(log.step, "test_step")
        pid = partner.id
        partner.unlink()
        log = self.env["sp.audit.log"].search([("model", "=", "res.partner"), ("res_id", "=", pid),
                                               ("action", "=", "unlink")])
        self.assertEqual(log.old_values["email"], "m@example.org")

    def test_x2many_values(self):
        tag = self.env["res.partner.category"].create({"name": "Thẻ"})
        self.partner_a.write({"category_id": [(4, tag.id)]})
        log = self._logs(self.partner_a, "write")
        self.assertEqual(log.old_values, {"category_id": []})
        self.assertEqual(log.new_values, {"category_id": [tag.id]})

    def test_one_insert_per_write_call(self):
        partners = self.env["res.partner"].create([{"name": "P%s" % i} for i in range(50)])
        with CountInserts(self.env.cr) as counter:
            partners.write({"email": "same@example.org"})
        self.assertEqual(counter.count, 1)
        self.assertEqual(len(self._logs(partners, "write")), 50)

    def test_shipped_rule_users_groups(self):
        group = self.env.ref("sp_base.group_auditor")
        self.officer_a1.write({"groups_id": [(4, group.id)]})
        logs = self._logs(self.officer_a1, "write").filtered(
            lambda log: "groups_id" in log.new_values)
        self.assertTrue(logs)
        self.assertIn(group.id, logs[-1].new_values["groups_id"])
        self.assertNotIn(group.id, logs[0].old_values["groups_id"])

    def test_bulk_update_of_10000_rows_one_insert(self):
        cr = self.env.cr
        cr.execute("CREATE TEMP TABLE sp_audit_t AS SELECT g AS id, 0 AS v "
                   "FROM generate_series(1, 10000) g")
        cr.execute("UPDATE sp_audit_t SET v = 1 WHERE id <= 10000")
        with CountInserts(cr) as counter:
            self.env["sp.audit.log"]._sp_log_bulk(
                "res.partner", "bulk", SQL("SELECT id FROM sp_audit_t WHERE v = 1"),
                {"field": "v", "to": 1})
        self.assertEqual(counter.count, 1)
        log = self.env["sp.audit.log"].search([("action", "=", "bulk")], limit=1)
        self.assertEqual(log.record_count, 10000)
        cr.execute("SELECT cardinality(res_ids) FROM sp_audit_log WHERE id = %s", [log.id])
        self.assertEqual(cr.fetchone()[0], 10000)
        self.assertEqual(log.summary, {"field": "v", "to": 1})
        # a list of ids works too
        self.env["sp.audit.log"]._sp_log_bulk("res.partner", "bulk", [1, 2, 3])
        log = self.env["sp.audit.log"].search([("action", "=", "bulk")], limit=1)
        self.assertEqual(log.record_count, 3)

    def test_export_recorded(self):
        partners = self.partner_a | self.partner_b
        partners.with_user(self.central_officer).export_data(["name", "email"])
        log = self.env["sp.audit.log"].search([("action", "=", "export"),
                                               ("model", "=", "res.partner")])
        self.assertEqual(len(log), 1)
        self.assertEqual(log.record_count, 2)
        self.assertEqual(log.user_id, self.central_officer)
        self.assertEqual(log.summary["fields"], ["name", "email"])

    def test_forged_orm_write_unlink_refused(self):
        self.partner_a.write({"email": "x@example.org"})
        log = self._logs(self.partner_a, "write")
        for env in (self.env, self.env(user=self.env.ref("base.user_admin"))):
            with self.assertRaises(AccessError):
                log.with_env(env).write({"action": "read"})
            with self.assertRaises(AccessError):
                log.with_env(env).unlink()
            with self.assertRaises(AccessError):
                env["sp.audit.log"].create({"model": "res.partner", "action": "write"})
        with self.assertRaises(AccessError):
            log.with_user(self.auditor_a).read(["action"]) and log.with_user(
                self.auditor_a).write({"action": "read"})

    @mute_logger("odoo.sql_db")
    def test_forged_sql_update_delete_refused(self):
        self.partner_a.write({"email": "x@example.org"})
        log = self._logs(self.partner_a, "write")
        for query in ("UPDATE sp_audit_entry SET action = 'read' WHERE id = %s",
                      "UPDATE sp_audit_log SET new_values = '{}' WHERE id = %s",
                      "DELETE FROM sp_audit_entry WHERE id = %s"):
            with self.assertRaises(psycopg2.errors.InsufficientPrivilege), \
                    self.env.cr.savepoint():
                self.env.cr.execute(query, [log.id])
        with self.assertRaises(psycopg2.errors.InsufficientPrivilege), self.env.cr.savepoint():
            self.env.cr.execute("TRUNCATE sp_audit_entry")
        # sealed rows cannot be re-sealed either
        self.env["sp.audit.log"]._sp_seal()
        with self.assertRaises(psycopg2.errors.InsufficientPrivilege), self.env.cr.savepoint():
            self.env.cr.execute("UPDATE sp_audit_entry SET hash = 'x' WHERE id = %s", [log.id])

    def _partition_of(self, log_id):
        self.env.cr.execute("SELECT tableoid::regclass::text FROM sp_audit_entry WHERE id = %s",
                            [log_id])
        return self.env.cr.fetchone()[0]

    def test_verification_detects_modified_row(self):
        partners = self.env["res.partner"].create([{"name": "V%s" % i} for i in range(5)])
        partners.write({"email": "v@example.org"})
        Log = self.env["sp.audit.log"]
        self.assertEqual(Log._sp_verify(seal=True), [])
        self.assertIn("chain intact", Log._sp_verify_report())
        logs = self._logs(partners, "write")
        self.assertTrue(all(logs.mapped("hash")))
        victim = logs[2]
        partition = self._partition_of(victim.id)
        cr = self.env.cr
        # as the table's owner in SQL, with the trigger disabled
        cr.execute(SQL("ALTER TABLE %s DISABLE TRIGGER sp_audit_entry_guard",
                       SQL.identifier(partition)))
        cr.execute("UPDATE sp_audit_entry SET new_values = '{\"email\": \"forged\"}' "
                   "WHERE id = %s", [victim.id])
        cr.execute(SQL("ALTER TABLE %s ENABLE TRIGGER sp_audit_entry_guard",
                       SQL.identifier(partition)))
        problems = Log._sp_verify(seal=True)
        self.assertEqual(len(problems), 1)
        self.assertEqual(problems[0]["id"], victim.id)
        self.assertEqual(problems[0]["reason"], "hash mismatch")
        self.assertIn(str(victim.id), Log._sp_verify_report())

    def test_verification_detects_deleted_row(self):
        partners = self.env["res.partner"].create([{"name": "D%s" % i} for i in range(4)])
        logs = self._logs(partners, "create")
        Log = self.env["sp.audit.log"]
        self.assertEqual(Log._sp_verify(seal=True), [])
        cr = self.env.cr
        cr.execute("SET LOCAL sp_audit.retention = 'on'")
        cr.execute("DELETE FROM sp_audit_entry WHERE id = %s", [logs[1].id])
        cr.execute("SET LOCAL sp_audit.retention = 'off'")
        problems = Log._sp_verify(seal=True)
        self.assertEqual(problems[0]["id"], logs[2].id)
        self.assertEqual(problems[0]["reason"], "row missing before it")

    def test_new_rows_chain_after_sealed_ones(self):
        Log = self.env["sp.audit.log"]
        self.partner_a.write({"email": "1@example.org"})
        Log._sp_seal()
        self.partner_a.write({"email": "2@example.org"})
        self.partner_b.write({"email": "3@example.org"})
        self.assertEqual(Log._sp_verify(seal=True), [])
        logs = self._logs(self.partner_a | self.partner_b, "write").sorted("id")
        seqs = logs.mapped("seq")
        self.assertEqual(seqs, sorted(seqs))

    def test_partition_on_demand_and_retention(self):
        Log = self.env["sp.audit.log"]
        Log._sp_ensure_partitions(datetime.date(2001, 1, 1))
        names = [name for name, _month in Log._sp_partitions()]
        self.assertIn("sp_audit_entry_y2001m01", names)
        self.env.cr.execute("INSERT INTO sp_audit_entry (create_date, model, action) "
                            "VALUES ('2001-01-15', 'res.partner', 'write')")
        self.assertIn("sp_audit_entry_y2001m01", Log._sp_retention(12))
        names = [name for name, _month in Log._sp_partitions()]
        self.assertNotIn("sp_audit_entry_y2001m01", names)

    def test_record_rule_by_office(self):
        self.partner_a.write({"email": "a@example.org"})
        self.partner_b.write({"email": "b@example.org"})
        visible = self.env["sp.audit.log"].with_user(self.auditor_a).search(
            [("model", "=", "res.partner"), ("action", "=", "write")])
        self.assertIn(self.partner_a.id, visible.mapped("res_id"))
        self.assertNotIn(self.partner_b.id, visible.mapped("res_id"))
        # a commune officer has no access to the log at all
        with self.assertRaises(AccessError):
            self.env["sp.audit.log"].with_user(self.officer_a1).search([])

    def test_xlsx_export_of_the_log(self):
        self.partner_a.write({"email": "a@example.org"})
        logs = self.env["sp.audit.log"].with_user(self.auditor_a).search(
            [("model", "=", "res.partner")])
        action = logs.action_sp_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3]
                                                          .split("?")[0]))
        self.assertEqual(attachment.raw[:2], b"PK")
        export = self.env["sp.audit.log"].search([("model", "=", "sp.audit.log"),
                                                  ("action", "=", "export")])
        self.assertEqual(export.record_count, len(logs))
        self.assertEqual(export.user_id, self.auditor_a)
        with self.assertRaises(AccessError):
            logs.with_user(self.officer_a1).action_sp_export_xlsx()

    def test_rule_not_installed_model_ignored(self):
        self.env["sp.audit.rule"].create({"name": "Nowhere", "model_name": "sp.no.such.model",
                                          "field_names": "x"})
        conf = self.env["sp.audit.rule"]._sp_conf()
        self.assertNotIn("sp.no.such.model", conf)
        self.assertIn("res.users", conf)

    def test_shipped_rule_individual(self):
        if "sp.individual" not in self.env:
            self.skipTest("sp_registry is not installed")
        conf = self.env["sp.audit.rule"]._sp_conf()["sp.individual"]
        self.assertTrue({"name", "birthdate", "id_number", "poverty_status"} <= conf["fields"])
        household = self.env["sp.household"].create({"area_id": self.commune_a1.id})
        person = self.env["sp.individual"].create({
            "name": "Nguyễn Văn Kiểm", "gender": "male", "birthdate": "1985-05-02",
            "relationship": "head", "household_id": household.id,
            "ethnicity_id": self.env.ref("sp_registry.sp_ethnicity_01").id,
        })
        created = self._logs(person, "create")
        self.assertEqual(created.new_values["birthdate"], "1985-05-02")
        self.assertEqual(created.new_values["household_id"], household.id)
        person.write({"birthdate": "1986-06-03", "name": "Nguyễn Văn Kiểm Tra"})
        log = self._logs(person, "write")
        self.assertEqual(log.old_values, {"birthdate": "1985-05-02", "name": "Nguyễn Văn Kiểm"})
        self.assertEqual(log.new_values,
                         {"birthdate": "1986-06-03", "name": "Nguyễn Văn Kiểm Tra"})
        self.assertEqual(log.user_id, self.env.user)
