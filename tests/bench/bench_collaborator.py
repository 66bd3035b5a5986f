"""Village collaborators at scale: monthly allowances, the caseload record rule, the dashboard.

- ``collaborator.allowance``: one month's allowances of every collaborator, set-based
  (``sp.collaborator.allowance._sp_compute``: one statement), against the per-record ORM path
  (terms, activities and allowance of each collaborator in turn) on a sample; the sample's
  amounts must be the same on both paths. The month's activities (one to three per household
  of every caseload) are inserted by SQL first, in the rolled-back cursor.
- ``collaborator.caseload_search``: a collaborator user's households (record rule through the
  current assignments, evaluated at each query), p50 and p95 in milliseconds.
- ``collaborator.dashboard``: the overview's figures for a province manager (or the superuser).
"""
import datetime
import time

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tools import SQL


def _percentile(values, pct):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(pct / 100 * (len(values) - 1))))]


def _prepare(env, period):
    if not env["sp.collaborator.assignment"].search_count([], limit=1):
        env["sp.demo.generator"].complete()
    env.flush_all()
    # Office terms in force for the month wherever there are collaborators.
    env.cr.execute("SELECT DISTINCT company_id FROM sp_collaborator")
    companies = [row[0] for row in env.cr.fetchall()]
    env["sp.collaborator.allowance.term"].create([{
        "company_id": company, "date_from": datetime.date(2020, 1, 1), "monthly_base": 500000,
        "per_visit_amount": 20000, "cap_amount": 2000000,
    } for company in companies])
    # One to three activities per household of every caseload, on days of the month.
    env.cr.execute(SQL(
        """
        INSERT INTO sp_collaborator_activity
               (collaborator_id, household_id, area_id, company_id, kind, topic, date, state,
                follow_up_done, create_uid, create_date, write_uid, write_date)
        SELECT a.collaborator_id, a.household_id, a.area_id, a.company_id,
               (ARRAY['home_visit', 'counselling', 'application_help'])[1 + MOD(g, 3)],
               (ARRAY['nutrition', 'health_check', 'school', 'benefits_use'])[1 + MOD(a.id, 4)],
               %(period)s::date + MOD(a.household_id * 7 + g * 11, 28), 'done', FALSE,
               1, NOW() AT TIME ZONE 'UTC', 1, NOW() AT TIME ZONE 'UTC'
          FROM sp_collaborator_assignment a
          JOIN sp_collaborator c ON c.id = a.collaborator_id
          CROSS JOIN generate_series(1, 3) g
         WHERE g <= 1 + MOD(a.household_id, 3)
           AND a.date_from <= %(period)s AND (a.date_to IS NULL OR a.date_to > %(end)s)
           AND c.state = 'active'
        """,
        period=period, end=period + relativedelta(months=1),
    ))
    return env.cr.rowcount


def _orm_allowances(env, collaborators, period):
    """The per-record path: what a loop over collaborators would do with the ORM."""
    end = period + relativedelta(months=1, days=-1)
    Term = env["sp.collaborator.allowance.term"]
    Activity = env["sp.collaborator.activity"]
    Allowance = env["sp.collaborator.allowance"]
    amounts = {}
    for collaborator in collaborators:
        in_force = [("date_from", "<=", end), "|", ("date_to", "=", False),
                    ("date_to", ">=", period)]
        term = Term.search([("collaborator_id", "=", collaborator.id), *in_force],
                           order="date_from desc", limit=1) or Term.search(
            [("collaborator_id", "=", False), ("company_id", "=", collaborator.company_id.id),
             *in_force], order="date_from desc", limit=1)
        serving = collaborator.date_start <= end and (
            not collaborator.date_end or collaborator.date_end >= period)
        if not term or collaborator.state == "suspended" or not serving:
            continue
        visits = Activity.search([("collaborator_id", "=", collaborator.id),
                                  ("date", ">=", period), ("date", "<=", end),
                                  ("state", "=", "done")])
        count = len({(visit.household_id.id, visit.date) for visit in visits})
        total = term.monthly_base + term.per_visit_amount * count
        if term.cap_amount:
            total = min(total, term.cap_amount)
        Allowance.create({
            "collaborator_id": collaborator.id, "period": period, "term_id": term.id,
            "area_id": collaborator.area_id.id, "company_id": collaborator.company_id.id,
            "base_amount": term.monthly_base, "visit_count": count,
            "per_visit_amount": term.per_visit_amount,
            "visit_amount": term.per_visit_amount * count, "cap_amount": term.cap_amount,
            "amount": total,
        })
        amounts[collaborator.id] = total
    env.flush_all()
    return amounts


def _bench_allowance(env, ctx, period):
    activities = _prepare(env, period)
    collaborators = env["sp.collaborator"].search([("state", "=", "active")])
    ctx.report("collaborator.collaborators", len(collaborators), "collaborators")
    ctx.report("collaborator.activities", activities, "activities")
    sample = collaborators[:ctx.size(300, 20)]
    with ctx.timer() as slow:
        expected = _orm_allowances(env, sample, period)
    env["sp.collaborator.allowance"].search([("period", "=", period)]).unlink()
    env.flush_all()
    Allowance = env["sp.collaborator.allowance"]
    with ctx.timer() as fast:
        written = Allowance._sp_compute(period, collaborators)
    ctx.compare("collaborator.allowance", written, "allowances", fast.seconds, len(sample),
                slow.seconds)
    found = {a.collaborator_id.id: a.amount
             for a in Allowance.search([("collaborator_id", "in", sample.ids),
                                        ("period", "=", period)])}
    if found != expected:
        raise AssertionError("set-based and ORM allowances differ: %s != %s" % (found, expected))
    with ctx.timer() as again:
        Allowance._sp_compute(period, collaborators)
    ctx.report("collaborator.allowance.recompute_seconds", again.seconds, "s")


def _collaborator_user(env):
    env.cr.execute("""
        SELECT collaborator_id, COUNT(*) FROM sp_collaborator_assignment
         GROUP BY collaborator_id ORDER BY COUNT(*) DESC, collaborator_id LIMIT 1
    """)
    row = env.cr.fetchone()
    collaborator = env["sp.collaborator"].browse(row[0])
    if not collaborator.user_id:
        collaborator.user_id = env["res.users"].with_context(no_reset_password=True).create({
            "name": collaborator.name, "login": "bench.collaborator.%s" % collaborator.id,
            "company_id": collaborator.company_id.id,
            "company_ids": [Command.set(collaborator.company_id.ids)],
            "groups_id": [Command.set(env.ref("sp_base.group_collaborator").ids)],
        })
    return collaborator, row[1]


def _bench_caseload_search(env, ctx):
    collaborator, caseload = _collaborator_user(env)
    Household = env["sp.household"].with_user(collaborator.user_id)
    durations = []
    found = 0
    for _i in range(ctx.size(50, 10)):
        env.invalidate_all()
        start = time.perf_counter()
        found = len(Household.search([]))
        durations.append((time.perf_counter() - start) * 1000)
    ctx.report("collaborator.caseload_search.households", found, "households")
    ctx.report("collaborator.caseload_search.p50", _percentile(durations, 50), "ms")
    ctx.report("collaborator.caseload_search.p95", _percentile(durations, 95), "ms")
    if found != caseload:
        raise AssertionError("the collaborator sees %s households, not %s" % (found, caseload))


def _bench_dashboard(env, ctx):
    manager = env["res.users"].search([("login", "=", "demo.province")], limit=1)
    Collaborator = env["sp.collaborator"].with_user(manager) if manager else env["sp.collaborator"]
    durations = []
    for _i in range(ctx.size(10, 3)):
        env.invalidate_all()
        start = time.perf_counter()
        Collaborator.sp_dashboard_data()
        durations.append((time.perf_counter() - start) * 1000)
    ctx.report("collaborator.dashboard.p50", _percentile(durations, 50), "ms")


def run(env, ctx):
    if "sp.collaborator" not in env:
        ctx.report("collaborator.skipped", 1, "(sp_collaborator not installed)")
        return
    today = fields.Date.context_today(env["sp.collaborator"])
    period = (today - relativedelta(months=1)).replace(day=1)
    _bench_allowance(env, ctx, period)
    _bench_caseload_search(env, ctx)
    _bench_dashboard(env, ctx)
