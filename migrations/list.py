"""Lists every migration shipped under addons/*/migrations/ as the Markdown table of
migrations/README.md (module, version, phase, file, what it does: the docstring's first
paragraph).

    python3 migrations/list.py            # print the table
    python3 migrations/list.py --check    # exit 1 when README.md misses a migration file

Paste the printed table into README.md ("Migrations shipped") whenever a migration is added.
"""
# A command line prints its table.
# pylint: disable=print-used
import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "migrations" / "README.md"
PHASES = {"pre": "pre", "post": "post", "end": "end"}


def migrations():
    """[(module, version, phase, relative path, summary)] in module, version, phase order."""
    rows = []
    for path in sorted(ROOT.glob("addons/*/migrations/*/*.py")):
        module, version = path.parts[-4], path.parts[-2]
        phase = PHASES.get(path.name.split("-", 1)[0], "?")
        doc = ast.get_docstring(ast.parse(path.read_text())) or ""
        # The first paragraph, without the leading "18.0.x.y.z:" the files start with.
        summary = " ".join(doc.split("\n\n", 1)[0].split()).replace("``", "`")
        summary = re.sub(r"^[0-9.]+[0-9][:,]\s*", "", summary) or "(no docstring: say what it does)"
        rows.append((module, version, phase, path.relative_to(ROOT).as_posix(),
                     summary.replace("|", "\\|")))
    order = {"pre": 0, "post": 1, "end": 2, "?": 3}
    rows.sort(key=lambda r: (r[0], [int(x) for x in re.findall(r"\d+", r[1])], order[r[2]], r[3]))
    return rows


def table(rows):
    lines = ["| Module | Version | Phase | File | What it does |", "|---|---|---|---|---|"]
    lines += ["| %s | %s | %s | `%s` | %s |" % row for row in rows]
    return "\n".join(lines)


def main(argv):
    rows = migrations()
    if "--check" in argv:
        text = README.read_text()
        missing = [row[3] for row in rows if row[3] not in text]
        for path in missing:
            print("not listed in migrations/README.md: %s" % path)
        return 1 if missing else 0
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
