"""The ``sp`` command of Odoo's command line (see sp_demo/README.md).

    odoo --addons-path=ADDONS sp demo  -c CONF -d DB [--households N | --people N] [--seed S]
                                       [--provinces 08,48]
    odoo --addons-path=ADDONS sp bench -c CONF -d DB [--people N] [--seed S] [--smoke]
                                       [--only NAME] [--json PATH] [--rebuild] [--update]
                                       [--template DB]
    odoo --addons-path=ADDONS sp users -c CONF -d DB

Odoo finds this command because the module has a ``cli`` folder; ``--addons-path`` must be the
first argument so that Odoo looks in the suite's folder. Other Odoo options (``--db_host``...)
may follow the command's own options.
"""
# A command line prints its results; it commits the demo users before the long generation.
# pylint: disable=print-used,invalid-commit
import argparse
import importlib.util
import sys
import time
from pathlib import Path

import odoo
from odoo.cli import Command

from ..tools import runtime


class Sp(Command):
    """Social protection suite: demo data, benchmarks, demo logins (sp demo|bench|users --help)"""

    name = "sp"

    def run(self, cmdargs):
        parser = argparse.ArgumentParser(
            prog="%s sp" % Path(sys.argv[0]).name,
            description="Social protection suite operations.",
        )
        actions = parser.add_subparsers(dest="action", required=True)

        demo = actions.add_parser("demo", help="generate seeded synthetic households and people")
        _database_options(demo)
        size = demo.add_mutually_exclusive_group()
        size.add_argument("--households", type=int, help="number of households (default 250)")
        size.add_argument("--people", type=int, help="number of people (instead of households)")
        demo.add_argument("--seed", type=int, default=1, help="same seed, same data (default 1)")
        demo.add_argument("--provinces", help="2-digit province codes, comma-separated "
                          "(default: the pilot provinces 08,48,68,86)")

        bench = actions.add_parser("bench", help="run the benchmarks of tests/bench")
        _database_options(bench)
        bench.add_argument("--people", type=int)
        bench.add_argument("--seed", type=int)
        bench.add_argument("--smoke", action="store_true")
        bench.add_argument("--only")
        bench.add_argument("--json")
        bench.add_argument("--rebuild", action="store_true")
        bench.add_argument("--update", action="store_true")
        bench.add_argument("--template")

        users = actions.add_parser("users", help="create (if needed) and print the demo logins")
        _database_options(users)

        args, odoo_args = parser.parse_known_args(cmdargs)
        return getattr(self, "_run_%s" % args.action)(args, odoo_args)

    def _run_demo(self, args, odoo_args):
        runtime.parse_config(args.config, args.database, odoo_args)
        registry = runtime.ensure_database(args.database, ["sp_demo"])
        t0 = time.time()
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            generator = env["sp.demo.generator"]
            logins = generator.create_demo_users()
            cr.commit()
            provinces = args.provinces.split(",") if args.provinces else None
            stats = generator.generate(
                households=None if args.people else (args.households or 250),
                people=args.people, seed=args.seed, provinces=provinces, commit=True,
            )
        print("households: %(households)s\npeople: %(people)s" % stats)
        print("generate_seconds: %.1f s\npeople_per_s: %.0f people/s"
              % (stats["seconds"], stats["people_per_s"]))
        for stage, figures in stats["stages"].items():
            print("%s: %s" % (stage, ", ".join("%s %s" % item for item in figures.items())))
        print("total_seconds: %.1f s" % (time.time() - t0))
        _print_logins(logins)

    def _run_users(self, args, odoo_args):
        runtime.parse_config(args.config, args.database, odoo_args, log_level="warn")
        if not runtime.database_exists(args.database):
            sys.exit("Database %s does not exist: create it with `sp demo`." % args.database)
        registry = runtime.ensure_database(args.database, ["sp_demo"])
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            logins = env["sp.demo.generator"].create_demo_users()
        _print_logins(logins)

    def _run_bench(self, args, odoo_args):
        path = runtime.REPO_ROOT / "tests" / "bench" / "run.py"
        if not path.exists():
            sys.exit("The benchmark harness %s is missing: sp bench runs from the suite's "
                     "repository." % path)
        spec = importlib.util.spec_from_file_location("sp_bench_run", path)
        harness = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(harness)
        argv = ["--config", args.config, "--database", args.database]
        for option in ("people", "seed", "only", "json", "template"):
            if getattr(args, option) is not None:
                argv += ["--%s" % option, str(getattr(args, option))]
        argv += [flag for flag in ("--smoke", "--rebuild", "--update") if getattr(args, flag[2:])]
        sys.exit(harness.main(argv + odoo_args))


def _database_options(parser):
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True, help="database name")


def _print_logins(logins):
    print("\nDemo logins (password = login):")
    for row in logins:
        print("  %-20s %-22s %s" % (row["role"], row["login"], row["password"]))
