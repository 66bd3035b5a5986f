"""Import of provincial household lists, end to end (sp_registry, sp.registry.import).

- ``import.csv`` and ``import.xlsx``: a standard-template list of 100,000 people in 25,000
  households (2,000 / 500 in a smoke run) from upload to registry: header and mapping, every
  row read and checked (ID format and sex/year agreement, dates, names, household heads, same
  ID twice in the file, IDs and households already registered, likely duplicates in the
  commune), staging, then the set-based write in chunks. People per second, against the same
  kind of rows imported by per-record ORM ``create`` (a household, then each person; the ORM
  constraints do the checks) on a sample, and their ratio.
- ``import.csv.validate`` / ``import.csv.write`` (and xlsx): the two phases, in seconds.
- ``import.reimport``: the same CSV again: every household and person matched and left as it is
  (people per second).
- ``import.csv.cpu_seconds`` (and xlsx): CPU seconds of the whole import, this process and its
  database backend together, and ``import.csv.people_per_cpu_s``: a figure that does not depend
  on what else the machine runs (wall seconds on a shared machine do); ``import.load_average``.

The lists are generated (``tools.import_template.synthetic_rows``) in a temporary folder, into
communes of a province created here (code 99, which no real scheme uses), so that the figures
do not depend on the harness's demo data. Each list starts from the same registry (what the
previous list and its re-import wrote is rolled back to a savepoint), as its own upload would;
everything is rolled back afterwards.
"""
import base64
import csv
import os
import tempfile

from odoo.addons.sp_registry.tools.import_reader import FIELDS
from odoo.addons.sp_registry.tools.import_template import (
    synthetic_rows,
    write_synthetic_list,
)

COMMUNES = ["99001", "99002", "99003", "99004"]


def _fixture(env):
    Area = env["sp.area"].with_context(active_test=False)
    province = Area.search([("scheme", "=", "2025"), ("code", "=", "99")]) or Area.create(
        {"code": "99", "name": "Tỉnh Thử Nghiệm", "level": "province"})
    for index, code in enumerate(COMMUNES, 1):
        if not Area.search([("scheme", "=", "2025"), ("code", "=", code)]):
            Area.create({"code": code, "name": "Xã Thử %s" % index, "level": "commune",
                         "parent_id": province.id})
    office = province.company_id or env["res.company"].create({
        "name": "Sở Thử Nghiệm", "sp_area_id": province.id,
        "parent_id": env.ref("base.main_company").id})
    params = env["ir.config_parameter"].sudo()
    params.set_param("sp_registry.import_sync_rows", 10 ** 9)
    env.flush_all()
    return office


def _import(env, office, path):
    with open(path, "rb") as f:
        data = f.read()
    record = env["sp.registry.import"].create({
        "file": base64.b64encode(data), "file_name": os.path.basename(path),
        "company_id": office.id})
    record.action_read_columns()
    record.action_validate()
    return record


def _orm_import(env, path):
    """The same kind of list through the ORM, one record at a time."""
    Household, Person = env["sp.household"], env["sp.individual"]
    areas = {a.code: a.id for a in env["sp.area"].search([("code", "in", COMMUNES)])}
    kinh = env["sp.ethnicity"].search([("code", "=", "01")], limit=1).id
    genders = {"Nam": "male", "Nữ": "female"}
    relationships = {"Chủ hộ": "head", "Vợ": "spouse", "Con": "child"}
    keys = [FIELDS[key][2] for key in ("household_ref", "commune_code", "name", "gender",
                                        "birthdate", "id_number", "relationship")]
    households, people = {}, 0
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            ref, commune, name, sex, year, id_number, relation = (row[k] for k in keys)
            if ref not in households:
                households[ref] = Household.create({
                    "area_id": areas[commune], "external_ref": ref, "poverty_status": "poor"})
            Person.create({
                "name": name, "gender": genders[sex], "birthdate": "%s-01-01" % year,
                "birthdate_precision": "year", "id_number": id_number or False,
                "relationship": relationships[relation], "ethnicity_id": kinh,
                "household_id": households[ref].id})
            people += 1
    env.flush_all()
    return people


def run(env, ctx):
    households = ctx.size(25000, 500)
    sample = ctx.size(2500, 250)
    office = _fixture(env)
    with tempfile.TemporaryDirectory() as folder:
        orm_path = os.path.join(folder, "orm.csv")
        write_synthetic_list(orm_path, synthetic_rows(sample, COMMUNES, start=300000))
        with ctx.timer() as slow:
            orm_people = _orm_import(env, orm_path)
        for kind, start in (("csv", 0), ("xlsx", 100000)):
            # Each list is imported into the same registry, as its own upload would be: what
            # the previous one wrote (and its re-import updated) is rolled back first.
            env.flush_all()
            env.cr.execute("SAVEPOINT bench_import_list")
            path = os.path.join(folder, "province_list.%s" % kind)
            write_synthetic_list(path, synthetic_rows(households, COMMUNES, start=start))
            with ctx.timer(env.cr) as validate:
                record = _import(env, office, path)
            with ctx.timer(env.cr) as write:
                record.action_import()
            people = record.person_done_count
            assert record.state == "done" and people == households * 4, (
                record.state, people, record.issue_ids[:5].mapped("message"))
            ctx.report("import.%s.validate" % kind, validate.seconds, "s")
            ctx.report("import.%s.write" % kind, write.seconds, "s")
            ctx.compare("import.%s" % kind, people, "people", validate.seconds + write.seconds,
                        orm_people, slow.seconds)
            if validate.cpu is not None and write.cpu is not None:
                cpu = validate.cpu + write.cpu
                ctx.report("import.%s.cpu_seconds" % kind, cpu, "s")
                ctx.report("import.%s.people_per_cpu_s" % kind, people / max(cpu, 1e-9),
                           "people/CPU-s")
            ctx.report("import.%s.load_average" % kind, os.getloadavg()[0],
                       "(1 min, 2 cores shared)")
            if kind == "csv":
                with ctx.timer() as again:
                    record = _import(env, office, path)
                    record.action_import()
                assert record.person_update_count == people and not record.person_new_count
                ctx.report("import.reimport", people / max(again.seconds, 1e-9), "people/s")
            env.flush_all()
            env.cr.execute("ROLLBACK TO SAVEPOINT bench_import_list")
            env.invalidate_all()
