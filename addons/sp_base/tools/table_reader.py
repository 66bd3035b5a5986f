"""One streaming reader of uploaded tables (CSV and XLSX), with the upload limits.

    with read_table(data, file_name, limits=TableLimits.from_env(env)) as table:
        for number, values in table:      # the sheet's row numbers, values of the first sheet
            ...

- **CSV**: UTF-8 with or without the byte-order mark, UTF-16 with a byte-order mark; a file that
  is not UTF-8 is refused unless the caller says ``encoding="cp1258"`` (Windows code pages decode
  almost any bytes: no detector can tell Windows-1258 from TCVN3 or VNI, the choice is the
  user's). Text is normalised to Unicode NFC. Separator: comma, semicolon or tab, whichever the
  first line holds most. Values are text.
- **XLSX**: the first sheet, streamed: its XML is read a megabyte at a time and cut into rows and
  cells with regular expressions (rows with formulas or rich text, and sheets whose tags carry a
  namespace prefix, go through lxml). Shared strings are streamed into a list bounded in count
  and characters. Values: text, int or float, bool, ``datetime`` for cells with a date format,
  ``FormulaWithoutValue`` for a formula whose result was never saved, None for an empty cell.
- **Limits** (``TableLimits``, README "Uploaded tables"): the compressed size and the declared
  uncompressed size of every part are checked before anything is decompressed (a decompression
  bomb is refused at once), rows, columns, shared strings and cell length while streaming.
- **Errors**: every problem is a ``TableError`` (a ``UserError``) with ``sheet``, ``row`` and
  ``column`` where it has them and a translatable ``message``; ``err.translate(lang)`` gives the
  text to show. No other exception leaves this module for a bad file.

Measured against calamine and openpyxl on the 100,000-row list (tests/bench/bench_reader.py):
see the README.
"""
import codecs
import csv
import datetime
import io
import math
import re
import unicodedata
import zipfile
import zlib

from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# The header of an uploaded list is searched in its first HEADER_ROWS rows (every importer).
HEADER_ROWS = 20
# Excel's own limit of a cell; also the default limit of a cell here.
EXCEL_CELL_CHARS = 32767
# Excel's last date: 9999-12-31 is serial 2958465 (1900 system).
EXCEL_LAST_SERIAL = 2958465
BLOCK = 1 << 20
MiB = 1 << 20


class TableLimits:
    """What an uploaded spreadsheet may hold. Defaults are the module constants below, each
    overridable by the system parameter ``sp_base.upload_<name>`` (``TableLimits.from_env``)."""

    DEFAULTS = {
        "file_bytes": 50 * MiB,           # the uploaded file (compressed, for an XLSX)
        "uncompressed_bytes": 600 * MiB,  # all the parts of an XLSX, decompressed
        "ratio": 100,                     # decompressed / compressed size of a part over 1 MB
        "rows": 1_000_000,
        "columns": 256,
        "shared_strings": 2_000_000,      # number of shared strings of a workbook
        "shared_chars": 100_000_000,      # their total length
        "cell_chars": EXCEL_CELL_CHARS,
    }
    PARAM = "sp_base.upload_%s"

    def __init__(self, **values):
        unknown = set(values) - set(self.DEFAULTS)
        if unknown:
            raise TypeError("unknown limits: %s" % ", ".join(sorted(unknown)))
        for name, default in self.DEFAULTS.items():
            setattr(self, name, int(values.get(name) or default))

    @classmethod
    def from_env(cls, env):
        params = env["ir.config_parameter"].sudo()
        values = {}
        for name in cls.DEFAULTS:
            value = params.get_param(cls.PARAM % name)
            if value and str(value).strip().isdigit() and int(value) > 0:
                values[name] = int(value)
        return cls(**values)


class TableError(UserError):
    """A file, or a cell of it, that cannot be read. ``message`` is a lazy translatable text
    (with ``_translate(lang)``) that names the sheet, row and column when known; ``reason`` is
    the text without them; ``sheet`` (name), ``row`` (1-based, the sheet's numbering) and
    ``column`` (1-based; ``column_letter`` gives "A", "B"...) are None when they do not apply;
    ``code`` names the kind of problem for callers that word it their own way: "encoding" (not
    text of the encoding), "workbook" (not a readable workbook), "kind" (neither CSV nor XLSX),
    "limit" (over an upload limit), None (a cell or row).
    ``args[0]`` is the English text, so that a caller that does not translate still shows a
    message, never a traceback."""

    def __init__(self, reason, sheet=None, row=None, column=None, code=None):
        self.reason = reason
        self.code = code
        self.sheet = sheet
        self.row = row
        self.column = column
        self.message = _Located(self)
        super().__init__(self.message._translate("en_US"))

    @property
    def column_letter(self):
        return column_letters(self.column) if self.column else None

    def translate(self, lang):
        return self.message._translate(lang or "en_US")


class _Located:
    """The message of a TableError: its place (sheet, row, column) and its reason, translated
    together when the language is known."""

    def __init__(self, error):
        self.error = error

    def _translate(self, lang):
        error = self.error
        reason = error.reason._translate(lang) if hasattr(error.reason, "_translate") \
            else str(error.reason)
        sheet, row, column = error.sheet, error.row, error.column_letter
        if sheet and row and column:
            place = _lt("Sheet %(sheet)s, row %(row)s, column %(column)s", sheet=sheet, row=row,
                        column=column)
        elif sheet and row:
            place = _lt("Sheet %(sheet)s, row %(row)s", sheet=sheet, row=row)
        elif row and column:
            place = _lt("Row %(row)s, column %(column)s", row=row, column=column)
        elif row:
            place = _lt("Row %(row)s", row=row)
        else:
            return reason
        return "%s: %s" % (place._translate(lang), reason)

    def __str__(self):
        return self._translate("en_US")


class FormulaWithoutValue:
    """Stands for a formula cell whose result was never saved (file never opened in Excel)."""

    def __init__(self, formula):
        self.formula = formula

    def __str__(self):
        return self.formula

    def __repr__(self):
        return "FormulaWithoutValue(%r)" % self.formula

    def __eq__(self, other):
        return isinstance(other, FormulaWithoutValue) and other.formula == self.formula

    __hash__ = None


def column_index(letters):
    """'A' -> 1, 'AB' -> 28."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index


def column_letters(index):
    """1 -> 'A', 28 -> 'AB'."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_EPOCH_1900 = datetime.datetime(1899, 12, 30)
_EPOCH_1904 = datetime.datetime(1904, 1, 1)


def excel_date(serial, epoch_1904=False):
    """An Excel date serial number as a datetime (a time for a serial below 1, as openpyxl
    reads it); ValueError outside Excel's dates (0 to 9999-12-31)."""
    if isinstance(serial, bool) or not isinstance(serial, (int, float)) or \
            not math.isfinite(serial) or not 0 <= serial < EXCEL_LAST_SERIAL + 1:
        raise ValueError(serial)
    day, fraction = divmod(serial, 1)
    diff = datetime.timedelta(milliseconds=round(fraction * 86400000))
    if 0 <= serial < 1 and diff.days == 0:
        return (datetime.datetime.min + diff).time()
    if not epoch_1904 and 0 < serial < 60:
        day += 1  # Excel counts a 29 February 1900 that never was
    try:
        return (_EPOCH_1904 if epoch_1904 else _EPOCH_1900) + datetime.timedelta(days=day) + diff
    except OverflowError:
        raise ValueError(serial) from None


# ---------------------------------------------------------------------------- entry point
def read_table(data, file_name=None, encoding="auto", limits=None, merged=False,
               allow_nul=False):
    """The rows of an uploaded CSV or XLSX file (first sheet): a table to iterate for
    ``(row number, values)``, and to close (or use as a context manager). ``merged``: every
    cell of a merged range gets the range's value (XLSX). ``allow_nul``: a text cell holding a
    NUL character is given as it is, for a caller that reports it on its row and goes on (the
    registry import), instead of a TableError that stops the reading."""
    limits = limits or TableLimits()
    if not data:
        raise TableError(_lt("The file is empty."))
    if len(data) > limits.file_bytes:
        raise TableError(_lt(
            "The file is %(size)s MB, more than the %(limit)s MB an upload may have: split it.",
            size=round(len(data) / MiB, 1), limit=round(limits.file_bytes / MiB, 1)), code="limit")
    kind = file_kind(data, file_name)
    if kind == "xlsx":
        return XlsxTable(data, limits, merged=merged, allow_nul=allow_nul)
    return CsvTable(data, limits, encoding, allow_nul=allow_nul)


_BINARY = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf",
           b"BZh", b"\x00\x00\x01\x00", b"MZ", b"\x7fELF", b"{\\rtf")
_NOT_A_TABLE = _lt(
    "The file is neither a CSV file nor an Excel workbook (.xlsx): save it from Excel as "
    "\"Excel Workbook\" or \"CSV UTF-8\" and upload it again.")


def file_kind(data, file_name=None):
    """'xlsx' or 'csv', or a TableError for any other kind of file."""
    name = (file_name or "").lower()
    if data[:4] == b"\xd0\xcf\x11\xe0" or name.endswith(".xls"):
        raise TableError(_lt(
            "This is an old Excel 97-2003 file (.xls): open it in Excel and save it as .xlsx "
            "(Excel Workbook) or as CSV UTF-8, then upload it again."))
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if data[:2] == b"PK" or name.endswith((".ods", ".numbers", ".pdf", ".doc", ".docx")):
        raise TableError(_NOT_A_TABLE, code="kind")
    head = data[:8192]
    if head.startswith(_BINARY):
        raise TableError(_NOT_A_TABLE, code="kind")
    if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # control characters other than tab and line ends: text has none, or a stray one (a NUL
        # in a cell is reported on its row); a binary file has them everywhere
        controls = sum(head.count(bytes([code])) for code in (*range(9), *range(14, 32)))
        if controls > max(4, len(head) // 100):
            raise TableError(_NOT_A_TABLE, code="kind")
    return "csv"


class _Table:
    kind = None
    sheet = None

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def row_estimate(self):
        return 0


# ---------------------------------------------------------------------------- CSV
def decode_csv(data, encoding="auto"):
    """The text of a CSV file (see the module's docstring), NFC."""
    if data.startswith(codecs.BOM_UTF8):
        raw, codec = data[len(codecs.BOM_UTF8):], "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raw, codec = data, "utf-16"
    else:
        raw, codec = data, "utf-8"
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as err:
        if codec == "utf-16":
            raise TableError(_lt("The file starts like UTF-16 text but is not: save it again as "
                                 "CSV UTF-8."), code="encoding") from None
        if encoding != "cp1258":
            line = raw[:err.start].count(b"\n") + 1
            raise TableError(_lt(
                "The file is not UTF-8 text (line %(line)s, byte 0x%(byte)s). Save it from "
                "Excel as \"CSV UTF-8 (Comma delimited)\", or, if you know it was written in "
                "the Windows Vietnamese code page, choose the encoding Windows-1258 and "
                "validate again.", line=line, byte="%02X" % raw[err.start]), row=line,
                code="encoding") from None
        try:
            text = raw.decode("cp1258")
        except UnicodeDecodeError as err2:
            line = raw[:err2.start].count(b"\n") + 1
            raise TableError(_lt("The file is not Windows-1258 text either (byte 0x%(byte)s).",
                                 byte="%02X" % raw[err2.start]), row=line,
                             code="encoding") from None
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


class CsvTable(_Table):
    kind = "csv"

    def __init__(self, data, limits, encoding="auto", allow_nul=False):
        self.limits = limits
        self.allow_nul = allow_nul
        self.text = decode_csv(data, encoding)
        first = self.text[:self.text.find("\n")] if "\n" in self.text else self.text
        self.delimiter = max(",;\t", key=first.count)

    def row_estimate(self):
        return self.text.count("\n")

    def __iter__(self):
        limits = self.limits
        check_cells = len(self.text) > limits.cell_chars
        check_nul = not self.allow_nul and "\x00" in self.text
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        number = 0
        try:
            for number, row in enumerate(reader, 1):
                if number > limits.rows:
                    raise _too_many_rows(limits, number)
                if len(row) > limits.columns:
                    raise _too_many_columns(limits, number, len(row))
                if check_cells and row and max(map(len, row)) > limits.cell_chars:
                    column = next(i for i, v in enumerate(row, 1) if len(v) > limits.cell_chars)
                    raise _cell_too_long(limits, None, number, column)
                if check_nul and any("\x00" in v for v in row):
                    column = next(i for i, v in enumerate(row, 1) if "\x00" in v)
                    raise TableError(_NUL, row=number, column=column)
                yield number, row
        except csv.Error as err:
            raise TableError(_lt("The line cannot be read as CSV (%(error)s).", error=str(err)),
                             row=number + 1) from None


_NUL = _lt("The cell holds a NUL character (byte 0), which no text may contain: the file is "
           "damaged or is not a text file.")


def _too_many_rows(limits, number, sheet=None):
    return TableError(_lt("The file has more than %(limit)s rows: split it.",
                          limit=limits.rows), sheet=sheet, row=number, code="limit")


def _too_many_columns(limits, number, count, sheet=None):
    return TableError(_lt("The row has %(count)s columns or more, more than the %(limit)s a "
                          "list may have.", count=count, limit=limits.columns),
                      sheet=sheet, row=number, code="limit")


def _cell_too_long(limits, sheet, number, column):
    return TableError(_lt("The cell holds more than %(limit)s characters.",
                          limit=limits.cell_chars), sheet=sheet, row=number, column=column,
                      code="limit")


# ---------------------------------------------------------------------------- XLSX
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SHEET_TAG = re.compile(r"<(?:\w+:)?sheet\b([^>]*)>")
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_REL = re.compile(r"<(?:\w+:)?Relationship\b([^>]*)>")
_DATE1904 = re.compile(r'date1904="(?:1|true)"')
_NUMFMT = re.compile(r'<(?:\w+:)?numFmt\b[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"')
_CELLXFS = re.compile(r"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_XF = re.compile(r"<(?:\w+:)?xf\b([^>]*)")
_NUMFMT_ID = re.compile(r'numFmtId="(\d+)"')
# Excel's built-in date and time formats
_DATE_FORMATS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57}
_FORMAT_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_SI = re.compile(r"<(?:\w+:)?si>(.*?)</(?:\w+:)?si>|<(?:\w+:)?si\s*/>", re.S)
_SST_COUNT = re.compile(r'uniqueCount="(\d+)"')
_T = re.compile(r"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>|<(?:\w+:)?t\s*/>", re.S)
_RPH = re.compile(r"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]*\d+:?[A-Z]*(\d*)"')


def _entity(match):
    name = match.group(1)
    if name[0] == "#":
        code = int(name[2:], 16) if name[1] == "x" else int(name[1:])
        return chr(code) if code <= 0x10FFFF else "\ufffd"
    return _ENTITIES[name]


def _unescape(text):
    return _ENTITY.sub(_entity, text) if "&" in text else text


def _is_date_format(code):
    code = _FORMAT_LITERAL.sub("", code).lower()
    return any(char in code for char in "dmyhs") and "general" not in code


class XlsxTable(_Table):
    """The first sheet of an XLSX workbook, streamed (see the module's docstring)."""

    kind = "xlsx"

    def __init__(self, data, limits, merged=False, allow_nul=False):
        self.limits = limits
        self.allow_nul = allow_nul
        self.decomposed = False  # whether a part read so far holds combining marks (UTF-8 0xCC/0xCD)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self._check_sizes()
            self._read_workbook()
            self._read_styles()
            self.shared = self._read_shared_strings()
            self.merges = self._scan_merges() if merged else []
        except zipfile.BadZipFile as err:
            raise TableError(_lt(
                "The file cannot be read as an Excel workbook (%(error)s): save it again as "
                ".xlsx or CSV UTF-8.", error=str(err)), code="workbook") from None
        except (OSError, EOFError, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as err:
            raise TableError(_lt(
                "The file cannot be read as an Excel workbook (%(error)s): save it again as "
                ".xlsx or CSV UTF-8.", error=str(err) or type(err).__name__),
                code="workbook") from None

    # -------------------------------------------------------------- parts
    def _check_sizes(self):
        """Refuse a decompression bomb before decompressing anything: the declared sizes of
        the parts (zipfile never returns more bytes than declared: a part that decompresses
        to more fails its CRC check, while streaming)."""
        limits = self.limits
        infos = self.zip.infolist()
        if len(infos) > 10000:
            raise TableError(_lt("The workbook has more than 10,000 parts: it is not a list."))
        total = sum(info.file_size for info in infos)
        if total > limits.uncompressed_bytes:
            raise TableError(_lt(
                "The workbook decompresses to %(size)s MB, more than the %(limit)s MB an upload "
                "may have: split it.", size=round(total / MiB),
                limit=round(limits.uncompressed_bytes / MiB)), code="limit")
        for info in infos:
            if info.file_size > MiB and info.file_size > limits.ratio * max(info.compress_size, 1):
                raise TableError(_lt(
                    "The workbook's part %(part)s decompresses to %(ratio)s times its size "
                    "(more than %(limit)s): it is refused as a possible decompression bomb.",
                    part=info.filename, ratio=info.file_size // max(info.compress_size, 1),
                    limit=limits.ratio), code="limit")
        self.names = {info.filename for info in infos}

    def _read_part(self, name, limit=16 * MiB):
        """The text of a small part (workbook, relations, styles), or None if missing."""
        if name not in self.names:
            return None
        if self.zip.getinfo(name).file_size > limit:
            raise TableError(_lt("The workbook's part %(part)s is too large.", part=name))
        try:
            return self.zip.read(name).decode("utf-8")
        except UnicodeDecodeError:
            raise TableError(_lt("The workbook's part %(part)s is not UTF-8 text.",
                                 part=name)) from None

    def _read_workbook(self):
        workbook = self._read_part("xl/workbook.xml")
        if workbook is None:
            raise TableError(_NOT_A_TABLE, code="kind")
        sheets = [dict(_ATTR.findall(attrs)) for attrs in _SHEET_TAG.findall(workbook)]
        if not sheets:
            raise TableError(_lt("The workbook has no sheet."), code="workbook")
        self.epoch_1904 = bool(_DATE1904.search(workbook))
        first = sheets[0]
        self.sheet = _unescape(first.get("name") or "1")
        rel_id = next((v for k, v in first.items() if k.endswith(":id") or k == "id"), None)
        target = None
        rels = self._read_part("xl/_rels/workbook.xml.rels") or ""
        for attrs in _REL.findall(rels):
            rel = dict(_ATTR.findall(attrs))
            if rel.get("Id") == rel_id:
                target = rel.get("Target")
                break
        if target:
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            parts = []
            for part in target.split("/"):
                if part == "..":
                    parts = parts[:-1]
                elif part not in ("", "."):
                    parts.append(part)
            target = "/".join(parts)
        if not target or target not in self.names:
            target = "xl/worksheets/sheet1.xml"
        if target not in self.names:
            raise TableError(_lt("The workbook has no sheet."), code="workbook")
        self.sheet_part = target

    def _read_styles(self):
        """The indexes of the cell styles that format a date (their numbers are dates)."""
        styles = self._read_part("xl/styles.xml") or ""
        date_formats = set(_DATE_FORMATS)
        for fmt_id, code in _NUMFMT.findall(styles):
            if _is_date_format(_unescape(code)):
                date_formats.add(int(fmt_id))
            else:
                date_formats.discard(int(fmt_id))
        self.dates = set()
        xfs = _CELLXFS.search(styles)
        for index, attrs in enumerate(_XF.findall(xfs.group(1)) if xfs else ()):
            fmt = _NUMFMT_ID.search(attrs)
            if fmt and int(fmt.group(1)) in date_formats:
                self.dates.add(index)

    def _stream(self, name):
        """The text of a part, decoded, in blocks; bad UTF-8 is a TableError (``where`` of the
        bytes read so far gives the place)."""
        source = self.zip.open(name)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while True:
                try:
                    block = source.read(BLOCK)
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as err:
                    # a part that decompresses to more than its header says fails its CRC
                    raise TableError(_lt(
                        "The workbook's part %(part)s is damaged (%(error)s): save the file again "
                        "from Excel.", part=name, error=str(err) or type(err).__name__),
                        sheet=self.sheet if name == getattr(self, "sheet_part", None) else None,
                        code="workbook") from None
                try:
                    text = decoder.decode(block, final=not block)
                except UnicodeDecodeError as err:
                    raise _BadUtf8(block[:err.start]) from None
                if not self.decomposed and (b"\xcc" in block or b"\xcd" in block):
                    self.decomposed = True  # combining marks U+0300-U+037F: normalise to NFC
                yield text
                if not block:
                    return
        finally:
            source.close()

    def _read_shared_strings(self):
        name = "xl/sharedStrings.xml"
        self.shared_risky = False
        if name not in self.names:
            return []
        limits = self.limits
        shared, chars, pending, risky, first = [], 0, "", False, 0
        try:
            for text in self._stream(name):
                if not shared and not pending:
                    count = _SST_COUNT.search(text[:4096])
                    if count and int(count.group(1)) > limits.shared_strings:
                        raise self._too_many_strings()
                pending += text
                end = 0
                for match in _SI.finditer(pending):
                    value = _string(match.group(1)) if match.group(1) else ""
                    if self.decomposed and _COMBINING.search(value):
                        value = unicodedata.normalize("NFC", value)
                    chars += len(value)
                    shared.append(value)
                    end = match.end()
                if not risky and end:
                    risky = any("\x00" in v or len(v) > limits.cell_chars
                                for v in shared[first:])
                first = len(shared)
                if len(shared) > limits.shared_strings:
                    raise self._too_many_strings()
                if chars > limits.shared_chars:
                    raise TableError(_lt(
                        "The workbook's shared strings hold more than %(limit)s characters.",
                        limit=limits.shared_chars), code="limit")
                pending = pending[end:]
                if len(pending) > max(4 * limits.cell_chars, BLOCK) * 2:
                    raise TableError(_lt("A shared string holds more than %(limit)s characters.",
                                         limit=limits.cell_chars), code="limit")
        except _BadUtf8:
            raise TableError(_lt("The shared string %(index)s is not UTF-8 text.",
                                 index=len(shared))) from None
        # a shared string with a NUL or over the cell limit: the rows are checked cell by cell
        self.shared_risky = risky
        return shared

    def _too_many_strings(self):
        return TableError(_lt("The workbook has more than %(limit)s shared strings.",
                              limit=self.limits.shared_strings), code="limit")

    def row_estimate(self):
        """The number of the last row, from the sheet's dimension (0 when it has none)."""
        with self.zip.open(self.sheet_part) as source:
            head = source.read(1 << 16)
        found = _DIMENSION.search(head)
        return int(found.group(1)) if found and found.group(1) else 0

    _MERGE = re.compile(rb'<(?:\w+:)?mergeCell [^>]*ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')

    def _scan_merges(self):
        """Merged ranges of the sheet (r1, c1, r2, c2), read from its XML (they follow the
        data): the sheet's bytes are streamed once more, nothing kept but the ranges."""
        merges, tail = set(), b""
        source = self.zip.open(self.sheet_part)
        try:
            while True:
                try:
                    chunk = source.read(BLOCK)
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as err:
                    raise TableError(_lt(
                        "The workbook's part %(part)s is damaged (%(error)s): save the file again "
                        "from Excel.", part=self.sheet_part, error=str(err) or type(err).__name__),
                        sheet=self.sheet, code="workbook") from None
                block = tail + chunk
                cut = block.rfind(b"<") if chunk else len(block)
                if b"mergeCell" in block:
                    for c1, r1, c2, r2 in self._MERGE.findall(block[:cut]):
                        merges.add((int(r1), column_index(c1.decode()), int(r2 or r1),
                                    column_index((c2 or c1).decode())))
                    tail = block[cut:]
                else:
                    tail = block[-64:]
                if len(merges) > self.limits.rows:
                    raise TableError(_lt("The sheet has too many merged ranges."),
                                     sheet=self.sheet, code="limit")
                if not chunk:
                    break
        finally:
            source.close()
        return sorted(merges)

    # -------------------------------------------------------------- rows
    def __iter__(self):
        if not self.merges:
            yield from self._rows()
            return
        active = []  # [row_end, col_start, col_end, value]
        starts = {}
        for r1, c1, r2, c2 in self.merges:
            starts.setdefault(r1, []).append((c1, r2, c2))
        for number, values in self._rows():
            for c1, r2, c2 in starts.pop(number, ()):
                active.append([r2, c1, c2, values[c1 - 1] if c1 <= len(values) else None])
            if active:
                active = [m for m in active if m[0] >= number]
                for _r2, c1, c2, value in active:
                    if len(values) < c2:
                        values.extend([None] * (c2 - len(values)))
                    for col in range(c1, c2 + 1):
                        values[col - 1] = value
            yield number, values

    def _bad_utf8(self, err):
        where = err.args[0][-1 << 16:]
        row, column = _place(where)
        return TableError(_lt("The cell is not UTF-8 text: the file is damaged."),
                          sheet=self.sheet, row=row, column=column)

    def _rows(self):
        stream = self._stream(self.sheet_part)
        try:
            head = next(stream, "")
            if "<sheetData" not in head and len(head) >= BLOCK:
                head += next(stream, "")
            if "<sheetData" not in head:
                stream.close()
                yield from self._rows_lxml()
                return
            yield from self._rows_regex(stream, head)
        except _BadUtf8 as err:
            raise self._bad_utf8(err) from None
        finally:
            stream.close()

    def _error(self, reason, row=None, column=None):
        return TableError(reason, sheet=self.sheet, row=row, column=column)

    def _value(self, kind, text, is_date, number, col):
        """A cell's value from its type and the text of its <v> (not empty)."""
        if kind == "n":
            try:
                value = float(text) if "." in text or "E" in text or "e" in text \
                    else int(text)
            except ValueError:
                raise self._error(_lt("The cell is a number cell but holds %(value)s.",
                                      value=text[:50]), number, col) from None
            if value.__class__ is float and not math.isfinite(value):
                raise self._error(_lt("The cell is a number cell but holds %(value)s.",
                                      value=text[:50]), number, col)
            if is_date:
                try:
                    return excel_date(value, self.epoch_1904)
                except (ValueError, OverflowError):
                    raise self._error(_lt(
                        "The date serial number %(value)s is outside Excel's dates "
                        "(01/01/1900 to 31/12/9999).", value=text[:50]), number, col) from None
            return value
        if kind == "s":
            try:
                return self.shared[int(text)]
            except (ValueError, IndexError):
                raise self._error(_lt(
                    "The cell refers to the shared string %(index)s, which the workbook does "
                    "not have (it has %(count)s): the file is damaged.", index=text[:20],
                    count=len(self.shared)), number, col) from None
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            try:
                return datetime.datetime.fromisoformat(text.strip().rstrip("Z"))
            except ValueError:
                raise self._error(_lt("The cell is a date cell but holds %(value)s.",
                                      value=text[:50]), number, col) from None
        # str (formula text result), inlineStr, e (error such as #N/A)
        return _unescape(text)

    def _check_row(self, number, values):
        """NUL characters and overlong cells of a row whose XML text shows them."""
        limits = self.limits
        for col, value in enumerate(values, 1):
            if value.__class__ is str:
                if "\x00" in value and not self.allow_nul:
                    raise self._error(_NUL, number, col)
                if len(value) > limits.cell_chars:
                    raise _cell_too_long(limits, self.sheet, number, col)

    def _rows_regex(self, stream, head):
        limits = self.limits
        max_rows, max_cols, long_row = limits.rows, limits.columns, limits.cell_chars
        columns, attributes = {}, {}  # caches: column letters, attribute texts
        dates = self.dates
        value_of = self._value
        shared_risky = self.shared_risky
        for number, body in _row_bodies(stream, head, limits, self):
            if number > max_rows:
                raise _too_many_rows(limits, number, self.sheet)
            if not body:
                yield number, []
                continue
            cells = _CELL_TAG.findall(body) if "<f" not in body else ()
            if len(cells) != body.count("<c ") + body.count("<c>"):
                values = self._row_lxml(body, number, columns)
            else:
                values = []
                for letters, attrs, text, inline in cells:
                    col = columns.get(letters)
                    if col is None:
                        col = column_index(letters)
                        if col > max_cols:
                            raise _too_many_columns(limits, number, col, self.sheet)
                        columns[letters] = col
                    kind, is_date = attributes.get(attrs) or attributes.setdefault(
                        attrs, _cell_kind(attrs, dates))
                    if kind == "inlineStr":
                        value = _ENTITY.sub(_entity, inline) if "&" in inline else inline
                    elif not text:
                        value = None
                    else:
                        value = value_of(kind, text, is_date, number, col)
                    size = len(values)
                    if col == size + 1:
                        values.append(value)
                    else:
                        if col > size:
                            values.extend([None] * (col - size))
                        values[col - 1] = value
            if len(body) > long_row or "\x00" in body or "&#" in body or shared_risky:
                self._check_row(number, values)
            yield number, values

    def _row_lxml(self, body, number, columns):
        """The values of one row's cells (the XML inside <row>), read with lxml."""
        from lxml import etree  # noqa: PLC0415

        try:
            row = etree.fromstring("<row>%s</row>" % body)
        except etree.XMLSyntaxError as err:
            raise self._error(_lt("The row cannot be read (%(error)s): the file is damaged.",
                                  error=str(err)), number) from None
        return self._cells_lxml(row, "", number, columns)

    def _cells_lxml(self, row, ns, number, columns):
        tag_v, tag_f, tag_is, tag_t = ns + "v", ns + "f", ns + "is", ns + "t"
        limits = self.limits
        values = []
        col = 0
        for cell in row:
            ref = cell.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                col = columns.get(letters)
                if col is None:
                    col = columns[letters] = column_index(letters)
            else:
                col += 1
            if col > limits.columns or col < 1:
                raise _too_many_columns(limits, number, col, self.sheet)
            kind = cell.get("t", "n")
            text = formula = None
            for child in cell:
                tag = child.tag
                if tag == tag_v:
                    text = child.text
                elif tag == tag_f:
                    formula = "=" + (child.text or "")
                elif tag == tag_is:
                    text = "".join(t.text or "" for t in child.iter(tag_t))
            if text is None or text == "" and kind != "inlineStr":
                value = FormulaWithoutValue(formula) if formula else None
            elif kind == "inlineStr":
                value = text
            else:
                style = cell.get("s")
                value = self._value(kind, text if kind in ("n", "s", "b", "d") else
                                    text.replace("&", "&amp;"),
                                    bool(style) and style.isdigit() and int(style) in self.dates,
                                    number, col)
            if col > len(values):
                values.extend([None] * (col - len(values)))
            values[col - 1] = value
        return values

    def _rows_lxml(self):
        """The same with lxml, for sheets whose tags carry a namespace prefix."""
        from lxml import etree  # noqa: PLC0415

        source = self.zip.open(self.sheet_part)
        number = 0
        try:
            ns = None
            columns = {}
            for _event, row in etree.iterparse(source, events=("end",), tag="{*}row",
                                               resolve_entities=False, no_network=True,
                                               huge_tree=False):
                if ns is None:
                    ns = row.tag[:row.tag.index("}") + 1] if row.tag.startswith("{") else ""
                ref = row.get("r")
                number = int(ref) if ref and ref.isdigit() else number + 1
                if number > self.limits.rows:
                    raise _too_many_rows(self.limits, number, self.sheet)
                values = self._cells_lxml(row, ns, number, columns)
                self._check_row(number, values)
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]
                yield number, values
        except etree.XMLSyntaxError as err:
            raise self._error(_lt("The sheet cannot be read (%(error)s): the file is damaged.",
                                  error=str(err)), number + 1) from None
        finally:
            source.close()

    def close(self):
        self.zip.close()


class _BadUtf8(Exception):
    """Bytes that are not UTF-8; ``args[0]``: the bytes of the block before them."""


_CELL_REF_AT = re.compile(rb'<(?:\w+:)?c r="([A-Z]+)(\d+)"')
_ROW_AT = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')


def _place(raw):
    """(row, column) of the last cell (or row) started in ``raw``."""
    cells = list(_CELL_REF_AT.finditer(raw))
    if cells:
        return int(cells[-1].group(2)), column_index(cells[-1].group(1).decode())
    rows = list(_ROW_AT.finditer(raw))
    return (int(rows[-1].group(1)), None) if rows else (None, None)


def _string(raw):
    """The text of a shared string (its runs joined, phonetic hints left out)."""
    if "<rPh" in raw:
        raw = _RPH.sub("", raw)
    if "<r>" not in raw and "<r " not in raw and ":r>" not in raw:
        match = _T.match(raw)
        if match and match.end() == len(raw):
            return _unescape(match.group(1) or "")
    return "".join(_unescape(part) for part in _T.findall(raw))


# A cell as spreadsheet programs write it: reference first, other attributes, then a value
# (<v>) or an inline string of one text run (<is><t>). Rows with formulas, rich text or cells
# of another shape are read with lxml (_row_lxml).
_CELL_TAG = re.compile(
    r'<c r="([A-Z]+)\d+"([^>]*?)(?:/>|>(?:<v>([^<]*)</v>|<is><t(?:\s[^>]*)?>([^<]*)</t></is>)?</c>)')
_ROW_NUMBER = re.compile(r'\br="(\d+)"')
_KIND = re.compile(r'\bt="(\w+)"')
_STYLE = re.compile(r'\bs="(\d+)"')


def _cell_kind(attrs, dates):
    """(type, is a date) of a cell from the text of its attributes."""
    kind, style = _KIND.search(attrs), _STYLE.search(attrs)
    return kind.group(1) if kind else "n", bool(style) and int(style.group(1)) in dates


# combining marks: text holding them may not be NFC (a quicker test than is_normalized on the
# whole sheet, and what the decomposed accents of Vietnamese text are made of)
_COMBINING = re.compile("[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _row_bodies(stream, head, limits, table):
    """(row number, XML inside the row) of the sheet's rows, from the decoded blocks of
    ``stream`` (after the first one, ``head``): the text is cut at each "</row>" (str.split, at C
    speed), the start tag of the row is at the start of each piece, after any self-closing rows
    (empty, body ""). A row longer than the limits allow is refused before it is read whole."""
    expected = 0
    pending = head
    most = max(limits.columns * (limits.cell_chars + 200), 4 * BLOCK)
    done = False
    while not done:
        block = next(stream, "")
        done = not block
        pending += block
        end = len(pending) if done else pending.rfind("</row>")
        if end < 0:
            if len(pending) > most:
                raise TableError(_lt("A row of the sheet is larger than a row may be (%(limit)s "
                                     "columns of %(chars)s characters).", limit=limits.columns,
                                     chars=limits.cell_chars), sheet=table.sheet,
                                 row=expected + 1, code="limit")
            continue
        if not done:
            end += len("</row>")
        chunk, pending = pending[:end], pending[end:]
        if table.decomposed and _COMBINING.search(chunk):  # decomposed accents (macOS...)
            chunk = unicodedata.normalize("NFC", chunk)
        pieces = chunk.split("</row>")
        last = len(pieces) - 1
        for index, piece in enumerate(pieces):
            start = piece.find("<row")
            while start >= 0:
                close = piece.find(">", start)
                if close < 0:
                    break
                attrs = piece[start + 4:close]
                if attrs[:1] not in ("", " ", "/", "\t", "\n", "\r"):  # <rowBreaks>...
                    start = piece.find("<row", close)
                    continue
                number = _ROW_NUMBER.search(attrs)
                number = expected = int(number.group(1)) if number else expected + 1
                if attrs.endswith("/"):
                    yield number, ""
                    start = piece.find("<row", close)
                    continue
                if index < last:  # the last piece has no "</row>": no row ends in it
                    yield number, piece[close + 1:]
                break
