"""Registry reads at scale: accent-insensitive name search, personal-ID lookup, household form.

The name search is the People list's (web_search_read with the default filter, the first page
and the count up to the web client's limit), typed without accents.

Each figure is measured over random samples of the registry the harness built (sp_demo), with
the ORM cache emptied before every call, as the superuser and, when sp_demo made one, as a
commune officer (record rules applied). Figures: p50 and p95 in milliseconds.
"""
import random
import time

from odoo.tools import SQL

from odoo.addons.sp_registry.tools import name_key

LIST_SPEC = {
    "name": {}, "id_number": {}, "gender": {}, "birthdate": {}, "relationship": {},
    "household_id": {"fields": {"display_name": {}}},
    "area_id": {"fields": {"display_name": {}}},
}
# RelationalModel.DEFAULT_COUNT_LIMIT of the web client
COUNT_LIMIT = 10000
HOUSEHOLD_FORM_SPEC = {
    "code": {}, "head_id": {"fields": {"display_name": {}}}, "phone": {}, "member_count": {},
    "area_id": {"fields": {"display_name": {}}}, "street": {}, "province_id": {"fields": {}},
    "company_id": {"fields": {"display_name": {}}}, "poverty_status": {}, "active": {},
    "notes": {}, "display_name": {},
    "member_ids": {"fields": {
        "name": {}, "relationship": {}, "gender": {}, "birthdate": {},
        "birthdate_precision": {}, "id_number": {}, "ethnicity_id": {"fields": {"display_name": {}}},
        "phone": {}, "disability_level": {}, "is_pregnant": {}, "in_school": {},
        "has_health_insurance": {}, "is_deceased": {}, "area_id": {"fields": {}},
    }},
    "poverty_history_ids": {"fields": {"year": {}, "status": {}, "decision_ref": {},
                                       "decision_date": {}}},
    "message_follower_ids": {"fields": {}},
}


def _percentile(values, pct):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(pct / 100 * (len(values) - 1))))]


def _sample(env, n, seed, where):
    """``n`` random people (id, name, id_number, household_id) spread over the id range."""
    env.cr.execute("SELECT MIN(id), MAX(id) FROM sp_individual")
    low, high = env.cr.fetchone()
    if low is None:
        return []
    rng = random.Random(seed)
    ids = [rng.randint(low, high) for _i in range(n * 3)]
    env.cr.execute(SQL(
        "SELECT id, name, id_number, household_id FROM sp_individual WHERE id = ANY(%s) AND %s",
        ids, SQL(where)))
    rows = env.cr.fetchall()
    rng.shuffle(rows)
    return rows[:n]


def _measure(env, calls):
    timings = []
    for call in calls:
        env.invalidate_all()
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _report(ctx, name, timings):
    if not timings:
        return
    ctx.report(name + ".p50", _percentile(timings, 50), "ms")
    ctx.report(name + ".p95", _percentile(timings, 95), "ms")


def _officer(env):
    group = env.ref("sp_base.group_commune_officer")
    users = env["res.users"].search([("groups_id", "in", group.id), ("sp_area_ids", "!=", False),
                                     ("share", "=", False)], limit=1)
    return users


def run(env, ctx):
    n = ctx.size(200, 20)
    people = _sample(env, n, ctx.seed, "active")
    with_id = _sample(env, n, ctx.seed + 1, "active AND id_number IS NOT NULL")
    households = [row[3] for row in _sample(env, n, ctx.seed + 2, "household_id IS NOT NULL")]
    ctx.report("registry.sample", len(people), "people")

    def name_search(Person, text):
        # What the People list does when the officer types a name in the search box: the
        # action's default filter (living people), the name condition, the first page in the
        # model's order, and the count, which the web client asks up to 10,000 (count_limit).
        domain = [("is_deceased", "=", False), ("name", "ilike", text)]
        return lambda: Person.web_search_read(domain, LIST_SPEC, limit=80,
                                              count_limit=COUNT_LIMIT + 1)

    def id_lookup(Person, number):
        return lambda: Person.search([("id_number", "=", number)], limit=1).read(["name"])

    def form_read(Household, household_id):
        return lambda: Household.browse(household_id).web_read(HOUSEHOLD_FORM_SPEC)

    runs = [("superuser", env)]
    officer = _officer(env)
    if officer:
        runs.append(("officer", env(user=officer)))
    for label, run_env in runs:
        Person = run_env["sp.individual"]
        Household = run_env["sp.household"]
        if label == "officer":
            # the officer's own communes: samples outside them would only measure the refusal
            areas = officer.sp_area_ids
            people_o = [p for p in people if Person.search_count([("id", "=", p[0])])]
            with_id_o = [p for p in with_id if Person.search_count([("id", "=", p[0])])]
            households_o = [h for h in households if Household.search_count([("id", "=", h)])]
            if not people_o:
                env.cr.execute(SQL(
                    "SELECT id, name, id_number, household_id FROM sp_individual "
                    "WHERE area_id IN (SELECT id FROM sp_area WHERE id = ANY(%s) OR "
                    "parent_id = ANY(%s)) ORDER BY id LIMIT %s", areas.ids, areas.ids, n))
                people_o = env.cr.fetchall()
                with_id_o = [p for p in people_o if p[2]]
                households_o = list({p[3] for p in people_o if p[3]})
            sample_people, sample_ids, sample_households = people_o, with_id_o, households_o
        else:
            sample_people, sample_ids, sample_households = people, with_id, households
        # typed without accents: the full name, its last two words (e.g. 'van an'), and the
        # given name alone (a common word: thousands of matches to sort and count)
        _report(ctx, "registry.%s.name_search" % label,
                _measure(run_env, [name_search(Person, name_key(p[1])) for p in sample_people]))
        _report(ctx, "registry.%s.name_search_words" % label,
                _measure(run_env, [name_search(Person, " ".join(name_key(p[1]).split()[-2:]))
                                   for p in sample_people]))
        _report(ctx, "registry.%s.name_search_given_name" % label,
                _measure(run_env, [name_search(Person, name_key(p[1]).split()[-1])
                                   for p in sample_people[:ctx.size(50, 5)]]))
        _report(ctx, "registry.%s.id_lookup" % label,
                _measure(run_env, [id_lookup(Person, p[2]) for p in sample_ids]))
        _report(ctx, "registry.%s.household_form" % label,
                _measure(run_env, [form_read(Household, h) for h in sample_households]))
