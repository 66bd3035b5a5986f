"""sp.audit.log: the append-only, month-partitioned, hash-chained audit table.

The table sp_audit_entry is created by SQL in init() (``_auto = False``; the model reads it
through the view sp_audit_log, as Odoo's registry check knows no partitioned table): PostgreSQL
declarative partitioning
by month of create_date, a row trigger refusing UPDATE and DELETE (except the sealing of a row's
own hash, and the retention job's transaction-local setting), a hash chain per partition in the
order of ``seq``. See README.md for why rows are sealed just after commit and not at insert.
"""
import base64
import datetime
import json
import logging

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from odoo.addons.sp_base.tools import SpXlsxWriter

from . import audit_hook

_logger = logging.getLogger(__name__)

TABLE = "sp_audit_entry"
LOCK_KEY = 770015  # advisory lock namespace of the sealer (second key: the partition's oid)
# partitions known to exist, per database (a partition is never dropped but by retention)
_PARTITIONS = {}

ACTIONS = [
    ("create", "Create"), ("write", "Write"), ("unlink", "Delete"), ("read", "Read"),
    ("export", "Export"), ("bulk", "Bulk update"), ("import", "Import"),
]
ORIGINS = [
    ("web", "Web client"), ("xmlrpc", "XML-RPC"), ("jsonrpc", "JSON-RPC"), ("http", "Other HTTP"),
    ("cron", "Scheduled job"), ("import", "Import"), ("server", "Server (shell, migration)"),
]

DDL = """
CREATE SEQUENCE IF NOT EXISTS sp_audit_entry_id_seq;
CREATE TABLE IF NOT EXISTS sp_audit_entry (
    id bigint NOT NULL DEFAULT nextval('sp_audit_entry_id_seq'),
    create_date timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    user_id integer,
    origin varchar,
    request_path varchar,
    model varchar NOT NULL,
    res_id integer,
    res_ids integer[],
    record_count integer,
    action varchar NOT NULL,
    step varchar,
    company_id integer,
    old_values jsonb,
    new_values jsonb,
    summary jsonb,
    seq bigint,
    hash varchar,
    PRIMARY KEY (id, create_date)
) PARTITION BY RANGE (create_date);
ALTER SEQUENCE sp_audit_entry_id_seq OWNED BY sp_audit_entry.id;
CREATE INDEX IF NOT EXISTS sp_audit_entry_record_idx ON sp_audit_entry (model, res_id, id);
CREATE INDEX IF NOT EXISTS sp_audit_entry_user_date_idx ON sp_audit_entry (user_id, create_date);
CREATE INDEX IF NOT EXISTS sp_audit_entry_date_idx ON sp_audit_entry (create_date);
CREATE INDEX IF NOT EXISTS sp_audit_entry_res_ids_idx ON sp_audit_entry USING gin (res_ids)
    WHERE res_ids IS NOT NULL;
CREATE INDEX IF NOT EXISTS sp_audit_entry_seq_idx ON sp_audit_entry (seq);
CREATE INDEX IF NOT EXISTS sp_audit_entry_unsealed_idx ON sp_audit_entry (id) WHERE hash IS NULL;

-- the text a row's hash covers: every column but the hash, nulls left out (a column added
-- later does not change the hash of the rows before it)
CREATE OR REPLACE FUNCTION sp_audit_canonical(r jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT jsonb_strip_nulls(r - 'hash')::text $$;
CREATE OR REPLACE FUNCTION sp_audit_chain_step(state text, seed text, canonical text)
    RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT encode(sha256(convert_to(coalesce(state, seed, '') || canonical, 'UTF8')), 'hex') $$;
CREATE OR REPLACE AGGREGATE sp_audit_chain(text, text) (
    SFUNC = sp_audit_chain_step, STYPE = text);

CREATE OR REPLACE FUNCTION sp_audit_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('sp_audit.retention', true) = 'on' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND OLD.seq IS NULL AND NEW.hash IS NOT NULL
       AND (to_jsonb(NEW) - 'hash' - 'seq') = (to_jsonb(OLD) - 'hash' - 'seq') THEN
        RETURN NEW;  -- sealing: the row's place in the chain and its hash, nothing else
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE OR REPLACE FUNCTION sp_audit_entry_guard_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('sp_audit.retention', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: TRUNCATE refused'
        USING ERRCODE = 'insufficient_privilege';
END $$;
DROP TRIGGER IF EXISTS sp_audit_entry_guard ON sp_audit_entry;
CREATE TRIGGER sp_audit_entry_guard BEFORE UPDATE OR DELETE ON sp_audit_entry
    FOR EACH ROW EXECUTE FUNCTION sp_audit_entry_guard();
CREATE OR REPLACE VIEW sp_audit_log AS SELECT * FROM sp_audit_entry;
"""


def _month(date):
    return datetime.date(date.year, date.month, 1)


class SpAuditLog(models.Model):
    _name = "sp.audit.log"
    _description = "Audit log entry"
    _auto = False
    _log_access = False
    _order = "id desc"
    _rec_name = "model"

    create_date = fields.Datetime("Date", readonly=True)
    user_id = fields.Many2one("res.users", "User", readonly=True)
    origin = fields.Selection(ORIGINS, "From", readonly=True)
    request_path = fields.Char("Request path", readonly=True)
    model = fields.Char("Model", readonly=True)
    res_id = fields.Integer("Record ID", readonly=True, aggregator=None)
    record_count = fields.Integer("Records", readonly=True)
    action = fields.Selection(ACTIONS, "Action", readonly=True)
    step = fields.Char("Business step", readonly=True)
    company_id = fields.Many2one("res.company", "Office", readonly=True)
    old_values = fields.Json("Old values", readonly=True)
    new_values = fields.Json("New values", readonly=True)
    summary = fields.Json("Summary", readonly=True)
    seq = fields.Integer("Chain position", readonly=True, aggregator=None)
    hash = fields.Char("Hash", readonly=True)
    old_values_text = fields.Text("Old values (text)", compute="_compute_texts")
    new_values_text = fields.Text("New values (text)", compute="_compute_texts")
    summary_text = fields.Text("Summary (text)", compute="_compute_texts")
    res_ids_text = fields.Text("Record IDs", compute="_compute_texts")

    def init(self):
        self.env.cr.execute(DDL)
        today = fields.Date.context_today(self)
        self._sp_ensure_partitions(_month(today) - relativedelta(months=1), months=4)

    @api.depends("old_values", "new_values", "summary")
    def _compute_texts(self):
        ids = {}
        if self.ids:
            self.env.cr.execute(
                "SELECT id, res_ids FROM sp_audit_log WHERE id = ANY(%s) AND res_ids IS NOT NULL",
                [list(self.ids)])
            ids = dict(self.env.cr.fetchall())
        for log in self:
            for src, dst in (("old_values", "old_values_text"), ("new_values", "new_values_text"),
                             ("summary", "summary_text")):
                value = log[src]
                log[dst] = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) \
                    if value not in (None, False) else False
            res_ids = ids.get(log.id)
            log.res_ids_text = ", ".join(map(str, res_ids)) if res_ids else False

    # --- tamper evidence through the ORM: nobody creates, writes or deletes a row ------------
    # pylint: disable=method-required-super
    @api.model_create_multi
    def create(self, vals_list):
        raise AccessError(_("Audit log entries are written by the audit mechanism only."))

    def write(self, vals):
        raise AccessError(_("Audit log entries cannot be changed, not even by an administrator."))

    def unlink(self):
        raise AccessError(_("Audit log entries cannot be deleted, not even by an administrator."))

    def copy(self, default=None):
        raise AccessError(_("Audit log entries cannot be changed, not even by an administrator."))

    # --- partitions ----------------------------------------------------------------------------
    @api.model
    def _sp_partition_name(self, month):
        return "%s_y%04dm%02d" % (TABLE, month.year, month.month)

    @api.model
    def _sp_ensure_partitions(self, first_month, months=1):
        """Create the monthly partitions from first_month on (idempotent; cached per process)."""
        known = _PARTITIONS.setdefault(self.env.cr.dbname, set())
        cr = self.env.cr
        added = False
        for i in range(months):
            month = first_month + relativedelta(months=i)
            name = self._sp_partition_name(month)
            if name in known:
                continue
            added = True
            cr.execute("SELECT to_regclass(%s)", [name])
            if not cr.fetchone()[0]:
                cr.execute(SQL(
                    "CREATE TABLE IF NOT EXISTS %s PARTITION OF sp_audit_entry "
                    "FOR VALUES FROM (%s) TO (%s)",
                    SQL.identifier(name), month, month + relativedelta(months=1)))
                cr.execute(SQL(
                    "CREATE TRIGGER sp_audit_log_no_truncate BEFORE TRUNCATE ON %s "
                    "FOR EACH STATEMENT EXECUTE FUNCTION sp_audit_entry_guard_truncate()",
                    SQL.identifier(name)))
            known.add(name)
        if added:
            # the partitions of a rolled-back transaction do not exist: forget them then
            cr.postrollback.add(lambda: _PARTITIONS.pop(cr.dbname, None))

    @api.model
    def _cron_sp_partitions(self):
        """Scheduled: the partitions of this month and the next three exist."""
        self._sp_ensure_partitions(_month(fields.Date.today()), months=4)

    @api.model
    def _sp_partitions(self):
        """[(partition name, first day of its month)], oldest first."""
        self.env.cr.execute("""
            SELECT c.relname FROM pg_inherits i
              JOIN pg_class c ON c.oid = i.inhrelid
              JOIN pg_class p ON p.oid = i.inhparent
             WHERE p.relname = 'sp_audit_entry' ORDER BY c.relname""")
        result = []
        for (name,) in self.env.cr.fetchall():
            year, month = name[len(TABLE) + 2:].split("m")
            result.append((name, datetime.date(int(year), int(month), 1)))
        return result

    @api.model
    def _sp_retention(self, keep_months):
        """Drop the partitions older than keep_months months (the only way rows leave)."""
        limit = _month(fields.Date.today()) - relativedelta(months=keep_months)
        dropped = []
        self.env.cr.execute("SET LOCAL sp_audit.retention = 'on'")
        for name, month in self._sp_partitions():
            if month < limit:
                self.env.cr.execute(SQL("DROP TABLE %s", SQL.identifier(name)))
                dropped.append(name)
        self.env.cr.execute("SET LOCAL sp_audit.retention = 'off'")
        _PARTITIONS.pop(self.env.cr.dbname, None)
        return dropped

    @api.model
    def _cron_sp_retention(self):
        months = int(self.env["ir.config_parameter"].sudo().get_param(
            "sp_audit.retention_months", "0") or 0)
        if months > 0:
            self._sp_retention(months)

    # --- writing ---------------------------------------------------------------------------
    def _sp_context(self):
        origin, path = audit_hook.request_origin(self.env)
        return self.env.uid, origin, path

    @api.model
    def _sp_insert(self, rows):
        """Insert log rows in one INSERT. rows: dicts with model, res_id or res_ids, action,
        and optionally step, company_id, old_values, new_values, summary, record_count."""
        if not rows:
            return
        self._sp_ensure_partitions(_month(fields.Date.today()))
        uid, origin, path = self._sp_context()
        company = self.env.company.id
        payload = [{
            "model": row["model"], "res_id": row.get("res_id"), "res_ids": row.get("res_ids"),
            "record_count": row.get("record_count", 1 if row.get("res_id") else None),
            "action": row["action"], "step": row.get("step"),
            "company_id": row.get("company_id") or company,
            "old_values": row.get("old_values"), "new_values": row.get("new_values"),
            "summary": row.get("summary"),
        } for row in rows]
        self.env.cr.execute("""
            INSERT INTO sp_audit_entry (user_id, origin, request_path, model, res_id, res_ids,
                                      record_count, action, step, company_id, old_values,
                                      new_values, summary)
            SELECT %s, %s, %s, r.model, r.res_id, r.res_ids, r.record_count, r.action, r.step,
                   r.company_id, r.old_values, r.new_values, r.summary
              FROM jsonb_to_recordset(%s::jsonb) AS r(
                   model varchar, res_id integer, res_ids integer[], record_count integer,
                   action varchar, step varchar, company_id integer, old_values jsonb,
                   new_values jsonb, summary jsonb)
        """, [uid, origin, path, json.dumps(payload, default=str)])

    @api.model
    def _sp_log_bulk(self, model_name, action, ids, summary=None, step=None, company_id=None):
        """One log row for a set-based change of many records, in one INSERT.

        ``ids``: a list of ids, or an ``odoo.tools.SQL`` query selecting the changed ids (run
        inside the INSERT, e.g. the same WHERE as the bulk UPDATE, or ``SELECT id FROM tmp``).
        ``summary``: a JSON-able dict (the fields set, the values, the file, the batch...).
        """
        self._sp_ensure_partitions(_month(fields.Date.today()))
        uid, origin, path = self._sp_context()
        if isinstance(ids, SQL):
            ids_sql = SQL("ARRAY(%s)", ids)
        else:
            ids_sql = SQL("%s::integer[]", list(ids))
        self.env.cr.execute(SQL("""
            INSERT INTO sp_audit_entry (user_id, origin, request_path, model, res_ids,
                                      record_count, action, step, company_id, summary)
            SELECT %(uid)s, %(origin)s, %(path)s, %(model)s, ids, cardinality(ids), %(action)s,
                   %(step)s, %(company)s, %(summary)s::jsonb
              FROM (SELECT %(ids)s AS ids) AS changed
        """, uid=uid, origin=origin, path=path, model=model_name, ids=ids_sql, action=action,
            step=step or audit_hook.current_step(), company=company_id or self.env.company.id,
            summary=json.dumps(summary or {}, default=str)))

    # --- the hash chain --------------------------------------------------------------------
    @api.model
    def _sp_seal(self, wait=True):
        """Give every unsealed row its place in its partition's chain and its hash, in id
        order, one UPDATE per partition. Run by the cron every minute (in its own transaction)
        and before a verification."""
        cr = self.env.cr
        sealed = 0
        for name, _month_start in self._sp_partitions():
            table = SQL.identifier(name)
            cr.execute(SQL("SELECT 1 FROM %s WHERE hash IS NULL LIMIT 1", table))
            if not cr.fetchone():
                continue
            lock = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
            cr.execute(SQL("SELECT %s(%s, %s::regclass::oid::integer)",
                           SQL(lock), LOCK_KEY, name))
            if not wait and not cr.fetchone()[0]:
                continue
            cr.execute(SQL("""
                WITH head AS (
                    SELECT seq, hash FROM %(t)s WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1
                ), todo AS (
                    SELECT p.id, coalesce((SELECT seq FROM head), 0)
                               + row_number() OVER (ORDER BY p.id) AS new_seq,
                           p AS r
                      FROM %(t)s p WHERE p.hash IS NULL
                ), chained AS (
                    SELECT id, new_seq,
                           sp_audit_chain((SELECT hash FROM head),
                                          sp_audit_canonical(
                                              to_jsonb(r) || jsonb_build_object('seq', new_seq)))
                               OVER (ORDER BY new_seq ROWS UNBOUNDED PRECEDING) AS hash
                      FROM todo
                )
                UPDATE %(t)s p SET seq = c.new_seq, hash = c.hash
                  FROM chained c WHERE p.id = c.id
            """, t=table))
            sealed += cr.rowcount
        return sealed

    @api.model
    def _sp_verify(self, seal=False):
        """Check every partition's chain. Returns a list of problems, empty when intact: dicts
        with partition, id, seq and reason; per partition only the first broken row. Rows not
        sealed yet (the cron seals every minute) are not part of the chain yet: seal=True seals
        them first (one sealer at a time: not while the cron may run)."""
        cr = self.env.cr
        if seal:
            self._sp_seal()
        problems = []
        for name, _month_start in self._sp_partitions():
            table = SQL.identifier(name)
            cr.execute(SQL("""
                SELECT id, seq, reason FROM (
                    SELECT id, seq,
                           CASE WHEN (hash IS NULL) <> (seq IS NULL) THEN 'half sealed'
                                WHEN seq <> coalesce(lag(seq) OVER w, 0) + 1
                                    THEN 'row missing before it'
                                WHEN hash <> sp_audit_chain_step(NULL, lag(hash) OVER w,
                                                                  sp_audit_canonical(to_jsonb(p)))
                                    THEN 'hash mismatch'
                           END AS reason
                      FROM %s p WHERE hash IS NOT NULL OR seq IS NOT NULL
                    WINDOW w AS (ORDER BY seq NULLS LAST, id)
                ) x WHERE reason IS NOT NULL ORDER BY seq NULLS LAST, id LIMIT 1
            """, table))
            row = cr.fetchone()
            if row:
                problems.append({"partition": name, "id": row[0], "seq": row[1],
                                 "reason": row[2]})
        return problems

    @api.model
    def _sp_verify_report(self):
        """Text report of the verification, for ``odoo shell``:
        ``print(env["sp.audit.log"]._sp_verify_report())``."""
        return self._sp_report(self._sp_verify())

    @api.model
    def _sp_report(self, problems):
        if not problems:
            return "sp_audit: chain intact in %d partition(s)" % len(self._sp_partitions())
        return "\n".join(
            "sp_audit: BROKEN in %(partition)s: first broken row id %(id)s (seq %(seq)s): "
            "%(reason)s" % p for p in problems)

    # --- the auditor's XLSX export ------------------------------------------------------------
    def action_sp_export_xlsx(self):
        """XLSX of the selected log rows (as an attachment to download); the export itself is
        logged."""
        if not self.env.user.has_group("sp_base.group_auditor") \
                and not self.env.user.has_group("sp_base.group_admin"):
            raise AccessError(_("Only auditors and administrators export the audit log."))
        self.check_access("read")
        columns = [
            (_("Date"), "datetime", 18), (_("User"), "text", 24), (_("From"), "text", 12),
            (_("Model"), "text", 22), (_("Record ID"), "int", 10), (_("Records"), "int", 10),
            (_("Action"), "text", 12), (_("Business step"), "text", 20),
            (_("Old values"), "text", 50), (_("New values"), "text", 50),
            (_("Summary"), "text", 40), (_("Hash"), "text", 20),
        ]
        origins = dict(self._fields["origin"]._description_selection(self.env))
        actions = dict(self._fields["action"]._description_selection(self.env))
        book = SpXlsxWriter()
        sheet = book.add_sheet(_("Audit log"), columns)
        sheet.write_rows([
            (log.create_date, log.user_id.name or "", origins.get(log.origin, log.origin or ""),
             log.model or "", log.res_id or None, log.record_count or None,
             actions.get(log.action, log.action or ""), log.step or "",
             log.old_values_text or "", log.new_values_text or "", log.summary_text or "",
             log.hash or "")
            for log in self
        ])
        book.close()
        self.env["sp.audit.log"].sudo()._sp_log_bulk(
            self._name, "export", list(self.ids), {"format": "xlsx"})
        attachment = self.env["ir.attachment"].create({
            "name": "audit_log.xlsx", "datas": base64.b64encode(book.getvalue()),
            "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        })
        return {"type": "ir.actions.act_url",
                "url": "/web/content/%s?download=true" % attachment.id, "target": "self"}
