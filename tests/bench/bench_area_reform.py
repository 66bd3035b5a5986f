"""The 2025 area reform (sp_area_reform) at scale: people, their households and enrolments put
back on legacy areas (each 2025 commune's predecessor, as a database installed before the reform
holds them), then re-pointed by the set-based run (dry run, then apply: one UPDATE ... FROM a
mapping per model and chunk, commune/province/office in the same statement, the households'
mapping rows). The per-record ORM path (a ``write`` of the new area, one record at a time) runs
on a sample of the same rows. Issue 18's target: 1,000,000 people with their households and
enrolments in under 5 minutes; the figure ``area_reform.people_1m_minutes`` extrapolates
linearly from the rate measured here.
"""
from odoo.tools import SQL

MODELS = ("sp.individual", "sp.household", "sp.enrolment")


def _legacy_predecessors(env):
    """{2025 commune id: a legacy commune that became it}: a predecessor whose only successor
    it is when there is one (most communes), else a split unit whose default it is."""
    env.cr.execute("""
        WITH succ AS (
            SELECT s.old_area_id, s.new_area_id, s.is_default,
                   count(*) OVER (PARTITION BY s.old_area_id) AS n
              FROM sp_area_succession s
              JOIN sp_area o ON o.id = s.old_area_id AND o.scheme = 'legacy' AND o.level = 'commune'
              JOIN sp_area n ON n.id = s.new_area_id AND n.scheme = '2025' AND n.level = 'commune'
        )
        SELECT DISTINCT ON (new_area_id) new_area_id, old_area_id FROM succ
         WHERE n = 1 OR is_default
         ORDER BY new_area_id, n, old_area_id
    """)
    return dict(env.cr.fetchall())


def _to_legacy(env, tables, predecessors, where=None):
    """Put the rows back on the legacy predecessor of their commune (SQL, as an old database)."""
    olds, news = list(predecessors.values()), list(predecessors)
    where = where or SQL("TRUE")
    total = 0
    for table in tables:
        env.cr.execute(SQL("""
            UPDATE %(table)s t SET area_id = m.old_id, commune_id = m.old_id,
                   province_id = o.province_id
              FROM unnest(%(news)s::int[], %(olds)s::int[]) AS m(new_id, old_id)
              JOIN sp_area o ON o.id = m.old_id
             WHERE t.commune_id = m.new_id AND %(where)s
        """, table=SQL.identifier(table), news=news, olds=olds, where=where))
        total += env.cr.rowcount
    env.invalidate_all()
    return total


def run(env, ctx):
    if "sp.area.reform.run" not in env:
        ctx.report("area_reform.skipped", 1, "(sp_area_reform not installed)")
        return
    predecessors = _legacy_predecessors(env)
    if not predecessors:
        ctx.report("area_reform.skipped", 1, "(no legacy areas: sp_vn not installed)")
        return
    tables = [env[name]._table for name in MODELS if name in env]
    env.flush_all()
    counts = {}
    for table in tables:
        env.cr.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(table)))
        counts[table] = env.cr.fetchone()[0]
    people = counts.get("sp_individual", 0)
    legacy = _to_legacy(env, tables, predecessors)
    ctx.report("area_reform.people", people, "people")
    ctx.report("area_reform.rows_on_legacy", legacy, "rows")
    env.cr.execute("ANALYZE")

    Run = env["sp.area.reform.run"]
    run = Run.create({"apply_default": True, "name": "bench"})
    with ctx.timer(env.cr) as dry:
        run._sp_dry_run()
    ctx.report("area_reform.dry_run_seconds", dry.seconds, "s")
    with ctx.timer(env.cr) as fast:
        run._sp_process()
    env.flush_all()
    moved = run.done_count
    ctx.report("area_reform.apply_seconds", fast.seconds, "s")
    if fast.cpu is not None:
        ctx.report("area_reform.apply_cpu_seconds", fast.cpu, "s")
    ctx.report("area_reform.rows_moved", moved, "rows")
    ctx.report("area_reform.still_legacy", run.remaining_count, "rows")
    for progress in run.progress_ids:
        ctx.report("area_reform.moved.%s" % progress.model, progress.moved, "rows")
    total = dry.seconds + fast.seconds
    ctx.report("area_reform.rows_per_s", moved / max(total, 1e-9), "rows/s")
    if people:
        ctx.report("area_reform.people_1m_minutes", total / people * 1_000_000 / 60, "min")

    # second run: nothing to move
    with ctx.timer() as again:
        second = Run.create({"apply_default": True, "name": "bench again"})
        second._sp_dry_run()
        second._sp_process()
    ctx.report("area_reform.second_run_seconds", again.seconds, "s")
    ctx.report("area_reform.second_run_moved", second.done_count, "rows")

    # the per-record ORM path on a sample of households and their members
    sample = ctx.size(200, 20)
    env.cr.execute(SQL("SELECT id FROM sp_household ORDER BY id LIMIT %s", sample))
    household_ids = [row[0] for row in env.cr.fetchall()]
    where = SQL("t.id = ANY(%s)", household_ids)
    _to_legacy(env, ["sp_household"], predecessors, where)
    member_where = SQL("t.household_id = ANY(%s)", household_ids)
    _to_legacy(env, ["sp_individual"], predecessors, member_where)
    candidates = Run._sp_candidates()
    records = list(env["sp.household"].browse(household_ids))
    records += list(env["sp.individual"].search([("household_id", "in", household_ids)]))
    with ctx.timer() as slow:
        for rec in records:
            cand = candidates.get(rec.area_id.id)
            if cand and cand["default"]:
                rec.write({"area_id": cand["default"]})
        env.flush_all()
    ctx.compare("area_reform", moved, "rows", total, len(records), slow.seconds)
