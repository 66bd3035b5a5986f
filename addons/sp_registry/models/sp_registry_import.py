"""Import of provincial household lists: upload -> mapping -> validation -> preview -> import.

The rules (also in README.md, "Import"):

- Every row is checked; a household is imported whole or not at all: one row with an error
  rejects its household, and the report says which row did. Warnings never block.
- Rows go to staging tables with COPY, every check that involves other rows or the registry is
  one SQL statement over the whole file, and the import writes households and people with
  ``INSERT ... SELECT`` and ``UPDATE ... FROM``, one chunk of households per transaction. A crash
  rolls back the chunk it was in; running the import again resumes with the households not yet
  imported (each chunk marks its households done in the same transaction).
- Matching, so that importing the same list twice updates instead of registering twice:
  household by registry code, else by the list's household reference in the same commune, else
  by the registry household of its members' personal IDs; person by personal ID, else (in the
  matched household) by old ID card number, else by name (accents and case ignored) and birth
  year. A personal ID registered in another household is an error (record a move instead).
- Files over ``sp_registry.import_sync_rows`` rows (default 5,000) are validated and imported
  in the background by a scheduled action, with progress on the form.
"""
import base64
import datetime
import gc
import logging

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL, file_open

from odoo.addons.sp_base.tools import SpXlsxWriter, copy_rows
from odoo.addons.sp_base.tools.table_reader import TableLimits

from ..tools.import_reader import (
    ENCODINGS,
    ETHNICITY_ALIASES,
    FIELDS,
    ImportFileError,
    Table,
    field_for_header,
    header_key,
    translate,
)
from ..tools.import_rows import AreaError, RowBuilder
from ..tools.sql import analyze_registry
from .sp_individual import AGE_BANDS

_logger = logging.getLogger(__name__)

TEMPLATE_PATH = "sp_registry/data/import/%s"
TEMPLATE_NAMES = {"xlsx": "sp_registry_import_template.xlsx",
                  "csv": "sp_registry_import_template.csv"}
DEFAULT_SYNC_ROWS = 5000
DEFAULT_CHUNK = 5000
# Area name prefixes ignored when names are compared ("Xã Tân Lập" = "Tân Lập").
AREA_PREFIXES = (
    "thanh pho", "tinh", "tp", "huyen", "quan", "thi xa", "thi tran", "xa", "phuong", "dac khu",
    "tt", "thon", "to dan pho", "ap", "ban", "xom", "khu pho", "to",
)


def area_key(name):
    key = header_key(name or "")
    for prefix in AREA_PREFIXES:
        if key.startswith(prefix + " ") and len(key) > len(prefix) + 1:
            return key[len(prefix) + 1:]
    return key


class SpRegistryImport(models.Model):
    _name = "sp.registry.import"
    _description = "Import of a household list"
    _inherit = ["sp.step.mixin", "sp.input.mixin", "sp.access.mixin", "mail.thread"]
    _order = "id desc"
    _sp_scope_needs_area = False  # an import may cover all the areas of its author

    name = fields.Char(required=True, default=lambda self: _("New import"), tracking=True)
    state = fields.Selection(
        [
            ("draft", "Upload"),
            ("mapping", "Mapping"),
            ("validating", "Validating"),
            ("validated", "Preview"),
            ("importing", "Importing"),
            ("done", "Imported"),
            ("failed", "Failed"),
        ],
        default="draft", required=True, tracking=True, index=True, copy=False, sp_step=True,
    )
    # the import's author: the registry rows it writes are created in their name
    user_id = fields.Many2one("res.users", string="Imported by", default=lambda self: self.env.user,
                              readonly=True, required=True, sp_step=True)
    area_id = fields.Many2one(
        string="Limit to area",
        help="Rows outside this area (and outside your own work areas) are refused.",
        default=lambda self: self.env.user.sp_area_ids[:1] if len(self.env.user.sp_area_ids) == 1
        else False,
    )
    file = fields.Binary("File", attachment=True, copy=False)
    file_name = fields.Char("File name")
    encoding = fields.Selection(
        ENCODINGS, default="auto", required=True,
        help="CSV only. UTF-8 (with or without BOM) and UTF-16 are recognised by themselves. "
        "Choose Windows-1258 only for a CSV you know was written in the Windows Vietnamese code "
        "page; it is used only if the file is not valid UTF-8.",
    )
    layout = fields.Selection(
        [("standard", "Standard template (2025 codes)"),
         ("legacy", "Legacy list (names of province, district, commune before 2025)")],
        default="standard", required=True,
        help="Legacy lists name the province, district and commune as they were before the "
        "1 July 2025 reform; the import converts them to the 2025 communes through the "
        "succession table.",
    )
    header_row = fields.Integer("Header row", readonly=True, sp_step=True)
    row_estimate = fields.Integer("Rows (estimate)", readonly=True, sp_step=True)
    column_ids = fields.One2many("sp.registry.import.column", "import_id", string="Columns")
    household_ids = fields.One2many("sp.registry.import.household", "import_id",
                                    string="Staged households")
    line_ids = fields.One2many("sp.registry.import.line", "import_id", string="Staged rows")
    issue_ids = fields.One2many("sp.registry.import.issue", "import_id",
                                string="Errors and warnings")
    background = fields.Boolean(readonly=True, help="Processed by the scheduled action.",
        sp_step=True)
    progress = fields.Float(readonly=True, help="Percentage of households imported.", sp_step=True)
    message = fields.Text(readonly=True, sp_step=True)
    date_done = fields.Datetime("Imported on", readonly=True, copy=False, sp_step=True)
    # Preview figures
    row_count = fields.Integer("Rows", readonly=True, sp_step=True)
    row_error_count = fields.Integer("Rows with errors", readonly=True, sp_step=True)
    row_rejected_count = fields.Integer("Rows of rejected households", readonly=True, sp_step=True)
    warning_count = fields.Integer("Warnings", readonly=True, sp_step=True)
    household_count = fields.Integer("Households", readonly=True, sp_step=True)
    household_error_count = fields.Integer("Households rejected", readonly=True, sp_step=True)
    household_new_count = fields.Integer("New households", readonly=True, sp_step=True)
    household_update_count = fields.Integer("Households to update", readonly=True, sp_step=True)
    person_new_count = fields.Integer("New people", readonly=True, sp_step=True)
    person_update_count = fields.Integer("People to update", readonly=True, sp_step=True)
    # Results
    household_done_count = fields.Integer("Households imported", readonly=True, sp_step=True)
    person_done_count = fields.Integer("People imported", readonly=True, sp_step=True)
    error_report = fields.Binary("Error report", attachment=True, readonly=True, copy=False,
        sp_step=True)
    error_report_name = fields.Char("Error report file name", readonly=True, sp_step=True)
    template_xlsx = fields.Binary("Template (Excel)", compute="_compute_templates")
    template_xlsx_name = fields.Char("Template file name", compute="_compute_templates")
    template_csv = fields.Binary("Template (CSV)", compute="_compute_templates")
    template_csv_name = fields.Char("Template file name (CSV)", compute="_compute_templates")

    @api.constrains("user_id", "area_id")
    def _check_area(self):
        for record in self:
            if record.user_id.sp_area_ids and not record.area_id:
                raise ValidationError(_(
                    "You work in several areas: choose the one this list is for (Limit to "
                    "area)."))

    # ------------------------------------------------------------------ template
    def _compute_templates(self):
        with file_open(TEMPLATE_PATH % TEMPLATE_NAMES["xlsx"], "rb") as f:
            xlsx = base64.b64encode(f.read())
        with file_open(TEMPLATE_PATH % TEMPLATE_NAMES["csv"], "rb") as f:
            csv_data = base64.b64encode(f.read())
        for record in self:
            record.template_xlsx = xlsx
            record.template_xlsx_name = TEMPLATE_NAMES["xlsx"]
            record.template_csv = csv_data
            record.template_csv_name = TEMPLATE_NAMES["csv"]

    # ------------------------------------------------------------------ steps
    def _sp_table(self):
        self.ensure_one()
        if not self.file:
            raise UserError(_("The file is empty.") if self.file_name else
                            _("Upload a file first."))
        data = base64.b64decode(self.with_context(bin_size=False).file)
        try:
            return Table(data, self.file_name, self.encoding,
                         limits=TableLimits.from_env(self.env))
        except ImportFileError as err:
            raise UserError(translate(err.message, self.env.lang))

    def action_read_columns(self):
        """Read the header of the file and propose the mapping of its columns."""
        for record in self:
            with record._sp_table() as table:
                samples = table.sample()
                estimate = table.row_estimate()
                headers = table.headers
                header_row = table.header_row
            record.column_ids.unlink()
            seen, vals_list = set(), []
            for index, header in enumerate(headers):
                # PostgreSQL stores no NUL character: a header or sample never ends the step
                header = (header or "").replace("\x00", "")
                samples[index] = (samples[index] or "").replace("\x00", "")
                if not header and not samples[index]:
                    continue
                target = field_for_header(header)
                if target in seen:
                    target = False
                seen.add(target)
                vals_list.append({
                    "import_id": record.id, "sequence": index, "header": header,
                    "sample": samples[index][:200], "target": target or False,
                })
            self.env["sp.registry.import.column"].create(vals_list)
            record._sp_step_write({
                "state": "mapping", "header_row": header_row, "row_estimate": estimate,
                "layout": "legacy" if "district_name" in seen else "standard",
                "name": record.name if record.name != _("New import") else
                (record.file_name or record.name),
                "message": False,
            })
        return True

    def _sp_mapping(self):
        """{column index: field} after checking that the needed columns are mapped."""
        self.ensure_one()
        mapping, fields_seen = {}, {}
        for column in self.column_ids.filtered("target"):
            if column.target in fields_seen:
                raise UserError(_(
                    "Columns %(a)s and %(b)s are both imported as %(field)s: keep one.",
                    a=fields_seen[column.target], b=column.header,
                    field=translate(FIELDS[column.target][1], self.env.lang)))
            fields_seen[column.target] = column.header
            mapping[column.sequence] = column.target
        mapped = set(mapping.values())
        missing = []
        if "name" not in mapped:
            missing.append(FIELDS["name"][1])
        if not mapped & {"gender", "birth_year_male", "birth_year_female", "id_number"}:
            missing.append(FIELDS["gender"][1])
        if "relationship" not in mapped:
            missing.append(FIELDS["relationship"][1])
        if not mapped & {"commune_code", "commune_name", "household_code"}:
            missing.append(FIELDS["commune_code"][1])
        if "commune_name" in mapped and "commune_code" not in mapped and \
                not mapped & {"province_code", "province_name"}:
            missing.append(FIELDS["province_code"][1])
        if missing:
            raise UserError(_(
                "The file has no column for: %(missing)s. Map a column of the file to each of "
                "them in the Mapping tab (columns found: %(headers)s).",
                missing=", ".join(translate(m, self.env.lang) for m in missing),
                headers=", ".join(h for h in self.column_ids.mapped("header") if h) or "-"))
        return mapping

    def action_validate(self):
        for record in self:
            if record.state not in ("mapping", "validated", "failed"):
                raise UserError(_("Read the columns of the file first."))
            record._sp_mapping()
            if record._sp_is_large():
                record._sp_step_write({"state": "validating", "background": True, "progress": 0,
                              "message": _("Waiting for the scheduled action to validate it.")})
                record._sp_trigger()
            else:
                record._sp_run_validation()
        return True

    def action_import(self):
        self.env["sp.household"].check_access("create")
        self.env["sp.individual"].check_access("create")
        for record in self:
            if record.state != "validated":
                raise UserError(_("Validate the file before importing it."))
            if not record.household_new_count + record.household_update_count:
                raise UserError(_("No household of this file can be imported: see the errors."))
            if record._sp_is_large():
                record._sp_step_write({"state": "importing", "background": True,
                              "message": _("Waiting for the scheduled action to import it.")})
                record._sp_trigger()
            else:
                record._sp_step_write({"state": "importing"})
                while record._sp_commit_chunk():
                    pass
        return True

    def action_retry(self):
        for record in self.filtered(lambda r: r.state == "failed"):
            record._sp_step_write(
                {"state": "importing" if record.household_done_count else "mapping"})
            if record.state == "importing":
                record._sp_trigger()
        return True

    def action_back_to_mapping(self):
        self.filtered(lambda r: r.state in ("validated", "failed"))._sp_step_write(
            {"state": "mapping", "message": False})
        return True

    def _sp_is_large(self):
        limit = int(self.env["ir.config_parameter"].sudo().get_param(
            "sp_registry.import_sync_rows", DEFAULT_SYNC_ROWS))
        return self.row_estimate > limit

    def _sp_trigger(self):
        self.env.ref("sp_registry.ir_cron_sp_registry_import").sudo()._trigger()

    # ------------------------------------------------------------------ validation
    def _sp_run_validation(self):
        """Read every row into the staging tables and check them (one transaction)."""
        self.ensure_one()
        self._sp_clear_staging()
        mapping = self._sp_mapping()
        resolver = _AreaResolver(self)
        ethnicities = self._sp_ethnicity_lookup()
        # The rows read stay in memory until staged: hundreds of thousands of small lists
        # that Python's cycle collector would otherwise scan again and again as they grow
        # (they hold no cycles; the collector runs again afterwards).
        collecting = gc.isenabled()
        gc.disable()
        try:
            with self._sp_table() as table:
                builder = RowBuilder(mapping, table.headers, resolver, ethnicities,
                                     self.env.lang or "en_US",
                                     today=fields.Date.context_today(self))
                for number, values in table.rows():
                    builder.add_row(number, values)
        finally:
            if collecting:
                gc.enable()
        if not builder.rows_read:
            raise UserError(_("The file has no data rows under its header (row %s).",
                              self.header_row))
        builder.finish()
        if builder.rows_read > 1000:
            # plans of the checks below join the registry: its statistics must be current
            analyze_registry(self.env.cr)
        self._sp_stage(builder)
        self._sp_check()
        self._sp_count()
        self._sp_make_error_report()
        self._sp_step_write({"state": "validated", "progress": 0, "message": False})
        return True

    def _sp_clear_staging(self):
        for model in ("sp.registry.import.issue", "sp.registry.import.line",
                      "sp.registry.import.household"):
            self.env[model].flush_model()
            self.env.cr.execute(SQL("DELETE FROM %s WHERE import_id = %s",
                                    SQL.identifier(self.env[model]._table), self.id))
            self.env[model].invalidate_model()
        self._sp_step_write({"household_done_count": 0, "person_done_count": 0, "error_report": False})

    def _sp_ethnicity_lookup(self):
        """text -> ethnic group id: by code ('01', '1') or by name, accents ignored."""
        lookup = {}
        for ethnicity in self.env["sp.ethnicity"].with_context(active_test=False).search([]):
            lookup[header_key(ethnicity.name)] = ethnicity.id
            lookup[ethnicity.code] = ethnicity.id
            if ethnicity.code.isdigit():
                lookup[str(int(ethnicity.code))] = ethnicity.id

        def find(text):
            key = header_key(text)
            return lookup.get(text.strip()) or lookup.get(key) or \
                lookup.get(ETHNICITY_ALIASES.get(key))

        return find

    def _sp_stage(self, builder):
        """COPY the households, lines and messages of the builder into the staging tables.

        Every staged household and person gets the id it will have in the registry now (taken
        from the registry's sequences), so that the import writes them in one INSERT each and
        a chunk run twice writes the same rows (unused ids are simply skipped numbers)."""
        cr = self.env.cr
        households, lines = builder.households, builder.lines
        group_ids = self._sp_next_ids("sp_registry_import_household_id_seq", len(households))
        household_ids = self._sp_next_ids("sp_household_id_seq", len(households))
        person_ids = self._sp_next_ids("sp_individual_id_seq", len(lines))
        by_seq = {h.seq: group_ids[i] for i, h in enumerate(households)}
        copy_rows(cr, "sp_registry_import_household",
              ("id", "import_id", "sequence", "first_row", "code", "external_ref", "commune_id",
               "target_area_id", "street", "poverty_status", "state", "action",
               "new_household_id"),
              ((by_seq[h.seq], self.id, h.seq, h.first_row, h.code, h.ref, h.commune_id,
                h.area_id, h.street, h.poverty_status, "error" if h.error else "ok", "create",
                household_ids[i]) for i, h in enumerate(households)))
        copy_rows(cr, "sp_registry_import_line",
              ("import_id", "group_id", "row", "state", "name", "name_key", "gender",
               "birthdate", "birthdate_precision", "birth_year", "id_number", "legacy_id_number",
               "relationship", "ethnicity_id", "phone", "disability_level", "action",
               "new_individual_id"),
              ([self.id, by_seq[line[0]]] + line[1:] + ["create", person_ids[i]]
               for i, line in enumerate(lines)))
        copy_rows(cr, "sp_registry_import_issue",
              ("import_id", "group_id", "row", "column_name", "value", "message", "severity"),
              ((self.id, by_seq.get(i[5]), i[0], i[1], i[2], i[3], i[4])
               for i in builder.issues))
        cr.execute("ANALYZE sp_registry_import_line")
        cr.execute("ANALYZE sp_registry_import_household")

    def _sp_next_ids(self, sequence, count):
        self.env.cr.execute(SQL("SELECT nextval(%s) FROM generate_series(1, %s)",
                                sequence, count))
        return [row[0] for row in self.env.cr.fetchall()]

    def _sp_issue_sql(self, select_sql, message_sql, column, severity="error"):
        """INSERT one issue per row of ``select_sql`` (columns: group_id, row, value,
        then the message arguments)."""
        return SQL(
            """INSERT INTO sp_registry_import_issue
                   (import_id, group_id, row, column_name, value, message, severity)
               SELECT %(imp)s, s.group_id, s.row, %(column)s, s.value, %(message)s,
                      %(severity)s
                 FROM (%(select)s) s""",
            imp=self.id, column=column, message=message_sql, severity=severity,
            select=select_sql,
        )

    def _sp_scope_sql(self, person_alias):
        """SQL: the person ``person_alias`` lies in the import author's work (their offices
        and, when they are limited to some areas, under one of them)."""
        user = self.user_id.sudo()
        offices = self.env["res.company"].sudo().search(
            [("id", "child_of", user.company_ids.ids)]).ids
        roots = [path + "%" for path in user.sp_area_ids.mapped("parent_path")]
        return SQL(
            """(%(alias)s.company_id = ANY(%(offices)s) AND (%(all)s OR EXISTS (
                   SELECT 1 FROM sp_area sa WHERE sa.id = %(alias)s.area_id
                      AND sa.parent_path LIKE ANY(%(roots)s))))""",
            alias=SQL.identifier(person_alias), offices=offices, all=not roots,
            roots=roots or [""])

    def _sp_readable_offices(self):
        """Province offices whose name the import's author may read."""
        return self.user_id.sudo().company_ids.ids

    def _sp_column(self, field):
        column = self.column_ids.filtered(lambda c: c.target == field)[:1]
        return column.header or translate(FIELDS[field][1], self.env.lang)

    def _sp_check(self, group_ids=None):
        """Every check involving other rows or the registry, set-based. ``group_ids`` limits
        the registry checks to some households (re-checked just before they are imported)."""
        self.env.flush_all()
        cr = self.env.cr
        imp = self.id
        scope = SQL("AND g.id = ANY(%s)", group_ids) if group_ids else SQL("")
        line_scope = SQL("AND l.group_id = ANY(%s)", group_ids) if group_ids else SQL("")
        col_id, col_rel = self._sp_column("id_number"), self._sp_column("relationship")
        col_code = self._sp_column("household_code")
        if not group_ids:
            # same personal ID twice in the file
            cr.execute(self._sp_issue_sql(SQL(
                """SELECT l.group_id, l.row, l.id_number AS value,
                          replace(replace(%(msg)s, '{number}', l.id_number), '{rows}',
                                  array_to_string(d.rows, ', ')) AS m
                     FROM sp_registry_import_line l
                     JOIN (SELECT id_number, array_agg(row ORDER BY row) AS rows
                             FROM sp_registry_import_line
                            WHERE import_id = %(imp)s AND id_number IS NOT NULL
                            GROUP BY id_number HAVING COUNT(*) > 1) d USING (id_number)
                    WHERE l.import_id = %(imp)s""",
                imp=imp, msg=_(
                    "The personal ID %(number)s appears more than once in this file "
                    "(rows %(rows)s).", number="{number}", rows="{rows}")),
                SQL("s.m"), col_id))
            # household codes: known, not archived
            cr.execute(SQL(
                """UPDATE sp_registry_import_household g
                      SET household_id = h.id, action = 'update'
                     FROM sp_household h
                    WHERE g.import_id = %s AND g.code IS NOT NULL AND h.code = g.code""", imp))
            cr.execute(self._sp_issue_sql(SQL(
                """SELECT g.id AS group_id, g.first_row AS row, g.code AS value,
                          replace(%(msg)s, '{code}', g.code) AS m
                     FROM sp_registry_import_household g
                    WHERE g.import_id = %(imp)s AND g.code IS NOT NULL
                      AND g.household_id IS NULL""",
                imp=imp, msg=_(
                    "The household code %(code)s is not in the registry. Leave the registry "
                    "code empty for a new household (its number in your list goes in the "
                    "household reference column).", code="{code}")),
                SQL("s.m"), col_code))
            cr.execute(SQL(
                """UPDATE sp_registry_import_household SET state = 'error'
                    WHERE import_id = %s AND code IS NOT NULL AND household_id IS NULL""", imp))
            # household reference within the commune
            cr.execute(SQL(
                """WITH m AS (
                       SELECT g.id, MIN(h.id) AS household_id, COUNT(*) AS n
                         FROM sp_registry_import_household g
                         JOIN sp_household h ON h.commune_id = g.commune_id
                                            AND h.external_ref = g.external_ref AND h.active
                        WHERE g.import_id = %s AND g.household_id IS NULL
                          AND g.code IS NULL AND g.external_ref IS NOT NULL
                        GROUP BY g.id)
                   UPDATE sp_registry_import_household g
                      SET household_id = m.household_id, action = 'update'
                     FROM m WHERE g.id = m.id AND m.n = 1""", imp))
            # members' personal IDs
            cr.execute(SQL(
                """WITH m AS (
                       SELECT l.group_id, ARRAY_AGG(DISTINCT i.household_id) AS households
                         FROM sp_registry_import_line l
                         JOIN sp_registry_import_household g ON g.id = l.group_id
                         JOIN sp_individual i ON i.id_number = l.id_number
                                             AND i.commune_id = g.commune_id
                        WHERE l.import_id = %s AND i.household_id IS NOT NULL
                        GROUP BY l.group_id)
                   UPDATE sp_registry_import_household g
                      SET household_id = m.households[1], action = 'update'
                     FROM m
                    WHERE g.id = m.group_id AND g.household_id IS NULL AND g.code IS NULL
                      AND CARDINALITY(m.households) = 1""", imp))
        # an existing household stays in its commune: a move is a registry event (where it
        # is registered is said only when the author may read it)
        cr.execute(self._sp_issue_sql(SQL(
            """SELECT g.id AS group_id, g.first_row AS row, h.code AS value,
                      CASE WHEN %(in_scope)s
                           THEN replace(replace(replace(%(msg)s, '{code}', COALESCE(h.code, '')),
                                '{old}', hc.name), '{new}', gc.name)
                           ELSE replace(replace(%(elsewhere)s, '{code}', COALESCE(h.code, '')),
                                '{contact}', CASE WHEN h.company_id = ANY(%(offices)s)
                                                  THEN c.name ELSE %(central)s END) END AS m
                 FROM sp_registry_import_household g
                 JOIN sp_household h ON h.id = g.household_id
                 JOIN sp_area hc ON hc.id = h.commune_id
                 JOIN sp_area gc ON gc.id = g.commune_id
                 JOIN res_company c ON c.id = h.company_id
                WHERE g.import_id = %(imp)s AND g.state = 'ok' AND h.commune_id <> g.commune_id
                      %(scope)s""",
            imp=imp, scope=scope, in_scope=self._sp_scope_sql("h"),
            offices=self._sp_readable_offices(), central=self._sp_contact_for(False),
            msg=_(
                "Household %(code)s is registered in %(old)s, but the file places it in "
                "%(new)s: record a move between communes instead of importing it.",
                code="{code}", old="{old}", new="{new}"),
            elsewhere=_(
                "Household %(code)s is registered elsewhere, outside your work areas: it cannot "
                "be imported here. Contact %(contact)s; a household that moved is transferred "
                "with a registry event (move).", code="{code}", contact="{contact}")),
            SQL("s.m"), self._sp_column("commune_code")))
        # people: by personal ID (must be in the same household)
        cr.execute(SQL(
            """UPDATE sp_registry_import_line l SET individual_id = i.id, action = 'update'
                 FROM sp_individual i, sp_registry_import_household g
                WHERE l.import_id = %(imp)s AND g.id = l.group_id AND l.id_number = i.id_number
                  AND i.household_id = g.household_id AND l.individual_id IS NULL
                      %(line_scope)s""",
            imp=imp, line_scope=line_scope))
        # (whom it is registered for is said only when the author may read that person)
        cr.execute(self._sp_issue_sql(SQL(
            """SELECT l.group_id, l.row, l.id_number AS value,
                      CASE WHEN %(in_scope)s
                           THEN replace(replace(replace(%(msg)s, '{number}', l.id_number),
                                '{name}', i.name), '{code}', COALESCE(h.code, '-'))
                           ELSE replace(replace(%(elsewhere)s, '{number}', l.id_number),
                                '{contact}', CASE WHEN i.company_id = ANY(%(offices)s)
                                                  THEN c.name ELSE %(central)s END) END AS m
                 FROM sp_registry_import_line l
                 JOIN sp_registry_import_household g ON g.id = l.group_id
                 JOIN sp_individual i ON i.id_number = l.id_number
                 JOIN res_company c ON c.id = i.company_id
            LEFT JOIN sp_household h ON h.id = i.household_id
                WHERE l.import_id = %(imp)s AND l.individual_id IS NULL
                  AND i.household_id IS DISTINCT FROM g.household_id %(line_scope)s""",
            imp=imp, line_scope=line_scope, in_scope=self._sp_scope_sql("i"),
            offices=self._sp_readable_offices(), central=self._sp_contact_for(False),
            msg=_(
                "The personal ID %(number)s is already registered for %(name)s in household "
                "%(code)s. A person who changed household is recorded with a registry event "
                "(member moves in), not by an import.",
                number="{number}", name="{name}", code="{code}"),
            elsewhere=_(
                "The personal ID %(number)s is already registered for another person, outside "
                "your work areas. Contact %(contact)s to check it; a person who moved is "
                "transferred with a registry event, not by an import.",
                number="{number}", contact="{contact}")),
            SQL("s.m"), col_id))
        if not group_ids:
            cr.execute("ANALYZE sp_registry_import_line")
            cr.execute("ANALYZE sp_registry_import_household")
        # then by old ID card number, then by name and birth year, within the household; a
        # person is matched to one row at most, a row to one person at most (at validation:
        # a person registered by hand between validation and import is not looked for again)
        for condition in () if group_ids else (
            SQL("c.legacy_id_number IS NOT NULL AND i.legacy_id_number = c.legacy_id_number"),
            SQL("i.name_key = c.key AND i.birth_year = c.birth_year"),
        ):
            cr.execute(SQL(
                """WITH c AS MATERIALIZED (
                       SELECT l.id, l.id_number, l.legacy_id_number, g.household_id,
                              sp_unaccent_lower(l.name) AS key,
                              COALESCE(l.birth_year, 0) AS birth_year
                         FROM sp_registry_import_line l
                         JOIN sp_registry_import_household g ON g.id = l.group_id
                        WHERE l.import_id = %(imp)s AND l.individual_id IS NULL
                          AND g.household_id IS NOT NULL),
                   pairs AS (
                       SELECT c.id AS line_id, i.id AS individual_id
                         FROM c JOIN sp_individual i ON i.household_id = c.household_id
                                                    AND i.active
                        WHERE (i.id_number IS NULL OR c.id_number IS NULL
                               OR i.id_number = c.id_number)
                          AND NOT EXISTS (SELECT 1 FROM sp_registry_import_line o
                                           WHERE o.individual_id = i.id
                                             AND o.import_id = %(imp)s)
                          AND %(condition)s),
                   one AS (
                       SELECT line_id, MIN(individual_id) AS individual_id FROM pairs
                        GROUP BY line_id HAVING COUNT(*) = 1),
                   single AS (
                       SELECT line_id, individual_id,
                              COUNT(*) OVER (PARTITION BY individual_id) AS n FROM one)
                   UPDATE sp_registry_import_line l
                      SET individual_id = single.individual_id, action = 'update'
                     FROM single WHERE l.id = single.line_id AND single.n = 1""",
                imp=imp, condition=condition))
        # a matched person without ID in the file keeps the registry's ID: the file's sex and
        # birth year must agree with it
        cr.execute(self._sp_issue_sql(SQL(
            """SELECT l.group_id, l.row, i.id_number AS value,
                      replace(%(msg)s, '{number}', i.id_number) AS m
                 FROM sp_registry_import_line l
                 JOIN sp_registry_import_household g ON g.id = l.group_id
                 JOIN sp_individual i ON i.id = l.individual_id
                WHERE l.import_id = %(imp)s AND l.id_number IS NULL AND i.id_number ~ '^[0-9]{12}$'
                  AND ((MOD(SUBSTRING(i.id_number, 4, 1)::int, 2) = 0) <> (l.gender = 'male')
                       OR (l.birth_year IS NOT NULL AND l.birth_year <>
                           1900 + 100 * (SUBSTRING(i.id_number, 4, 1)::int / 2)
                           + SUBSTRING(i.id_number, 5, 2)::int)) %(scope)s""",
            imp=imp, scope=scope, msg=_(
                "The sex or birth year of this row does not agree with the personal ID "
                "%(number)s registered for this person.", number="{number}")),
            SQL("s.m"), col_id))
        # exactly one head per household, counting members already registered
        cr.execute(self._sp_issue_sql(SQL(
            """WITH file AS (
                   SELECT l.group_id, COUNT(*) AS n,
                          STRING_AGG(l.row::text, ', ' ORDER BY l.row) AS rows
                     FROM sp_registry_import_line l
                    WHERE l.import_id = %(imp)s AND l.relationship = 'head' %(line_scope)s
                    GROUP BY l.group_id),
               kept AS (
                   SELECT g.id AS group_id, COUNT(*) AS n
                     FROM sp_registry_import_household g
                     JOIN sp_individual i ON i.household_id = g.household_id AND i.active
                                         AND i.relationship = 'head'
                LEFT JOIN sp_registry_import_line l ON l.group_id = g.id
                                                   AND l.individual_id = i.id
                                                   AND l.relationship IS NOT NULL
                    WHERE g.import_id = %(imp)s AND l.id IS NULL %(scope)s
                    GROUP BY g.id),
               heads AS (
                   SELECT g.id AS group_id, g.first_row,
                          COALESCE(f.n, 0) + COALESCE(k.n, 0) AS n, f.rows
                     FROM sp_registry_import_household g
                LEFT JOIN file f ON f.group_id = g.id
                LEFT JOIN kept k ON k.group_id = g.id
                    WHERE g.import_id = %(imp)s %(scope)s)
               SELECT group_id, first_row AS row, '' AS value,
                      CASE WHEN n = 0 THEN %(none)s
                           ELSE replace(replace(%(many)s, '{count}', n::text), '{rows}',
                                        COALESCE(rows, '-')) END AS m
                 FROM heads WHERE n <> 1""",
            imp=imp, scope=scope, line_scope=line_scope,
            none=_("The household has no head: one of its rows must have the relationship "
                   "\"Chủ hộ\" (head)."),
            many=_("The household has %(count)s heads (rows %(rows)s): exactly one row must "
                   "have the relationship \"Chủ hộ\" (head).", count="{count}", rows="{rows}")),
            SQL("s.m"), col_rel))
        if not group_ids:
            self._sp_check_duplicates()
        # errors reject the row and its whole household
        cr.execute(SQL(
            """UPDATE sp_registry_import_line l SET state = 'error'
                 FROM sp_registry_import_issue s, sp_registry_import_household g
                WHERE s.import_id = %(imp)s AND s.severity = 'error'
                  AND l.import_id = s.import_id AND l.row = s.row AND l.state = 'ok'
                  AND g.id = l.group_id %(scope)s""", imp=imp, scope=scope))
        cr.execute(SQL(
            """UPDATE sp_registry_import_household g SET state = 'error'
                WHERE g.import_id = %(imp)s AND g.state = 'ok'
                  AND (EXISTS (SELECT 1 FROM sp_registry_import_line l
                                WHERE l.group_id = g.id AND l.state = 'error')
                       OR EXISTS (SELECT 1 FROM sp_registry_import_issue s
                                   WHERE s.group_id = g.id AND s.severity = 'error'))
                      %(scope)s""",
            imp=imp, scope=scope))
        cr.execute(self._sp_issue_sql(SQL(
            """SELECT l.group_id, l.row, '' AS value,
                      replace(%(msg)s, '{row}', (
                          SELECT MIN(s.row)::text FROM sp_registry_import_issue s
                           WHERE s.import_id = %(imp)s AND s.severity = 'error'
                             AND (s.group_id = l.group_id OR s.row IN (
                                  SELECT o.row FROM sp_registry_import_line o
                                   WHERE o.group_id = l.group_id)))) AS m
                 FROM sp_registry_import_line l
                 JOIN sp_registry_import_household g ON g.id = l.group_id
                WHERE l.import_id = %(imp)s AND g.state = 'error' AND l.state = 'ok'
                      %(scope)s""",
            imp=imp, scope=scope, msg=_(
                "Not imported: the household is rejected because of the error on row %(row)s.",
                row="{row}")),
            SQL("s.m"), ""))
        cr.execute(SQL(
            """UPDATE sp_registry_import_line l SET state = 'rejected'
                 FROM sp_registry_import_household g
                WHERE g.id = l.group_id AND g.import_id = %(imp)s AND g.state = 'error'
                  AND l.state = 'ok' %(scope)s""", imp=imp, scope=scope))
        for model in ("sp.registry.import.issue", "sp.registry.import.line",
                      "sp.registry.import.household"):
            self.env[model].invalidate_model()

    def _sp_check_duplicates(self):
        """Warnings: a new person without personal ID who looks like someone already registered
        in the commune (same name without accents, same birth year), or like another row."""
        col_name = self._sp_column("name")
        self.env.cr.execute(self._sp_issue_sql(SQL(
            """WITH c AS MATERIALIZED (
                   SELECT l.id, l.group_id, l.row, l.name, l.birth_year, g.commune_id,
                          g.household_id, sp_unaccent_lower(l.name) AS key
                     FROM sp_registry_import_line l
                     JOIN sp_registry_import_household g ON g.id = l.group_id
                    WHERE l.import_id = %(imp)s AND l.individual_id IS NULL
                      AND l.id_number IS NULL AND l.birth_year IS NOT NULL)
               SELECT DISTINCT ON (c.id) c.group_id, c.row, c.name AS value,
                      CASE WHEN %(in_scope)s
                           THEN replace(replace(%(msg)s, '{name}', i.name), '{code}',
                                COALESCE(h.code, '-'))
                           ELSE %(elsewhere)s END AS m
                 FROM c
                 JOIN sp_individual i ON i.name_key = c.key
                                     AND i.commune_id = c.commune_id
                                     AND i.birth_year = c.birth_year AND i.active
            LEFT JOIN sp_household h ON h.id = i.household_id
                WHERE i.household_id IS DISTINCT FROM c.household_id
                ORDER BY c.id, i.id""",
            imp=self.id, in_scope=self._sp_scope_sql("i"), msg=_(
                "Possible duplicate: %(name)s, born the same year, is already registered in "
                "this commune (household %(code)s). The row is imported; review the duplicate "
                "queue after the import.", name="{name}", code="{code}"),
            elsewhere=_(
                "Possible duplicate: a person with this name, born the same year, is already "
                "registered in this commune, outside your work areas. The row is imported; the "
                "duplicate queue of the commune will list the pair.")),
            SQL("s.m"), col_name, "warning"))
        self.env.cr.execute(self._sp_issue_sql(SQL(
            """SELECT l.group_id, l.row, l.name AS value,
                      replace(%(msg)s, '{rows}', d.rows) AS m
                 FROM sp_registry_import_line l
                 JOIN sp_registry_import_household g ON g.id = l.group_id
                 JOIN (SELECT g2.commune_id, l2.name_key, l2.birth_year,
                              STRING_AGG(l2.row::text, ', ' ORDER BY l2.row) AS rows
                         FROM sp_registry_import_line l2
                         JOIN sp_registry_import_household g2 ON g2.id = l2.group_id
                        WHERE l2.import_id = %(imp)s AND l2.id_number IS NULL
                          AND l2.birth_year IS NOT NULL
                        GROUP BY 1, 2, 3 HAVING COUNT(*) > 1) d
                   ON d.commune_id = g.commune_id AND d.name_key = l.name_key
                  AND d.birth_year = l.birth_year
                WHERE l.import_id = %(imp)s AND l.id_number IS NULL""",
            imp=self.id, msg=_(
                "Possible duplicate rows: the same name and birth year in the same commune "
                "on rows %(rows)s.", rows="{rows}")),
            SQL("s.m"), col_name, "warning"))

    def _sp_count(self):
        cr = self.env.cr
        cr.execute(SQL(
            """SELECT COUNT(*), COUNT(*) FILTER (WHERE state = 'error'),
                      COUNT(*) FILTER (WHERE state = 'rejected'),
                      COUNT(*) FILTER (WHERE state = 'ok' AND action = 'create'),
                      COUNT(*) FILTER (WHERE state = 'ok' AND action = 'update')
                 FROM sp_registry_import_line WHERE import_id = %s""", self.id))
        rows, errors, rejected, new, update = cr.fetchone()
        cr.execute(SQL(
            """SELECT COUNT(*), COUNT(*) FILTER (WHERE state = 'error'),
                      COUNT(*) FILTER (WHERE state = 'ok' AND action = 'create'),
                      COUNT(*) FILTER (WHERE state = 'ok' AND action = 'update')
                 FROM sp_registry_import_household WHERE import_id = %s""", self.id))
        households, h_errors, h_new, h_update = cr.fetchone()
        cr.execute(SQL("SELECT COUNT(*) FROM sp_registry_import_issue "
                       "WHERE import_id = %s AND severity = 'warning'", self.id))
        self._sp_step_write({
            "row_count": rows, "row_error_count": errors, "row_rejected_count": rejected,
            "person_new_count": new, "person_update_count": update,
            "household_count": households, "household_error_count": h_errors,
            "household_new_count": h_new, "household_update_count": h_update,
            "warning_count": cr.fetchone()[0],
        })

    def _sp_make_error_report(self):
        """The XLSX of every error and warning (row, column, value, message)."""
        self.env.cr.execute(SQL(
            """SELECT row, column_name, value, severity, message
                 FROM sp_registry_import_issue WHERE import_id = %s
                ORDER BY row, severity, id""", self.id))
        rows = self.env.cr.fetchall()
        if not rows:
            self._sp_step_write({"error_report": False, "error_report_name": False})
            return
        labels = dict(self.env["sp.registry.import.issue"]._fields["severity"]
                      ._description_selection(self.env))
        book = SpXlsxWriter()
        sheet = book.add_sheet(_("Errors"), [
            (_("Row"), "int", 8), (_("Column"), "text", 28), (_("Value"), "text", 30),
            (_("Severity"), "text", 12), (_("Message"), "text", 100),
        ], title=_("Errors and warnings of %s", self.file_name or self.name))
        sheet.write_rows((row or None, column, value, labels.get(severity), message)
                         for row, column, value, severity, message in rows)
        book.close()
        stem = (self.file_name or "import").rsplit(".", 1)[0]
        self._sp_step_write({"error_report": base64.b64encode(book.getvalue()),
                    "error_report_name": "%s - %s.xlsx" % (stem, _("errors"))})

    # ------------------------------------------------------------------ import
    def _sp_commit_chunk(self):
        """Import the next chunk of valid households; return how many were imported (0: the
        import is finished). Set-based: a few statements whatever the chunk size."""
        self.ensure_one()
        cr = self.env.cr
        size = int(self.env["ir.config_parameter"].sudo().get_param(
            "sp_registry.import_chunk_households", DEFAULT_CHUNK))
        self.env.flush_all()
        cr.execute(SQL(
            """SELECT id FROM sp_registry_import_household
                WHERE import_id = %s AND state = 'ok' ORDER BY id LIMIT %s
                  FOR UPDATE SKIP LOCKED""", self.id, size))
        chunk = [row[0] for row in cr.fetchall()]
        if not chunk:
            self._sp_finish()
            return 0
        # the registry may have changed since the validation: check these households again
        # (with fresh statistics once this import has doubled the registry since they were
        # last taken: plans made for a near-empty table turn joins with it quadratic, while a
        # few chunks more do not change a plan; a few analyses per import at most)
        cr.execute("SELECT reltuples FROM pg_class WHERE oid = 'sp_individual'::regclass")
        if self.person_done_count > max(cr.fetchone()[0], 0):
            analyze_registry(cr)
        self._sp_check(group_ids=chunk)
        cr.execute(SQL("SELECT id FROM sp_registry_import_household "
                       "WHERE id = ANY(%s) AND state = 'ok'", chunk))
        chunk = [row[0] for row in cr.fetchall()]
        try:
            with cr.savepoint():
                people = self._sp_write_registry(chunk) if chunk else 0
        except psycopg2.errors.UniqueViolation as err:
            raise UserError(_(
                "The households of this chunk could not be written: %(detail)s. The registry "
                "changed during the import (a household code or a personal ID was taken in the "
                "meantime); nothing of the chunk was written. Import again: the households "
                "already imported are kept.", detail=err.diag.message_detail or err.pgcode)) \
                from None
        cr.execute(SQL("UPDATE sp_registry_import_household SET state = 'done' "
                       "WHERE id = ANY(%s)", chunk))
        cr.execute(SQL(
            """SELECT COUNT(*) FILTER (WHERE state = 'done'), COUNT(*) FILTER (WHERE state = 'ok')
                 FROM sp_registry_import_household WHERE import_id = %s""", self.id))
        done, remaining = cr.fetchone()
        self.env["sp.registry.import.household"].invalidate_model()
        self._sp_step_write({
            "household_done_count": done,
            "person_done_count": self.person_done_count + people,
            "progress": 100.0 * done / max(done + remaining, 1),
        })
        return len(chunk) or 1

    def _sp_write_registry(self, chunk):
        """Write the households ``chunk`` (staging ids) to the registry; return the number of
        people written. New rows are complete as inserted (derived values, codes, heads)."""
        cr = self.env.cr
        uid, now = self.user_id.id, fields.Datetime.now()
        today = fields.Date.context_today(self)
        age_band = SQL(" ").join(SQL("WHEN p.age >= %s THEN %s", start, key)
                                 for key, _label, start in reversed(AGE_BANDS))
        # codes of the new households, reserved per commune by the registry's counter
        cr.execute(SQL(
            """SELECT commune_id, COUNT(*) FROM sp_registry_import_household
                WHERE id = ANY(%s) AND action = 'create' GROUP BY commune_id""", chunk))
        reserved = self.env["sp.household"]._sp_reserve_codes(dict(cr.fetchall()))
        # one statement for households and their people: each side's foreign keys (people to
        # their household, household to its head) are checked at the end of the statement,
        # so the head is written with the household instead of by a second pass over it
        cr.execute(SQL(
            """WITH members AS MATERIALIZED (
                   SELECT l.*, g.household_id AS matched_id, g.new_household_id,
                          g.target_area_id, g.commune_id, g.poverty_status AS group_status
                     FROM sp_registry_import_line l
                     JOIN sp_registry_import_household g ON g.id = l.group_id
                    WHERE l.group_id = ANY(%(chunk)s) AND l.state = 'ok'),
               matched AS MATERIALIZED (
                   SELECT h.id, h.area_id, h.company_id, h.poverty_status
                     FROM sp_household h
                    WHERE h.id IN (SELECT household_id FROM sp_registry_import_household
                                    WHERE id = ANY(%(chunk)s) AND household_id IS NOT NULL)),
               new_households AS (
                   INSERT INTO sp_household
                          (id, code, external_ref, active, area_id, company_id, commune_id,
                           province_id, street, poverty_status, member_count, head_id,
                           create_uid, create_date, write_uid, write_date)
                   SELECT g.new_household_id,
                          r.prefix || '-' || LPAD((r.base + ROW_NUMBER() OVER (
                              PARTITION BY g.commune_id ORDER BY g.id))::text, 6, '0'),
                          g.external_ref, TRUE, g.target_area_id, c.company_id, g.commune_id,
                          c.province_id, g.street, COALESCE(g.poverty_status, 'none'),
                          m.n, m.head_id, %(uid)s, %(now)s, %(uid)s, %(now)s
                     FROM sp_registry_import_household g
                     JOIN sp_area c ON c.id = g.commune_id
                     JOIN UNNEST(%(communes)s::int[], %(prefixes)s::text[], %(bases)s::int[])
                          AS r(commune_id, prefix, base) ON r.commune_id = g.commune_id
                     JOIN (SELECT group_id, COUNT(*) AS n,
                                  MIN(new_individual_id) FILTER (WHERE relationship = 'head')
                                      AS head_id
                             FROM members GROUP BY group_id) m ON m.group_id = g.id
                    WHERE g.id = ANY(%(chunk)s) AND g.action = 'create')
               INSERT INTO sp_individual
                   (id, name, active, household_id, relationship, area_id, company_id,
                    commune_id, province_id, gender, birthdate, birthdate_precision, birth_year,
                    age_band, id_number, legacy_id_number, ethnicity_id, phone,
                    disability_level, is_deceased, poverty_status,
                    create_uid, create_date, write_uid, write_date)
               SELECT p.id, p.name, TRUE, p.household_id, p.relationship, p.area_id,
                      p.company_id, p.commune_id, p.province_id, p.gender, p.birthdate,
                      p.birthdate_precision, p.birth_year,
                      CASE WHEN p.birthdate IS NULL THEN NULL ELSE CASE %(age_band)s END END,
                      p.id_number, p.legacy_id_number, p.ethnicity_id, p.phone,
                      p.disability_level, FALSE, p.poverty_status,
                      %(uid)s, %(now)s, %(uid)s, %(now)s
                 FROM (SELECT l.new_individual_id AS id, l.name,
                              COALESCE(l.matched_id, l.new_household_id) AS household_id,
                              COALESCE(l.relationship, 'other') AS relationship,
                              COALESCE(h.area_id, l.target_area_id) AS area_id,
                              COALESCE(h.company_id, c.company_id) AS company_id,
                              l.commune_id, c.province_id, l.gender, l.birthdate,
                              COALESCE(l.birthdate_precision, 'day') AS birthdate_precision,
                              COALESCE(l.birth_year, 0) AS birth_year,
                              DATE_PART('year', AGE(%(today)s::date, l.birthdate)) AS age,
                              l.id_number, l.legacy_id_number, l.ethnicity_id, l.phone,
                              COALESCE(l.disability_level, 'none') AS disability_level,
                              COALESCE(h.poverty_status, l.group_status, 'none')
                                  AS poverty_status
                         FROM members l
                         JOIN sp_area c ON c.id = l.commune_id
                    LEFT JOIN matched h ON h.id = l.matched_id
                        WHERE l.action = 'create') p""",
            age_band=age_band, today=today, uid=uid, now=now, chunk=chunk,
            communes=list(reserved), prefixes=[prefix for prefix, _base in reserved.values()],
            bases=[base for _prefix, base in reserved.values()]))
        people = cr.rowcount
        people += self._sp_update_registry(chunk, uid, now)
        self.env["sp.household"].invalidate_model()
        self.env["sp.individual"].invalidate_model()
        return people

    def _sp_update_registry(self, chunk, uid, now):
        """Update the registered households and people the chunk matched; return the number of
        people of the file matched (changed or not)."""
        cr = self.env.cr
        cr.execute(SQL("""SELECT household_id FROM sp_registry_import_household
                           WHERE id = ANY(%s) AND action = 'update'""", chunk))
        households = [row[0] for row in cr.fetchall()]
        if not households:
            return 0
        # what the file gives replaces, what it leaves empty stays
        cr.execute(SQL(
            """UPDATE sp_household h
                  SET street = COALESCE(g.street, h.street),
                      poverty_status = COALESCE(g.poverty_status, h.poverty_status),
                      external_ref = COALESCE(h.external_ref, g.external_ref),
                      area_id = CASE WHEN g.target_area_id <> g.commune_id
                                     THEN g.target_area_id ELSE h.area_id END,
                      write_uid = %(uid)s, write_date = %(now)s
                 FROM sp_registry_import_household g
                WHERE g.id = ANY(%(chunk)s) AND g.action = 'update' AND h.id = g.household_id
                  AND (h.street, h.poverty_status, h.external_ref, h.area_id)
                      IS DISTINCT FROM (COALESCE(g.street, h.street),
                                        COALESCE(g.poverty_status, h.poverty_status),
                                        COALESCE(h.external_ref, g.external_ref),
                                        CASE WHEN g.target_area_id <> g.commune_id
                                             THEN g.target_area_id ELSE h.area_id END)
            RETURNING h.id""",
            uid=uid, now=now, chunk=chunk))
        changed_households = [row[0] for row in cr.fetchall()]
        # a less precise birth date never replaces a more precise one that agrees with it
        cr.execute(SQL(
            """WITH n AS (
                   SELECT l.individual_id AS id, l.name, l.gender,
                          COALESCE(l.id_number, o.id_number) AS id_number,
                          COALESCE(l.legacy_id_number, o.legacy_id_number) AS legacy_id_number,
                          COALESCE(l.relationship, o.relationship) AS relationship,
                          COALESCE(l.ethnicity_id, o.ethnicity_id) AS ethnicity_id,
                          COALESCE(l.phone, o.phone) AS phone,
                          COALESCE(l.disability_level, o.disability_level) AS disability_level,
                          CASE WHEN l.birthdate IS NULL OR (
                                    o.birthdate IS NOT NULL AND o.birthdate_precision = 'day'
                                    AND l.birthdate_precision <> 'day'
                                    AND DATE_PART('year', o.birthdate) = l.birth_year
                                    AND (l.birthdate_precision = 'year' OR DATE_PART(
                                         'month', o.birthdate) = DATE_PART('month', l.birthdate)))
                               THEN o.birthdate ELSE l.birthdate END AS birthdate,
                          CASE WHEN l.birthdate IS NULL OR (
                                    o.birthdate IS NOT NULL AND o.birthdate_precision = 'day'
                                    AND l.birthdate_precision <> 'day'
                                    AND DATE_PART('year', o.birthdate) = l.birth_year
                                    AND (l.birthdate_precision = 'year' OR DATE_PART(
                                         'month', o.birthdate) = DATE_PART('month', l.birthdate)))
                               THEN o.birthdate_precision ELSE l.birthdate_precision
                          END AS birthdate_precision
                     FROM sp_registry_import_line l
                     JOIN sp_individual o ON o.id = l.individual_id
                    WHERE l.group_id = ANY(%(chunk)s) AND l.state = 'ok' AND l.action = 'update')
               UPDATE sp_individual i
                  SET name = n.name, gender = n.gender, birthdate = n.birthdate,
                      birthdate_precision = n.birthdate_precision, id_number = n.id_number,
                      legacy_id_number = n.legacy_id_number, relationship = n.relationship,
                      ethnicity_id = n.ethnicity_id, phone = n.phone,
                      disability_level = n.disability_level,
                      write_uid = %(uid)s, write_date = %(now)s
                 FROM n
                WHERE i.id = n.id
                  AND (i.name, i.gender, i.birthdate, i.birthdate_precision, i.id_number,
                       i.legacy_id_number, i.relationship, i.ethnicity_id, i.phone,
                       i.disability_level)
                      IS DISTINCT FROM
                      (n.name, n.gender, n.birthdate, n.birthdate_precision, n.id_number,
                       n.legacy_id_number, n.relationship, n.ethnicity_id, n.phone,
                       n.disability_level)
            RETURNING i.id""",
            uid=uid, now=now, chunk=chunk))
        changed_people = [row[0] for row in cr.fetchall()]
        # derived values through the registry's own helper, for what changed only: the changed
        # people, and every member of a household whose area or poverty status changed
        if changed_households:
            cr.execute(SQL("SELECT id FROM sp_individual WHERE household_id = ANY(%s)",
                           changed_households))
            changed_people += [row[0] for row in cr.fetchall()]
        if changed_people:
            self.env["sp.individual"]._sp_fill_derived(sorted(set(changed_people)))
        cr.execute(SQL(
            """WITH heads AS (SELECT DISTINCT ON (i.household_id) i.household_id, i.id
                                FROM sp_individual i
                               WHERE i.household_id = ANY(%(households)s)
                                 AND i.relationship = 'head' AND i.active
                               ORDER BY i.household_id, i.id),
                    counts AS (SELECT i.household_id, COUNT(*) AS n FROM sp_individual i
                                WHERE i.household_id = ANY(%(households)s) AND i.active
                                GROUP BY i.household_id)
               UPDATE sp_household h SET head_id = heads.id, member_count = counts.n
                 FROM heads JOIN counts USING (household_id)
                WHERE h.id = heads.household_id
                  AND (h.head_id, h.member_count) IS DISTINCT FROM (heads.id, counts.n)""",
            households=households))
        cr.execute(SQL("""SELECT COUNT(*) FROM sp_registry_import_line
                           WHERE group_id = ANY(%s) AND state = 'ok' AND action = 'update'""",
                       chunk))
        return cr.fetchone()[0]

    def _sp_finish(self):
        self.env.cr.execute(SQL(
            """SELECT COUNT(*) FILTER (WHERE state = 'error'),
                      (SELECT COUNT(*) FROM sp_registry_import_line
                        WHERE import_id = %(imp)s AND state = 'error')
                 FROM sp_registry_import_household WHERE import_id = %(imp)s""", imp=self.id))
        h_errors, errors = self.env.cr.fetchone()
        self._sp_step_write({
            "household_error_count": h_errors, "row_error_count": errors, "state": "done",
            "progress": 100.0, "date_done": fields.Datetime.now(), "message": False})
        self.message_post(body=_(
            "Imported %(households)s households and %(people)s people; %(rejected)s households "
            "were rejected (see the error report).", households=self.household_done_count,
            people=self.person_done_count, rejected=self.household_error_count))

    # ------------------------------------------------------------------ background
    @api.model
    def _cron_process_imports(self):
        """One unit of work per call (the scheduler calls again while work remains, committing
        after each call): the validation of one file, or one chunk of households."""
        cron = self.env["ir.cron"]
        self.flush_model(["state"])
        self.env.cr.execute(SQL(
            """SELECT id FROM sp_registry_import WHERE state IN ('validating', 'importing')
                ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"""))
        row = self.env.cr.fetchone()
        if not row:
            cron._notify_progress(done=0, remaining=0)
            return
        record = self.browse(row[0])
        record = record.with_context(lang=record.user_id.lang or "en_US")
        done = 0
        try:
            with self.env.cr.savepoint():
                if record.state == "validating":
                    record._sp_run_validation()
                    done = 1
                else:
                    done = record._sp_commit_chunk()
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise  # another transaction had the same rows: the scheduler runs it again
        except (UserError, ImportFileError) as err:
            record._sp_step_write({"state": "failed",
                                   "message": str(err.args[0] if err.args else err)})
        except Exception as err:
            _logger.warning("Import %s failed", record.id, exc_info=True)
            record._sp_step_write({"state": "failed", "message": _(
                "The import stopped on an unexpected error; nothing of the failing chunk was "
                "written. Retry, or send this message to the administrator: %s", err)})
        remaining = self.search_count([("state", "in", ("validating", "importing"))])
        cron._notify_progress(done=max(done, 1), remaining=remaining)

    # ------------------------------------------------------------------ cleanup
    @api.autovacuum
    def _gc_staging(self):
        """Staged rows of imports finished more than 30 days ago are deleted (the import, its
        counts and its error report stay)."""
        limit = fields.Datetime.now() - datetime.timedelta(days=30)
        old = self.search([("state", "=", "done"), ("date_done", "<", limit)])
        if old:
            self.env.cr.execute(SQL(
                "DELETE FROM sp_registry_import_line WHERE import_id = ANY(%s)", old.ids))


class _AreaResolver:
    """Finds the 2025 commune (and village) of a household from the file's area columns,
    caching every answer: a province's list names a few hundred communes at most."""

    def __init__(self, imp):
        self.imp = imp
        self.env = imp.env
        self.legacy = imp.layout == "legacy"
        self.cache = {}
        self.children = {}
        Area = self.env["sp.area"].with_context(active_test=False)
        self.Area = Area
        self.companies = set(self.env["res.company"].sudo().search(
            [("id", "child_of", imp.company_id.id)]).ids)
        self.roots = [imp.area_id.parent_path] if imp.area_id else []
        self.user_roots = [a.parent_path for a in imp.user_id.sudo().sp_area_ids]

    def __call__(self, values):
        key = tuple(values.get(f) or "" for f in (
            "province_code", "commune_code", "province_name", "district_name", "commune_name",
            "village"))
        if key not in self.cache:
            try:
                self.cache[key] = self._resolve(values)
            except AreaError as err:
                self.cache[key] = err
            except AccessError:
                # an area or office the author may not read: a row issue, never the end of
                # the validation of the other rows
                self.cache[key] = AreaError("commune_code", self.env._(
                    "The commune of this row is outside your work areas."))
        result = self.cache[key]
        if isinstance(result, AreaError):
            raise result
        return result

    def _kids(self, parent_id, level, scheme):
        key = (parent_id, level, scheme)
        if key not in self.children:
            domain = [("level", "=", level), ("scheme", "=", scheme)]
            domain.append(("parent_id", "=", parent_id) if parent_id else ("parent_id", "=", False))
            by_key = {}
            for area in self.Area.search(domain):
                by_key.setdefault(area_key(area.name), []).append(area)
                by_key.setdefault("=" + header_key(area.name), []).append(area)
            self.children[key] = by_key
        return self.children[key]

    def _by_name(self, parent, level, scheme, name, field):
        kids = self._kids(parent.id if parent else False, level, scheme)
        found = kids.get("=" + header_key(name)) or kids.get(area_key(name)) or []
        if len(found) > 1:
            raise AreaError(field, self.env._(
                "%(name)s is ambiguous: several areas have this name in %(parent)s.",
                name=name, parent=parent.display_name if parent else "-"))
        return found[0] if found else None

    def _resolve(self, values):
        warnings = []
        commune = self._legacy_commune(values, warnings) if self.legacy else \
            self._commune(values)
        if not commune.company_id:
            raise AreaError("commune_code", self.env._(
                "The commune %(commune)s has no province office yet: ask the administrator to "
                "create it.", commune=commune.display_name))
        self._check_scope(commune)
        area = commune
        village = values.get("village")
        if village:
            found = self._by_name(commune, "village", commune.scheme, village, "village")
            if found:
                area = found
            else:
                warnings.append(("village", self.env._(
                    "The village %(village)s is not an area of %(commune)s: the household is "
                    "registered in the commune and the village name is kept in its address.",
                    village=village, commune=commune.name)))
        return commune.id, area.id, warnings

    def _province(self, values, scheme):
        code, name = values.get("province_code"), values.get("province_name")
        if code:
            province = self.Area.search([("code", "=", code), ("level", "=", "province"),
                                         ("scheme", "=", scheme)], limit=1)
            if not province:
                raise AreaError("province_code", self.env._(
                    "Unknown province code %(code)s.", code=code))
            return province
        if name:
            province = self._by_name(None, "province", scheme, name, "province_name")
            if not province:
                raise AreaError("province_name", self.env._(
                    "Unknown province %(name)s.", name=name))
            return province
        return None

    def _commune(self, values):
        code = values.get("commune_code")
        province = self._province(values, "2025")
        if code:
            commune = self.Area.search([("code", "=", code), ("level", "=", "commune"),
                                        ("scheme", "=", "2025")], limit=1)
            if not commune:
                old = self.Area.search([("code", "=", code), ("level", "=", "commune"),
                                        ("scheme", "=", "legacy")], limit=1)
                if old:
                    raise AreaError("commune_code", self.env._(
                        "%(code)s is the code of %(name)s before the 2025 reform: give the 2025 "
                        "commune code (%(new)s), or import the list with the legacy layout.",
                        code=code, name=old.display_name,
                        new=", ".join(old._sp_current_areas().mapped("code")) or "-"))
                raise AreaError("commune_code", self.env._(
                    "Unknown commune code %(code)s (2025 codes have 5 digits).", code=code))
            if province and commune.province_id != province:
                raise AreaError("province_code", self.env._(
                    "The commune %(commune)s is in %(province)s, not in %(given)s.",
                    commune=commune.display_name, province=commune.province_id.name,
                    given=province.name))
            return commune
        name = values.get("commune_name")
        if not province:
            raise AreaError("commune_name", self.env._(
                "The commune %(name)s needs its province (province code or name).", name=name))
        commune = self._by_name(province, "commune", "2025", name, "commune_name")
        if not commune:
            raise AreaError("commune_name", self.env._(
                "Unknown commune %(name)s in %(province)s.", name=name, province=province.name))
        return commune

    def _legacy_commune(self, values, warnings):
        code = values.get("commune_code")
        if code:
            old = self.Area.search([("code", "=", code), ("level", "=", "commune"),
                                    ("scheme", "=", "legacy")], limit=1)
            if not old:
                raise AreaError("commune_code", self.env._(
                    "Unknown commune code %(code)s in the list of communes before 2025.",
                    code=code))
        else:
            province = self._province(values, "legacy")
            name = values.get("commune_name")
            if not province or not name:
                raise AreaError("commune_name", self.env._(
                    "A legacy list needs the province and commune names of each household."))
            district = None
            if values.get("district_name"):
                district = self._by_name(province, "district", "legacy",
                                         values["district_name"], "district_name")
                if not district:
                    raise AreaError("district_name", self.env._(
                        "Unknown district %(name)s in %(province)s (before 2025).",
                        name=values["district_name"], province=province.name))
                old = self._by_name(district, "commune", "legacy", name, "commune_name")
            else:
                old = None
                for district_ in self.Area.search([("parent_id", "=", province.id),
                                                   ("level", "=", "district")]):
                    found = self._by_name(district_, "commune", "legacy", name, "commune_name")
                    if found and old:
                        raise AreaError("commune_name", self.env._(
                            "Several communes are named %(name)s in %(province)s: give the "
                            "district.", name=name, province=province.name))
                    old = found or old
            if not old:
                raise AreaError("commune_name", self.env._(
                    "Unknown commune %(name)s in %(parent)s (before 2025).", name=name,
                    parent=(district or province).display_name))
        current = old._sp_current_areas()
        if len(current) == 1:
            return current
        if not current:
            raise AreaError("commune_name", self.env._(
                "The commune %(name)s has no successor in the 2025 list of communes.",
                name=old.display_name))
        default = self._default_successor(old)
        if not default:
            raise AreaError("commune_name", self.env._(
                "The commune %(name)s was split in 2025 among %(new)s and none is its default "
                "successor: give the 2025 commune code.", name=old.display_name,
                new=", ".join(current.mapped("name"))))
        warnings.append(("commune_name", self.env._(
            "The commune %(name)s was split in 2025 among %(new)s: the household goes to "
            "%(default)s, the default successor. Check its address.", name=old.display_name,
            new=", ".join(current.mapped("name")), default=default.name)))
        return default

    @staticmethod
    def _default_successor(old):
        node = old
        for _step in range(5):
            succession = node.successor_ids.filtered("is_default")[:1] or \
                (node.successor_ids[:1] if len(node.successor_ids) == 1 else None)
            if not succession:
                return None
            node = succession.new_area_id
            if node.scheme == "2025":
                return node
        return None

    def _check_scope(self, commune):
        office = commune.sudo().company_id
        if office.id not in self.companies:
            # the office's name only when the import's author may read that office
            readable = office.id in self.imp.user_id.sudo().company_ids.ids
            raise AreaError("commune_code", self.env._(
                "The commune %(commune)s is not in your province: it belongs to %(office)s, "
                "outside the office of this import (%(import_office)s). Import it from that "
                "office.", commune=commune.display_name,
                office=office.name if readable else self.env._("another province office"),
                import_office=self.imp.sudo().company_id.name))
        path = commune.parent_path
        for roots, message in (
            (self.roots, "The commune %(commune)s is outside the area of this import."),
            (self.user_roots, "The commune %(commune)s is outside your work areas."),
        ):
            # a commune is in scope when it lies under one of the roots, or when a root (a
            # village) lies under it
            if roots and not any(path.startswith(r) or r.startswith(path) for r in roots):
                raise AreaError("commune_code", self.env._(message, commune=commune.display_name))
