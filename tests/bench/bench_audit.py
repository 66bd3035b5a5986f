"""Audit trail (sp_audit): generation of audit rows set-based, their sealing into the hash
chain, and the two auditor's lookups at scale with EXPLAIN-checked index use.

Figures: audit.generate (rows/s), audit.seal (rows/s), audit.history_p95 and
audit.user_month_p95 (ms), audit.rows; audit.orm_write (rows/s of per-record ORM writes of an
audited field, each recording one row) for comparison with the set-based generation.
"""
import datetime
import json
import random
import time

ROWS_PER_PERSON = 10  # a full run at --people 100,000 generates 1,000,000 audit rows
MONTHS = 12
USERS = 200


def _p95(values):
    values = sorted(values)
    return values[max(0, int(len(values) * 0.95) - 1)]


def _plan(cr, query, params):
    cr.execute("EXPLAIN (FORMAT JSON) " + query, params)
    plan = json.dumps(cr.fetchone()[0])
    if "Seq Scan" in plan:
        raise AssertionError("sequential scan of the audit table for: %s\n%s" % (query, plan))
    return plan


def run(env, ctx):
    if "sp.audit.log" not in env:
        ctx.report("audit.skipped", 1)
        return
    cr = env.cr
    Log = env["sp.audit.log"]
    n = ctx.size(ctx.people * ROWS_PER_PERSON, 20000)
    today = datetime.date.today().replace(day=1)
    first = (today - datetime.timedelta(days=31 * (MONTHS - 1))).replace(day=1)
    Log._sp_ensure_partitions(first, months=MONTHS + 1)
    records = max(n // 20, 100)

    with ctx.timer(cr) as gen:
        cr.execute("""
            INSERT INTO sp_audit_entry (create_date, user_id, origin, model, res_id, action,
                                        company_id, old_values, new_values)
            SELECT %(first)s::timestamp + (random() * (now() AT TIME ZONE 'UTC'
                                                       - %(first)s::timestamp)),
                   2 + (g %% %(users)s), 'web', 'sp.individual', 1 + (g::bigint * 7919) %% %(records)s,
                   'write', 1, jsonb_build_object('name', 'Old ' || g),
                   jsonb_build_object('name', 'New ' || g)
              FROM generate_series(1, %(n)s) g
        """, {"first": first, "users": USERS, "records": records, "n": n})
    ctx.report("audit.rows", n, "rows")
    ctx.report("audit.generate", n / max(gen.seconds, 1e-9), "rows/s")

    with ctx.timer(cr) as seal:
        sealed = Log._sp_seal()
    ctx.report("audit.seal", sealed / max(seal.seconds, 1e-9), "rows/s")
    cr.execute("ANALYZE sp_audit_entry")

    rnd = random.Random(ctx.seed)
    history = ("SELECT id, create_date, user_id, action, old_values, new_values "
               "FROM sp_audit_log WHERE model = %s AND res_id = %s ORDER BY id DESC LIMIT 80")
    month = ("SELECT id, model, res_id, action FROM sp_audit_log WHERE user_id = %s "
             "AND create_date >= %s AND create_date < %s ORDER BY create_date DESC LIMIT 80")
    small = n < 200000
    if small:
        cr.execute("SET LOCAL enable_seqscan = off")
    _plan(cr, history, ["sp.individual", 1])
    _plan(cr, month, [2, first, first + datetime.timedelta(days=31)])
    if small:
        cr.execute("SET LOCAL enable_seqscan = on")

    samples = ctx.size(200, 30)
    times = []
    for _i in range(samples):
        start = time.perf_counter()
        cr.execute(history, ["sp.individual", rnd.randint(1, records)])
        cr.fetchall()
        times.append((time.perf_counter() - start) * 1000)
    ctx.report("audit.history_p95", _p95(times), "ms")
    times = []
    for _i in range(samples):
        start_month = (first + datetime.timedelta(days=31 * rnd.randint(0, MONTHS - 1))).replace(day=1)
        end_month = (start_month + datetime.timedelta(days=32)).replace(day=1)
        start = time.perf_counter()
        cr.execute(month, [2 + rnd.randint(0, USERS - 1), start_month, end_month])
        cr.fetchall()
        times.append((time.perf_counter() - start) * 1000)
    ctx.report("audit.user_month_p95", _p95(times), "ms")

    # the ORM path for comparison: per-record writes of an audited field (one row each)
    sample = ctx.size(200, 20)
    env["sp.audit.rule"].create({"name": "bench", "model_name": "res.partner",
                                 "field_names": "email"})
    partners = env["res.partner"].create([{"name": "Bench %s" % i} for i in range(sample)])
    with ctx.timer(cr) as orm:
        for i, partner in enumerate(partners):
            partner.write({"email": "b%s@example.org" % i})
    ctx.report("audit.orm_write", sample / max(orm.seconds, 1e-9), "rows/s")
