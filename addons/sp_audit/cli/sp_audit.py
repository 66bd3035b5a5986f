"""The ``sp_audit`` command of Odoo's command line.

    odoo --addons-path=ADDONS sp_audit verify -c CONF -d DB

Seals the rows not sealed yet, then checks every monthly partition's hash chain: prints
"chain intact" and exits 0, or names the first broken row of each broken partition and exits 1.
"""
# A command line prints its result.
# pylint: disable=print-used
import argparse
import sys
from pathlib import Path

import odoo
from odoo.cli import Command


class SpAudit(Command):
    """Audit trail: verify the hash chain of the audit log (sp_audit verify --help)"""

    name = "sp_audit"

    def run(self, cmdargs):
        parser = argparse.ArgumentParser(
            prog="%s sp_audit" % Path(sys.argv[0]).name,
            description="Audit trail operations.")
        actions = parser.add_subparsers(dest="action", required=True)
        verify = actions.add_parser("verify", help="prove the hash chain intact or name the "
                                    "first broken row")
        verify.add_argument("-c", "--config", required=True)
        verify.add_argument("-d", "--database", required=True)
        args, rest = parser.parse_known_args(cmdargs)
        odoo.tools.config.parse_config(["-c", args.config, "-d", args.database] + rest)
        registry = odoo.modules.registry.Registry(args.database)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            problems = env["sp.audit.log"]._sp_verify()
            print(env["sp.audit.log"]._sp_report(problems))
        sys.exit(1 if problems else 0)
