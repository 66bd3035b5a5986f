import base64

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.sp_base.tools import TableError, TableLimits, read_table

# Columns of the "Decisions" sheet the import reads (0-based): model, record id, from area code,
# to area code. The other columns (record, from area name, successors, default) are for people.
COL_MODEL, COL_ID, COL_FROM, COL_TO = 0, 1, 3, 7
COLUMN_LETTERS = {COL_MODEL: "A", COL_ID: "B", COL_FROM: "D", COL_TO: "H"}


class SpAreaReformImport(models.TransientModel):
    _name = "sp.area.reform.import"
    _description = "Import area reform decisions"

    run_id = fields.Many2one("sp.area.reform.run", string="Run")
    file = fields.Binary(required=True)
    file_name = fields.Char()
    created_count = fields.Integer(readonly=True)
    updated_count = fields.Integer(readonly=True)
    skipped_count = fields.Integer("Rows without a To area code", readonly=True)

    def action_import(self):
        self.ensure_one()
        self.env["sp.area.reform.run"]._sp_check_admin()
        stats = self.sudo()._sp_import(base64.b64decode(self.file), self.file_name)
        self.write(stats)
        if self.run_id:
            self.run_id.action_dry_run()
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "target": "new"}

    def _sp_error(self, row, col, message):
        return UserError(_("Row %(row)s, column %(col)s: %(message)s", row=row,
                           col=COLUMN_LETTERS[col], message=message))

    def _sp_import(self, data, file_name=None):
        """Read the first sheet of the dry-run workbook (or any file with its columns) and
        create or update one decision per row whose To area code is filled."""
        Run = self.env["sp.area.reform.run"]
        targets = {t["model"]: t for t in Run._sp_targets()}
        rows = []
        try:
            with read_table(data, file_name, limits=TableLimits.from_env(self.env)) as table:
                for number, values in table:
                    values = list(values) + [None] * (8 - len(values))
                    model = values[COL_MODEL]
                    if number == 1 or model in (None, ""):
                        continue  # header row, empty row
                    rows.append((number, values))
        except TableError as err:
            raise UserError(err.translate(self.env.lang)) from None
        cr = self.env.cr
        codes = {}
        cr.execute(SQL("SELECT scheme, code, id FROM sp_area WHERE scheme IN ('legacy', '2025')"))
        for scheme, code, area_id in cr.fetchall():
            codes[(scheme, code)] = area_id
        decisions, skipped = [], 0
        for number, values in rows:
            model = str(values[COL_MODEL]).strip()
            if model not in targets or targets[model]["follow"]:
                raise self._sp_error(number, COL_MODEL, _(
                    "%s is not a model whose records carry an area of their own.", model))
            raw_id = values[COL_ID]
            try:
                res_id = int(float(raw_id))
            except (TypeError, ValueError):
                raise self._sp_error(number, COL_ID, _(
                    "Record ID: %s is not a number.", raw_id)) from None
            if res_id != float(raw_id) or res_id <= 0:
                raise self._sp_error(number, COL_ID, _("Record ID: %s is not a number.", raw_id))
            to_code = values[COL_TO]
            if to_code in (None, ""):
                skipped += 1
                continue
            from_code = self._sp_code(values[COL_FROM])
            to_code = self._sp_code(to_code)
            from_id = codes.get(("legacy", from_code))
            if not from_id:
                raise self._sp_error(number, COL_FROM, _(
                    "From area code: no legacy area has the code %s.", from_code))
            to_id = codes.get(("2025", to_code))
            if not to_id:
                raise self._sp_error(number, COL_TO, _(
                    "To area code: no area of the 2025 scheme has the code %s.", to_code))
            cr.execute(SQL("SELECT area_id FROM %s WHERE id = %s",
                           SQL.identifier(targets[model]["table"]), res_id))
            found = cr.fetchone()
            if not found:
                raise self._sp_error(number, COL_ID, _(
                    "Record ID: %(model)s has no record %(id)s.", model=model, id=res_id))
            decisions.append((number, model, res_id, from_id, to_id))
        candidates = Run._sp_candidates()
        Decision = self.env["sp.area.reform.decision"]
        existing = {
            (d.model, d.res_id, d.from_area_id.id): d
            for d in Decision.search([("res_id", "in", [d[2] for d in decisions])])
        }
        created = updated = 0
        to_create = []
        for number, model, res_id, from_id, to_id in decisions:
            allowed = candidates.get(from_id, {}).get("all", [])
            to_area = self.env["sp.area"].browse(to_id)
            if to_id not in allowed and to_area.parent_id.id not in allowed:
                raise self._sp_error(number, COL_TO, _(
                    "To area code: %(new)s is not a successor of %(old)s.",
                    new=to_area.display_name,
                    old=self.env["sp.area"].browse(from_id).display_name))
            current = existing.get((model, res_id, from_id))
            if current:
                if current.to_area_id.id != to_id:
                    current.to_area_id = to_id
                    updated += 1
            else:
                to_create.append({"model": model, "res_id": res_id, "from_area_id": from_id,
                                  "to_area_id": to_id})
                created += 1
        Decision.create(to_create)
        return {"created_count": created, "updated_count": updated, "skipped_count": skipped}

    @staticmethod
    def _sp_code(value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()
