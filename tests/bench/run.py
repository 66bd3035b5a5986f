#!/usr/bin/env python3
"""Benchmark harness of the suite: builds or reuses a database at a chosen scale, then runs every
tests/bench/bench_*.py and prints one ``name: value unit`` line per figure (see README.md here).

    python3 tests/bench/run.py --config CONF --database DB [--people N] [--seed S] [--smoke]
                               [--only NAME] [--json PATH] [--rebuild] [--update]
                               [--template DB] [--verbose]

Also reachable as ``odoo --addons-path=... sp bench -c CONF -d DB ...``.
"""
import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TZ", "UTC")
HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import harness  # noqa: E402 - needs the path above

SMOKE_PEOPLE = 2000
DEFAULT_PEOPLE = 100000


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True, help="database to build or reuse")
    parser.add_argument("--people", type=int,
                        help="scale in people (default %s, %s with --smoke)"
                        % (DEFAULT_PEOPLE, SMOKE_PEOPLE))
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--smoke", action="store_true",
                        help="small and fast: a fresh database and small samples in every benchmark")
    parser.add_argument("--only", help="run only the benchmarks whose file name contains this")
    parser.add_argument("--json", help="figures file (default tests/bench/results/<db>.json)")
    parser.add_argument("--rebuild", action="store_true",
                        help="drop and rebuild the database even when its scale and seed match")
    parser.add_argument("--update", action="store_true",
                        help="when reusing the database, also update its suite modules to the "
                        "code on disk (odoo -u)")
    parser.add_argument("--template",
                        help="build by copying this database (every suite module installed, "
                        "nobody connected) instead of installing the modules")
    parser.add_argument("--verbose", action="store_true", help="Odoo's info log on the console")
    args, odoo_args = parser.parse_known_args(argv)
    if args.people is None:
        args.people = SMOKE_PEOPLE if args.smoke else DEFAULT_PEOPLE
    if args.json is None:
        args.json = str(HERE / "results" / ("%s.json" % args.database))
    return args, odoo_args


def main(argv=None):
    args, odoo_args = parse_args(sys.argv[1:] if argv is None else argv)
    return harness.run(args, odoo_args)


if __name__ == "__main__":
    sys.exit(main())
