"""A streaming reader of the first sheet of an XLSX file, for the agency's result files.

openpyxl builds a Python object per cell (100,000 rows of the 24-column list are 2.4 million),
and so does any XML parser: a tree node per cell, per inline string and per text. This reader
scans the sheet's XML as bytes, a few megabytes at a time, with a regular expression that
matches only the cells of the columns asked for (once the caller has found its header), so
Python sees a third of the cells and builds no tree. The scan relies on what every spreadsheet
program writes (Excel, LibreOffice, openpyxl, xlsxwriter): each cell starts with its reference,
``<c r="B7" ...>``. A sheet written otherwise (no references, a namespace prefix) is read with
lxml instead, at constant memory too.

Values: text (shared or inline strings), numbers (float), booleans; dates stay Excel serial
numbers (the caller knows which columns are dates, see ``serial_to_date``).
"""
import datetime
import html
import io
import itertools
import re
import zipfile

from lxml import etree

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
DIGITS = "0123456789"
EXCEL_EPOCH = datetime.date(1899, 12, 30)
BLOCK = 4 << 20
# a cell with its reference first: column letters, row number, other attributes, content
CELL = rb'<c r="(%s)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)'
ANY_COLUMN = rb"[A-Z]{1,3}"
TYPE = re.compile(rb'\bt="([A-Za-z]+)"')
VALUE = re.compile(rb"<v>(.*?)</v>", re.S)
TEXT = re.compile(rb"<t(?:\s[^>]*)?>(.*?)</t>", re.S)
PHONETIC = re.compile(rb"<rPh\b.*?</rPh>", re.S)
SHARED = re.compile(rb"<si>(.*?)</si>|<si/>", re.S)


def column_index(letters):
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def column_letters(index):
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def serial_to_date(value):
    """An Excel date serial number (1900 system) as a date."""
    return EXCEL_EPOCH + datetime.timedelta(days=int(value))


def _text(raw):
    text = raw.decode("utf-8")
    return html.unescape(text) if "&" in text else text


def _string(raw):
    """The text of a shared or inline string (its runs joined, phonetic hints left out)."""
    if b"<rPh" in raw:
        raw = PHONETIC.sub(b"", raw)
    return "".join(_text(part) for part in TEXT.findall(raw))


class XlsxRows:
    """Iterating yields each row as a list. While ``columns`` is None every column is kept (up
    to the last non-empty one: to find the header); once the caller sets ``columns`` to a set
    of indexes, only those are read (the other positions are None). ``row_number`` is the
    sheet's number of the row last yielded. Rows without any cell read are not yielded."""

    def __init__(self, data):
        self.columns = None
        self.row_number = 0
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.shared = self._shared_strings()
        self.sheet = self._first_sheet()

    def _shared_strings(self):
        try:
            data = self.zip.read("xl/sharedStrings.xml")
        except KeyError:
            return []
        return [_string(raw) if raw else "" for raw in SHARED.findall(data)]

    def _first_sheet(self):
        workbook = etree.fromstring(self.zip.read("xl/workbook.xml"))
        first = workbook.find(NS + "sheets/" + NS + "sheet")
        rel_id = first.get(REL_NS + "id")
        rels = etree.fromstring(self.zip.read("xl/_rels/workbook.xml.rels"))
        for rel in rels:
            if rel.get("Id") == rel_id:
                target = rel.get("Target").lstrip("/")
                return target if target.startswith("xl/") else "xl/" + target
        return "xl/worksheets/sheet1.xml"

    # ------------------------------------------------------------------ values
    def _value(self, attrs, content):
        if not content:
            return None
        kind = TYPE.search(attrs)
        kind = kind.group(1) if kind else b"n"
        if kind == b"inlineStr":
            return _string(content)
        found = VALUE.search(content)
        if not found:
            return None
        raw = found.group(1)
        if kind == b"s":
            return self.shared[int(raw)]
        if kind in (b"str", b"e"):
            return _text(raw)
        if kind == b"b":
            return raw == b"1"
        return float(raw) if raw else None

    def _row(self, number, cells):
        self.row_number = number
        columns = self.columns
        width = max(columns) + 1 if columns else (max(cells) + 1 if cells else 0)
        values = [None] * width
        for col, (attrs, content) in cells.items():
            if col < width:
                values[col] = self._value(attrs, content)
        return values

    # ------------------------------------------------------------------ scanning
    def _chunks(self):
        """The sheet's XML in blocks that end after a whole row."""
        stream = self.zip.open(self.sheet)
        rest = b""
        while True:
            block = stream.read(BLOCK)
            if not block:
                if rest:
                    yield rest
                return
            rest += block
            end = rest.rfind(b"</row>")
            if end >= 0:
                end += len(b"</row>")
                yield rest[:end]
                rest = rest[end:]

    @staticmethod
    def _scannable(chunk):
        """Every cell of the chunk starts with its reference (what the scan relies on)."""
        return chunk.count(b"<c ") + chunk.count(b"<c>") == chunk.count(b'<c r="')

    def _pattern(self):
        if not self.columns:
            return re.compile(CELL % ANY_COLUMN, re.S)
        letters = b"|".join(column_letters(c).encode() for c in sorted(self.columns))
        return re.compile(CELL % letters, re.S)

    def __iter__(self):
        chunks = self._chunks()
        first = next(chunks, b"")
        if b"<sheetData" not in first or not self._scannable(first):
            yield from self._iter_lxml()
            return
        cache = {}
        number, cells = None, None
        for chunk in itertools.chain((first,), chunks):
            if chunk is not first and not self._scannable(chunk):
                raise etree.XMLSyntaxError("a cell without its reference", None, 0, 0)
            position = 0
            while position is not None:
                columns, pattern, restart = self.columns, self._pattern(), None
                for found in pattern.finditer(chunk, position):
                    letters, row, attrs, content = found.groups()
                    if row != number:
                        if cells:
                            yield self._row(int(number), cells)
                        number, cells = row, {}
                        if self.columns is not columns:  # the header was found: fewer columns
                            restart = found.start()
                            number = None
                            break
                    col = cache.get(letters)
                    if col is None:
                        col = cache[letters] = column_index(letters.decode())
                    cells[col] = (attrs, content)
                position = restart
        if cells:
            yield self._row(int(number), cells)

    def _iter_lxml(self):
        """The same rows from a sheet the scan cannot read, with lxml (slower)."""
        cache = {}
        number = 0
        for _event, row in etree.iterparse(self.zip.open(self.sheet), tag=NS + "row"):
            number = int(row.get("r") or number + 1)
            columns = self.columns
            cells = {}
            position = 0
            for cell in row.iterchildren(NS + "c"):
                ref = cell.get("r")
                if ref:
                    letters = ref.rstrip(DIGITS)
                    col = cache.get(letters)
                    if col is None:
                        col = cache[letters] = column_index(letters)
                    position = col + 1
                else:  # no reference: the cell after the previous one
                    col = position
                    position += 1
                if columns is not None and col not in columns:
                    continue
                cells[col] = etree.tostring(cell, encoding="utf-8", with_tail=False)
            row.clear()
            while row.getprevious() is not None:
                del row.getparent()[0]
            if cells:
                yield self._row(number, {col: self._split(xml) for col, xml in cells.items()})

    @staticmethod
    def _split(xml):
        """(attributes, content) of a cell serialised by lxml, in the scan's terms: the
        default namespace dropped, so the same value reader applies."""
        xml = re.sub(rb"<(/?)[A-Za-z0-9_]+:", rb"<\1", xml)
        xml = re.sub(rb'\sxmlns(:[A-Za-z0-9_]+)?="[^"]*"', b"", xml)
        found = re.match(rb"<c\b([^>]*?)(?:/>|>(.*)</c>)\s*$", xml, re.S)
        return (found.group(1), found.group(2)) if found else (b"", None)
