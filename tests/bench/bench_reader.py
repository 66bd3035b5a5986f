"""Reading uploaded tables: the candidate readers on the 100,000-row benchmark list.

The list is the one ``bench_import`` imports (``tools.import_template.synthetic_rows``,
25,000 households of 4 people, 16 columns), written as CSV UTF-8 and as XLSX twice: inline
strings (xlsxwriter's constant-memory mode, like our own exports) and shared strings (what
Excel and LibreOffice save). Each reader reads every row of the file in a child process, so
that its peak memory is its own: ``reader.<file>.<reader>.seconds`` and ``.peak_mb`` (growth of
the child's peak resident size while reading, the file's bytes already loaded).

Also the decompression bomb of the upload limits (sp_base README, "Uploaded tables"):
``reader.bomb.seconds`` and ``reader.bomb.peak_mb`` until it is refused.

Run alone (no database): ``python3 tests/bench/bench_reader.py [--households 25000]
[--readers sp_base calamine ...] [--old FOLDER]``; ``--old``: a folder with copies of former
readers to compare with (``git show REV:addons/sp_registry/tools/import_reader.py >
FOLDER/old_import_reader.py``, and ``sp_payment/tools/xlsx_reader.py`` as
``old_xlsx_reader.py``). Seconds are CPU seconds of the child (the machine may be shared).
"""
import argparse
import os
import subprocess
import sys
import tempfile

CHILD = r"""
import sys, time
sys.path[:0] = %(paths)r
import odoo  # noqa: the addons namespace
odoo.addons.__path__[:0] = %(addons)r
reader, path = sys.argv[1], sys.argv[2]
sys.path[:0] = sys.argv[3:]
data = open(path, "rb").read()
def sp_base(data):
    from odoo.addons.sp_base.tools.table_reader import read_table
    with read_table(data, path) as table:
        for row in table:
            pass
def registry(data):
    from odoo.addons.sp_registry.tools.import_reader import Table
    table = Table(data, path)
    for row in table.rows():
        pass
    table.close()
def old_registry(data):  # a copy of a former reader, put on the path by --old FOLDER
    from old_import_reader import Table
    table = Table(data, path)
    for row in table.rows():
        pass
    table.close()
def old_payment(data):
    from old_xlsx_reader import XlsxRows
    for row in XlsxRows(data):
        pass
def calamine(data):
    import io, python_calamine
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    for row in book.get_sheet_by_index(0).iter_rows():
        pass
def openpyxl(data):
    import io, openpyxl
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for row in book.worksheets[0].iter_rows(values_only=True):
        pass
def csv_module(data):
    import csv, io
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
        pass
def bomb(data):
    from odoo.addons.sp_base.tools.table_reader import read_table, TableError
    try:
        with read_table(data, path) as table:
            for row in table:
                pass
    except TableError:
        return
    raise AssertionError("the bomb was read")
function = {"sp_base": sp_base, "registry": registry, "old_registry": old_registry,
            "old_payment": old_payment, "calamine": calamine,
            "openpyxl": openpyxl, "csv": csv_module, "bomb": bomb}[reader]
import importlib
for module in ("python_calamine", "openpyxl", "lxml.etree"):
    try:
        importlib.import_module(module)
    except ImportError:
        pass
def status(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key))
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # the peak resident size (VmHWM) starts again from the current one
before = status("VmRSS:")
start = time.process_time()
function(data)
seconds = time.process_time() - start
print("%%.3f %%.1f" %% (seconds, (status("VmHWM:") - before) / 1024))
"""

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _measure(reader, path, old=None):
    import odoo  # noqa: PLC0415

    code = CHILD % {"paths": [os.path.dirname(os.path.dirname(odoo.__file__))],
                    "addons": [os.path.join(ROOT, "addons")]}
    done = subprocess.run([sys.executable, "-c", code, reader, path, *([old] if old else [])],
                          capture_output=True, text=True, check=False)
    if done.returncode and "ModuleNotFoundError" in done.stderr:
        return None  # a candidate library that is not installed (python-calamine): skipped
    done.check_returncode()
    out = done.stdout.split()
    return float(out[0]), float(out[1])


def write_lists(folder, households):
    import odoo.addons  # noqa: PLC0415

    if os.path.join(ROOT, "addons") not in odoo.addons.__path__:
        odoo.addons.__path__.insert(0, os.path.join(ROOT, "addons"))
    from odoo.addons.sp_registry.tools.import_reader import TEMPLATE_FIELDS  # noqa: PLC0415
    from odoo.addons.sp_registry.tools.import_template import (  # noqa: PLC0415
        synthetic_rows,
        template_headers,
        write_synthetic_list,
    )

    communes = ["99001", "99002", "99003", "99004"]
    paths = {}
    for kind in ("csv", "xlsx"):
        paths[kind] = os.path.join(folder, "list.%s" % kind)
        write_synthetic_list(paths[kind], synthetic_rows(households, communes))
    import xlsxwriter  # noqa: PLC0415

    paths["xlsx_shared"] = os.path.join(folder, "list_shared.xlsx")
    book = xlsxwriter.Workbook(paths["xlsx_shared"], {"strings_to_numbers": False})
    sheet = book.add_worksheet("Danh sách")
    sheet.write_row(0, 0, template_headers())
    for number, row in enumerate(synthetic_rows(households, communes), 1):
        sheet.write_row(number, 0, [row.get(k, "") for k in TEMPLATE_FIELDS])
    book.close()
    return paths


def write_bomb(path, rows=2_000_000):
    """A sheet of ``rows`` identical rows (about 1 GB of XML below 1 MB compressed): the
    compression ratio, not the file size, makes it a bomb."""
    import zipfile  # noqa: PLC0415

    row = b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + b"x" * 400 + b"</t></is></c></row>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        book.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        book.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            block = row * 1000
            for _i in range(rows // 1000):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")


READERS = {
    "csv": ["sp_base", "registry", "old_registry", "csv"],
    "xlsx": ["sp_base", "registry", "old_registry", "old_payment", "calamine", "openpyxl"],
    "xlsx_shared": ["sp_base", "registry", "old_registry", "old_payment", "calamine",
                    "openpyxl"],
}
OLD = {"old_registry", "old_payment"}


def measure(report, households, readers=None, old=None):
    with tempfile.TemporaryDirectory() as folder:
        paths = write_lists(folder, households)
        for kind, path in paths.items():
            report("reader.%s.size" % kind, os.path.getsize(path) / 1e6, "MB")
            for reader in READERS[kind]:
                if readers and reader not in readers or reader in OLD and not old:
                    continue
                measured = _measure(reader, path, old)
                if measured is None:
                    continue
                seconds, peak = measured
                report("reader.%s.%s.seconds" % (kind, reader), seconds, "s")
                report("reader.%s.%s.peak_mb" % (kind, reader), peak, "MB")
        if not readers or "sp_base" in readers:
            bomb = os.path.join(folder, "bomb.xlsx")
            write_bomb(bomb)
            report("reader.bomb.size", os.path.getsize(bomb) / 1e3, "kB")
            seconds, peak = _measure("bomb", bomb)
            report("reader.bomb.seconds", seconds, "s")
            report("reader.bomb.peak_mb", peak, "MB")


def run(env, ctx):
    measure(ctx.report, ctx.size(25000, 500))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=25000)
    parser.add_argument("--readers", nargs="*")
    parser.add_argument("--old", help="a folder holding copies of former readers "
                        "(old_import_reader.py, old_xlsx_reader.py) to compare with")
    args = parser.parse_args()

    def report(name, value, unit=""):
        print("%s: %.3f %s" % (name, value, unit), flush=True)

    measure(report, args.households, args.readers, args.old)


if __name__ == "__main__":
    main()
