import itertools
import json
import logging
import time
from collections import Counter
from operator import itemgetter

import psycopg2
from faker import Faker

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import SQL

from odoo.addons.sp_base.tools import copy_rows, cpu_seconds
from odoo.addons.sp_registry.models.sp_individual import age_band_of
from odoo.addons.sp_registry.tools import PROVINCE_ID_CODES

from ..tools.names import Pick
from ..tools.population import Commune, PopulationBuilder
from ..tools.stages import STAGES

_logger = logging.getLogger(__name__)

# The four provinces of the MIS pilot, in their 2025 shape (DOMAIN.md section 2).
PILOT_PROVINCES = ("08", "48", "68", "86")
# Households per chunk: part of what a seed means (chunk i is drawn from seed and i), so fixed.
CHUNK_HOUSEHOLDS = 10000
PARAM_RUNS = "sp_demo.generated"
PARAM_INDEXES = "sp_demo.pending_indexes"
# A load of at least this many people (and more than the table holds) rebuilds the indexes.
BULK_PEOPLE = 100000

# (role, login, group xml id, scope): scope "commune" = the pilot province office limited to
# one commune, "province" = the pilot province office, "central" = the central office with every
# office allowed. The password of a demo user is its login.
DEMO_USERS = [
    ("commune_officer", "demo.commune", "sp_base.group_commune_officer", "commune",
     "Nguyễn Thị Hoa"),
    ("province_manager", "demo.province", "sp_base.group_province_manager", "province",
     "Trần Văn Minh"),
    # Four eyes: the second manager approves what the first prepared.
    ("province_approver", "demo.approver", "sp_base.group_province_manager", "province",
     "Ngô Thị Mai"),
    ("central_officer", "demo.central", "sp_base.group_central_officer", "central",
     "Lê Thị Thu Hà"),
    ("call_centre_agent", "demo.callcentre", "sp_base.group_call_centre_agent", "central",
     "Phạm Ngọc Anh"),
    ("collaborator", "demo.collaborator", "sp_base.group_collaborator", "commune",
     "Hoàng Văn Páo"),
    ("auditor", "demo.auditor", "sp_base.group_auditor", "province", "Vũ Đức Thắng"),
    ("admin", "demo.admin", "sp_base.group_admin", "central", "Đặng Thị Lan"),
    ("payment_agency", "demo.agency", "sp_payment.group_payment_agency", "province",
     "Bùi Quang Huy"),
]
PILOT_PROVINCE = "08"
# The home action of each demo user: where the role's daily work starts (not Discuss).
HOME_ACTIONS = {
    "commune_officer": "sp_registry.sp_household_action",
    "province_manager": "sp_programme.sp_enrolment_action_applications",
    "province_approver": "sp_programme.sp_enrolment_action_applications",
    "central_officer": "sp_payment.sp_payment_cycle_action",
    "call_centre_agent": "sp_grievance.sp_grievance_console_action",
    "collaborator": "sp_collaborator.sp_collaborator_activity_action_my",
    "auditor": "sp_registry.sp_household_action",
    "payment_agency": "sp_payment.sp_payment_batch_action",
}
# What each demo user tries first (printed by `make run`).
FIRST_TASKS = {
    "commune_officer": "Registry > Households: register a birth, apply for an allowance",
    "province_manager": "Programmes > Applications: verify and post; Payments: generate the month",
    "province_approver": "Approve what demo.province prepared (four eyes)",
    "central_officer": "Every province: registry, programmes and payments",
    "call_centre_agent": "Grievances > Console: find a caller by phone, open a ticket",
    "collaborator": "Collaborators > Households to visit: log a visit (phone)",
    "auditor": "Read-only view of the province: registry, payments, tickets",
    "admin": "Configuration: areas, offices, users, policy data",
    "payment_agency": "Payments > Batches: download the list, upload the results",
}


class SpDemoGenerator(models.AbstractModel):
    """Seeded synthetic registry data at any scale, written set-based; demo users per role."""

    _name = "sp.demo.generator"
    _description = "Demo data generator"

    # ------------------------------------------------------------------ demo users
    @api.model
    def create_demo_users(self):
        """Create (once) one demo user per role in the pilot province; return their logins.

        :return: list of ``{"role", "login", "password"}``; the password is the login. Existing
            users keep their password; their groups, offices and areas are put back.
        """
        self._check_generator_access()
        province = self._pilot_province()
        office = self._province_offices(province)[province.code]
        central = office.parent_id or self.env.ref("base.main_company")
        commune = self.env["sp.area"].search(
            [("parent_id", "=", province.id), ("level", "=", "commune")], order="code", limit=1)
        everything = self.env["res.company"].search([])
        Users = self.env["res.users"].with_context(no_reset_password=True, active_test=False)
        result = []
        for role, login, group_xmlid, scope, name in DEMO_USERS:
            group = self.env.ref(group_xmlid, raise_if_not_found=False)
            if not group:
                continue
            vals = {
                "name": name,
                "email": "%s@demo.sp-mis.vn" % login,
                "groups_id": [Command.set(group.ids)],
                "company_id": (central if scope == "central" else office).id,
                "company_ids": [Command.set((everything if scope == "central" else office).ids)],
                "sp_area_ids": [Command.set(commune.ids if scope == "commune" else [])],
                "lang": "vi_VN" if self.env["res.lang"]._lang_get("vi_VN") else "en_US",
                "tz": "Asia/Ho_Chi_Minh",
                "action_id": self.env.ref(HOME_ACTIONS[role]).id if role in HOME_ACTIONS else False,
            }
            user = Users.search([("login", "=", login)], limit=1)
            if user:
                user.write(dict(vals, active=True))
            else:
                Users.create(dict(vals, login=login, password=login))
            result.append({"role": role, "login": login, "password": login,
                           "first_task": FIRST_TASKS.get(role, "")})
        return result

    # ------------------------------------------------------------------ generator
    @api.model
    def generate(self, households=None, people=None, seed=1, provinces=None, commit=False,
                 ref_date=None, communes=None):
        """Generate ``households`` households (or households up to exactly ``people`` people)
        in ``provinces`` (2-digit 2025 codes; default: the pilot provinces), seeded;
        ``communes`` (5-digit codes) narrows them to some communes.

        Rows are built in Python and loaded with COPY per chunk of 10,000 households, with
        every column the ORM would fill; ``commit=True`` commits after each chunk (command
        line). Same seed, same provinces, same reference date and same starting database: same
        data. ``ref_date`` (default 1 January of this year) is the day ages are drawn for.

        :return: dict with households, people, seconds, people_per_s.
        """
        self._check_generator_access()
        if not (households or people) or (households and households < 0) or \
                (people and people < 0):
            raise UserError(_("Say how many households or people to generate (a positive number)."))
        started = time.perf_counter()
        cpu_started = cpu_seconds(self.env.cr)
        provinces = tuple(provinces or PILOT_PROVINCES)
        builder = self._builder(seed, provinces, ref_date, communes)
        _restore_indexes(self.env)
        self.env.cr.execute("SELECT COUNT(*) FROM sp_individual")
        expected = people or households * 4
        writer = _ChunkWriter(self.env, bulk=expected >= max(BULK_PEOPLE, self.env.cr.fetchone()[0]))
        done_households = done_people = index = 0
        phases = writer.phases
        while True:
            count = CHUNK_HOUSEHOLDS if households is None \
                else min(CHUNK_HOUSEHOLDS, households - done_households)
            if count <= 0 or (people is not None and done_people >= people):
                break
            tick = time.perf_counter()
            rows = _take(builder.households(index), count,
                         None if people is None else people - done_people)
            phases["build_rows"] += time.perf_counter() - tick
            writer.write_chunk(rows)
            done_households += len(rows)
            done_people += sum(len(row["members"]) for row in rows)
            index += 1
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            _logger.info("sp_demo: %s households, %s people (%.0f people/s)", done_households,
                         done_people, done_people / (time.perf_counter() - started))
        writer.finish()
        seconds = time.perf_counter() - started
        cpu = cpu_seconds(self.env.cr)
        # The registry's own CPU time; the stages report theirs.
        cpu = round(cpu - cpu_started, 1) if cpu is not None and cpu_started is not None else None
        stages = self._run_stages(seed)
        self._record_run({
            "seed": seed, "provinces": list(provinces), "households": done_households,
            "people": done_people, "ref_date": str(builder.ref),
            "stages": ["registry"] + list(stages),
        })
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        _logger.info("sp_demo: %s people in %.1f s, %s CPU s (%s)", done_people, seconds, cpu,
                     ", ".join("%s %.1f s" % item for item in phases.items()))
        return {
            "households": done_households,
            "people": done_people,
            "seconds": seconds,
            "people_per_s": done_people / seconds if seconds else 0.0,
            "phases": {name: round(value, 2) for name, value in phases.items()},
            "cpu_seconds": cpu,
            "stages": stages,
        }

    @api.model
    def complete(self, commit=False):
        """Generate the data of modules installed after the registry was generated
        (collaborators and their caseloads, tickets...) for the households that have none.
        Called by the benchmark harness when it reuses a database."""
        self._check_generator_access()
        runs = self._runs()
        seed = runs[-1]["seed"] if runs else 1
        stages = self._run_stages(seed, commit=commit)
        if stages and runs:
            runs[-1].setdefault("stages", []).extend(
                name for name in stages if name not in runs[-1]["stages"])
            self.env["ir.config_parameter"].sudo().set_param(PARAM_RUNS, json.dumps(runs))
        return stages

    @api.model
    def _optional_stages(self):
        """The stages of ``tools/stages.py`` whose module is installed."""
        return [(name, function) for name, model, function in STAGES if model in self.env]

    def _run_stages(self, seed, commit=False):
        """{stage: figures (with seconds)} of the optional stages that had something to do."""
        done = {}
        for name, function in self._optional_stages():
            started = time.perf_counter()
            cpu = cpu_seconds(self.env.cr)
            figures = function(self, seed)
            if figures:
                done[name] = dict(figures, seconds=round(time.perf_counter() - started, 2))
                if cpu is not None:
                    done[name]["cpu_seconds"] = round(cpu_seconds(self.env.cr) - cpu, 1)
                _logger.info("sp_demo: %s: %s", name, done[name])
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done

    @api.model
    def _install_demo(self):
        """Demo data of the module: users for every role and a small seeded registry, with
        households in the demo commune officer's commune."""
        self.create_demo_users()
        self.generate(households=160, seed=1)
        commune = self.env["res.users"].search([("login", "=", "demo.commune")]).sp_area_ids
        self.generate(households=40, seed=2, provinces=[PILOT_PROVINCE],
                      communes=commune.mapped("code"))

    # ------------------------------------------------------------------ helpers
    def _check_generator_access(self):
        if not (self.env.su or self.env.user.has_group("sp_base.group_admin")):
            raise UserError(_("Only a suite administrator can generate demo data."))

    def _pilot_province(self):
        province = self.env["sp.area"].sudo().search(
            [("scheme", "=", "2025"), ("level", "=", "province"), ("code", "=", PILOT_PROVINCE)],
            limit=1)
        if not province:
            raise UserError(_("The pilot province %s is not loaded: install the Vietnam "
                              "localisation (sp_vn) first.", PILOT_PROVINCE))
        return province

    def _province_offices(self, provinces):
        """{province code: office}, creating the missing province offices."""
        offices = {}
        for province in provinces.sudo():
            if not province.company_id:
                province.action_create_province_office()
            offices[province.code] = province.company_id
        return offices

    def _builder(self, seed, codes, ref_date, commune_codes=None):
        Area = self.env["sp.area"].sudo()
        provinces = Area.search([("scheme", "=", "2025"), ("level", "=", "province"),
                                 ("code", "in", list(codes))], order="code")
        missing = set(codes) - set(provinces.mapped("code"))
        if missing:
            raise UserError(_("Unknown 2025 province codes: %s.", ", ".join(sorted(missing))))
        self._province_offices(provinces)
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(SQL("""
            SELECT c.id, c.code, COALESCE(c.division_type, ''), p.id, p.code,
                   COALESCE(c.company_id, p.company_id)
              FROM sp_area c JOIN sp_area p ON p.id = c.province_id
             WHERE c.scheme = '2025' AND c.level = 'commune' AND c.active AND p.id = ANY(%s)
             ORDER BY c.code
        """, provinces.ids))
        communes_rows = [row for row in cr.fetchall()
                         if not commune_codes or row[1] in commune_codes]
        if not communes_rows:
            raise UserError(_("The provinces %s have no communes to register households in.",
                              ", ".join(codes)))
        births = self._birth_codes(provinces)
        communes = [
            Commune(id=cid, code=code, province_id=pid, province_code=pcode, company_id=company,
                    urban=dtype.lower().startswith("phường"), birth_codes=births[pid])
            for cid, code, dtype, pid, pcode, company in communes_rows
        ]
        ethnicities = dict(self.env["sp.ethnicity"].sudo().with_context(active_test=False)
                           .search([]).mapped(lambda e: (e.code, e.id)))
        faker = Faker("vi_VN")
        faker.seed_instance(seed)
        streets = sorted({faker.street_name() for _i in range(400)})
        cr.execute("SELECT id_number FROM sp_individual WHERE id_number IS NOT NULL")
        used = [row[0] for row in cr.fetchall()]
        ref = fields.Date.to_date(ref_date) if ref_date else None
        return PopulationBuilder(seed, communes, ethnicities, streets, age_band_of,
                                 fields.Date.context_today(self), ref_date=ref, used_ids=used,
                                 all_birth_codes=PROVINCE_ID_CODES)

    def _birth_codes(self, provinces):
        """Per 2025 province: the legacy provinces now in it, weighted by their communes, as
        3-digit places of birth registration (the first digits of a personal ID)."""
        self.env.cr.execute(SQL("""
            SELECT n.province_id, lp.code, COUNT(DISTINCT o.id)
              FROM sp_area_succession s
              JOIN sp_area o ON o.id = s.old_area_id AND o.level = 'commune'
              JOIN sp_area n ON n.id = s.new_area_id
              JOIN sp_area lp ON lp.id = o.province_id
             WHERE n.province_id = ANY(%s)
             GROUP BY n.province_id, lp.code
        """, provinces.ids))
        weights = {}
        for pid, code, count in self.env.cr.fetchall():
            code = code.zfill(3)
            if code in PROVINCE_ID_CODES:
                weights.setdefault(pid, []).append((code, count))
        result = {}
        for province in provinces:
            own = province.code.zfill(3)
            pairs = weights.get(province.id) or [
                (own if own in PROVINCE_ID_CODES else "001", 1)]
            result[province.id] = Pick(sorted(pairs))
        return result

    def _runs(self):
        value = self.env["ir.config_parameter"].sudo().get_param(PARAM_RUNS)
        return json.loads(value) if value else []

    def _record_run(self, run):
        runs = self._runs() + [run]
        self.env["ir.config_parameter"].sudo().set_param(PARAM_RUNS, json.dumps(runs))


def _take(households, count, budget=None):
    """Up to ``count`` households; with a ``budget``, households holding exactly ``budget``
    people at most (the last one cut short)."""
    result = []
    for row in itertools.islice(households, count):
        if budget is not None:
            if budget <= 0:
                break
            if len(row["members"]) > budget:
                row["members"] = row["members"][:budget]
            budget -= len(row["members"])
        result.append(row)
    return result


class _ChunkWriter:
    """Writes chunks of generated households with COPY, filling every stored column.

    Columns come from the models' fields: the generator's values, the audit columns, each
    field's default (evaluated once: the same for every row), NULL for the rest. A stored
    computed field the generator does not know is recomputed through the ORM after the COPY
    (correct but slow, with a warning): teach ``tools/population.py`` its value instead.

    Speed (the loads are correct by construction, and checked):

    - when the database role may (superuser, or ``GRANT SET ON PARAMETER
      session_replication_role``), foreign-key triggers are off during the COPY
      (``session_replication_role = replica``) and every foreign key of the new rows is checked
      afterwards in one anti-join per column; otherwise PostgreSQL checks them row by row;
    - a bulk load (``bulk=True``: more people than the table holds, and many) drops the
      non-unique indexes of the three tables and rebuilds them at the end; their definitions
      wait in ``ir.config_parameter`` so that an interrupted run restores them next time.
    """

    MODELS = ("sp.household", "sp.individual", "sp.household.poverty.history")

    def __init__(self, env, bulk=False):
        self.env = env
        self.uid = env.uid
        self.now = fields.Datetime.now()
        self.tables = {}
        for model, provided in (
            ("sp.household", ("area_id", "commune_id", "province_id", "company_id", "street",
                              "poverty_status", "member_count", "code", "head_id")),
            ("sp.individual", ("household_id", "area_id", "commune_id", "province_id",
                               "company_id", "name", "relationship", "gender", "birthdate",
                               "birthdate_precision", "birth_year", "age_band", "id_number",
                               "legacy_id_number", "ethnicity_id", "phone", "disability_level",
                               "disability_certificate_date", "is_pregnant", "in_school",
                               "has_health_insurance", "health_insurance_number",
                               "health_insurance_expiry", "is_deceased", "poverty_status")),
            ("sp.household.poverty.history", ("household_id", "area_id", "company_id", "year",
                                              "status", "decision_ref", "decision_date")),
        ):
            self.tables[model] = self._plan(env[model], provided)
        self.phases = dict.fromkeys(("build_rows", "prepare", "copy", "check",
                                     "indexes", "analyze"), 0.0)
        self.fast = self._may_skip_triggers()
        self.first_ids = {}
        self.bulk = bulk
        if bulk:
            self._drop_indexes()

    def _plan(self, Model, provided):
        constants, slow = column_plan(Model, provided, self.uid, self.now)
        return {
            "model": Model,
            "table": Model._table,
            "columns": ["id"] + list(provided) + list(constants),
            "getter": itemgetter(*provided),
            # Formatted once: the CSV writer would call str() on them for every row.
            "constants": tuple(None if value is None else str(value)
                               for value in constants.values()),
            "slow": slow,
        }

    # ------------------------------------------------------------------ speed switches
    def _may_skip_triggers(self):
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                cr.execute("SET LOCAL session_replication_role = replica", log_exceptions=False)
                cr.execute("SET LOCAL session_replication_role = origin", log_exceptions=False)
        except psycopg2.Error:
            _logger.info("sp_demo: foreign keys checked row by row (the database role may not "
                         "set session_replication_role)")
            return False
        return True

    def _triggers(self, on):
        if self.fast:
            self.env.cr.execute("SET LOCAL session_replication_role = origin" if on
                                else "SET LOCAL session_replication_role = replica")

    def _drop_indexes(self):
        tables = [self.tables[model]["table"] for model in self.MODELS]
        self.env.cr.execute(SQL("""
            SELECT c.relname, pg_get_indexdef(i.indexrelid)
              FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique
               AND NOT i.indisprimary
             ORDER BY c.relname
        """, tables))
        indexes = self.env.cr.fetchall()
        if not indexes:
            return
        params = self.env["ir.config_parameter"].sudo()
        pending = json.loads(params.get_param(PARAM_INDEXES) or "[]")
        params.set_param(PARAM_INDEXES, json.dumps(pending + [d for _n, d in indexes]))
        for name, _definition in indexes:
            self.env.cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
        _logger.info("sp_demo: bulk load, %s indexes dropped until the end", len(indexes))

    # ------------------------------------------------------------------ writing
    def _reserve(self, table, count):
        self.env.cr.execute(SQL(
            "SELECT nextval(%s) FROM generate_series(1, %s)", "%s_id_seq" % table, count))
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.first_ids.setdefault(table, ids[0])
        return ids

    def _reserve_codes(self, counts):
        """``{commune: (prefix, base)}`` from sp_registry's ``_sp_reserve_codes``, for every
        chunk: its counter row per commune is the one source of household codes (after the
        first chunk of a commune, one index probe and the counter's update)."""
        return self.env["sp.household"]._sp_reserve_codes(counts)

    def _copy(self, model, records, ids=None):
        plan = self.tables[model]
        getter, constants = plan["getter"], plan["constants"]
        tick = time.perf_counter()
        columns = plan["columns"]
        if ids is None:
            columns = columns[1:]
            rows = (getter(rec) + constants for rec in records)
        else:
            rows = ((rid,) + getter(rec) + constants
                    for rid, rec in zip(ids, records, strict=True))
        copy_rows(self.env.cr, plan["table"], columns, rows)
        self.phases["copy"] += time.perf_counter() - tick
        if plan["slow"] and ids:
            records = plan["model"].browse(ids)
            for name in plan["slow"]:
                self.env.add_to_compute(plan["model"]._fields[name], records)
            plan["model"].flush_model(plan["slow"])

    def write_chunk(self, rows):
        if not rows:
            return
        cr = self.env.cr
        tick = time.perf_counter()
        household_ids = self._reserve("sp_household", len(rows))
        person_ids = self._reserve("sp_individual", sum(len(row["members"]) for row in rows))
        people, histories = [], []
        pid = iter(person_ids)
        # Codes reserved per commune, written with the rows (no UPDATE after).
        reserved = self._reserve_codes(Counter(row["commune_id"] for row in rows))
        numbers = {commune: base for commune, (_prefix, base) in reserved.items()}
        for hid, row in zip(household_ids, rows, strict=True):
            commune = row["commune_id"]
            numbers[commune] += 1
            row["code"] = "%s-%06d" % (reserved[commune][0], numbers[commune])
            row["member_count"] = len(row["members"])
            for person in row["members"]:
                person["household_id"] = hid
                person["area_id"] = row["area_id"]
                person["commune_id"] = row["commune_id"]
                person["province_id"] = row["province_id"]
                person["company_id"] = row["company_id"]
                person["is_deceased"] = False
                person["poverty_status"] = row["poverty_status"]
                people.append(person)
            # With foreign keys checked afterwards, the head can be written with the household.
            row["head_id"] = next(pid) if self.fast else None
            for _rest in row["members"][1:]:
                next(pid)
            for year, status, ref, date in row["history"]:
                histories.append({
                    "household_id": hid, "area_id": row["area_id"],
                    "company_id": row["company_id"], "year": year, "status": status,
                    "decision_ref": ref, "decision_date": date,
                })
        self.phases["prepare"] += time.perf_counter() - tick
        self._triggers(on=False)
        self._copy("sp.household", rows, household_ids)
        self._copy("sp.individual", people, person_ids)
        if histories:
            self._copy("sp.household.poverty.history", histories)
        if not self.fast:
            # Fresh statistics, or the planner expects one row where 10,000 came.
            cr.execute("ANALYZE sp_household")
            cr.execute(SQL("""
                UPDATE sp_household h SET head_id = i.id
                  FROM sp_individual i
                 WHERE i.household_id = h.id AND i.relationship = 'head'
                   AND h.id BETWEEN %s AND %s AND i.id BETWEEN %s AND %s
            """, household_ids[0], household_ids[-1], person_ids[0], person_ids[-1]))
        self._triggers(on=True)

    def finish(self):
        cr = self.env.cr
        tick = time.perf_counter()
        if self.fast and self.first_ids:
            self._check_foreign_keys()
        self.phases["check"] += time.perf_counter() - tick
        tick = time.perf_counter()
        if self.bulk:
            _restore_indexes(self.env)
        self.phases["indexes"] += time.perf_counter() - tick
        tick = time.perf_counter()
        for model in self.MODELS:
            cr.execute(SQL("ANALYZE %s", SQL.identifier(self.tables[model]["table"])))
        self.phases["analyze"] += time.perf_counter() - tick
        self.env.invalidate_all()

    def _check_foreign_keys(self):
        """Every foreign key of the rows written with triggers off points at an existing row."""
        cr = self.env.cr
        for model in self.MODELS:
            Model = self.tables[model]["model"]
            table = Model._table
            first = self.first_ids.get(table)
            if first is None:
                cr.execute(SQL("SELECT MIN(id) FROM %s WHERE household_id >= %s",
                               SQL.identifier(table), self.first_ids["sp_household"]))
                first = cr.fetchone()[0]
            if first is None:
                continue
            for name, field in Model._fields.items():
                if field.type != "many2one" or not field.store:
                    continue
                target = self.env[field.comodel_name]._table
                cr.execute(SQL(
                    "SELECT COUNT(*) FROM %(t)s r LEFT JOIN %(c)s x ON x.id = r.%(f)s "
                    "WHERE r.id >= %(first)s AND r.%(f)s IS NOT NULL AND x.id IS NULL",
                    t=SQL.identifier(table), c=SQL.identifier(target), f=SQL.identifier(name),
                    first=first))
                orphans = cr.fetchone()[0]
                if orphans:
                    raise UserError(_("The generator wrote %(count)s %(model)s rows whose %(field)s "
                                      "points nowhere: nothing was kept.", count=orphans,
                                      model=model, field=name))


def _restore_indexes(env):
    """Recreate the indexes a bulk load dropped (also after an interrupted run)."""
    params = env["ir.config_parameter"].sudo()
    pending = json.loads(params.get_param(PARAM_INDEXES) or "[]")
    started = time.perf_counter()
    for definition in pending:
        # Definitions come from pg_get_indexdef: trusted DDL, made idempotent.
        env.cr.execute(definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
    if pending:
        params.set_param(PARAM_INDEXES, "")
        _logger.info("sp_demo: %s indexes rebuilt in %.1f s", len(pending),
                     time.perf_counter() - started)


def column_plan(Model, provided, uid, now):
    """What a set-based insert of ``Model`` rows writes besides the ``provided`` columns:
    ``(constants, slow)``: the audit columns and each remaining field's default (the same for
    every row), and the stored computed fields nobody provides (to recompute through the ORM)."""
    stored = [name for name, field in Model._fields.items()
              if field.store and field.column_type and name != "id"]
    audit = {"create_uid": uid, "write_uid": uid, "create_date": now, "write_date": now}
    rest = [name for name in stored if name not in provided and name not in audit]
    defaults = Model.default_get(rest)
    slow = [name for name in rest if name not in defaults and Model._fields[name].compute]
    if slow:
        _logger.warning("sp_demo: %s.%s filled through the ORM (slow): teach the generator "
                        "these fields", Model._name, ", ".join(slow))
    constants = {**audit, **{name: _convert(Model._fields[name], defaults[name])
                             for name in rest if name in defaults}}
    return constants, slow


def insert_select(Model, provided, select):
    """``INSERT INTO <table> (provided..., audit and defaults...) SELECT``: ``select`` returns
    the ``provided`` columns in that order. Returns the new ids."""
    env = Model.env
    constants, slow = column_plan(Model, provided, env.uid, fields.Datetime.now())
    columns = list(provided) + list(constants)
    env.cr.execute(SQL(
        "INSERT INTO %s (%s) SELECT q.*, %s FROM (%s) q RETURNING id",
        SQL.identifier(Model._table), SQL(", ").join(SQL.identifier(c) for c in columns),
        SQL(", ").join(SQL("%s", value) for value in constants.values()), select))
    ids = [row[0] for row in env.cr.fetchall()]
    if slow and ids:
        records = Model.browse(ids)
        for name in slow:
            env.add_to_compute(Model._fields[name], records)
        Model.flush_model(slow)
    Model.invalidate_model()
    return ids


def _convert(field, value):
    """A default value as the database stores it (records to ids, falsy non-booleans to NULL)."""
    if field.type == "boolean":
        return bool(value)
    if isinstance(value, models.BaseModel):
        return value.id or None
    return None if value is False else value
