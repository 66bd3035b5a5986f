"""The ``sp-area-reform`` command of Odoo's command line (see sp_area_reform/README.md).

    odoo --addons-path=ADDONS sp-area-reform -c CONF -d DB [--apply] [--default]
         [--all-moves] [--chunk N] [--decisions FILE.xlsx] [--report FILE.xlsx]

Without ``--apply`` it is a dry run: the counts are printed and the workbook written with
``--report``. sp_demo's ``sp`` command has fixed sub-commands (its parser is built in its own
file), so this module registers a command of its own.
"""
# A command line prints its results and commits per chunk.
# pylint: disable=print-used,invalid-commit
import argparse
import base64
import sys
from pathlib import Path

import odoo
from odoo.cli import Command
from odoo.tools import config


class SpAreaReform(Command):
    """Social protection suite: re-point records on legacy areas to the 2025 areas"""

    name = "sp-area-reform"

    def run(self, cmdargs):
        parser = argparse.ArgumentParser(
            prog="%s sp-area-reform" % Path(sys.argv[0]).name,
            description="Dry run (default) or apply the 2025 area reform to existing records.")
        parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
        parser.add_argument("-d", "--database", required=True, help="database name")
        parser.add_argument("--apply", action="store_true", help="apply (default: dry run)")
        parser.add_argument("--default", action="store_true",
                            help="records of split units without a decision go to the default "
                            "successor")
        parser.add_argument("--all-moves", action="store_true",
                            help="keep the old -> new mapping of every record (default: "
                            "records with a code of their own, e.g. households)")
        parser.add_argument("--chunk", type=int, default=50000, help="rows per chunk")
        parser.add_argument("--decisions", help="import decisions from this workbook first")
        parser.add_argument("--report", help="write the dry-run workbook to this file")
        args, odoo_args = parser.parse_known_args(cmdargs)
        config.parse_config(["-c", args.config, "-d", args.database] + odoo_args,
                            setup_logging=True)
        registry = odoo.modules.registry.Registry(args.database)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            if "sp.area.reform.run" not in env:
                sys.exit("sp_area_reform is not installed in %s." % args.database)
            if args.decisions:
                data = Path(args.decisions).read_bytes()
                stats = env["sp.area.reform.import"]._sp_import(data, args.decisions)
                print("decisions: %(created_count)s created, %(updated_count)s updated, "
                      "%(skipped_count)s rows without a To area code" % stats)
                cr.commit()
            run = env["sp.area.reform.run"]._sp_run_cli(
                apply=args.apply, apply_default=args.default, record_all_moves=args.all_moves,
                chunk_size=args.chunk)
            if args.report:
                Path(args.report).write_bytes(base64.b64decode(run.report_file))
            print("run: %s" % run.id)
            print("to_move: %s\nneed_decision: %s\nno_successor: %s"
                  % (run.to_move_count, run.decision_needed_count, run.unmapped_count))
            if args.apply:
                for progress in run.progress_ids:
                    print("moved %s: %s / %s" % (progress.model, progress.moved,
                                                 progress.legacy_before))
                print("moved: %s\nstill_legacy: %s" % (run.done_count, run.remaining_count))
