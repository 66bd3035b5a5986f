"""The generator: set-based (COPY per chunk) against per-record ORM creates of the same rows.

Figures: ``demo.generate`` (people/s of ``generate()`` on top of the database's data, indexes
in place), ``demo.orm`` (the same kind of rows created one record at a time through the ORM:
household, then each person, then each poverty review) and their ratio.
"""
import time


def run(env, ctx):
    generator = env["sp.demo.generator"]
    seed = ctx.seed + 1000  # not the database's own seed: new people, new IDs
    households = ctx.size(5000, 150)
    stats = generator.generate(households=households, seed=seed)
    ctx.report("demo.generate.households", stats["households"], "households")
    ctx.report("demo.generate.people", stats["people"], "people")
    ctx.report("demo.generate.seconds", stats["seconds"], "s")

    # The same generator's rows, written one record at a time through the ORM.
    sample = ctx.size(200, 25)
    builder = generator._builder(seed + 1, ("08", "48", "68", "86"), None)
    rows = builder.chunk(0, sample)
    Household = env["sp.household"].with_context(tracking_disable=True)
    Person = env["sp.individual"].with_context(tracking_disable=True)
    History = env["sp.household.poverty.history"].with_context(tracking_disable=True)
    people = 0
    started = time.perf_counter()
    for row in rows:
        household = Household.create({"area_id": row["area_id"], "street": row["street"]})
        for person in row["members"]:
            Person.create(dict(_person_vals(person), household_id=household.id))
            people += 1
        for year, status, ref, date in row["history"]:
            History.create({"household_id": household.id, "year": year, "status": status,
                            "decision_ref": ref, "decision_date": date})
        env.flush_all()
    orm_seconds = time.perf_counter() - started
    ctx.report("demo.orm.people", people, "people")
    ctx.compare("demo", stats["people"], "people", stats["seconds"], people, orm_seconds)


PERSON_FIELDS = (
    "name", "relationship", "gender", "birthdate", "birthdate_precision", "id_number",
    "legacy_id_number", "ethnicity_id", "phone", "disability_level",
    "disability_certificate_date", "is_pregnant", "in_school", "has_health_insurance",
    "health_insurance_number", "health_insurance_expiry",
)


def _person_vals(person):
    return {name: person[name] if person[name] is not None else False for name in PERSON_FIELDS}
