"""A streaming reader of the first sheet of an XLSX file, for the agency's result files.

openpyxl builds a Python object per cell (100,000 rows of the 24-column list are 2.4 million);
this reads the sheet's XML with lxml, row by row at constant memory, and keeps only the columns
asked for. Values: text (shared or inline strings), numbers (float), booleans; dates stay Excel
serial numbers (the caller knows which columns are dates, see ``serial_to_date``).
"""
import datetime
import io
import zipfile

from lxml import etree

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
DIGITS = "0123456789"
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def column_index(letters):
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def serial_to_date(value):
    """An Excel date serial number (1900 system) as a date."""
    return EXCEL_EPOCH + datetime.timedelta(days=int(value))


class XlsxRows:
    """Iterating yields each row as a list. While ``columns`` is None every column is kept (up
    to the last non-empty one: to find the header); once the caller sets ``columns`` to a set
    of indexes, only those are read (the other positions are None)."""

    def __init__(self, data):
        self.columns = None
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.shared = self._shared_strings()
        self.sheet = self._first_sheet()

    def _shared_strings(self):
        try:
            source = self.zip.open("xl/sharedStrings.xml")
        except KeyError:
            return []
        strings = []
        for _event, item in etree.iterparse(source, tag=NS + "si"):
            strings.append("".join(item.itertext(NS + "t")))
            item.clear()
        return strings

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

    def __iter__(self):
        cache = {}
        shared = self.shared
        for _event, row in etree.iterparse(self.zip.open(self.sheet), tag=NS + "row"):
            columns = self.columns
            width = max(columns) + 1 if columns else 0
            values = {}
            for cell in row.iterchildren(NS + "c"):
                ref = cell.get("r")
                letters = ref.rstrip(DIGITS) if ref else None
                col = cache.get(letters)
                if col is None:
                    col = cache[letters] = column_index(letters) if letters else len(values)
                if columns is not None and col not in columns:
                    continue
                kind = cell.get("t")
                if kind == "inlineStr":
                    node = cell.find(NS + "is")
                    value = "".join(node.itertext(NS + "t")) if node is not None else None
                else:
                    node = cell.find(NS + "v")
                    text = node.text if node is not None else None
                    if text is None:
                        value = None
                    elif kind == "s":
                        value = shared[int(text)]
                    elif kind in ("str", "e"):
                        value = text
                    elif kind == "b":
                        value = text == "1"
                    else:
                        value = float(text)
                values[col] = value
            row.clear()
            while row.getprevious() is not None:
                del row.getparent()[0]
            size = width or (max(values) + 1 if values else 0)
            yield [values.get(i) for i in range(size)]
