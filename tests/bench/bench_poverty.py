"""Poverty review: classification of every assessed household, set-based against per-record.

- ``poverty.classify``: one assessment per household of the database (year 2026, income and
  deprivations drawn from the household id, inserted by SQL in the rolled-back cursor), all
  classified by ``sp.poverty.assessment._sp_classify`` (one statement), against the per-record
  ORM path (standard, unit type, province thresholds and deprivations read through the ORM for
  each assessment, result written) on a sample; the sample's results must be the same on both
  paths. ``poverty.classify.rerun``: the same statement again (nothing to change).
- ``poverty.recognise``: the recognition's writes (one history row per household and year,
  then the households' current status through sp_registry's sync, which posts a chatter message
  per household whose status changed), for interim campaigns of the first communes (about
  5,000 households); ``poverty.recognise.rerun``: the same again (nothing to write).
- ``poverty.report``: the per-commune figures view (poor and near-poor counts and rates).
"""
import datetime

from odoo.tools import SQL

YEAR = 2026


def _standard(env):
    """The standard in force in YEAR (Vietnam's when sp_vn_poverty is installed), else one like it."""
    Standard = env["sp.poverty.standard"]
    standard = Standard.search([("date_from", "<=", datetime.date(YEAR, 12, 31)), "|",
                                ("date_to", "=", False),
                                ("date_to", ">=", datetime.date(YEAR, 1, 1))],
                               order="date_from desc", limit=1)
    if standard:
        return standard
    indicators = env["sp.poverty.indicator"].create([
        {"code": "BENCH%02d" % n, "name": "Bench %s" % n, "dimension": "housing"}
        for n in range(1, 13)])
    return Standard.create({
        "name": "Bench", "date_from": datetime.date(YEAR - 4, 1, 1),
        "date_to": datetime.date(YEAR, 12, 31), "threshold_rural": 1500000,
        "threshold_urban": 2000000, "middle_rural": 2250000, "middle_urban": 3000000,
        "min_deprivations": 3, "indicator_ids": [(6, 0, indicators.ids)]})


def _prepare(env, standard):
    env.flush_all()
    env.cr.execute(SQL(
        """
        INSERT INTO sp_poverty_assessment
               (household_id, year, origin, state, company_id, area_id, commune_id, province_id,
                previous_status, income_per_capita, create_uid, create_date, write_uid, write_date)
        SELECT h.id, %(year)s, 'current_list', 'draft', h.company_id, h.area_id, h.commune_id,
               h.province_id, h.poverty_status, MOD(h.id * 7919, 3200000),
               1, NOW() AT TIME ZONE 'UTC', 1, NOW() AT TIME ZONE 'UTC'
          FROM sp_household h
         WHERE h.active AND h.commune_id IS NOT NULL
        RETURNING id
        """, year=YEAR))
    ids = [row[0] for row in env.cr.fetchall()]
    # each indicator of the standard missing in about a quarter of the households
    env.cr.execute(SQL(
        """
        INSERT INTO sp_poverty_assessment_indicator_rel (assessment_id, indicator_id)
        SELECT a.id, si.indicator_id
          FROM sp_poverty_assessment a
          JOIN sp_poverty_standard_indicator_rel si ON si.standard_id = %(standard)s
         WHERE a.id >= %(first)s
           AND MOD(ABS(hashtext(a.id::text || ':' || si.indicator_id::text)), 4) = 0
        """, standard=standard.id, first=min(ids) if ids else 0))
    env.cr.execute("ANALYZE sp_poverty_assessment")
    env.cr.execute("ANALYZE sp_poverty_assessment_indicator_rel")
    return ids


def _orm_classify(env, assessments):
    """The per-record path: what a loop over the forms would do with the ORM."""
    Standard = env["sp.poverty.standard"]
    AreaType = env["sp.poverty.area.type"]
    Province = env["sp.poverty.standard.province"]
    results = {}
    for form in assessments:
        standard = Standard.search([
            ("date_from", "<=", datetime.date(form.year, 12, 31)), "|", ("date_to", "=", False),
            ("date_to", ">=", datetime.date(form.year, 1, 1))], order="date_from desc", limit=1)
        mapping = AreaType.search([("division_type", "=", form.commune_id.division_type)],
                                  limit=1)
        area_type = mapping.area_type or "rural"
        override = Province.search([("standard_id", "=", standard.id),
                                    ("area_id", "=", form.province_id.id)], limit=1)
        threshold = override["threshold_%s" % area_type] or standard["threshold_%s" % area_type]
        middle = override["middle_%s" % area_type] or standard["middle_%s" % area_type]
        count = len(form.deprived_indicator_ids & standard.indicator_ids)
        income = form.income_per_capita
        if income <= threshold:
            status = "poor" if count >= standard.min_deprivations else "near_poor"
        else:
            status = "middle" if middle and income <= middle else "none"
        form.write({"standard_id": standard.id, "area_type": area_type, "threshold": threshold,
                    "deprivation_count": count, "result_status": status})
        results[form.id] = status
    env.flush_all()
    return results


def run(env, ctx):
    Assessment = env["sp.poverty.assessment"]
    standard = _standard(env)
    ids = _prepare(env, standard)
    if not ids:
        ctx.report("poverty.skipped", 1, "no households")
        return
    where = SQL("a.id >= %s", min(ids))
    with ctx.timer(env.cr) as fast:
        changed = Assessment._sp_classify(where)
    ctx.report("poverty.classify.households", len(ids), "households")
    ctx.report("poverty.classify.changed", changed, "assessments")
    ctx.report("poverty.classify.seconds", fast.seconds, "s")
    env.cr.execute(SQL(
        "SELECT result_status, COUNT(*) FROM sp_poverty_assessment a WHERE %s GROUP BY 1", where))
    for status, count in sorted(env.cr.fetchall(), key=lambda row: row[0] or ""):
        ctx.report("poverty.classify.%s" % (status or "unclassified"), count, "assessments")
    expected = {form.id: form.result_status for form in Assessment.browse(ids)}

    with ctx.timer(env.cr) as rerun:
        unchanged = Assessment._sp_classify(where)
    ctx.report("poverty.classify.rerun.changed", unchanged, "assessments")
    ctx.report("poverty.classify.rerun.seconds", rerun.seconds, "s")

    step = max(1, len(ids) // ctx.size(2000, 100))
    sample = Assessment.browse(ids[::step])
    # start the ORM path from empty results
    env.cr.execute(SQL(
        "UPDATE sp_poverty_assessment SET result_status = NULL, standard_id = NULL "
        "WHERE id = ANY(%s)", sample.ids))
    env.invalidate_all()
    with ctx.timer(env.cr) as slow:
        results = _orm_classify(env, sample)
    mismatches = sum(1 for form_id, status in results.items() if expected[form_id] != status)
    if mismatches:
        raise AssertionError("%s assessments classified differently by the two paths"
                             % mismatches)
    ctx.compare("poverty.classify", len(ids), "households", fast.seconds, len(sample),
                slow.seconds)

    _recognise(env, ctx, where)

    with ctx.timer(env.cr) as report:
        env["sp.poverty.report"].search_read([], ["poor_count", "near_poor_count", "poor_rate"])
    ctx.report("poverty.report.ms", report.seconds * 1000, "ms")


def _recognise(env, ctx, where):
    """Campaigns at the posting step for the first communes of the assessments (about 5,000
    households; 500 in a smoke run: the status sync posts a message per household), their
    assessments approved (SQL), then the recognition's history and status writes, timed."""
    env.cr.execute(SQL(
        """
        INSERT INTO sp_poverty_campaign
               (name, area_id, province_id, company_id, year, kind, date_start, date_end, state,
                decision_number, decision_date, create_uid, create_date, write_uid, write_date)
        SELECT 'Bench ' || c.name, c.id, c.province_id, COALESCE(c.company_id, 1), %(year)s,
               'interim', %(start)s, %(end)s, 'posting', 'BENCH/QD', %(end)s,
               1, NOW() AT TIME ZONE 'UTC', 1, NOW() AT TIME ZONE 'UTC'
          FROM sp_area c
         WHERE c.id IN (
               SELECT commune_id FROM (
                   SELECT a.commune_id, SUM(COUNT(*)) OVER (ORDER BY a.commune_id) AS running
                     FROM sp_poverty_assessment a WHERE %(where)s GROUP BY a.commune_id) t
                WHERE running <= %(limit)s OR running = (
                      SELECT MIN(running) FROM (
                          SELECT SUM(COUNT(*)) OVER (ORDER BY a.commune_id) AS running
                            FROM sp_poverty_assessment a WHERE %(where)s
                           GROUP BY a.commune_id) m))
        RETURNING id
        """, year=YEAR, start=datetime.date(YEAR, 9, 1), end=datetime.date(YEAR, 12, 14),
        where=where, limit=ctx.size(5000, 500)))
    campaigns = env["sp.poverty.campaign"].browse([row[0] for row in env.cr.fetchall()])
    env.cr.execute(SQL(
        """
        UPDATE sp_poverty_assessment a SET campaign_id = c.id, state = 'approved'
          FROM sp_poverty_campaign c
         WHERE c.id = ANY(%(ids)s) AND c.area_id = a.commune_id AND %(where)s
        """, ids=campaigns.ids, where=where))
    count = env.cr.rowcount
    env.invalidate_all()
    with ctx.timer(env.cr) as fast:
        households = campaigns._sp_write_history()
    ctx.report("poverty.recognise.households", count, "households")
    ctx.report("poverty.recognise.status_changed", len(households), "households")
    ctx.report("poverty.recognise.seconds", fast.seconds, "s")
    ctx.report("poverty.recognise.per_s", count / max(fast.seconds, 1e-9), "households/s")
    with ctx.timer(env.cr) as rerun:
        again = campaigns._sp_write_history()
    ctx.report("poverty.recognise.rerun.changed", len(again), "households")
    ctx.report("poverty.recognise.rerun.seconds", rerun.seconds, "s")
