"""The machinery behind tests/bench/run.py: database at scale, benchmark discovery, figures.

A benchmark is a file ``tests/bench/bench_<name>.py`` with a function ``run(env, ctx)``:

- ``env``: a superuser environment on the benchmark database, in a cursor that is rolled back
  after the benchmark (a benchmark may create or change anything; nothing stays);
- ``ctx.report(name, value, unit)`` prints ``name: value unit`` and records the figure;
- ``ctx.compare(name, count, unit, fast_seconds, slow_count, slow_seconds)`` reports both rates
  and their ratio (the suite's set-based path against the per-record ORM path);
- ``ctx.timer()`` measures a block (``with ctx.timer() as t: ...; t.seconds``);
- ``ctx.smoke`` (bool), ``ctx.people`` (scale of the database), ``ctx.seed``,
  ``ctx.size(full, smoke)`` picks a sample size.

Benchmarks never fail on time: an exception is an error (reported, exit code 1), a slow figure
is just a figure.
"""
import datetime
import importlib.util
import json
import os
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

import psycopg2

import odoo
from odoo.tools import SQL, config

HERE = Path(__file__).resolve().parent
PARAM_PEOPLE = "sp_demo.bench_people"
PARAM_SEED = "sp_demo.bench_seed"
PARAM_BUILD = "sp_demo.bench_build"


class Timer:
    seconds = 0.0
    cpu = None  # CPU seconds of this process and the database backend, when asked and readable


class Context:
    def __init__(self, args, database):
        self.smoke = bool(args.smoke)
        self.people = args.people
        self.seed = args.seed
        self.database = database
        self.figures = []
        self.current = None

    def report(self, name, value, unit=""):
        value = _rounded(value)
        print(("%s: %s %s" % (name, value, unit)).rstrip(), flush=True)
        self.figures.append({"bench": self.current, "name": name, "value": value, "unit": unit})

    @contextmanager
    def timer(self, cr=None):
        """Wall seconds of the block; with a cursor, also the CPU seconds of this process and
        that cursor's database backend (``timer.cpu``, None when they cannot be read)."""
        from odoo.addons.sp_base.tools import cpu_seconds  # noqa: PLC0415 - addons path set late

        timer = Timer()
        cpu = cpu_seconds(cr) if cr is not None else None
        start = time.perf_counter()
        try:
            yield timer
        finally:
            timer.seconds = time.perf_counter() - start
            if cpu is not None:
                after = cpu_seconds(cr)
                timer.cpu = after - cpu if after is not None else None

    def size(self, full, smoke):
        return smoke if self.smoke else full

    def enrol_people(self, env, count, programme, categories, province, office, communes,
                     start, amount, name="Người đo tải", id_prefix="9", birth_days=5000,
                     birth_step=1):
        """``count`` people spread over ``communes`` with an active enrolment each in
        ``programme`` from ``start`` (``categories`` given in turn), written set-based: the
        fixture of the benchmarks that need enrolled people. Personal IDs are ``id_prefix``
        and 11 digits (no real province code starts with 8 or 9, so none collides)."""
        from odoo.tools import SQL  # noqa: PLC0415 - addons path set late

        cr, uid = env.cr, env.uid
        cr.execute(SQL("""
            INSERT INTO sp_individual (name, gender, birthdate, birthdate_precision, birth_year,
                   id_number, area_id, commune_id, province_id, company_id, disability_level,
                   active, is_deceased, create_uid, create_date, write_uid, write_date)
            SELECT %(name)s || ' ' || g, CASE WHEN mod(g, 2) = 0 THEN 'male' ELSE 'female' END,
                   DATE '1930-01-01' + mod(g * %(step)s, %(days)s), 'day',
                   1930 + mod(g * %(step)s, %(days)s) / 366,
                   %(prefix)s || lpad(g::text, 11, '0'), c.ids[1 + mod(g, %(n)s)],
                   c.ids[1 + mod(g, %(n)s)], %(province)s, %(office)s, 'none', TRUE, FALSE,
                   %(uid)s, now(), %(uid)s, now()
              FROM generate_series(1, %(count)s) g, (SELECT %(communes)s::int[] AS ids) c
        """, name=name, step=birth_step, days=birth_days, prefix=id_prefix, n=len(communes),
            province=province.id, office=office.id, uid=uid, count=count, communes=communes.ids))
        cr.execute(SQL("""
            INSERT INTO sp_enrolment (programme_id, individual_id, state, area_id, commune_id,
                   province_id, company_id, date_start, application_date, popdb_status,
                   dependant_count, disability_level, monthly_amount, create_uid, create_date,
                   write_uid, write_date)
            SELECT %(programme)s, i.id, 'active', i.area_id, i.commune_id, i.province_id,
                   i.company_id, %(start)s, %(start)s, 'matched', 1, 'none', %(amount)s,
                   %(uid)s, now(), %(uid)s, now()
              FROM sp_individual i WHERE i.company_id = %(office)s
        """, programme=programme.id, start=start, amount=amount, uid=uid, office=office.id))
        cr.execute(SQL("""
            INSERT INTO sp_benefit_category_sp_enrolment_rel (sp_enrolment_id, sp_benefit_category_id)
            SELECT e.id, (%(categories)s::int[])[1 + mod(e.id, %(n)s)]
              FROM sp_enrolment e WHERE e.programme_id = %(programme)s
        """, categories=categories.ids, n=len(categories), programme=programme.id))
        cr.execute("ANALYZE sp_individual")
        cr.execute("ANALYZE sp_enrolment")

    def compare(self, name, count, unit, fast_seconds, slow_count, slow_seconds):
        """Report ``name.set_based`` and ``name.orm`` rates (``unit``/s) and ``name.ratio``."""
        fast = count / max(fast_seconds, 1e-9)
        slow = slow_count / max(slow_seconds, 1e-9)
        self.report("%s.set_based" % name, fast, "%s/s" % unit)
        self.report("%s.orm" % name, slow, "%s/s" % unit)
        self.report("%s.ratio" % name, fast / slow if slow else 0.0, "x")
        return fast / slow if slow else 0.0


def _rounded(value):
    if isinstance(value, float):
        return round(value, 3) if abs(value) < 100 else round(value, 1)
    return value


def _log(message, *args):
    print("== " + (message % args if args else message), flush=True)


def run(args, odoo_args):
    started = time.perf_counter()
    log_level = [] if args.verbose else ["--log-level=warn"]
    config.parse_config(["-c", args.config, "-d", args.database] + log_level + list(odoo_args),
                        setup_logging=True)
    from odoo.addons.sp_demo.tools import runtime  # noqa: PLC0415 - needs the addons path

    database = args.database
    ctx = Context(args, database)
    build = _prepare_database(runtime, args, ctx)
    if build is None:
        return 2
    registry = odoo.modules.registry.Registry(database)
    errors = []
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem[len("bench_"):]
        if args.only and args.only not in path.stem:
            continue
        ctx.current = name
        _log("%s", path.name)
        t0 = time.perf_counter()
        cr = registry.cursor()
        try:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            _load(path).run(env, ctx)
        except Exception:
            errors.append({"bench": name, "error": traceback.format_exc()})
            print(traceback.format_exc(), flush=True)
        finally:
            cr.rollback()
            cr.close()
        _log("%s done in %.1f s", path.name, time.perf_counter() - t0)
    total = time.perf_counter() - started
    _write_json(args, ctx, build, errors, total)
    _log("%s figures, %s errors, %.1f s; figures in %s",
         len(ctx.figures), len(errors), total, args.json)
    return 1 if errors else 0


def _load(path):
    spec = importlib.util.spec_from_file_location("sp_bench_%s" % path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MARK = "sp bench harness"


def _meta(runtime, database):
    """State of ``database``: None when missing, False when not the harness's own, else a dict
    with the scale and seed recorded by the last complete build (empty when it did not finish)."""
    if not runtime.database_exists(database):
        return None
    with odoo.sql_db.db_connect("postgres").cursor() as cr:
        cr.execute(SQL("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                       "WHERE datname = %s", database))
        if cr.fetchone()[0] != MARK:
            return False
    with odoo.sql_db.db_connect(database).cursor() as cr:
        cr.execute("SELECT to_regclass('ir_config_parameter') IS NOT NULL")
        if not cr.fetchone()[0]:
            return {}
        people, seed = runtime.get_param(cr, PARAM_PEOPLE), runtime.get_param(cr, PARAM_SEED)
        build = runtime.get_param(cr, PARAM_BUILD)
    if people is None:
        return {}
    return {"people": int(people), "seed": int(seed), "build": json.loads(build or "{}")}


def _prepare_database(runtime, args, ctx):
    """Reuse the database when its scale and seed match, else (re)build it. Returns the build
    figures (dict), or None when the database may not be touched.

    Only databases created by this harness are ever dropped, and one holding another scale or
    seed only with ``--rebuild``: a smoke run cannot drop the 1,000,000-person database."""
    database = args.database
    modules = runtime.suite_modules()
    meta = _meta(runtime, database)
    if meta is False and not args.rebuild:
        _log("ERROR: database %s exists but was not built by this harness; pass --rebuild to "
             "drop it, or choose another name.", database)
        return None
    same = bool(meta) and (meta["people"], meta["seed"]) == (args.people, args.seed)
    if meta and not same and not args.rebuild:
        _log("ERROR: database %s holds %s people with seed %s, not %s with seed %s; pass "
             "--rebuild to drop and rebuild it.", database, meta["people"], meta["seed"],
             args.people, args.seed)
        return None
    if same and not args.rebuild and not args.smoke:
        build = meta["build"]
        _log("reusing %s: %s people, seed %s", database, meta["people"], meta["seed"])
        registry = runtime.ensure_database(database, modules, update=args.update)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            stages = env["sp.demo.generator"].complete(commit=True)
        ctx.current = "build"
        _report_stages(ctx, stages)
        for key, unit in (("install_seconds", "s"), ("generate_seconds", "s"),
                          ("people_per_s", "people/s")):
            if key in build:
                ctx.report("build.%s" % key, build[key], unit)
        return build
    if meta is not None:
        _log("dropping %s", database)
        runtime.drop_database(database)
    _log("building %s: %s, %s people, seed %s", database, ", ".join(modules), args.people,
         args.seed)
    t0 = time.perf_counter()
    if args.template and not runtime.database_exists(args.template):
        _log("ERROR: the template database %s does not exist.", args.template)
        return None
    try:
        runtime.create_database(database, comment=MARK, template=args.template)
    except psycopg2.errors.ObjectInUse:
        # Someone is still connected to the template: install instead of copying.
        _log("the template %s is in use: installing the modules instead", args.template)
        runtime.create_database(database, comment=MARK)
    registry = runtime.ensure_database(database, modules)
    install_seconds = time.perf_counter() - t0
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        load_before = os.getloadavg()
        stats = env["sp.demo.generator"].generate(people=args.people, seed=args.seed, commit=True)
        cr.execute("ANALYZE")
        build = {
            "install_seconds": round(install_seconds, 1),
            "generate_seconds": round(stats["seconds"], 1),
            "people_per_s": round(stats["people_per_s"]),
            "cpu_seconds": stats.get("cpu_seconds"),
            "phases": stats.get("phases"),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "load_average_before": [round(x, 2) for x in load_before],
            "households": stats["households"],
            "people": stats["people"],
            "stages": stats.get("stages") or {},
            "modules": modules,
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        }
        params = env["ir.config_parameter"]
        params.set_param(PARAM_PEOPLE, str(args.people))
        params.set_param(PARAM_SEED, str(args.seed))
        params.set_param(PARAM_BUILD, json.dumps(build))
        cr.commit()
    ctx.current = "build"
    ctx.report("build.install_seconds", build["install_seconds"], "s")
    ctx.report("build.households", build["households"], "households")
    ctx.report("build.people", build["people"], "people")
    ctx.report("build.generate_seconds", build["generate_seconds"], "s")
    ctx.report("build.people_per_s", build["people_per_s"], "people/s")
    if build["cpu_seconds"]:
        ctx.report("build.cpu_seconds", build["cpu_seconds"], "s (generator process + database)")
        ctx.report("build.people_per_cpu_s", round(build["people"] / build["cpu_seconds"]),
                   "people/CPU-s")
    for phase, seconds in (build["phases"] or {}).items():
        ctx.report("build.phase.%s" % phase, seconds, "s")
    _report_stages(ctx, build["stages"])
    ctx.report("build.load_average_before", build["load_average_before"][0],
               "(1 min, before generating)")
    ctx.report("build.load_average", build["load_average"][0], "(1 min, 2 cores shared)")
    return build


def _report_stages(ctx, stages):
    """``build.stage.<stage>.seconds`` and the stage's counts (enrolments, lines...)."""
    for stage, figures in (stages or {}).items():
        flat = {}
        for key, value in figures.items():
            if isinstance(value, dict):
                flat.update(("%s.%s" % (key, k), v) for k, v in value.items())
            else:
                flat[key] = value
        for key, value in flat.items():
            if isinstance(value, (int, float)):
                ctx.report("build.stage.%s.%s" % (stage, key), value,
                           "s" if key.endswith("seconds") else "")


def _write_json(args, ctx, build, errors, total):
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "database": args.database,
        "people": args.people,
        "seed": args.seed,
        "smoke": bool(args.smoke),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "seconds": round(total, 1),
        "build": build,
        "figures": ctx.figures,
        "errors": errors,
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")

