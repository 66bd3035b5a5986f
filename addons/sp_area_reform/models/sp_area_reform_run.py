"""The 2025 area reform of existing records: dry run, decisions, set-based resumable apply.

Every model whose records carry a stored many2one ``area_id`` to ``sp.area`` is a target; it is
found in the registry, so this module depends on nothing but sp_base. See README.md.
"""
import base64
import logging
import time

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.sql import column_exists

from odoo.addons.sp_base.tools import SpXlsxWriter

_logger = logging.getLogger(__name__)

# Key of the PostgreSQL advisory lock held by the one run applying at a time.
LOCK_KEY = 742018
CHUNK = 50000
# Columns of the "Decisions" sheet (the first sheet: the import reads it back).
DECISION_COLUMNS = 8  # model, record id, record, from code, from name, successors, default, to code

STATUSES = [
    ("unique", "Unique successor"),
    ("decided", "Decision"),
    ("default", "Default successor"),
    ("ambiguous", "Needs a decision"),
    ("follow", "Follows its source record"),
    ("unmapped", "No successor"),
    ("scope", "Area list: every successor added"),
]
MOVING = ("unique", "decided", "default")


class SpAreaReformRun(models.Model):
    _name = "sp.area.reform.run"
    _inherit = ["mail.thread"]
    _description = "Area reform run"
    _order = "id desc"

    name = fields.Char(required=True, default=lambda self: _("Area reform"))
    state = fields.Selection(
        [("draft", "Draft"), ("reported", "Dry run done"), ("queued", "Queued"),
         ("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        default="draft", required=True, readonly=True, tracking=True)
    apply_default = fields.Boolean(
        "Default successor for the rest",
        help="Records on a split unit without a decision go to the unit's default successor. "
        "Without it they stay on their legacy area until decided.")
    record_all_moves = fields.Boolean(
        "Record every moved record",
        help="Keep the old and new area of every moved record. Without it only records with a "
        "code of their own (households) are kept in the mapping.")
    chunk_size = fields.Integer("Rows per chunk", default=CHUNK, required=True)
    line_ids = fields.One2many("sp.area.reform.run.line", "run_id", string="Dry run",
                               readonly=True)
    progress_ids = fields.One2many("sp.area.reform.run.progress", "run_id", string="Progress",
                                   readonly=True)
    report_file = fields.Binary("Dry-run workbook", attachment=True, readonly=True)
    report_filename = fields.Char(readonly=True)
    dry_run_date = fields.Datetime("Dry run on", readonly=True)
    to_move_count = fields.Integer("Records to move", readonly=True)
    decision_needed_count = fields.Integer("Records needing a decision", readonly=True)
    unmapped_count = fields.Integer("Records without successor", readonly=True)
    done_count = fields.Integer("Records moved", readonly=True)
    remaining_count = fields.Integer("Records still on a legacy area", readonly=True)
    last_error = fields.Text(readonly=True)
    date_start = fields.Datetime("Started", readonly=True)
    date_end = fields.Datetime("Finished", readonly=True)
    move_count = fields.Integer("Mapping rows", compute="_compute_move_count")

    def _compute_move_count(self):
        groups = self.env["sp.area.reform.move"]._read_group(
            [("run_id", "in", self.ids)], ["run_id"], ["__count"])
        counts = {run.id: count for run, count in groups}
        for run in self:
            run.move_count = counts.get(run.id, 0)

    # ------------------------------------------------------------------ access
    def _sp_check_admin(self):
        if not (self.env.su or self.env.user._is_system()
                or self.env.user.has_group("sp_base.group_admin")):
            raise AccessError(_("Only a suite administrator runs the area reform."))

    # ------------------------------------------------------------------ targets
    @api.model
    def _sp_targets(self):
        """The models whose records carry an area, as dicts: ``model``, ``table``, ``follow``
        (the area is computed from another record: it follows it), the stored columns computed
        from the area (``commune``, ``province``, ``company``), ``code`` (a code of its own).
        Kept on the registry (a new registry is built when modules change)."""
        cache = self.env.registry.__dict__.setdefault("_sp_area_reform_targets", {})
        if "targets" not in cache:
            cache["targets"] = self._sp_find_targets()
        return [dict(target) for target in cache["targets"]]

    @api.model
    def _sp_find_targets(self):
        targets = []
        cr = self.env.cr
        for name in sorted(self.env.registry):
            model = self.env[name]
            if model._abstract or model._transient or not model._auto or name.startswith(
                    "sp.area.reform"):
                continue
            field = model._fields.get("area_id")
            if not (field and field.type == "many2one" and field.comodel_name == "sp.area"
                    and field.store and column_exists(cr, model._table, "area_id")):
                continue
            follow = bool(field.related or (field.compute and field.readonly))

            def computed(fname, method, model=model):
                other = model._fields.get(fname)
                return bool(other and other.store and other.compute == method
                            and column_exists(cr, model._table, fname))

            code = model._fields.get("code")
            targets.append({
                "model": name,
                "table": model._table,
                "follow": follow,
                "commune": computed("commune_id", "_compute_commune_id"),
                "province": computed("province_id", "_compute_commune_id"),
                "company": computed("company_id", "_compute_company_id"),
                "code": bool(code and code.type == "char" and code.store),
                "log": model._log_access,
            })
        # records of their own first, those that follow them after
        targets.sort(key=lambda t: (t["follow"], t["model"]))
        # a member follows its household's decision (same legacy area) when it has none
        own = {t["model"] for t in targets if not t["follow"]}
        for target in targets:
            link = self.env[target["model"]]._fields.get("household_id")
            target["parent"] = (
                (link.name, link.comodel_name)
                if link and link.type == "many2one" and link.store and link.comodel_name in own
                and link.comodel_name != target["model"] else None)
        return targets

    @api.model
    def _sp_decision_sql(self, target):
        """The joins to the decisions of a target's rows (``t``), and the decided area: the
        record's own decision, else its household's for the same legacy area."""
        joins = SQL("""LEFT JOIN sp_area_reform_decision d ON d.model = %s AND d.res_id = t.id
                              AND d.from_area_id = t.area_id""", target["model"])
        if not target.get("parent"):
            return joins, SQL("d.to_area_id")
        fname, comodel = target["parent"]
        joins = SQL("""%s LEFT JOIN sp_area_reform_decision dp ON dp.model = %s
                             AND dp.res_id = t.%s AND dp.from_area_id = t.area_id""",
                    joins, comodel, SQL.identifier(fname))
        return joins, SQL("COALESCE(d.to_area_id, dp.to_area_id)")

    @api.model
    def _sp_target_names(self):
        return {t["model"] for t in self._sp_targets()}

    @api.model
    def _sp_scope_fields(self):
        """Stored many2many fields to sp.area (areas of a user, communes of a pay point...):
        one per relation table."""
        seen, scopes = set(), []
        for name in sorted(self.env.registry):
            model = self.env[name]
            if model._abstract or model._transient or not model._auto:
                continue
            for field in model._fields.values():
                if (field.type == "many2many" and field.comodel_name == "sp.area" and field.store
                        and not field.compute and field.relation not in seen):
                    seen.add(field.relation)
                    scopes.append({"model": name, "field": field.name, "table": field.relation,
                                   "col1": field.column1, "col2": field.column2})
        return scopes

    # ------------------------------------------------------------------ successions
    @api.model
    def _sp_candidates(self, area_ids=None):
        """``{legacy area id: {"all": [2025 area ids], "default": id or None}}`` following the
        successions (chains too). A legacy unit without a succession of its own follows its
        children (a district) or its parent (a village)."""
        cr = self.env.cr
        cr.execute(SQL("""
            WITH RECURSIVE chain(origin, area_id, is_default, depth) AS (
                SELECT s.old_area_id, s.new_area_id, COALESCE(s.is_default, FALSE), 1
                  FROM sp_area_succession s JOIN sp_area o ON o.id = s.old_area_id
                 WHERE o.scheme = 'legacy'
                UNION ALL
                SELECT c.origin, s.new_area_id, c.is_default AND COALESCE(s.is_default, FALSE),
                       c.depth + 1
                  FROM chain c
                  JOIN sp_area a ON a.id = c.area_id AND a.scheme = 'legacy'
                  JOIN sp_area_succession s ON s.old_area_id = c.area_id
                 WHERE c.depth < 6
            )
            SELECT c.origin, array_agg(DISTINCT c.area_id ORDER BY c.area_id),
                   array_agg(DISTINCT c.area_id) FILTER (WHERE c.is_default)
              FROM chain c JOIN sp_area n ON n.id = c.area_id AND n.scheme = '2025'
             GROUP BY c.origin
        """))
        result = {}
        for origin, all_ids, defaults in cr.fetchall():
            default = defaults[0] if defaults and len(defaults) == 1 else None
            result[origin] = {"all": all_ids, "default": all_ids[0] if len(all_ids) == 1
                              else default}
        cr.execute(SQL("""
            SELECT a.id, a.level, a.parent_id FROM sp_area a
             WHERE a.scheme = 'legacy' AND a.level IN ('district', 'village')
               AND NOT EXISTS (SELECT 1 FROM sp_area_succession s WHERE s.old_area_id = a.id)
             ORDER BY a.level
        """))
        rows = cr.fetchall()
        children = {}
        for area_id, level, _parent in rows:
            if level == "district":
                children.setdefault(area_id, [])
        if children:
            cr.execute(SQL("SELECT id, parent_id FROM sp_area WHERE parent_id = ANY(%s)",
                           list(children)))
            for child, parent in cr.fetchall():
                children[parent].append(child)
        for area_id, level, _parent in rows:
            if level == "district":
                ids = sorted({i for child in children[area_id]
                              for i in result.get(child, {}).get("all", [])})
                if ids:
                    result[area_id] = {"all": ids, "default": ids[0] if len(ids) == 1 else None}
        for area_id, level, parent_id in rows:
            if level == "village" and parent_id in result:
                result[area_id] = dict(result[parent_id])
        if area_ids is not None:
            return {i: result[i] for i in area_ids if i in result}
        return result

    # ------------------------------------------------------------------ dry run
    def action_dry_run(self):
        """Count, per model and legacy area, the records that would move and where; write the
        workbook (first sheet: the records that need a decision, in the import's columns)."""
        self._sp_check_admin()
        for run in self:
            run.sudo()._sp_dry_run()
        return True

    def _sp_dry_run(self):
        self.ensure_one()
        self.env.flush_all()
        cr = self.env.cr
        candidates = self._sp_candidates()
        lines, decide_rows = [], []
        totals = {"move": 0, "ambiguous": 0, "unmapped": 0}
        for target in self._sp_targets():
            joins, decided = self._sp_decision_sql(target)
            cr.execute(SQL("""
                SELECT t.area_id, %(decided)s, count(*)
                  FROM %(table)s t
                  JOIN sp_area a ON a.id = t.area_id AND a.scheme = 'legacy'
                  %(joins)s
                 GROUP BY 1, 2 ORDER BY 1, 2
            """, table=SQL.identifier(target["table"]), joins=joins, decided=decided))
            for area_id, decided, count in cr.fetchall():
                cand = candidates.get(area_id)
                unique = cand and len(cand["all"]) == 1
                if not cand:
                    status, new = "unmapped", False
                elif target["follow"]:
                    status, new = ("unique", cand["all"][0]) if unique else ("follow", False)
                elif decided:
                    status, new = "decided", decided
                elif unique:
                    status, new = "unique", cand["all"][0]
                elif self.apply_default and cand["default"]:
                    status, new = "default", cand["default"]
                else:
                    status, new = "ambiguous", False
                    decide_rows.append((target, area_id))
                lines.append({
                    "model": target["model"], "old_area_id": area_id, "new_area_id": new,
                    "status": status, "record_count": count,
                    "successor_ids": [(6, 0, cand["all"] if cand else [])],
                    "default_area_id": cand and cand["default"] or False,
                })
                if status in MOVING:
                    totals["move"] += count
                elif status in ("ambiguous", "follow"):
                    totals["ambiguous"] += count
                else:
                    totals["unmapped"] += count
        for scope in self._sp_scope_fields():
            cr.execute(SQL("""
                SELECT r.%(col2)s, count(*) FROM %(table)s r
                  JOIN sp_area a ON a.id = r.%(col2)s AND a.scheme = 'legacy'
                 GROUP BY 1 ORDER BY 1
            """, table=SQL.identifier(scope["table"]), col2=SQL.identifier(scope["col2"])))
            for area_id, count in cr.fetchall():
                cand = candidates.get(area_id)
                lines.append({
                    "model": scope["model"], "field": scope["field"], "old_area_id": area_id,
                    "status": "scope" if cand else "unmapped", "record_count": count,
                    "successor_ids": [(6, 0, cand["all"] if cand else [])],
                })
        self.line_ids.unlink()
        self.write({
            "line_ids": [(0, 0, vals) for vals in lines],
            "dry_run_date": fields.Datetime.now(),
            "to_move_count": totals["move"],
            "decision_needed_count": totals["ambiguous"],
            "unmapped_count": totals["unmapped"],
            "state": "reported" if self.state in ("draft", "reported", "done", "failed")
            else self.state,
        })
        data = self._sp_report_xlsx(candidates, decide_rows)
        self.write({
            "report_file": base64.b64encode(data),
            "report_filename": "area_reform_%s.xlsx" % self.id,
        })
        return totals

    def _sp_report_xlsx(self, candidates, decide_rows):
        cr = self.env.cr
        Area = self.env["sp.area"].sudo().with_context(active_test=False)
        area_ids = set(candidates) | {i for c in candidates.values() for i in c["all"]}
        codes = {a.id: (a.code, a.display_name) for a in Area.browse(
            sorted(area_ids | set(self.line_ids.old_area_id.ids)))}
        with SpXlsxWriter() as book:
            sheet = book.add_sheet(_("Decisions"), [
                (_("Model"), "text", 24), (_("Record ID"), "int", 10), (_("Record"), "text", 34),
                (_("From area code"), "text", 12), (_("From area"), "text", 40),
                (_("Successors"), "text", 50), (_("Default successor code"), "text", 14),
                (_("To area code"), "text", 14)])
            for target, area_id in decide_rows:
                cand = candidates[area_id]
                successors = "; ".join("%s %s" % codes[i] for i in cand["all"])
                default = codes[cand["default"]][0] if cand["default"] else ""
                joins, decided = self._sp_decision_sql(target)
                cr.execute(SQL("""
                    SELECT t.id FROM %(table)s t %(joins)s
                     WHERE t.area_id = %(area)s AND %(decided)s IS NULL
                     ORDER BY t.id
                """, table=SQL.identifier(target["table"]), area=area_id, joins=joins,
                    decided=decided))
                ids = [row[0] for row in cr.fetchall()]
                Model = self.env[target["model"]].sudo().with_context(active_test=False)
                for start in range(0, len(ids), 1000):
                    for rec in Model.browse(ids[start:start + 1000]):
                        sheet.write_row([target["model"], rec.id, rec.display_name,
                                         codes[area_id][0], codes[area_id][1], successors,
                                         default, ""])
            summary = book.add_sheet(_("Summary"), [
                (_("Model"), "text", 24), (_("Field"), "text", 14),
                (_("Legacy area code"), "text", 12), (_("Legacy area"), "text", 40),
                (_("Status"), "text", 22), (_("New area code"), "text", 12),
                (_("New area"), "text", 40), (_("Records"), "int", 10)])
            labels = dict(self.env["sp.area.reform.run.line"]._fields["status"]._description_selection(
                self.env))
            for line in self.line_ids:
                summary.write_row([
                    line.model, line.field or "area_id", line.old_area_id.code,
                    line.old_area_id.display_name, labels[line.status],
                    line.new_area_id.code or "", line.new_area_id.display_name or "",
                    line.record_count])
            split = book.add_sheet(_("Split units"), [
                (_("Legacy area code"), "text", 12), (_("Legacy area"), "text", 40),
                (_("Successors"), "text", 60), (_("Default successor code"), "text", 14),
                (_("Records"), "int", 10)])
            used = {}
            for line in self.line_ids:
                used[line.old_area_id.id] = used.get(line.old_area_id.id, 0) + line.record_count
            for area_id in sorted(used, key=lambda i: codes[i][0]):
                cand = candidates.get(area_id)
                if cand and len(cand["all"]) > 1:
                    split.write_row([
                        codes[area_id][0], codes[area_id][1],
                        "; ".join("%s %s" % codes[i] for i in cand["all"]),
                        codes[cand["default"]][0] if cand["default"] else "", used[area_id]])
        return book.getvalue()

    def action_download_report(self):
        self.ensure_one()
        self._sp_check_admin()
        if not self.report_file:
            self.action_dry_run()
        return {
            "type": "ir.actions.act_url",
            "url": "/web/content/sp.area.reform.run/%s/report_file/%s?download=true"
            % (self.id, self.report_filename),
            "target": "self",
        }

    # ------------------------------------------------------------------ apply
    def action_apply(self):
        """Apply now, in this transaction (a database of moderate size)."""
        self._sp_check_admin()
        for run in self.sudo():
            run._sp_check_lock(session=False)
            run._sp_process()
        return True

    def action_queue(self):
        """Apply in the background job: one committed chunk at a time, resumable."""
        self._sp_check_admin()
        self.sudo().write({"state": "queued", "last_error": False})
        self.env.ref("sp_area_reform.ir_cron_area_reform").sudo()._trigger()
        return True

    def action_view_moves(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sp_area_reform.sp_area_reform_move_action")
        action["domain"] = [("run_id", "=", self.id)]
        return action

    def _sp_check_lock(self, session):
        if session:
            self.env.cr.execute(SQL("SELECT pg_try_advisory_lock(%s, 0)", LOCK_KEY))
        else:
            self.env.cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s, 0)", LOCK_KEY))
        if not self.env.cr.fetchone()[0]:
            raise UserError(_("Another area reform run is being applied: wait until it ends."))

    @api.model
    def _cron_process(self, time_limit=240):
        """The background job: applies the queued runs chunk by chunk, committing each."""
        runs = self.search([("state", "in", ("queued", "running"))], order="id")
        if not runs:
            return
        try:
            self._sp_check_lock(session=True)
        except UserError:
            _logger.info("sp_area_reform: another run holds the lock, skipped")
            return
        deadline = time.monotonic() + time_limit
        try:
            for run in runs:
                try:
                    finished = run._sp_process(commit=True, deadline=deadline)
                except Exception as err:  # recorded on the run, then re-raised
                    self.env.cr.rollback()
                    run.write({"state": "failed", "last_error": str(err)})
                    run.message_post(body=_("The run stopped on an error: %s", err))
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                    raise
                if not finished:
                    self.env.ref("sp_area_reform.ir_cron_area_reform").sudo()._trigger()
                    break
        finally:
            self.env.cr.execute(SQL("SELECT pg_advisory_unlock(%s, 0)", LOCK_KEY))

    def _sp_process(self, commit=False, max_chunks=None, deadline=None):
        """Apply the run: chunks of ``chunk_size`` ids per model; each chunk touches only rows
        still on a legacy area, so a run killed midway resumes where its last commit left it
        and a second run changes nothing. Returns True when the run is finished."""
        self.ensure_one()
        self.env.flush_all()
        if self.state not in ("running",):
            self._sp_start()
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        targets = {t["model"]: t for t in self._sp_targets()}
        self._sp_build_maps()
        chunks = 0
        for progress in self.progress_ids.sorted("sequence"):
            target = targets.get(progress.model)
            if not target:
                progress.done = True
                continue
            while not progress.done:
                if (max_chunks is not None and chunks >= max_chunks) or (
                        deadline and time.monotonic() > deadline):
                    return False
                moved = self._sp_apply_chunk(target, progress.next_id,
                                             progress.next_id + self.chunk_size)
                nxt = progress.next_id + self.chunk_size
                progress.write({"next_id": nxt, "moved": progress.moved + moved,
                                "done": nxt > progress.max_id})
                self.write({"done_count": self.done_count + moved,
                            "remaining_count": max(self.remaining_count - moved, 0)})
                chunks += 1
                if commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        self._sp_finish()
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        return True

    def _sp_start(self):
        cr = self.env.cr
        self.progress_ids.unlink()
        progress, remaining = [], 0
        for seq, target in enumerate(self._sp_targets()):
            cr.execute(SQL("""
                SELECT min(t.id), max(t.id), count(*) FROM %s t
                  JOIN sp_area a ON a.id = t.area_id AND a.scheme = 'legacy'
            """, SQL.identifier(target["table"])))
            low, high, count = cr.fetchone()
            if count:
                remaining += count
                progress.append((0, 0, {"sequence": seq, "model": target["model"],
                                        "next_id": low, "max_id": high, "legacy_before": count}))
        self.write({"state": "running", "progress_ids": progress, "done_count": 0,
                    "remaining_count": remaining, "date_start": fields.Datetime.now(),
                    "date_end": False, "last_error": False})
        self.message_post(body=_("Applying the area reform: %s records on legacy areas.",
                                 remaining))

    def _sp_build_maps(self):
        """Temporary tables of this connection: ``sp_reform_map`` (legacy area -> 2025 area for
        records without a decision: unique successors, and the defaults when asked),
        ``sp_reform_unique`` (unique successors only, for records that follow another) and
        ``sp_reform_all`` (every successor, for area lists)."""
        cr = self.env.cr
        candidates = self._sp_candidates()
        rows_map, rows_unique, rows_all = [], [], []
        for old, cand in candidates.items():
            if len(cand["all"]) == 1:
                rows_unique.append((old, cand["all"][0]))
                rows_map.append((old, cand["all"][0]))
            elif self.apply_default and cand["default"]:
                rows_map.append((old, cand["default"]))
            rows_all.extend((old, new) for new in cand["all"])
        for table, rows in (("sp_reform_map", rows_map), ("sp_reform_unique", rows_unique),
                            ("sp_reform_all", rows_all)):
            cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))
            cr.execute(SQL("CREATE TEMP TABLE %s (old_id int NOT NULL, new_id int NOT NULL)",
                           SQL.identifier(table)))
            if rows:
                cr.execute(SQL("INSERT INTO %s (old_id, new_id) SELECT * FROM unnest(%s, %s)",
                               SQL.identifier(table), [r[0] for r in rows], [r[1] for r in rows]))
            cr.execute(SQL("CREATE INDEX ON %s (old_id)", SQL.identifier(table)))
            cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))

    def _sp_apply_chunk(self, target, low, high):
        """Move the rows of ids [low, high) still on a legacy area, set-based: one UPDATE from
        the mapping, the stored commune, province and office in the same statement, and the
        mapping rows (old -> new) in the same statement. Returns the number of rows moved."""
        cr = self.env.cr
        table = SQL.identifier(target["table"])
        if target["follow"]:
            mapped = SQL("m.new_id")
            joins = SQL("JOIN sp_reform_unique m ON m.old_id = t.area_id")
        else:
            joins, decided = self._sp_decision_sql(target)
            mapped = SQL("COALESCE(%s, m.new_id)", decided)
            joins = SQL("%s LEFT JOIN sp_reform_map m ON m.old_id = t.area_id", joins)
        sets = [SQL("area_id = moved.new_id")]
        if target["commune"]:
            sets.append(SQL("commune_id = CASE WHEN n.level = 'village' THEN n.parent_id "
                            "ELSE n.id END"))
        if target["province"]:
            sets.append(SQL("province_id = n.province_id"))
        if target["company"]:
            sets.append(SQL("company_id = COALESCE(n.company_id, t.company_id)"))
        if target["log"]:
            sets.append(SQL("write_date = now() AT TIME ZONE 'UTC', write_uid = %s", self.env.uid))
        record = self.record_all_moves or target["code"]
        code = SQL("t.code") if target["code"] else SQL("NULL::varchar")
        query = SQL("""
            WITH moved AS (
                SELECT t.id, t.area_id AS old_id, %(mapped)s AS new_id
                  FROM %(table)s t
                  JOIN sp_area a ON a.id = t.area_id AND a.scheme = 'legacy'
                  %(joins)s
                 WHERE t.id >= %(low)s AND t.id < %(high)s AND %(mapped)s IS NOT NULL
            ), upd AS (
                UPDATE %(table)s t SET %(sets)s
                  FROM moved JOIN sp_area n ON n.id = moved.new_id
                 WHERE t.id = moved.id
             RETURNING t.id, moved.old_id, moved.new_id, %(code)s AS code
            ), ins AS (
                INSERT INTO sp_area_reform_move (run_id, model, res_id, res_code, old_area_id,
                       new_area_id, old_commune_code, new_commune_code, create_uid, create_date,
                       write_uid, write_date)
                SELECT %(run)s, %(model)s, upd.id, upd.code, upd.old_id, upd.new_id, oc.code,
                       nc.code, %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM upd
                  JOIN sp_area o ON o.id = upd.old_id
                  JOIN sp_area oc ON oc.id = CASE WHEN o.level = 'village' THEN o.parent_id
                                                  ELSE o.id END
                  JOIN sp_area n ON n.id = upd.new_id
                  JOIN sp_area nc ON nc.id = CASE WHEN n.level = 'village' THEN n.parent_id
                                                  ELSE n.id END
                 WHERE %(record)s
             RETURNING 1
            )
            SELECT (SELECT count(*) FROM upd), (SELECT count(*) FROM ins),
                   (SELECT array_agg(id) FROM upd)
        """, mapped=mapped, table=table, joins=joins, low=low, high=high,
            sets=SQL(", ").join(sets), code=code, run=self.id, model=target["model"],
            uid=self.env.uid, record=SQL("TRUE") if record else SQL("FALSE"))
        cr.execute(query)
        moved, _recorded, ids = cr.fetchone()
        model = self.env[target["model"]]
        if moved:
            self._sp_audit_chunk(target, ids, low, high)
            model.invalidate_model(["area_id", "commune_id", "province_id", "company_id"]
                                   if target["commune"] else ["area_id"])
            self._sp_recompute_dependents(target, model.browse(ids))
        if target["follow"]:
            moved += self._sp_follow_split(target, low, high)
        return moved

    def _sp_audit_chunk(self, target, ids, low, high):
        """One row of the audit trail (sp_audit, when installed) per chunk: the moved ids."""
        Log = self.env.get("sp.audit.log")
        if Log is None or not hasattr(Log, "_sp_log_bulk"):
            return
        Log._sp_log_bulk(target["model"], "bulk", ids, {
            "fields": ["area_id"] + [f for f in ("commune_id", "province_id", "company_id")
                                     if target[f.split("_")[0]]],
            "area_reform_run": self.id, "id_range": [low, high],
        }, step="area_reform")

    def _sp_handled_fields(self):
        handled = set()
        for target in self._sp_targets():
            fields_ = self.env[target["model"]]._fields
            for fname in ("area_id", "commune_id", "province_id", "company_id"):
                if fname in fields_:
                    handled.add(fields_[fname])
        return handled

    def _sp_recompute_dependents(self, target, records):
        """Other stored fields computed from the area (rare): recomputed by the ORM."""
        field = records._fields["area_id"]
        handled = self._sp_handled_fields()

        def walk(tree):
            found = set(tree.root)
            for sub in tree.values():
                found |= walk(sub)
            return found

        if not walk(self.env.registry.get_trigger_tree([field])) - handled:
            return
        records.modified(["area_id"])
        tocompute = self.env.transaction.tocompute
        for fld in list(tocompute):
            if fld in handled:
                tocompute.pop(fld, None)
        self.env.flush_all()

    def _sp_follow_split(self, target, low, high):
        """Records whose area follows another record, on a split unit: the ORM recomputes them
        from their source (which moved by its own decision or default)."""
        cr = self.env.cr
        cr.execute(SQL("""
            SELECT t.id, t.area_id FROM %(table)s t
              JOIN sp_area a ON a.id = t.area_id AND a.scheme = 'legacy'
             WHERE t.id >= %(low)s AND t.id < %(high)s
               AND NOT EXISTS (SELECT 1 FROM sp_reform_unique u WHERE u.old_id = t.area_id)
        """, table=SQL.identifier(target["table"]), low=low, high=high))
        before = dict(cr.fetchall())
        if not before:
            return 0
        records = self.env[target["model"]].sudo().with_context(active_test=False).browse(
            list(before))
        field = records._fields["area_id"]
        self.env.add_to_compute(field, records)
        self.env.flush_all()
        records.invalidate_recordset()
        moves = [(rec.id, before[rec.id], rec.area_id.id) for rec in records
                 if rec.area_id and rec.area_id.scheme == "2025"]
        if moves and (self.record_all_moves or target["code"]):
            self.env["sp.area.reform.move"].create([{
                "run_id": self.id, "model": target["model"], "res_id": res_id,
                "res_code": target["code"] and records.browse(res_id).code or False,
                "old_area_id": old, "new_area_id": new,
                "old_commune_code": self._sp_commune_code(old),
                "new_commune_code": self._sp_commune_code(new),
            } for res_id, old, new in moves])
        return len(moves)

    def _sp_commune_code(self, area_id):
        area = self.env["sp.area"].browse(area_id)
        return (area.parent_id if area.level == "village" else area).code

    def _sp_apply_scopes(self):
        """Area lists (many2many): every legacy area is replaced by all its successors (a
        user of a split commune keeps every part of it). Returns {model.field: rows}."""
        cr = self.env.cr
        result = {}
        for scope in self._sp_scope_fields():
            ident = {"table": SQL.identifier(scope["table"]),
                     "col1": SQL.identifier(scope["col1"]), "col2": SQL.identifier(scope["col2"])}
            cr.execute(SQL("""
                INSERT INTO %(table)s (%(col1)s, %(col2)s)
                SELECT DISTINCT r.%(col1)s, m.new_id FROM %(table)s r
                  JOIN sp_reform_all m ON m.old_id = r.%(col2)s
                ON CONFLICT DO NOTHING
            """, **ident))
            cr.execute(SQL("""
                DELETE FROM %(table)s r USING sp_area a
                 WHERE a.id = r.%(col2)s AND a.scheme = 'legacy'
                   AND EXISTS (SELECT 1 FROM sp_reform_all m WHERE m.old_id = r.%(col2)s)
            """, **ident))
            if cr.rowcount:
                result["%s.%s" % (scope["model"], scope["field"])] = cr.rowcount
                self.env[scope["model"]].invalidate_model([scope["field"]])
        return result

    def _sp_finish(self):
        cr = self.env.cr
        scopes = self._sp_apply_scopes()
        remaining = 0
        for target in self._sp_targets():
            cr.execute(SQL("""SELECT count(*) FROM %s t JOIN sp_area a ON a.id = t.area_id
                               AND a.scheme = 'legacy'""", SQL.identifier(target["table"])))
            remaining += cr.fetchone()[0]
        self.write({"state": "done", "remaining_count": remaining,
                    "date_end": fields.Datetime.now()})
        rows = Markup("").join(
            Markup("<li>%s: %s / %s</li>") % (p.model, p.moved, p.legacy_before)
            for p in self.progress_ids.sorted("sequence"))
        rows += Markup("").join(Markup("<li>%s: %s</li>") % item for item in scopes.items())
        body = escape(_(
            "Area reform applied: %(moved)s records moved, %(remaining)s still on a legacy area.",
            moved=self.done_count, remaining=remaining))
        self.message_post(body=body + Markup("<ul>%s</ul>") % rows if rows else body)

    @api.model
    def _sp_run_cli(self, apply=False, apply_default=False, record_all_moves=False,
                    chunk_size=CHUNK, commit=True):
        """The command line's and ``odoo shell``'s entry: a dry run, then (``apply``) the
        whole run, committing per chunk. A run left running (its process was killed) is
        resumed by the next ``apply`` instead of starting a new one. Returns the run."""
        if apply:
            self._sp_check_lock(session=commit)
            run = self.search([("state", "in", ("running", "queued"))], order="id", limit=1)
            if run:
                _logger.info("sp_area_reform: resuming run %s", run.id)
        else:
            run = self.browse()
        if not run:
            run = self.create({"apply_default": apply_default,
                               "record_all_moves": record_all_moves, "chunk_size": chunk_size})
            run._sp_dry_run()
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        if apply:
            try:
                run._sp_process(commit=commit)
            finally:
                if commit:
                    self.env.cr.execute(SQL("SELECT pg_advisory_unlock(%s, 0)", LOCK_KEY))
        return run


class SpAreaReformRunLine(models.Model):
    _name = "sp.area.reform.run.line"
    _description = "Area reform dry-run line"
    _order = "model, status, old_area_id"

    run_id = fields.Many2one("sp.area.reform.run", required=True, index=True, ondelete="cascade")
    model = fields.Char(required=True)
    field = fields.Char(help="Empty: the record's area; otherwise a list of areas.")
    old_area_id = fields.Many2one("sp.area", string="Legacy area", required=True,
                                  ondelete="cascade")
    new_area_id = fields.Many2one("sp.area", string="New area", ondelete="cascade")
    default_area_id = fields.Many2one("sp.area", string="Default successor", ondelete="set null")
    successor_ids = fields.Many2many("sp.area", "sp_area_reform_line_successor_rel", "line_id",
                                     "area_id", string="Successors")
    status = fields.Selection(STATUSES, required=True)
    record_count = fields.Integer("Records")


class SpAreaReformRunProgress(models.Model):
    _name = "sp.area.reform.run.progress"
    _description = "Area reform progress per model"
    _order = "sequence"

    run_id = fields.Many2one("sp.area.reform.run", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer()
    model = fields.Char(required=True)
    next_id = fields.Integer("Next id")
    max_id = fields.Integer("Last id")
    legacy_before = fields.Integer("On legacy areas at start")
    moved = fields.Integer("Moved")
    done = fields.Boolean()
