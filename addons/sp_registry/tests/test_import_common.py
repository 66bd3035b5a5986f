"""Fixtures of the import tests: a province of its own (code 99, which no real scheme uses) with
two communes and a village, a legacy province (98) whose communes became them (one of them split
between both), an office, and users of each role. Files are built in memory."""
import base64
import csv
import io
import unicodedata

import xlsxwriter

from odoo.addons.sp_base.tests.common import SpFixtures

from ..tools.import_template import template_headers

HEADERS = dict(zip([
    "household_code", "household_ref", "province_code", "commune_code", "village", "street",
    "poverty_status", "name", "gender", "birthdate", "id_number", "legacy_id_number",
    "relationship", "ethnicity", "phone", "disability_level",
], template_headers(), strict=True))


def person(ref, name, relationship="Con", gender="Nam", birthdate="1985", id_number="",
           commune="99001", **extra):
    """One row of the standard template, as a dict of field keys."""
    row = {"household_ref": ref, "commune_code": commune, "name": name, "gender": gender,
           "birthdate": birthdate, "id_number": id_number, "relationship": relationship}
    row.update(extra)
    return row


def csv_bytes(rows, headers=None, encoding="utf-8-sig", delimiter=","):
    keys = headers or list(HEADERS)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([HEADERS.get(k, k) for k in keys])
    for row in rows:
        writer.writerow([row.get(k, "") for k in keys])
    if encoding == "cp1258":
        return cp1258(buffer.getvalue())
    return buffer.getvalue().encode(encoding)


def cp1258(text):
    """Text in the Windows Vietnamese code page, which has some accented letters and composes
    the others from a base letter and combining tone marks (Python's codec does not)."""
    out = []
    for char in text:
        if char.encode("cp1258", errors="replace") != b"?" or char == "?":
            out.append(char.encode("cp1258"))
            continue
        base, *marks = unicodedata.normalize("NFD", char)
        for mark in marks:
            letter = unicodedata.normalize("NFC", base + mark)
            rest = "".join(m for m in marks if m != mark)
            try:
                out.append(letter.encode("cp1258") + rest.encode("cp1258"))
                break
            except UnicodeEncodeError:
                continue
        else:
            out.append((base + "".join(marks)).encode("cp1258"))
    return b"".join(out)


def xlsx_bytes(rows, headers=None, formulas=None, merges=None):
    """An XLSX of ``rows``; ``formulas`` {(row, col): (formula, value Excel saved)},
    ``merges`` [(first_row, col, last_row, col, value)] (0-based, data rows from row 1)."""
    keys = headers or list(HEADERS)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False,
                                        "strings_to_numbers": False})
    sheet = book.add_worksheet()
    for col, key in enumerate(keys):
        sheet.write_string(0, col, HEADERS.get(key, key))
    for r, row in enumerate(rows, 1):
        for col, key in enumerate(keys):
            value = row.get(key, "")
            if isinstance(value, (int, float)):
                sheet.write_number(r, col, value)
            elif value != "":
                sheet.write_string(r, col, value)
    for (r, col), (formula, value) in (formulas or {}).items():
        sheet.write_formula(r, col, formula, None, value)
    for r1, c1, r2, c2, value in merges or ():
        sheet.merge_range(r1, c1, r2, c2, value)
    book.close()
    return buffer.getvalue()


def xlsx_unsaved_formulas(rows, formulas, headers=None):
    """An XLSX written by a program (openpyxl), never opened in Excel: its formulas have no
    saved result. ``formulas`` {(row, col): formula} (1-based, data rows from row 2)."""
    import openpyxl  # noqa: PLC0415

    keys = headers or list(HEADERS)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([HEADERS.get(k, k) for k in keys])
    for row in rows:
        sheet.append([row.get(k, "") or None for k in keys])
    for (r, col), formula in formulas.items():
        sheet.cell(r, col, formula)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class ImportFixtures(SpFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("sp_registry.import_sync_rows", 100000)
        cls.prov = cls._sp_area("99", "Tỉnh Thử Nghiệm", "province")
        cls.c1 = cls._sp_area("99001", "Xã Tân Lập", "commune", cls.prov)
        cls.c2 = cls._sp_area("99002", "Phường Hòa Bình", "commune", cls.prov)
        cls.v1 = cls._sp_area("99001-01", "Thôn Đông", "village", cls.c1)
        cls.office = cls.env["res.company"].create(
            {"name": "Sở Thử Nghiệm", "sp_area_id": cls.prov.id, "parent_id": cls.central.id})
        cls.old_prov = cls._sp_area("98", "Thử Nghiệm", "province", scheme="legacy")
        cls.old_dist = cls._sp_area("998", "Huyện Cũ", "district", cls.old_prov, "legacy")
        cls.old_c1 = cls._sp_area("99801", "Xã Tân Lập", "commune", cls.old_dist, "legacy")
        cls.old_split = cls._sp_area("99802", "Xã Hòa Bình", "commune", cls.old_dist, "legacy")
        cls.env["sp.area.succession"].create([
            {"old_area_id": cls.old_prov.id, "new_area_id": cls.prov.id, "date": "2025-07-01"},
            {"old_area_id": cls.old_c1.id, "new_area_id": cls.c1.id, "date": "2025-07-01",
             "is_default": True},
            {"old_area_id": cls.old_split.id, "new_area_id": cls.c1.id, "date": "2025-07-01"},
            {"old_area_id": cls.old_split.id, "new_area_id": cls.c2.id, "date": "2025-07-01",
             "is_default": True},
        ])
        cls.prov._sp_propagate_company()
        cls.imp_officer = cls._sp_user("imp_officer", "sp_base.group_commune_officer",
                                       cls.office, areas=cls.c1)
        cls.imp_manager = cls._sp_user("imp_manager", "sp_base.group_province_manager",
                                       cls.office)
        cls.imp_auditor = cls._sp_user("imp_auditor", "sp_base.group_auditor", cls.office)
        cls.Import = cls.env["sp.registry.import"]
        cls.Household = cls.env["sp.household"]
        cls.Person = cls.env["sp.individual"]

    # ------------------------------------------------------------------ helpers
    def _upload(self, data, file_name="list.csv", user=None, **vals):
        Import = self.Import.with_user(user) if user else self.Import
        record = Import.create({"file": base64.b64encode(data), "file_name": file_name,
                                "company_id": (vals.pop("company_id", None)
                                               or self.office.id), **vals})
        record.action_read_columns()
        return record

    def _validate(self, data, file_name="list.csv", **vals):
        record = self._upload(data, file_name, **vals)
        record.action_validate()
        return record

    def _import(self, data, file_name="list.csv", **vals):
        record = self._validate(data, file_name, **vals)
        record.action_import()
        return record

    def _messages(self, record, row=None, severity="error"):
        issues = record.issue_ids.filtered(lambda i: i.severity == severity)
        if row is not None:
            issues = issues.filtered(lambda i: i.row == row)
        return issues.mapped("message")

    def assertRowError(self, record, row, pattern):
        messages = self._messages(record, row)
        self.assertTrue(any(pattern in m for m in messages),
                        "row %s: %r not in %s" % (row, pattern, messages))

    def _registry_count(self):
        return (self.Household.with_context(active_test=False).search_count([]),
                self.Person.with_context(active_test=False).search_count([]))
