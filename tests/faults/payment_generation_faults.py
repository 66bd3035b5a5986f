#!/usr/bin/env python3
"""Fault tests of payment generation that Odoo's test runner cannot host (they need committed
data, a real server process and several connections). Run against a scratch database:

    python3 tests/faults/payment_generation_faults.py --config CONF --template DB

--template: a database where sp_payment is installed (e.g. the one scripts/test.sh just
tested); it is copied to the scratch database (default <template>_fault), dropped at the end
unless --keep. Without --template the scratch database is created and sp_payment installed.

1. Killed generation: a cycle is queued for the background job (ir.cron, one commit per chunk
   of enrolments); an Odoo server with one cron thread runs it; the test holds an uncommitted
   line that the second chunk collides with, sees the first chunk committed, SIGKILLs the
   server, checks that
   exactly the first chunk stayed, starts the server again and checks that the rerun
   completes: every enrolment has exactly one line, batches and totals agree.
2. Two managers generating the same cycle at once: two connections, two users; the first
   holds the cycle while the second tries: the second gets the clear message, the first
   commits its lines.

Exit code 0 when every check passes; each check prints one line.
"""
import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import closing

os.environ.setdefault("TZ", "UTC")

import odoo
from odoo import Command
from odoo.exceptions import UserError
from odoo.tools import SQL, config

ENROLMENTS = 600
CHUNK = 100
PERIOD = "2025-03-01"
PERIOD_2 = "2025-04-01"
FAILED = []


def check(label, ok, detail=""):
    print("%s: %s%s" % ("ok" if ok else "FAILED", label, " (%s)" % detail if detail else ""),
          flush=True)
    if not ok:
        FAILED.append(label)


def raw_cursor(dbname, autocommit=True):
    cr = odoo.sql_db.db_connect(dbname).cursor()
    if autocommit:
        cr._cnx.autocommit = True
    return cr


def scalar(dbname, query, *args):
    with closing(raw_cursor(dbname)) as cr:
        cr.execute(SQL(query, *args))
        return cr.fetchone()[0]


# ---------------------------------------------------------------------- database
def drop_database(name):
    with closing(raw_cursor("postgres")) as cr:
        cr.execute(SQL("DROP DATABASE IF EXISTS %s WITH (FORCE)", SQL.identifier(name)))


def prepare_database(args):
    with closing(raw_cursor("postgres")) as cr:
        cr.execute(SQL("DROP DATABASE IF EXISTS %s WITH (FORCE)", SQL.identifier(args.database)))
        if args.template:
            cr.execute(SQL("CREATE DATABASE %s TEMPLATE %s", SQL.identifier(args.database),
                           SQL.identifier(args.template)))
    if not args.template:
        with closing(raw_cursor("postgres")) as cr:
            cr.execute(SQL("CREATE DATABASE %s ENCODING 'UTF8' TEMPLATE template0",
                           SQL.identifier(args.database)))
        run_odoo(args, ["-i", "sp_payment", "--stop-after-init"], wait=True)


def seed(dbname):
    """Committed fixture: one province office, 3 communes, ENROLMENTS active enrolments (set
    -based, as bulk loaders do), the month's entitlements, an agency contract, two managers.
    Returns (cycle id, cycle 2 id, enrolment ids, manager ids)."""
    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        Area = env["sp.area"]
        province = Area.create({"code": "F9", "name": "Tỉnh Lỗi", "level": "province"})
        communes = Area.create([{"code": "F900%s" % i, "name": "Xã Lỗi %s" % i,
                                 "level": "commune", "parent_id": province.id} for i in (1, 2, 3)])
        office = env["res.company"].create({"name": "Sở Lỗi", "sp_area_id": province.id,
                                            "parent_id": env.ref("base.main_company").id})
        programme = env["sp.programme"].create({"name": "Trợ cấp (lỗi)", "code": "FAULT20"})
        category = env["sp.benefit.category"].create({
            "programme_id": programme.id, "code": "K5c", "name": "Thử",
            "band_ids": [Command.create({"date_from": "2020-01-01", "coefficient": 1.0})]})
        env["sp.standard.level"].create({"programme_id": programme.id,
                                         "date_from": "2021-07-01", "amount": 500000})
        env["sp.payment.contract"].create({
            "name": "HĐ lỗi", "agency_id": env.ref("sp_payment.agency_vnpost").id,
            "area_id": province.id, "company_id": office.id, "date_start": "2020-01-01"})
        managers = [env["res.users"].with_context(no_reset_password=True).create({
            "name": "Quản lý %s" % n, "login": "fault_manager_%s" % n,
            # in English: the checks read the messages (sp_vn makes Vietnamese the default)
            "lang": "en_US",
            "company_id": office.id, "company_ids": [Command.set(office.ids)],
            "groups_id": [Command.set([env.ref("sp_base.group_province_manager").id])],
        }) for n in (1, 2)]
        env.flush_all()
        cr.execute(SQL("""
            INSERT INTO sp_individual (name, gender, birthdate, birthdate_precision, area_id,
                   commune_id, province_id, company_id, disability_level, active, is_deceased)
            SELECT 'Người thử lỗi ' || g, 'female', DATE '1940-01-01' + g, 'day',
                   c.ids[1 + mod(g, 3)], c.ids[1 + mod(g, 3)], %(province)s, %(office)s,
                   'none', TRUE, FALSE
              FROM generate_series(1, %(n)s) g, (SELECT %(communes)s::int[] AS ids) c
        """, province=province.id, office=office.id, n=ENROLMENTS, communes=communes.ids))
        cr.execute(SQL("""
            INSERT INTO sp_enrolment (programme_id, individual_id, state, area_id, commune_id,
                   province_id, company_id, date_start, application_date, popdb_status,
                   dependant_count, disability_level, monthly_amount)
            SELECT %(programme)s, i.id, 'active', i.area_id, i.commune_id, i.province_id,
                   i.company_id, DATE '2025-01-01', DATE '2025-01-01', 'matched', 1, 'none', 500000
              FROM sp_individual i WHERE i.company_id = %(office)s ORDER BY i.id
        """, programme=programme.id, office=office.id))
        cr.execute(SQL("""
            INSERT INTO sp_benefit_category_sp_enrolment_rel (sp_enrolment_id, sp_benefit_category_id)
            SELECT id, %s FROM sp_enrolment WHERE programme_id = %s
        """, category.id, programme.id))
        env.invalidate_all()
        for period in (PERIOD, PERIOD_2):
            env["sp.entitlement"]._sp_compute_period(period, companies=office)
        env["ir.config_parameter"].set_param("sp_payment.generation_chunk", str(CHUNK))
        # only the payment job runs in the scratch database's cron thread
        env["ir.cron"].search([]).write({"active": False})
        env.ref("sp_payment.ir_cron_generate_cycles").active = True
        Cycle = env["sp.payment.cycle"]
        cycle = Cycle.create({"period": PERIOD, "company_id": office.id})
        cycle_2 = Cycle.create({"period": PERIOD_2, "company_id": office.id})
        cycle.with_user(managers[0]).action_queue_generation()
        enrolments = env["sp.enrolment"].search([("programme_id", "=", programme.id)],
                                                order="id").ids
        cr.commit()
        return cycle.id, cycle_2.id, enrolments, [m.id for m in managers]


# ---------------------------------------------------------------------- server
def run_odoo(args, extra, wait=False, log=None):
    command = [sys.executable, "-m", "odoo", "-c", args.config, "-d", args.database] + extra
    with open(log or os.devnull, "ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    if wait:
        if process.wait() != 0:
            raise SystemExit("odoo %s failed" % " ".join(extra))
    return process


def start_server(args, log):
    """An Odoo server without HTTP, with one cron thread: the background job runs there."""
    return run_odoo(args, ["--no-http", "--workers=0", "--max-cron-threads=1",
                           "--log-level=info", "--logfile=" + log], log=log)


def wake_cron(dbname):
    with closing(raw_cursor(dbname)) as cr:
        cr.execute("NOTIFY cron_trigger")


def wait_for(predicate, timeout, dbname, label):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        wake_cron(dbname)
        time.sleep(0.5)
    print("timeout waiting for %s" % label, flush=True)
    return False


def kill(process, sig=signal.SIGKILL):
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    process.wait(timeout=60)


# ---------------------------------------------------------------------- fault 1
def fault_killed_generation(args, cycle_id, enrolments):
    db = args.database
    log = os.path.join(args.logdir, "%s.server.log" % db)
    lines = lambda: scalar(db, "SELECT COUNT(*) FROM sp_payment_line WHERE cycle_id = %s",  # noqa: E731
                           cycle_id)
    # An uncommitted line of an enrolment of the second chunk (another connection): the job's
    # insert of that chunk must wait for this transaction to end (unique enrolment and month),
    # so it stops inside chunk 2, after chunk 1 committed.
    blocker = raw_cursor(db, autocommit=False)
    blocker.execute(SQL("""
        INSERT INTO sp_payment_line (cycle_id, period, company_id, enrolment_id, state, amount,
               arrears_amount, one_off_amount, carried_amount, total_amount)
        SELECT id, period, company_id, %s, 'pending', 0, 0, 0, 0, 0
          FROM sp_payment_cycle WHERE id = %s""", enrolments[CHUNK + 5], cycle_id))
    server = start_server(args, log)
    try:
        stuck = wait_for(lambda: lines() >= CHUNK and scalar(
            db, "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = %s "
                "AND wait_event_type = 'Lock'", db) > 0, 180, db, "the first chunk")
        check("the background job committed its first chunk and waits in the second", stuck,
              "%s lines" % lines())
        time.sleep(1)
    finally:
        kill(server)  # SIGKILL: no cleanup of any kind in the Odoo process
    blocker.rollback()
    blocker.close()
    # the killed process's server-side session ends (as when its connection drops)
    with closing(raw_cursor(db)) as cr:
        cr.execute(SQL("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = %s AND pid <> pg_backend_pid()", db))
    time.sleep(1)
    after_kill = lines()
    check("after the kill, whole chunks only", after_kill == CHUNK,
          "%s lines, chunk %s" % (after_kill, CHUNK))
    check("the cycle is still queued", scalar(
        db, "SELECT generation_queued FROM sp_payment_cycle WHERE id = %s", cycle_id))
    check("the killed job's lock is gone", scalar(
        db, "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s",
        cycle_id) == 0)
    # rerun: the server again, the job picks the queued cycle up
    server = start_server(args, log)
    try:
        done = wait_for(lambda: not scalar(
            db, "SELECT generation_queued FROM sp_payment_cycle WHERE id = %s", cycle_id),
            300, db, "the rerun")
        check("the rerun completes", done)
    finally:
        kill(server, signal.SIGTERM)
    check("every enrolment has its line", lines() == len(enrolments),
          "%s lines, %s enrolments" % (lines(), len(enrolments)))
    check("no enrolment has two lines for the month", scalar(db, """
        SELECT COUNT(*) FROM (SELECT enrolment_id FROM sp_payment_line WHERE cycle_id = %s
                               GROUP BY enrolment_id, period HAVING COUNT(*) > 1) d""",
        cycle_id) == 0)
    check("every line is in a batch", scalar(
        db, "SELECT COUNT(*) FROM sp_payment_line WHERE cycle_id = %s AND batch_id IS NULL",
        cycle_id) == 0)
    check("every entitlement paid is confirmed", scalar(db, """
        SELECT COUNT(*) FROM sp_entitlement t JOIN sp_payment_line l
            ON l.enrolment_id = t.enrolment_id AND l.period = t.period
         WHERE l.cycle_id = %s AND t.state = 'confirmed'""", cycle_id) == len(enrolments))
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cycle = env["sp.payment.cycle"].browse(cycle_id)
        cr.execute(SQL("SELECT COUNT(*), SUM(total_amount) FROM sp_payment_line "
                       "WHERE cycle_id = %s", cycle_id))
        count, total = cr.fetchone()
        check("cycle totals agree with the lines", (cycle.line_count, cycle.total_amount) ==
              (count, float(total)), "%s/%s" % (cycle.line_count, count))
        check("batch totals agree with the lines",
              sum(cycle.batch_ids.mapped("line_count")) == count)
        check("the cycle says so", cycle.state == "generated" and any(
            "in the background" in (m.body or "") for m in cycle.message_ids))


# ---------------------------------------------------------------------- fault 2
def fault_two_managers(args, cycle_id, managers):
    db = args.database
    registry = odoo.modules.registry.Registry(db)
    generated = threading.Event()
    second_done = threading.Event()
    outcome = {}

    def manager(uid, first):
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, uid, {})
            cycle = env["sp.payment.cycle"].browse(cycle_id)
            try:
                if not first:
                    generated.wait(60)
                cycle.action_generate()
                outcome[uid] = "generated"
                if first:
                    generated.set()
                    second_done.wait(60)  # still in its transaction while the other tries
                cr.commit()
            except UserError as error:
                outcome[uid] = str(error)
                cr.rollback()
            finally:
                if not first:
                    second_done.set()
                generated.set()

    threads = [threading.Thread(target=manager, args=(uid, n == 0))
               for n, uid in enumerate(managers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    check("the first manager generates", outcome.get(managers[0]) == "generated",
          outcome.get(managers[0]))
    message = outcome.get(managers[1], "")
    check("the second manager gets the clear message",
          "being generated or updated by another user" in message, message)
    count = scalar(db, "SELECT COUNT(*) FROM sp_payment_line WHERE cycle_id = %s", cycle_id)
    check("the first manager's lines are there, once", count == ENROLMENTS, count)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--template", help="database with sp_payment installed, to copy")
    parser.add_argument("--database", help="scratch database (default <template>_fault)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    args.database = args.database or "%s_fault" % (args.template or "sp_payment")
    config.parse_config(["-c", args.config, "--log-level=warn"], setup_logging=True)
    args.logdir = os.path.dirname(os.path.abspath(args.config))
    started = time.time()
    prepare_database(args)
    installed = scalar(args.database, "SELECT COUNT(*) FROM ir_module_module "
                       "WHERE name = 'sp_payment' AND state = 'installed'")
    if not installed:
        print("payment faults: sp_payment is not installed in %s, nothing to test"
              % (args.template or args.database), flush=True)
        drop_database(args.database)
        return 0
    try:
        cycle_id, cycle_2, enrolments, managers = seed(args.database)
        fault_killed_generation(args, cycle_id, enrolments)
        fault_two_managers(args, cycle_2, managers)
    finally:
        odoo.modules.registry.Registry.delete_all()
        odoo.sql_db.close_all()
        if not args.keep:
            drop_database(args.database)
    print("payment faults: %s failed, %.0f s" % (len(FAILED), time.time() - started), flush=True)
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
