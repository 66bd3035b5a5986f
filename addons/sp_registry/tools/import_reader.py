"""Reading provincial household lists (CSV and XLSX) for the registry import: columns, values.

What this file decides (sp_registry/README.md, "Import", says it to users):

- **Reading the file** is the shared reader's (``sp_base.tools.table_reader``, sp_base README
  "Uploaded tables"): CSV in UTF-8 (with or without the byte-order mark Excel's "CSV UTF-8"
  writes) or UTF-16 with a byte-order mark; a file that is not UTF-8 is refused with its line and
  byte unless the user chose "Windows-1258" for the import (Windows code pages decode almost any
  bytes, so no detector can tell a Windows-1258 list from a TCVN3 or VNI one: the choice is the
  user's); text normalised to NFC; XLSX streamed (first sheet, the values Excel saved for
  formulas; a formula without a saved value is reported on its row, not guessed); merged cells
  expanded (every cell of a merged range gets the range's value), so a household address merged
  over its members' rows, or a two-row header ("Năm sinh" over "Nam" and "Nữ"), reads as if
  every cell were filled; old binary .xls files refused with a hint; the upload limits; every
  problem an ``ImportFileError`` naming its sheet, row and column.
- **Header.** The header row is the row among the first 20 that names the most known columns
  (Vietnamese or English, accents and case ignored); a second header row under it is combined with
  it when that names more columns. Title rows above and a numbering row "(1) (2) (3)" under the
  header are skipped.
"""
import datetime
import functools
import re
import unicodedata

from odoo.tools.translate import LazyTranslate

from odoo.addons.sp_base.tools.table_reader import (
    HEADER_ROWS,
    FormulaWithoutValue,
    TableError,
    read_table,
)

_lt = LazyTranslate(__name__)

MAX_HEADER_SCAN = HEADER_ROWS
FORMULA_PREFIXES = ("=", "+", "-", "@")
ENCODINGS = [("auto", "UTF-8 (recommended)"), ("cp1258", "Windows-1258 (Vietnamese)")]


# The file as a whole, or a cell of it, cannot be read: the shared reader's error (``message``
# is a lazy translatable text naming the sheet, row and column; ``translate(err.message, lang)``).
ImportFileError = TableError


class CellError(Exception):
    """A value that cannot be read; ``message`` is a lazy translatable text."""

    def __init__(self, message):
        # no str(message) here: a lazy text is only translated when the language is known
        super().__init__()
        self.message = message


def translate(message, lang):
    return message._translate(lang or "en_US")


# ---------------------------------------------------------------------------- columns
# key: (level, label, template header, aliases). Aliases are compared as header keys (lower case,
# no accents, punctuation as spaces). Level "household" values are shared by all rows of a
# household; "person" values belong to the row.
FIELDS = {
    "household_code": ("household", _lt("Household code (registry)"), "Mã hộ (hệ thống) / Household code", [
        "ma ho he thong", "household code", "ma ho tren he thong", "registry household code"]),
    "household_ref": ("household", _lt("Household reference (province list)"),
                      "Số hộ trong danh sách / Household ref", [
        "ma ho", "so ho", "stt ho", "so thu tu ho", "ma ho tham chieu", "household ref",
        "household reference", "household external ref", "external ref", "ma ho cu",
        "so ho trong danh sach", "ma ho gia dinh"]),
    "province_code": ("household", _lt("Province code"), "Mã tỉnh / Province code", [
        "ma tinh", "province code", "ma tinh thanh pho"]),
    "commune_code": ("household", _lt("Commune code"), "Mã xã / Commune code", [
        "ma xa", "commune code", "ma xa phuong", "ma don vi hanh chinh", "ma xa phuong dac khu"]),
    "province_name": ("household", _lt("Province name"), "Tỉnh / Province", [
        "tinh", "tinh thanh pho", "tinh tp", "province", "ten tinh", "province name"]),
    "district_name": ("household", _lt("District name (before 2025)"), "Huyện / District", [
        "huyen", "quan huyen", "huyen quan", "huyen quan thi xa", "huyen quan thi xa thanh pho",
        "huyen thi xa thanh pho", "district", "ten huyen", "district name"]),
    "commune_name": ("household", _lt("Commune name"), "Xã / Commune", [
        "xa", "xa phuong", "xa phuong thi tran", "phuong xa", "commune", "ten xa", "commune name",
        "xa phuong dac khu"]),
    "village": ("household", _lt("Village"), "Thôn, tổ dân phố / Village", [
        "thon", "thon to", "thon xom", "thon ap", "thon ban", "thon ap ban", "thon to dan pho",
        "thon ban to dan pho", "thon ap ban to dan pho", "ap", "ban", "to dan pho", "village"]),
    "street": ("household", _lt("Hamlet / street"), "Xóm, số nhà, đường / Hamlet, street", [
        "dia chi", "xom so nha duong", "so nha duong", "so nha", "hamlet street", "address",
        "street", "xom", "dia chi cu the"]),
    "poverty_status": ("household", _lt("Poverty status"), "Phân loại hộ / Poverty status", [
        "phan loai ho", "loai ho", "poverty status", "tinh trang ngheo", "ho ngheo can ngheo",
        "phan loai"]),
    "name": ("person", _lt("Full name"), "Họ và tên / Full name", [
        "ho va ten", "ho ten", "full name", "name", "ho va ten thanh vien", "ten",
        "ho va ten nguoi", "ho va ten thanh vien ho", "ho va ten chu ho", "ten chu ho"]),
    "gender": ("person", _lt("Sex"), "Giới tính / Sex", [
        "gioi tinh", "gender", "sex", "gt"]),
    "birthdate": ("person", _lt("Birth date or year"), "Ngày sinh (hoặc năm sinh) / Birth date", [
        "ngay sinh", "ngay thang nam sinh", "birth date", "date of birth", "birthdate",
        "ngay sinh hoac nam sinh", "birth date or year"]),
    "birth_year": ("person", _lt("Birth year"), "Năm sinh / Birth year", [
        "nam sinh", "birth year", "year of birth"]),
    "birth_year_male": ("person", _lt("Birth year, if male"), "Năm sinh nam", [
        "nam sinh nam", "birth year male"]),
    "birth_year_female": ("person", _lt("Birth year, if female"), "Năm sinh nữ", [
        "nam sinh nu", "birth year female"]),
    "id_number": ("person", _lt("Personal ID"), "Số định danh cá nhân (CCCD) / Personal ID", [
        "so dinh danh ca nhan", "so dinh danh", "ma dinh danh", "cccd", "so cccd",
        "can cuoc cong dan", "so can cuoc", "so can cuoc cong dan", "personal id", "id number",
        "so dinh danh ca nhan cccd"]),
    "legacy_id_number": ("person", _lt("Old ID card number"), "Số CMND cũ / Old ID card", [
        "cmnd", "so cmnd", "so cmnd cu", "chung minh nhan dan", "so chung minh nhan dan",
        "legacy id", "old id", "old id card", "legacy id number"]),
    "relationship": ("person", _lt("Relationship to the head"), "Quan hệ với chủ hộ / Relationship", [
        "quan he voi chu ho", "quan he", "quan he chu ho", "relationship",
        "relationship to head", "relationship to the head"]),
    "ethnicity": ("person", _lt("Ethnicity"), "Dân tộc / Ethnicity", [
        "dan toc", "ethnicity", "ethnic group"]),
    "phone": ("person", _lt("Phone"), "Số điện thoại / Phone", [
        "so dien thoai", "dien thoai", "phone", "sdt", "so dt", "phone number"]),
    "disability_level": ("person", _lt("Disability level"), "Mức độ khuyết tật / Disability", [
        "muc do khuyet tat", "khuyet tat", "disability", "disability level"]),
}
# The columns of the standard template, in order.
TEMPLATE_FIELDS = [
    "household_code", "household_ref", "province_code", "commune_code", "village", "street",
    "poverty_status", "name", "gender", "birthdate", "id_number", "legacy_id_number",
    "relationship", "ethnicity", "phone", "disability_level",
]
# Headers that are known and deliberately not imported (row numbers, notes).
IGNORED_HEADERS = {"stt", "so thu tu", "tt", "no", "ghi chu", "notes", "note", "ky nhan"}

_PUNCT = re.compile(r"[\s/\\()\[\]:;.,_*\-–#|'’]+")
# Accents off by one str.translate: every precomposed Latin letter to its base letter, combining
# marks dropped, đ to d. Same result as tools.names.name_key for Vietnamese text, several times
# faster (a list of 100,000 names is folded in well under a second).
_FOLD = dict.fromkeys(range(0x300, 0x370))
for _cp in range(0xC0, 0x2000):
    _base = "".join(c for c in unicodedata.normalize("NFD", chr(_cp))
                    if not unicodedata.combining(c))
    if len(_base) == 1 and _base != chr(_cp):
        _FOLD[_cp] = _base
_FOLD.update({ord("đ"): "d", ord("Đ"): "D"})


def fold_key(text):
    """'  Nguyễn  Văn Ân ' -> 'nguyen van an' (like tools.names.name_key)."""
    return " ".join(text.translate(_FOLD).lower().split())


@functools.lru_cache(maxsize=65536)
def header_key(text):
    return _PUNCT.sub(" ", fold_key(str(text))).strip()


_ALIASES = {alias: key for key, spec in FIELDS.items() for alias in spec[3]}


def field_for_header(text):
    """The field a header names, or None. Bilingual and annotated headers are read whole
    first, then part by part: 'Họ và tên / Full name', 'Mã hộ (hệ thống)', 'Ngày sinh (Birth
    date)'."""
    if text is None or isinstance(text, FormulaWithoutValue):
        return None
    raw = str(text).strip()
    if not raw:
        return None
    parts = [p for p in re.split(r"\s+/\s+|\n", raw) if p.strip()]
    levels = (
        [raw],
        parts,
        [re.sub(r"\([^)]*\)", " ", p) for p in parts],
        re.findall(r"\(([^)]*)\)", raw),
    )
    for level in levels:
        for candidate in level:
            key = header_key(candidate)
            if key in _ALIASES:
                return _ALIASES[key]
    return None


def is_ignored_header(text):
    return header_key(text or "") in IGNORED_HEADERS


# ---------------------------------------------------------------------------- values
def _vocab(pairs):
    return {header_key(word): value for value, words in pairs for word in words}


GENDERS = _vocab([
    ("male", ["nam", "m", "male", "trai", "nam gioi"]),
    ("female", ["nu", "f", "female", "gai", "nu gioi"]),
])
RELATIONSHIPS = _vocab([
    ("head", ["chu ho", "head", "ch", "head of household", "chu ho gia dinh"]),
    ("spouse", ["vo", "chong", "vo chong", "spouse", "wife", "husband"]),
    ("child", ["con", "con de", "con nuoi", "con trai", "con gai", "child", "son", "daughter",
               "con rieng"]),
    ("parent", ["bo", "me", "cha", "cha me", "bo me", "cha de", "me de", "bo de", "parent",
                "father", "mother", "bo vo", "me vo", "bo chong", "me chong", "cha vo", "cha chong"]),
    ("grandchild", ["chau", "chau noi", "chau ngoai", "grandchild", "grandson", "granddaughter"]),
    ("sibling", ["anh", "chi", "em", "anh trai", "chi gai", "em trai", "em gai", "anh chi em",
                 "sibling", "brother", "sister", "anh em", "chi em"]),
    ("other", ["khac", "other", "ong", "ba", "ong noi", "ba noi", "ong ngoai", "ba ngoai",
               "con dau", "con re", "chau ho", "co", "di", "chu", "bac", "cau", "mo", "thim",
               "nguoi o cung", "ho hang", "grandparent", "relative"]),
])
DISABILITY_LEVELS = _vocab([
    ("none", ["khong", "none", "no", "khong khuyet tat", "0"]),
    ("mild", ["nhe", "mild", "khuyet tat nhe", "kt nhe"]),
    ("severe", ["nang", "severe", "khuyet tat nang", "kt nang"]),
    ("particularly_severe", ["dac biet nang", "particularly severe", "khuyet tat dac biet nang",
                             "kt dac biet nang", "very severe"]),
])
# Other names local lists give to ethnic groups: key of the other name -> key of the name in the
# General Statistics Office list (sp.ethnicity).
ETHNICITY_ALIASES = {
    "h mong": "mong", "hmong": "mong", "meo": "mong", "khmer": "kho me", "kh me": "kho me",
    "jrai": "gia rai", "ede": "e de", "rhade": "e de", "bahnar": "ba na", "cao lan": "san chay",
    "van kieu": "bru van kieu", "sedang": "xo dang", "stieng": "xtieng", "kho mu": "kho mu",
    "kinh viet": "kinh", "viet": "kinh",
}
POVERTY_STATUSES = _vocab([
    ("poor", ["ngheo", "ho ngheo", "poor", "n"]),
    ("near_poor", ["can ngheo", "ho can ngheo", "near poor", "cn"]),
    ("middle", ["muc song trung binh", "trung binh", "ho co muc song trung binh", "middle",
                "middle living standard", "tb"]),
    ("none", ["khong", "none", "khong ngheo", "not classified", "thoat ngheo"]),
])


def text_value(value):
    """A cell as stripped text ('' for an empty cell). Whole numbers lose their '.0'."""
    if value.__class__ is str:
        text = value.strip()
        if "  " in text or "\n" in text or "\t" in text or "\xa0" in text:
            text = " ".join(text.split())
        return text
    if value is None:
        return ""
    if isinstance(value, FormulaWithoutValue):
        raise CellError(_lt(
            "The cell holds a formula (%(formula)s) whose result was never saved: open the file "
            "in Excel and save it, or paste the values.", formula=value.formula))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


def vocab_value(value, vocab, expected):
    if value.__class__ is str and value in vocab:
        return vocab[value]
    text = text_value(value)
    if not text:
        return None
    found = vocab.get(header_key(text))
    if found is not None and value.__class__ is str and len(vocab) < 4096:
        vocab[value] = found  # the raw spelling, found at once next time
    if found is None:
        raise CellError(_lt("%(value)s is not a known value (expected: %(expected)s).",
                            value=text, expected=expected))
    return found


def digits_value(value, width, shortest=1):
    """A code or number as text, and whether it was padded: a number that lost its leading
    zeros (a cell Excel formatted as a number, or a CSV it saved from one) and has between
    ``shortest`` and ``width - 1`` digits, the first not a zero, gets them back."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        text = text_value(value)
    # a number that lost its zeros never starts with one: "0108500012" is a mistyped ID
    if text.isdigit() and shortest <= len(text) < width and not text.startswith("0"):
        return text.zfill(width), True
    return text, False


_NAME_OK = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '’.\-])*$")
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!]|&#?\w+;|javascript:", re.IGNORECASE)


def check_text(text):
    """Refuse markup in free text (street, village): it is refused, never cleaned."""
    if text and _MARKUP.search(text):
        raise CellError(_lt(
            "%(value)s contains HTML or script markup: the row is refused (nothing is cleaned "
            "automatically); correct the file.", value=text))
    return text


def person_name(value):
    """A person's name, or a CellError. Markup, formulas and characters that are not letters
    are refused, not cleaned: a name is identity data and is only changed by a person."""
    text = text_value(value)
    if not text:
        raise CellError(_lt("The full name is missing."))
    text = unicodedata.normalize("NFC", text)
    if _MARKUP.search(text):
        raise CellError(_lt(
            "The name %(value)s contains HTML or script markup: it is refused, not cleaned; "
            "correct the file.", value=text))
    if text.startswith(FORMULA_PREFIXES):
        raise CellError(_lt(
            "The name %(value)s starts with %(char)s, like a spreadsheet formula: it is refused.",
            value=text, char=text[0]))
    if not _NAME_OK.match(text):
        raise CellError(_lt(
            "The name %(value)s contains characters that are not letters (digits or symbols).",
            value=text))
    if len(text) > 120:
        raise CellError(_lt("The name is longer than 120 characters."))
    return text


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MY = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_Y = re.compile(r"^(\d{4})$")


def birth_value(value, today):
    """(date, precision) from a date cell, 'dd/mm/yyyy', 'yyyy-mm-dd', 'mm/yyyy' or 'yyyy'."""
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime.datetime):
        date, precision = value.date(), "day"
    elif isinstance(value, datetime.date):
        date, precision = value, "day"
    else:
        text = text_value(value)
        if not text:
            return None, None
        try:
            if m := _DMY.match(text):
                date, precision = datetime.date(int(m[3]), int(m[2]), int(m[1])), "day"
            elif m := _YMD.match(text):
                date, precision = datetime.date(int(m[1]), int(m[2]), int(m[3])), "day"
            elif m := _MY.match(text):
                date, precision = datetime.date(int(m[2]), int(m[1]), 1), "month"
            elif m := _Y.match(text):
                date, precision = datetime.date(int(m[1]), 1, 1), "year"
            else:
                raise ValueError(text)
        except ValueError:
            raise CellError(_lt(
                "%(value)s is not a date (expected dd/mm/yyyy, mm/yyyy or a 4-digit year).",
                value=text))
    if date > today:
        raise CellError(_lt("The birth date %(value)s is in the future.",
                            value=_show_date(date, precision)))
    if date.year < 1880:
        raise CellError(_lt("The birth date %(value)s is not plausible.",
                            value=_show_date(date, precision)))
    return date, precision


def _show_date(date, precision):
    if precision == "year":
        return str(date.year)
    if precision == "month":
        return date.strftime("%m/%Y")
    return date.strftime("%d/%m/%Y")


# ---------------------------------------------------------------------------- files
class Table:
    """Header and data rows of an uploaded list, read by the shared reader
    (``sp_base.tools.table_reader``: encodings, NFC, XLSX streaming, upload limits).

    ``headers`` is a list of header texts (one per column); ``rows()`` yields
    ``(row_number, values)`` with the spreadsheet's row numbers (the first row is 1). Any file
    problem is an ``ImportFileError`` (the shared ``TableError``: sheet, row and column)."""

    def __init__(self, data, file_name, encoding="auto", limits=None):
        self.data = data
        self.encoding = encoding
        self.header_row = 0
        self.header_rows = 1
        self.headers = []
        # a NUL character is a row issue of the import (import_rows), not the end of the file
        self._table = read_table(data, file_name, encoding, limits=limits, merged=True,
                                 allow_nul=True)
        self.kind = self._table.kind
        try:
            self._read_header()
        except Exception:
            self.close()
            raise

    def _raw_rows(self):
        return iter(self._table)

    def row_estimate(self):
        """About how many data rows the file has (for the progress of a large import)."""
        return max(self._table.row_estimate() - self.header_row, 0)

    def close(self):
        self._table.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -------------------------------------------------------------- header
    def _read_header(self):
        rows = self._raw_rows()
        scanned = []
        for number, values in rows:
            scanned.append((number, values))
            if len(scanned) >= MAX_HEADER_SCAN + 1:
                break
        if not any(_non_empty(values) for _n, values in scanned):
            raise ImportFileError(_lt("The file is empty."))
        best, best_count = None, 0
        for index, (_number, values) in enumerate(scanned[:MAX_HEADER_SCAN]):
            count = len({field_for_header(v) for v in values} - {None})
            if count > best_count:
                best, best_count = index, count
        if best is None or best_count < 2:
            raise ImportFileError(_lt(
                "No header row found in the first %(rows)s rows: the file must have a row of "
                "column names such as \"Họ và tên\", \"Giới tính\", \"Ngày sinh\", \"Mã xã\" "
                "(download the template to see them).", rows=MAX_HEADER_SCAN))
        number, headers = scanned[best]
        headers = [text_value(h) if not isinstance(h, FormulaWithoutValue) else ""
                   for h in headers]
        self.header_row = number
        if best + 1 < len(scanned):
            sub = [text_value(v) if not isinstance(v, FormulaWithoutValue) else ""
                   for v in scanned[best + 1][1]]
            combined = []
            for col in range(max(len(headers), len(sub))):
                top = headers[col] if col < len(headers) else ""
                low = sub[col] if col < len(sub) else ""
                combined.append(top if not low or low == top else ("%s %s" % (top, low)).strip())
            if len({field_for_header(v) for v in combined} - {None}) > best_count:
                headers = combined
                self.header_rows = 2
        self.headers = headers
        self.first_data_row = self.header_row + self.header_rows

    def rows(self):
        """Data rows after the header; fully empty rows and a numbering row are skipped."""
        first = True
        for number, values in self._raw_rows():
            if number < self.first_data_row:
                continue
            if not _non_empty(values):
                continue
            if first:
                first = False
                if _is_numbering_row(values):
                    continue
            yield number, values

    def sample(self, limit=3, scan=50):
        """The first data values of each column, for the mapping screen."""
        samples = [[] for _h in self.headers]
        for index, (_number, values) in enumerate(self.rows()):
            if index >= scan:
                break
            for col, value in enumerate(values[:len(samples)]):
                if value not in (None, "") and len(samples[col]) < limit:
                    samples[col].append(text_value(value)
                                        if not isinstance(value, FormulaWithoutValue)
                                        else str(value))
            if all(len(s) >= limit for s in samples):
                break
        return [", ".join(s) for s in samples]


def _non_empty(values):
    return any(v is not None and str(v).strip() != "" for v in values)


_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")


def _is_numbering_row(values):
    cells = [str(v).strip() for v in values if v is not None and str(v).strip()]
    return len(cells) >= 3 and all(_NUMBERING.match(c) for c in cells)
