"""Programmes at scale: screening the registry for a programme, and one month's entitlements.

- ``programme.screening``: every person of the database screened for the monthly social
  allowance (Decree 20 categories K1-K8), set-based (``sp.screening.action_run``), against the
  per-record eligibility check (``sp.enrolment._sp_ineligibility`` for each person and
  category) on a sample. Target: 1,000,000 people in 60 s.
- ``programme.entitlement``: one month's entitlements of every active enrolment
  (``sp.entitlement._sp_compute_period``), against the per-record ORM path
  (``_sp_compute_period_orm``) on a sample of the same enrolments. Target: 500,000 enrolments
  in 30 s. When the database holds fewer active enrolments, the benchmark enrols people by SQL
  (a category that fits each person's age, decided in 2024) inside its rolled-back cursor.
- ``programme.arrears``: the same month recomputed after a standard level published late
  (dated three months back): every enrolment owes three months of arrears.

Each timed step also reports its CPU seconds (this process and its database backend: a figure
that does not depend on what else the shared machine runs) and the load average after it.
"""
import datetime
import os
import random
from contextlib import contextmanager

from odoo import Command
from odoo.tools import SQL

PERIOD = datetime.date(2026, 10, 1)


def _cpu_ratio(ctx, name, count, fast, slow_count, slow):
    """The ratio of CPU seconds per item, per-record path against set-based path."""
    if fast.cpu and slow.cpu and count and slow_count:
        ctx.report("%s.cpu_ratio" % name, (slow.cpu / slow_count) / (fast.cpu / count), "x")


@contextmanager
def _timed(env, ctx, name):
    """``ctx.timer()`` that also reports ``<name>.cpu_seconds`` and ``<name>.load_average``."""
    with ctx.timer(env.cr) as timer:
        yield timer
    if timer.cpu is not None:
        ctx.report("%s.cpu_seconds" % name, timer.cpu, "s (process + database backend)")
    ctx.report("%s.load_average" % name, os.getloadavg()[0], "(1 min, 2 cores shared)")


def _programme(env):
    """Vietnam's monthly social allowance when sp_vn_programme is installed, else a programme
    built the same way for the benchmark."""
    programme = env.ref("sp_vn_programme.programme_decree20", raise_if_not_found=False)
    if programme:
        return programme
    programme = env["sp.programme"].create({"name": "Bench allowance", "code": "BENCH"})
    for code, sequence, bands, vals in (
            ("K1", 10, [(0, 4, 2.5), (4, 16, 1.5)], {}),
            ("K5a", 50, [(60, 80, 1.5), (80, 0, 2.0)], {"poverty_requirement": "poor"}),
            ("K5c", 52, [(80, 0, 1.0)], {"age_rule": "birthday_month"}),
            ("K8", 80, [(16, 0, 1.5)], {"poverty_requirement": "poor"})):
        category = env["sp.benefit.category"].create(dict(
            vals, programme_id=programme.id, code=code, name=code, sequence=sequence,
            exclusivity_group="social_assistance"))
        env["sp.benefit.band"].create([{
            "category_id": category.id, "date_from": "2015-01-01", "age_min": low,
            "age_max": high, "coefficient": coefficient} for low, high, coefficient in bands])
    env["sp.standard.level"].create([
        {"programme_id": programme.id, "date_from": "2021-07-01", "amount": 360000},
        {"programme_id": programme.id, "date_from": "2024-07-01", "amount": 500000}])
    return programme


def _central(env):
    company = env.ref("base.main_company")
    while company.parent_id:
        company = company.parent_id
    return company


def _bench_screening(env, ctx, programme):
    env.cr.execute("SELECT COUNT(*) FROM sp_individual WHERE active AND date_of_death IS NULL")
    people = env.cr.fetchone()[0]
    screening = env["sp.screening"].create({
        "programme_id": programme.id, "company_id": _central(env).id,
        "reference_date": PERIOD, "area_id": False})
    env.flush_all()
    with _timed(env, ctx, "programme.screening") as fast:
        screening.action_run()
        env.flush_all()
    ctx.report("programme.screening.people", people, "people")
    ctx.report("programme.screening.candidates", screening.candidate_count, "candidates")
    ctx.report("programme.screening.seconds", fast.seconds, "s")
    env.cr.execute(SQL("SELECT id FROM sp_individual WHERE active AND date_of_death IS NULL "
                       "ORDER BY id LIMIT %s", ctx.size(2000, 100)))
    sample = env["sp.individual"].browse([row[0] for row in env.cr.fetchall()])
    Enrolment = env["sp.enrolment"]
    found = 0
    with _timed(env, ctx, "programme.screening.orm") as slow:
        for person in sample:
            for category in programme.category_ids:
                probe = Enrolment.new({
                    "programme_id": programme.id, "individual_id": person.id,
                    "category_ids": [Command.set(category.ids)],
                    "application_date": PERIOD, "disability_level": person.disability_level})
                found += not probe._sp_ineligibility(PERIOD)
    ctx.report("programme.screening.sample_candidates", found, "candidates")
    ctx.compare("programme.screening", people, "people", fast.seconds, len(sample), slow.seconds)
    _cpu_ratio(ctx, "programme.screening", people, fast, len(sample), slow)


def _enrol(env, ctx, programme):
    """Active enrolments of ``programme`` up to the target, inserted by SQL when missing."""
    target = ctx.size(500000, 1000)
    env.cr.execute(SQL("SELECT COUNT(*) FROM sp_enrolment WHERE programme_id = %s AND state = "
                       "'active'", programme.id))
    missing = target - env.cr.fetchone()[0]
    if missing <= 0:
        return
    codes = {c.code: c.id for c in programme.category_ids}
    age = SQL("(2026 - EXTRACT(YEAR FROM i.birthdate)::int)")
    category = SQL(
        "CASE WHEN %(age)s < 16 THEN %(k1)s WHEN %(age)s >= 80 THEN %(k5c)s "
        "WHEN %(age)s >= 60 AND h.poverty_status = 'poor' THEN %(k5a)s ELSE %(k8)s END",
        age=age, k1=codes["K1"], k5c=codes["K5c"], k5a=codes["K5a"], k8=codes["K8"])
    env.cr.execute(SQL(
        """
        WITH people AS (
            SELECT i.id, i.area_id, i.company_id, %(category)s AS category_id,
                   CASE WHEN a.level = 'village' THEN a.parent_id ELSE a.id END AS commune_id,
                   a.province_id
              FROM sp_individual i
              JOIN sp_area a ON a.id = i.area_id
              LEFT JOIN sp_household h ON h.id = i.household_id
             WHERE i.active AND i.date_of_death IS NULL AND i.birthdate IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM sp_enrolment e WHERE e.individual_id = i.id
                                  AND e.programme_id = %(programme)s)
             ORDER BY i.id LIMIT %(missing)s
        ), inserted AS (
            INSERT INTO sp_enrolment (programme_id, individual_id, area_id, company_id,
                   commune_id, province_id, state, date_start, application_date, popdb_status,
                   dependant_count, disability_level, monthly_amount, create_uid, create_date,
                   write_uid, write_date)
            SELECT %(programme)s, p.id, p.area_id, p.company_id, p.commune_id, p.province_id,
                   'active', '2024-01-01',
                   '2023-12-01', 'matched', 1, 'none', 0, 1, NOW(), 1, NOW()
              FROM people p
            RETURNING id, individual_id
        )
        INSERT INTO sp_benefit_category_sp_enrolment_rel (sp_enrolment_id, sp_benefit_category_id)
        SELECT n.id, p.category_id FROM inserted n JOIN people p ON p.id = n.individual_id
        """, category=category, programme=programme.id, missing=missing))
    env.cr.execute("ANALYZE sp_enrolment")
    env.cr.execute("ANALYZE sp_benefit_category_sp_enrolment_rel")
    # As decisions do, set their monthly amounts (not timed: it belongs to the enrolment).
    env["sp.entitlement"]._sp_refresh_monthly_amounts(
        env["sp.enrolment"].search([("programme_id", "=", programme.id)]), PERIOD)
    env.invalidate_all()


def _bench_entitlements(env, ctx, programme):
    _enrol(env, ctx, programme)
    Entitlement = env["sp.entitlement"]
    env.cr.execute("SELECT COUNT(*) FROM sp_enrolment WHERE state = 'active'")
    enrolments = env.cr.fetchone()[0]
    with _timed(env, ctx, "programme.entitlement") as fast:
        result = Entitlement._sp_compute_period(PERIOD)
    ctx.report("programme.entitlement.enrolments", enrolments, "enrolments")
    ctx.report("programme.entitlement.rows", result["rows"], "rows")
    ctx.report("programme.entitlement.seconds", fast.seconds, "s")
    with _timed(env, ctx, "programme.entitlement.recompute") as again:
        Entitlement._sp_compute_period(PERIOD)
    ctx.report("programme.entitlement.recompute_seconds", again.seconds, "s")
    env.cr.execute(SQL("SELECT id FROM sp_enrolment WHERE state = 'active' AND programme_id = %s",
                       programme.id))
    ids = [row[0] for row in env.cr.fetchall()]
    size = min(len(ids), ctx.size(500, 50))
    sample = env["sp.enrolment"].browse(random.Random(ctx.seed).sample(ids, size))
    with _timed(env, ctx, "programme.entitlement.orm") as slow:
        Entitlement._sp_compute_period_orm(PERIOD, sample)
        env.flush_all()
    ctx.compare("programme.entitlement", enrolments, "enrolments", fast.seconds, len(sample),
                slow.seconds)
    _cpu_ratio(ctx, "programme.entitlement", enrolments, fast, len(sample), slow)
    # A level published late, dated three months back: every enrolment owes arrears.
    for month in (datetime.date(2026, 7, 1), datetime.date(2026, 8, 1), datetime.date(2026, 9, 1)):
        Entitlement._sp_compute_period(month)
    level = env["sp.standard.level"].search([
        ("programme_id", "=", programme.id), ("province_id", "=", False),
        ("date_from", "=", "2026-07-01")])
    if level:
        level.amount += 5000
    else:
        env["sp.standard.level"].create({"programme_id": programme.id,
                                         "date_from": "2026-07-01", "amount": 545000})
    with _timed(env, ctx, "programme.arrears") as arrears:
        result = Entitlement._sp_compute_period(PERIOD)
    ctx.report("programme.arrears.seconds", arrears.seconds, "s")
    ctx.report("programme.arrears.amount", result["arrears"], "VND")


def run(env, ctx):
    programme = _programme(env)
    _bench_screening(env, ctx, programme)
    _bench_entitlements(env, ctx, programme)
