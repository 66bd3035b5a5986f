"""The standard import template (XLSX and CSV) shipped in data/import/ and data/registry/.

Regenerate the files after changing the columns:

    python3 -c "from odoo.addons.sp_registry.tools.import_template import write_templates; \
write_templates('addons/sp_registry/data/import', 'data/registry')"

(with Odoo and the suite on the Python path), and keep README.md, "Import", in step.
"""
import csv
import os

from .import_reader import FIELDS, TEMPLATE_FIELDS

# column -> (required, explanation in Vietnamese / English, example)
NOTES = {
    "household_code": (
        "Không / No",
        "Mã hộ do hệ thống cấp (<mã xã>-<6 chữ số>), chỉ ghi khi cập nhật hộ đã có; để trống với "
        "hộ mới. / The registry's household code, only to update a registered household; empty "
        "for a new household.",
        "08012-000123"),
    "household_ref": (
        "Nên có / Recommended",
        "Số hộ trong danh sách của tỉnh/xã; các dòng cùng số là một hộ. Nhập lại cùng danh sách "
        "sẽ cập nhật hộ theo số này. / The household's number in your list; rows with the same "
        "number are one household, and importing the list again updates it.",
        "15"),
    "province_code": (
        "Không / No", "Mã tỉnh 2 chữ số (2025). / 2-digit province code (2025).", "08"),
    "commune_code": (
        "Có / Yes",
        "Mã xã, phường, đặc khu 5 chữ số theo Quyết định 19/2025/QĐ-TTg. / 5-digit 2025 commune "
        "code.",
        "02212"),
    "village": (
        "Không / No",
        "Tên thôn, tổ dân phố; nếu không có trong danh mục, tên được ghi vào địa chỉ. / Village; "
        "kept in the address when it is not a known area.",
        "Thôn Nà Lạn"),
    "street": ("Không / No", "Xóm, số nhà, đường. / Hamlet, house number, street.", "Số 12"),
    "poverty_status": (
        "Không / No", "Nghèo, Cận nghèo, Trung bình, Không. / Poor, near-poor, middle, none.",
        "Nghèo"),
    "name": ("Có / Yes", "Họ và tên đầy đủ, có dấu. / Full name with accents.",
             "Nguyễn Thị Hoa"),
    "gender": ("Có / Yes", "Nam hoặc Nữ. / Male or female.", "Nữ"),
    "birthdate": (
        "Nên có / Recommended",
        "Ngày sinh dd/mm/yyyy, hoặc chỉ tháng mm/yyyy, hoặc chỉ năm yyyy. / Birth date "
        "dd/mm/yyyy, or mm/yyyy, or the year only.",
        "05/03/1982"),
    "id_number": (
        "Nên có / Recommended",
        "Số định danh cá nhân 12 chữ số; phải khớp giới tính và năm sinh. Định dạng ô là Văn "
        "bản để giữ số 0 ở đầu. / 12-digit personal ID; must agree with sex and birth year. "
        "Format the column as text to keep leading zeros.",
        "002182001234"),
    "legacy_id_number": (
        "Không / No", "Số CMND cũ 9 (hoặc 12) chữ số. / Old 9-digit ID card number.",
        "073456789"),
    "relationship": (
        "Có / Yes",
        "Chủ hộ, Vợ, Chồng, Con, Bố, Mẹ, Cháu, Anh, Chị, Em, Khác. Mỗi hộ đúng một Chủ hộ. / "
        "Exactly one head per household.",
        "Chủ hộ"),
    "ethnicity": ("Không / No", "Tên hoặc mã dân tộc (01 = Kinh). / Ethnic group, name or code.",
                  "Tày"),
    "phone": ("Không / No", "Số di động 10 chữ số. / 10-digit mobile number.", "0912345678"),
    "disability_level": (
        "Không / No", "Không, Nhẹ, Nặng, Đặc biệt nặng. / None, mild, severe, particularly "
        "severe.", "Không"),
}


def template_headers():
    return [FIELDS[key][2] for key in TEMPLATE_FIELDS]


def write_templates(*folders):
    from odoo.addons.sp_base.tools import SpXlsxWriter  # noqa: PLC0415

    for folder in folders:
        os.makedirs(folder, exist_ok=True)
        with SpXlsxWriter(os.path.join(folder, "sp_registry_import_template.xlsx")) as book:
            book.add_sheet("Danh sách", [(h, "text", 22) for h in template_headers()])
            notes = book.add_sheet("Hướng dẫn", [
                ("Cột / Column", "text", 40), ("Bắt buộc / Required", "text", 18),
                ("Cách ghi / How to fill", "text", 90), ("Ví dụ / Example", "text", 20)],
                title="Mẫu nhập danh sách hộ - mỗi dòng là một người; các dòng của một hộ có "
                      "cùng số hộ / One row per person; rows of a household share its number")
            notes.write_rows([FIELDS[key][2]] + list(NOTES[key]) for key in TEMPLATE_FIELDS)
        with open(os.path.join(folder, "sp_registry_import_template.csv"), "w",
                  encoding="utf-8-sig", newline="") as f:
            csv.writer(f).writerow(template_headers())


# A provincial list as provinces kept them before 2025: title rows, a two-row header with
# "Năm sinh" over "Nam" and "Nữ", household cells merged over their members' rows, the names of
# province, district and commune before the reform (two of these communes were split in 2025).
LEGACY_HEADER = ["STT", "Số hộ", "Họ và tên", "Quan hệ với chủ hộ", "Năm sinh", "", "Dân tộc",
                 "Số CMND", "Tỉnh", "Huyện", "Xã", "Thôn", "Phân loại hộ", "Ghi chú"]
LEGACY_HOUSEHOLDS = [
    ("1", "Hà Giang", "Huyện Yên Minh", "Xã Na Khê", "Thôn Na Khê", "Nghèo", [
        ("Vàng Seo Páo", "Chủ hộ", "male", 1968, "H'Mông", "073012345"),
        ("Giàng Thị Mỷ", "Vợ", "female", 1971, "H'Mông", ""),
        ("Vàng Seo Lử", "Con", "male", 2004, "H'Mông", ""),
    ]),
    ("2", "Hà Giang", "Huyện Yên Minh", "Thị trấn Yên Minh", "Tổ 3", "Cận nghèo", [
        ("Nguyễn Văn Hải", "Chủ hộ", "male", 1980, "Kinh", "073198765"),
        ("Lê Thị Thu", "Vợ", "female", 1983, "Kinh", ""),
    ]),
    ("3", "Hà Giang", "Huyện Vị Xuyên", "Xã Việt Lâm", "Thôn Làng Khẻ", "Nghèo", [
        ("Hoàng Thị Lan", "Chủ hộ", "female", 1959, "Tày", "073004321"),
        ("Hoàng Văn Tùng", "Con", "male", 1990, "Tày", ""),
        ("Hoàng Thị Mai", "Cháu", "female", 2015, "Tày", ""),
    ]),
    ("4", "Hà Giang", "Thành phố Hà Giang", "Phường Quang Trung", "Tổ 7", "Cận nghèo", [
        ("Trần Văn Bình", "Chủ hộ", "male", 1975, "Kinh", "073555111"),
        ("Đỗ Thị Hằng", "Vợ", "female", 1978, "Kinh", ""),
    ]),
]


def write_legacy_sample(path):
    import xlsxwriter  # noqa: PLC0415

    book = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_numbers": False})
    sheet = book.add_worksheet("DS ho ngheo 2024")
    bold = book.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1,
                            "text_wrap": True})
    cell = book.add_format({"border": 1, "valign": "vcenter"})
    sheet.merge_range(0, 0, 0, 6, "UBND TỈNH HÀ GIANG", bold)
    sheet.merge_range(1, 0, 1, 13, "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2024", bold)
    for col, header in enumerate(LEGACY_HEADER):
        if col == 4:
            sheet.merge_range(3, 4, 3, 5, header, bold)
            sheet.write(4, 4, "Nam", bold)
            sheet.write(4, 5, "Nữ", bold)
        elif col != 5:
            sheet.merge_range(3, col, 4, col, header, bold)
    for col in range(len(LEGACY_HEADER)):
        sheet.write(5, col, "(%s)" % (col + 1), bold)
    row, number = 6, 1
    for ref, province, district, commune, village, status, people in LEGACY_HOUSEHOLDS:
        last = row + len(people) - 1
        for col, value in ((1, ref), (8, province), (9, district), (10, commune), (11, village),
                           (12, status)):
            if last > row:
                sheet.merge_range(row, col, last, col, value, cell)
            else:
                sheet.write_string(row, col, value, cell)
        for name, relation, sex, year, ethnicity, old_id in people:
            sheet.write_number(row, 0, number, cell)
            sheet.write_string(row, 2, name, cell)
            sheet.write_string(row, 3, relation, cell)
            sheet.write_number(row, 4 if sex == "male" else 5, year, cell)
            sheet.write_string(row, 6, ethnicity, cell)
            if old_id:
                sheet.write_string(row, 7, old_id, cell)
            row += 1
            number += 1
    book.close()


# ---------------------------------------------------------------------------- synthetic lists
_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
_MIDDLE = {"Nam": ["Văn", "Hữu", "Đức", "Minh", "Quốc"],
           "Nữ": ["Thị", "Ngọc", "Thu", "Thanh", "Kim"]}
_GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Lan", "Mai", "Nam", "Phúc", "Quang",
          "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Yến", "Long", "Hùng"]


def synthetic_id(sex, year, serial, prefix="001"):
    """A valid 12-digit personal ID for this sex ('Nam'/'Nữ') and birth year."""
    digit = (year // 100 - 19) * 2 + (1 if sex == "Nữ" else 0)
    return "%s%d%02d%06d" % (prefix, digit, year % 100, serial)


def synthetic_rows(households, communes, start=0, bad_every=0):
    """Rows (dicts of template fields) of ``households`` households of 4 people in the standard
    layout: head and spouse with personal IDs, two children without. Household references and
    IDs start at ``start`` (two lists with different starts never share a person). Every
    ``bad_every``-th household gets a personal ID with a letter on its head's row."""
    for h in range(start, start + households):
        family = _FAMILY[(h // 2000) % 10]
        shift = h + h // 20000  # names repeat every 20,000 households, birth years do not
        members = [("Chủ hộ", "Nam", 1950 + shift % 40), ("Vợ", "Nữ", 1952 + shift % 40),
                   ("Con", "Nam", 1990 + shift % 30), ("Con", "Nữ", 1992 + shift % 30)]
        for index, (relation, sex, year) in enumerate(members):
            id_number = synthetic_id(sex, year, (h * 2 + index) % 1000000) if index < 2 else ""
            if bad_every and index == 0 and h % bad_every == bad_every - 1:
                id_number = id_number[:-1] + "X"
            yield {
                "household_ref": "L%07d" % h, "commune_code": communes[h % len(communes)],
                "poverty_status": "Nghèo" if h % 3 else "Cận nghèo",
                "name": "%s %s %s %s" % (family, _MIDDLE[sex][(h // 400) % 5],
                                         _GIVEN[(h // 20) % 20], _GIVEN[(h + index * 7) % 20]),
                "gender": sex, "birthdate": str(year), "id_number": id_number,
                "relationship": relation, "ethnicity": "Kinh", "disability_level": "Không",
            }


def write_synthetic_list(path, rows):
    """Write template rows to ``path``: CSV UTF-8 with BOM, or XLSX (streamed)."""
    headers = template_headers()
    if path.endswith(".xlsx"):
        import xlsxwriter  # noqa: PLC0415

        book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False,
                                          "strings_to_formulas": False})
        sheet = book.add_worksheet("Danh sách")
        sheet.write_row(0, 0, headers)
        for number, row in enumerate(rows, 1):
            sheet.write_row(number, 0, [row.get(k, "") for k in TEMPLATE_FIELDS])
        book.close()
        return
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(headers)
        writer.writerows([row.get(k, "") for k in TEMPLATE_FIELDS] for row in rows)
