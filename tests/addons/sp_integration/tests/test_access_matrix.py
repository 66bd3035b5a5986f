"""The access matrix: every model of the suite x every role x every operation x three scopes,
called through real XML-RPC against the running test server, compared with POLICY below.

Models come from the registry: every non-abstract model defined by an installed suite module
(``_original_module``; the test-only modules excepted), so a new model is covered without
editing this file. They are sorted into four kinds:

- ``@wizard``: transient models; only ``create`` is checked (once, with values of the own
  scope): a wizard's action checks its own access;
- ``@report``: reporting views (``_auto = False``): read operations on the rows of each scope,
  write/create/unlink must always be refused;
- ``@catalog``: shared reference data (no province office of its own: programmes,
  categories, levels, areas, agencies, ethnic groups, grievance categories and clocks);
- operational models (everything else): records built in each scope (matrix_data.py).
  Catalogs have one record (no scope).

Scopes are relative to the commune officer of commune A1 (sp_base's fixtures): ``own``
(commune A1), ``commune`` (commune A2, same province) and ``province`` (province B). A record
of a province-level model (payment cycle, result file, agency contract, allowance terms,
province poverty thresholds) sits
on its province: its ``own`` and ``commune`` records are both province A's.

Operations: read, search_read, read_group, web_read, name_search, export (export_data),
write (a plain field rewritten with its value), create (the values a client would send: no
workflow field), unlink (of a fresh record of the scope); writes are rolled back after each
call. A model with a required workflow field is created by its step only: every role's create
is refused. On top: for every workflow field (``sp_step=True``, and any state, approver or
confidentiality field), a forged write per role that may write the record (refused for every
role but the system administrator, who rewrites the value); for every area field a user may
write, a move of the own record to province B (refused for every role whose scope does not
reach province B). A write, create or unlink the policy allows may still be refused by a
business rule (a batch already approved): that counts as granted.

Every cell is run and compared; the test fails once at the end with the table of the
unexpected cells.
"""
import copy
import fnmatch
import logging
import time
import xmlrpc.client

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.sp_base.tests.common import SpFixtures

from .matrix_data import FIRST, SCOPES, UNBUILDABLE, MatrixBuilder, wire

_logger = logging.getLogger(__name__)

TEST_MODULES = {"sp_test_access", "sp_integration"}
READ_OPS = ("read", "search_read", "read_group", "web_read", "name_search", "export")
VIEW_OPS = READ_OPS[:-1]
WRITE_OPS = ("write", "create", "unlink")
OPS = READ_OPS + WRITE_OPS

NONE = ()
OWN = ("own",)
PROVINCE = ("own", "commune")
ALL = SCOPES

# ---------------------------------------------------------------------------------------------
# The policy. For each role, an ordered list of (models, rights): the first line whose pattern
# matches the model applies. A pattern is a space-separated list of model names, globs or kinds
# (@catalog, @wizard, @report). Rights: operation -> scopes; "read" stands for every read
# operation including export, "view" for the read operations without export (roles without the
# export right). An operation not named is refused in every scope.
# ---------------------------------------------------------------------------------------------
WIZARDS_STAFF = ("sp.enrolment.action.wizard sp.grievance.console sp.grievance.console.line "
                 "sp.grievance.export sp.collaborator.export sp.collaborator.training.export "
                 "sp.report.wizard")
WIZARDS_MANAGER = WIZARDS_STAFF + " sp.entitlement.compute.wizard sp.collaborator.allowance.compute"
# Records that sit on a province, not on a commune: a user limited to communes sees none.
PROVINCE_LEVEL = ("sp.payment.cycle sp.payment.result sp.payment.contract "
                  "sp.poverty.standard.province")
# Written by the suite's own steps (generation, import, approval), read by the staff.
STEP_WRITTEN = ("sp.entitlement sp.entitlement.arrear sp.enrolment.approval "
                "sp.payment.result.line sp.payment.file.log sp.registry.import.household "
                "sp.registry.import.line sp.registry.import.issue")
# Kept by the commune and deletable there: working lists, caseloads, visits.
COMMUNE_DELETABLE = ("sp.registry.import sp.registry.import.column sp.screening "
                     "sp.screening.candidate sp.collaborator.assignment sp.collaborator.activity "
                     "sp.collaborator.training.attendance")
# What a province manager may also delete in their province (drafts of their own work).
MANAGER_DELETABLE = COMMUNE_DELETABLE + (
    " sp.decision sp.enrolment sp.payment.cycle sp.payment.contract sp.payment.point "
    "sp.payment.result sp.collaborator sp.collaborator.training "
    "sp.collaborator.allowance sp.collaborator.allowance.term")


# The 2025 area reform is run by the suite administrator (areas are configuration): no other
# role reads or writes its runs, moves and decisions.
ADMIN_ONLY = "sp.area.reform.*"
# The audit trail and its rules: read by the auditor (and the administrator) only.
AUDIT = "sp.audit.*"


def _manager(scopes):
    """The province manager's rights, on ``scopes`` (their province; every province for the
    central officer)."""
    rwcu = {"read": scopes, "write": scopes, "create": scopes, "unlink": scopes}
    return [
        (ADMIN_ONLY, {}),
        (AUDIT, {}),
        ("@catalog", {"read": ALL}),
        (WIZARDS_MANAGER, {"create": OWN}),
        ("@wizard", {}),
        ("@report", {"read": scopes}),
        (STEP_WRITTEN, {"read": scopes}),
        ("sp.payment.batch", {"read": scopes, "write": scopes}),
        # generated by the cycle; a draft batch's line may be corrected or dropped
        ("sp.payment.line", {"read": scopes, "write": scopes, "unlink": scopes}),
        (MANAGER_DELETABLE, rwcu),
        ("sp.*", {"read": scopes, "write": scopes, "create": scopes}),
    ]


POLICY = {
    # Commune officer of commune A1: reads and keeps the registry, applications, enrolments,
    # decisions, tickets, collaborators of their commune; reads its payment batches and lines
    # (names the authorised recipient of a draft line);
    # nothing of other communes; province-level payment records are the province's.
    "officer": [
        (ADMIN_ONLY, {}),
        (AUDIT, {}),
        ("@catalog", {"read": ALL}),
        (WIZARDS_STAFF, {"create": OWN}),
        ("@wizard", {}),
        ("@report", {"read": OWN}),
        (PROVINCE_LEVEL, {}),
        # the office's allowance rates
        ("sp.collaborator.allowance.term", {"read": PROVINCE}),
        (STEP_WRITTEN, {"read": OWN}),
        # the authorised recipient of a draft line of their commune is the officer's to name
        # (the amounts and states are the steps': forged below); an approved batch's line is
        # locked by the payment module
        ("sp.payment.line", {"read": OWN, "write": OWN}),
        ("sp.payment.* sp.collaborator.allowance", {"read": OWN}),
        (COMMUNE_DELETABLE, {"read": OWN, "write": OWN, "create": OWN, "unlink": OWN}),
        ("sp.*", {"read": OWN, "write": OWN, "create": OWN}),
    ],
    # Province manager / approver of province A: the officer's work on the whole province, plus
    # payments (cycles, batches, results), contracts, allowances; approvals are steps.
    "manager": _manager(PROVINCE),
    # Central officer: the manager's rights on every province.
    "central": _manager(ALL),
    # Call-centre agent (national): logs tickets and calls everywhere; reads registry,
    # programme, payment and collaborator summaries nationally; no import files, agency
    # results, allowances, screening lists; writes nothing else; no export.
    "agent": [
        (ADMIN_ONLY, {}),
        (AUDIT, {}),
        ("@catalog", {"view": ALL}),
        ("sp.grievance.console sp.grievance.console.line sp.grievance.export", {"create": OWN}),
        ("@wizard", {}),
        ("sp.grievance", {"view": ALL, "create": ALL}),
        ("sp.grievance.call", {"view": ALL, "write": ALL, "create": ALL}),
        ("sp.grievance.report sp.household sp.individual sp.household.poverty.history "
         "sp.registry.event sp.registry.duplicate sp.enrolment sp.enrolment.adjustment "
         "sp.enrolment.approval sp.enrolment.suspension sp.decision sp.entitlement "
         "sp.entitlement.arrear sp.payment.cycle sp.payment.batch sp.payment.line "
         "sp.payment.contract sp.payment.point sp.collaborator sp.collaborator.assignment "
         "sp.collaborator.activity", {"view": ALL}),
        ("sp.*", {}),
    ],
    # Village collaborator of village A1: their own collaborator record, caseload (households
    # and members), trainings, allowances; logs their visits; reports tickets and calls in their
    # area; no export.
    "collaborator": [
        (ADMIN_ONLY, {}),
        (AUDIT, {}),
        ("@catalog", {"view": ALL}),
        ("@wizard", {}),
        ("sp.collaborator sp.collaborator.assignment sp.collaborator.allowance "
         "sp.collaborator.training sp.collaborator.training.attendance "
         "sp.collaborator.caseload.report sp.household sp.individual sp.enrolment",
         {"view": OWN}),
        ("sp.collaborator.activity", {"view": OWN, "write": OWN, "create": OWN}),
        # the yearly poverty review: the collaborator surveys the households of the commune
        ("sp.poverty.assessment", {"view": OWN, "write": OWN, "create": OWN}),
        ("sp.poverty.campaign", {"view": OWN}),
        ("sp.grievance sp.grievance.call", {"view": OWN, "create": OWN}),
        ("sp.*", {}),
    ],
    # Auditor of province A: reads everything of their province, writes nothing (export
    # wizards aside).
    "auditor": [
        (ADMIN_ONLY, {}),
        ("@catalog", {"read": ALL}),
        ("sp.collaborator.export sp.collaborator.training.export sp.grievance.export "
         "sp.report.wizard", {"create": OWN}),
        ("sp.audit.rule", {"read": ALL}),
        ("@wizard", {}),
        ("sp.*", {"read": PROVINCE}),
    ],
    # Payment agency user (VNPost, province A): the batches sent to their agency (not drafts),
    # their lines, cycles, logs, contracts and pay points; uploads result files; nothing of the
    # registry or programmes; no export.
    "agency": [
        (ADMIN_ONLY, {}),
        (AUDIT, {}),
        ("@catalog", {"view": ALL}),
        ("@wizard", {}),
        ("sp.payment.cycle sp.payment.batch sp.payment.line sp.payment.result.line "
         "sp.payment.file.log sp.payment.contract sp.payment.point", {"view": PROVINCE}),
        ("sp.payment.result", {"view": PROVINCE, "write": PROVINCE, "create": PROVINCE}),
        ("sp.*", {}),
    ],
}
# Roles whose scope reaches province B: moving a record there is within their rights.
NATIONAL_ROLES = {"central", "agent"}


# Fields that issue 13 names as workflow-owned wherever they occur (states, approvers,
# confidentiality), forged even when a model forgot to declare them ``sp_step``. (Amounts are
# not all workflow-owned: a contract's fee or an allowance rate is the manager's data.)
# A person's link to these is a screening result (HIV, disability...): not for the agent.
SENSITIVE_MODELS = {"sp.benefit.category", "sp.benefit.band"}
WORKFLOW_NAMES = {"state", "approved_by", "approved_by_id", "approved_date", "is_confidential"}


def is_workflow_field(field):
    if getattr(field, "sp_step", False):
        return True
    if not field.store or field.related or (field.compute and field.readonly):
        return False
    return field.name in WORKFLOW_NAMES


def _matches(pattern, model, kind):
    return any(token == kind or fnmatch.fnmatchcase(model, token) for token in pattern.split())


def expected(role, model, kind, op, scope):
    for pattern, rights in POLICY[role]:
        if _matches(pattern, model, kind):
            scopes = rights.get(op, NONE)
            if op in VIEW_OPS:
                scopes = scopes or rights.get("read", NONE) or rights.get("view", NONE)
            elif op == "export":
                scopes = scopes or rights.get("read", NONE)
            return scope in scopes
    raise AssertionError("no policy line of role %s matches %s" % (role, model))


def suite_models(env):
    modules = set(env["ir.module.module"].search([
        ("name", "=like", "sp\\_%"), ("state", "=", "installed")]).mapped("name")) - TEST_MODULES
    names = []
    for name in sorted(env.registry):
        Model = env[name]
        if Model._abstract or getattr(Model, "_original_module", None) not in modules:
            continue
        names.append(name)
    return names


def kind_of(env, name, operational):
    Model = env[name]
    if Model._transient:
        return "@wizard"
    if not Model._auto:
        return "@report"
    if name in operational:
        return "operational"
    return "@catalog"


def operational_models(env, names):
    """Models that carry a province office, or hang (required relation) on one that does."""
    result = {name for name in names if name != "sp.area" and not env[name]._transient
              and "company_id" in env[name]._fields and env[name]._fields["company_id"].store}
    changed = True
    while changed:
        changed = False
        for name in names:
            if name in result or env[name]._transient or name == "sp.area":
                continue
            if any(f.type == "many2one" and f.required and f.comodel_name in result
                   for f in env[name]._fields.values()):
                result.add(name)
                changed = True
    return result


def _fault(exc):
    if isinstance(exc, xmlrpc.client.Fault):
        code, text = exc.faultCode, str(exc.faultString)
        if code == 4:
            return "denied"
        if code == 2 and "rights to export" in text:
            return "denied"
        if code == 2:
            # UserError / ValidationError: a business rule answered
            return "refused: %s" % text.strip().splitlines()[0][:100]
        last = text.strip().splitlines()[-1] if text.strip() else text
        return "error: %s" % last[:110]
    return "error: %s" % str(exc)[:110]


@tagged("post_install", "-at_install")
class TestAccessMatrix(SpFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        started = time.time()
        env = cls.env
        cls.village_a2 = cls._sp_area("X1002-01", "Thôn 1", "village", cls.commune_a2)
        (cls.village_a2 | cls.commune_a2).company_id = cls.office_a
        areas = {
            "own": {"village": cls.village_a1, "commune": cls.commune_a1,
                    "province": cls.prov_a, "office": cls.office_a},
            "commune": {"village": cls.village_a2, "commune": cls.commune_a2,
                        "province": cls.prov_a, "office": cls.office_a},
            "province": {"village": cls.village_b1, "commune": cls.commune_b1,
                         "province": cls.prov_b, "office": cls.office_b},
        }
        cls.users = {
            "officer": cls.officer_a1, "manager": cls.manager_a, "central": cls.central_officer,
            "agent": cls.agent, "collaborator": cls.collaborator_a1, "auditor": cls.auditor_a,
        }
        agency = env.ref("sp_payment.agency_vnpost", raise_if_not_found=False)
        if env.ref("sp_payment.group_payment_agency", raise_if_not_found=False):
            cls.users["agency"] = user = cls._sp_user(
                "sp_agency_matrix", "sp_payment.group_payment_agency", cls.office_a)
            user.sp_payment_agency_id = agency
        offices = cls.central | cls.office_a | cls.office_b
        cls.sysadmin = new_test_user(
            env, login="sp_sysadmin_matrix", password="sp_sysadmin_matrix",
            groups="base.group_system,sp_base.group_admin", company_id=cls.central.id,
            company_ids=[Command.set(offices.ids)])
        commune_b2 = cls._sp_area("X2002", "Xã Thử B2", "commune", cls.prov_b)
        cls.move_target = {
            "commune": commune_b2,
            "village": cls._sp_area("X2002-01", "Thôn 1", "village", commune_b2),
            "province": cls.prov_b,
        }
        (cls.move_target["commune"] | cls.move_target["village"]).company_id = cls.office_b
        cls.builder = MatrixBuilder(env, areas, cls.users, agency)
        names = suite_models(env)
        operational = operational_models(env, names)
        cls.kinds = {name: kind_of(env, name, operational) for name in names}
        cls.records = {}      # model -> {scope: record}
        cls.create_vals = {}  # model -> {scope: vals} as a client sends them
        cls.orm_vals = {}     # the same as ORM values (records to delete)
        cls.build_errors = {}
        cls.step_created = set()
        order = [n for n in FIRST if n in cls.kinds] + [
            n for n in names if n not in FIRST and cls.kinds[n] not in ("@report", "@wizard")]
        for name in order:
            # shared reference data has no scope: one record is enough
            cls._sp_build(name, ("own",) if cls.kinds[name] == "@catalog" else SCOPES)
        for name in names:
            if cls.kinds[name] == "@report":
                cls.records[name] = {
                    scope: cls.builder.report_record(name, scope) for scope in SCOPES}
            elif cls.kinds[name] == "@wizard":
                cls._sp_build_vals(name, ("own",))
        cls._sp_secrets()
        env.flush_all()
        cls.builder.frozen = True
        cls.setup_seconds = time.time() - started

    @classmethod
    def _sp_secrets(cls):
        """Numbers the call-centre agent must never read in full (personal and health
        insurance numbers, a collaborator's citizen ID and bank account, a payment line's
        personal ID and account) and the benefit categories of a person (screening results
        such as HIV), set on the scope records: text -> what it is."""
        cls.secrets = {}
        values = {
            "sp.individual": {"id_number": "0010500%05d", "health_insurance_number": "GD479%010d"},
            "sp.collaborator": {"id_number": "0010850%05d", "bank_account": "9704%010d"},
            "sp.payment.line": {"id_number": "0010501%05d", "account_number": "8801%010d"},
        }
        for n, scope in enumerate(SCOPES, start=1):
            for model, fields_ in values.items():
                record = cls.builder.cache.get((model, scope))
                for name, pattern in fields_.items():
                    if record and name in record._fields:
                        record.sudo().write({name: pattern % (7000 + n)})
                        cls.secrets[record[name]] = "%s of %s (%s)" % (name, model, scope)
            enrolment = cls.builder.cache.get(("sp.enrolment", scope))
            if enrolment and "category_ids" in enrolment._fields:
                category = enrolment.sudo().category_ids[:1]
                category.name = "Matrix HIV category %s" % n
                cls.secrets[category.name] = "benefit category of a person (%s)" % scope

    @classmethod
    def _sp_build(cls, name, scopes):
        if name in UNBUILDABLE:
            return
        known = set(cls.builder.cache)
        try:
            with cls.env.cr.savepoint():
                cls.records[name] = {scope: cls.builder.rec(name, scope) for scope in scopes}
                cls.env.flush_all()
        except Exception as exc:
            cls.build_errors[name] = "%s: %s" % (type(exc).__name__, str(exc).splitlines()[0])
            cls.records.pop(name, None)
            cls.builder.forget_since(known)
            cls.env.invalidate_all()
            return
        cls._sp_build_vals(name, scopes)

    @classmethod
    def _sp_build_vals(cls, name, scopes):
        known = set(cls.builder.cache)
        try:
            with cls.env.cr.savepoint():
                vals = {scope: cls.builder.vals(name, scope) for scope in scopes}
                cls.env.flush_all()
        except Exception as exc:
            cls.build_errors[name + " (create values)"] = "%s: %s" % (
                type(exc).__name__, str(exc).splitlines()[0])
            cls.builder.forget_since(known)
            cls.env.invalidate_all()
            return
        # A client's create carries no workflow field, except a required one: then only the
        # step creates such records (step_created: every role's create is refused).
        steps = {n for n, f in cls.env[name]._fields.items() if getattr(f, "sp_step", False)}
        required = {n for n in steps if cls.env[name]._fields[n].required}
        required -= set(cls.env[name].default_get(list(required)))
        if required & set(next(iter(vals.values()))):
            cls.step_created.add(name)
        cls.create_vals[name] = {
            scope: wire({k: x for k, x in v.items() if k not in steps - required})
            for scope, v in vals.items()}
        cls.orm_vals[name] = vals

    # ----------------------------------------------------------------------------- RPC
    def _uid(self, user):
        uids = self.__dict__.setdefault("_uids", {})
        if user.id not in uids:
            uids[user.id] = self.xmlrpc_common.authenticate(
                self.env.cr.dbname, user.login, user.login, {})
            self.assertEqual(uids[user.id], user.id, "cannot log in as %s" % user.login)
        return uids[user.id]

    def _call(self, user, model, method, *args, **kwargs):
        """``(True, result)`` or ``(False, outcome)`` of one XML-RPC call as ``user``."""
        self.calls += 1
        try:
            return True, self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, self._uid(user), user.login, model, method, list(args),
                kwargs)
        except (xmlrpc.client.Fault, xmlrpc.client.ProtocolError) as exc:
            return False, _fault(exc)
        except OverflowError:
            # an id beyond XML-RPC's 32-bit integers: no XML-RPC client can name the record
            return False, "error: id beyond XML-RPC's 32-bit integers"

    def _rpc_outcome(self, user, model, method, *args, **kwargs):
        ok, result = self._call(user, model, method, *args, **kwargs)
        return "ok" if ok else result

    def _rolled_back(self, func, *args):
        """Run ``func(*args)`` (which may write through RPC) and undo what it wrote."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute("SAVEPOINT sp_matrix")
        try:
            return func(*args)
        finally:
            cr.execute("ROLLBACK TO SAVEPOINT sp_matrix")
            cr.execute("RELEASE SAVEPOINT sp_matrix")
            self.env.invalidate_all()

    # ----------------------------------------------------------------------------- cells
    def _cell(self, cells, model, role, op, scope, got, allowed):
        want = "ok" if allowed else "denied"
        # Allowed write, create or unlink refused by a business rule (a batch already
        # approved...): the access itself was granted.
        granted = allowed and op in WRITE_OPS and got.startswith("refused")
        if got != want and not granted:
            cells.append((model, role, op, scope, got, want))
        self.counted += 1

    def _per_record(self, user, model, method, ids, make_args, model_denied=False, **kwargs):
        """Outcome per scope of a method that fails as a whole when any record is refused:
        one call for all scopes first, one per scope when it fails, unless the model itself
        is refused to the user (``search_read`` refused: the access rights, which do not depend
        on the records)."""
        ok, result = self._call(user, model, method, make_args(list(ids.values())), **kwargs)
        if ok:
            return dict.fromkeys(ids, "ok")
        if model_denied and result == "denied":
            return dict.fromkeys(ids, result)
        return {scope: self._rpc_outcome(user, model, method, make_args([rid]), **kwargs)
                for scope, rid in ids.items()}

    def _check_reads(self, cells, model, kind, role, user, ids):
        ctx = {"context": {"active_test": False}}
        id_list = list(ids.values())
        domain = [("id", "in", id_list)]

        def visible(ok, result, extract):
            if not ok:
                return dict.fromkeys(ids, result)
            seen = set(extract(result))
            return {scope: "ok" if rid in seen else "denied" for scope, rid in ids.items()}

        outcomes = {}
        ok, res = self._call(user, model, "search_read", domain, ["display_name"], **ctx)
        outcomes["search_read"] = visible(ok, res, lambda r: [row["id"] for row in r])
        # search_read refused as a whole: the model's access rights refuse it to the user
        model_denied = not ok and res == "denied"
        ok, res = self._call(user, model, "read_group", domain, ["__count"], ["id"],
                             lazy=False, **ctx)
        outcomes["read_group"] = visible(ok, res, lambda r: [
            row["id"][0] if isinstance(row["id"], list) else row["id"] for row in r])
        ok, res = self._call(user, model, "name_search", "", domain, "ilike", 100, **ctx)
        outcomes["name_search"] = visible(ok, res, lambda r: [row[0] for row in r])
        denied = model_denied
        outcomes["read"] = self._per_record(
            user, model, "read", ids, lambda i: i, denied, fields=["display_name"])
        outcomes["web_read"] = self._per_record(
            user, model, "web_read", ids, lambda i: i, denied,
            specification={"display_name": {}})
        outcomes["export"] = self._per_record(
            user, model, "export_data", ids, lambda i: i, denied,
            fields_to_export=["display_name"])
        for op, per_scope in outcomes.items():
            for scope, got in per_scope.items():
                self._cell(cells, model, role, op, scope, got,
                           expected(role, model, kind, op, scope))

    def _check_writes(self, cells, model, kind, role, user, records):
        field = self._write_field(model)
        for scope, record in records.items():
            vals = {}
            if field:
                vals = wire({field: record[field]})
            got = self._rolled_back(self._rpc_outcome, user, model, "write", [record.id], vals)
            self.plain_writes[model, role, scope] = got
            self._cell(cells, model, role, "write", scope, got,
                       expected(role, model, kind, "write", scope))
        step_created = model in self.step_created
        for scope, vals in self.create_vals.get(model, {}).items():
            got = self._rolled_back(self._rpc_outcome, user, model, "create", vals)
            self._cell(cells, model, role, "create", scope, got,
                       not step_created and expected(role, model, kind, "create", scope))
            if kind == "@wizard":
                continue

            def unlink(scope):
                try:
                    with self.env.cr.savepoint():
                        fresh = self.builder.env[model].sudo().create(
                            copy.deepcopy(self.orm_vals[model][scope]))
                        self.env.flush_all()
                except Exception as exc:
                    return "error: cannot build a record to delete: %s" % exc
                return self._rpc_outcome(user, model, "unlink", [fresh.id])

            got = self._rolled_back(unlink, scope)
            self._cell(cells, model, role, "unlink", scope, got,
                       expected(role, model, kind, "unlink", scope))

    def _check_report_writes(self, cells, model, role, user, records):
        for scope, record in records.items():
            for op, args in (("write", ([record.id], {})), ("unlink", ([record.id],))):
                got = self._rolled_back(self._rpc_outcome, user, model, op, *args)
                self._cell(cells, model, role, op, scope, got, False)
        got = self._rpc_outcome(user, model, "create", {})
        self._cell(cells, model, role, "create", "-", got, False)

    def _write_field(self, model):
        Model = self.env[model]
        candidates = []
        for name, field in Model._fields.items():
            if (not field.store or field.related or field.compute or field.readonly
                    or getattr(field, "sp_step", False) or name in models_magic()
                    or field.type in ("one2many", "many2many", "binary", "many2one", "html")):
                continue
            preference = 0 if name in ("note", "notes", "description", "comment", "reason",
                                       "name", "phone") else 1
            candidates.append((preference, field.type not in ("char", "text"), name))
        return min(candidates)[2] if candidates else None

    # ----------------------------------------------------------------------------- steps
    def _forged_value(self, record, field):
        value = record[field.name]
        if field.type == "selection":
            keys = [key for key, _label in field._description_selection(self.env)]
            others = [key for key in keys if key != value]
            return others[-1] if others else value
        if field.type == "many2one":
            other = self.env[field.comodel_name].sudo().search(
                [("id", "!=", value.id)], limit=1) if field.comodel_name else False
            return other.id if other else False
        if field.type == "many2many":
            other = self.env[field.comodel_name].sudo().search([], limit=1)
            return [Command.set(other.ids)]
        if field.type == "one2many":
            return []
        if field.type == "boolean":
            return not value
        if field.type in ("integer", "float", "monetary"):
            return (value or 0) + 50_000_000
        if field.type == "date":
            return "2021-01-01"
        if field.type == "datetime":
            return "2021-01-01 00:00:00"
        return "forged"

    def _check_steps(self, cells, model, users):
        """A forged write of each workflow field of the own record, per role. A role refused
        the plain write of that record (access rights or rules, the write cell) is refused
        this one by the same check before any field is looked at: it is not called again.
        The roles get a changed value (the attack); the system administrator, whom the guard
        lets through, writes the current value (no constraint is provoked)."""
        records = self.records.get(model)
        if not records:
            return
        record = records["own"]
        steps = [f for f in self.env[model]._fields.values() if is_workflow_field(f)]
        for field in steps:
            forged = wire({field.name: self._forged_value(record, field)})
            current = wire({field.name: self._current_value(record, field)})
            for role, user in users.items():
                if role != "sysadmin" and self.plain_writes.get((model, role, "own")) == "denied":
                    continue
                if role == "sysadmin" and self._plain_write(model, user, record) == "denied":
                    continue  # nobody writes this model (e.g. append-only logs)
                vals = current if role == "sysadmin" else forged
                got = self._rolled_back(
                    self._rpc_outcome, user, model, "write", [record.id], vals)
                op = "forge %s" % field.name
                self.forged += 1
                self.counted += 1
                if role == "sysadmin":
                    if got == "denied":
                        cells.append((model, role, op, "own", got, "not denied"))
                elif got == "ok" or got.startswith("error"):
                    # refused by the guard (AccessError) or by the model (UserError): both
                    # refuse; a write that passes or crashes does not
                    cells.append((model, role, op, "own", got, "refused"))

    def _plain_write(self, model, user, record):
        key = (model, "sysadmin", "own")
        if key not in self.plain_writes:
            self.plain_writes[key] = self._rolled_back(
                self._rpc_outcome, user, model, "write", [record.id], {})
        return self.plain_writes[key]

    def _current_value(self, record, field):
        value = record[field.name]
        if field.type == "many2one":
            return value.id
        if field.type in ("many2many", "one2many"):
            return [Command.set(value.ids)] if field.type == "many2many" else []
        return value

    def _check_moves(self, cells, model, users):
        """Writing an area field of the own record to province B: refused for every role
        whose scope does not reach province B (a move out of the user's scope)."""
        records = self.records.get(model)
        if not records:
            return
        record = records["own"]
        # an empty commune of province B: a move collides with no record there
        target = self.move_target
        for name, field in self.env[model]._fields.items():
            if (field.type != "many2one" or field.comodel_name != "sp.area" or not field.store
                    or field.related or (field.compute and field.readonly) or field.readonly
                    or getattr(field, "sp_step", False)):
                continue
            level = record[name].level if record[name] else "commune"
            area = target.get(level if level in target else "commune")
            for role, user in users.items():
                if role in NATIONAL_ROLES:
                    continue
                got = self._rolled_back(
                    self._rpc_outcome, user, model, "write", [record.id], {name: area.id})
                self.moved += 1
                if got == "ok":
                    cells.append((model, role, "move %s" % name, "own", got, "refused"))
                self.counted += 1

    # ----------------------------------------------------------------------------- agent
    def test_call_centre_reads_no_personal_number(self):
        """Issue 13, point 6: the call-centre agent reads personal IDs masked and can search by
        the full number; never reads health insurance numbers, a collaborator's citizen ID or
        bank account, a payment line's ID or account, nor the benefit categories of a person.
        Every field the agent is offered (fields_get) of every model it reads is read over
        XML-RPC and searched for those values; the call-centre console too."""
        self.calls = 0
        agent = self.users["agent"]
        self.assertTrue(self.secrets)
        leaks, refused = [], []

        def scan(model, rows, offered):
            for row in rows:
                for field, value in (row.items() if isinstance(row, dict) else ()):
                    text = repr(value)
                    leaks.extend("%s.%s: %s" % (model, field, what)
                                 for secret, what in self.secrets.items() if secret in text)
                    if value and offered.get(field, {}).get("relation") in SENSITIVE_MODELS:
                        leaks.append("%s.%s: the benefit categories of a person" % (model, field))

        for name, kind in sorted(self.kinds.items()):
            records = self.records.get(name) or {}
            ids = [rec.id for rec in records.values() if rec]
            if kind in ("@catalog", "@wizard") or not ids or not any(
                    expected("agent", name, kind, "read", scope) for scope in SCOPES):
                continue
            ok, offered = self._call(agent, name, "fields_get", attributes=["type", "relation"])
            self.assertTrue(ok, "%s: fields_get refused to the agent: %s" % (name, offered))
            names = [f for f, attrs in offered.items() if attrs["type"] != "binary"]
            scan(name, self._read_offered(agent, name, [("id", "in", ids)], names, refused),
                 offered)
        if "sp.grievance.console" in self.kinds:
            person = self.records["sp.individual"]["own"]
            ok, console = self._call(agent, "sp.grievance.console", "create",
                                     {"query": person.name})
            self.assertTrue(ok, console)
            for method in ("action_search",):
                self._call(agent, "sp.grievance.console", method, [console])
            for model, domain in (("sp.grievance.console", [("id", "=", console)]),
                                  ("sp.grievance.console.line", [("console_id", "=", console)])):
                ok, offered = self._call(agent, model, "fields_get",
                                         attributes=["type", "relation"])
                names = [f for f, attrs in offered.items() if attrs["type"] != "binary"]
                scan(model, self._read_offered(agent, model, domain, names, refused), offered)
        # Relations to models the agent may not read are offered by fields_get and refused
        # when read: not a leak (the agent's views do not show them).
        _logger.info("fields offered to the agent and refused: %s", ", ".join(refused))
        problems = ["the agent reads " + leak for leak in sorted(set(leaks))]
        person = self.records["sp.individual"]["province"]
        ok, found = self._call(agent, "sp.individual", "name_search", person.sudo().id_number)
        found = found if ok else []
        if person.id not in [row[0] for row in found]:
            problems.append("the agent does not find a person by their full personal ID")
        self.assertFalse(problems, "\n".join(problems))

    def test_province_wide_officer_writes_no_payment_cycle(self):
        """Issue 13: a commune officer had write access on sp.payment.cycle. A commune officer
        without work areas (the whole province) reads the province's cycles, and neither
        writes nor creates one: generation, approval and funds are the province's steps."""
        if "sp.payment.cycle" not in self.records:
            self.skipTest("sp_payment is not installed")
        self.calls = 0
        officer = self._sp_user("sp_officer_a_matrix", "sp_base.group_commune_officer",
                                self.office_a)
        cycle = self.records["sp.payment.cycle"]["own"]
        self.assertEqual(self._rpc_outcome(officer, "sp.payment.cycle", "read", [cycle.id],
                                           ["display_name"]), "ok")
        for vals in ({}, {"allocated_amount": 1000}, {"state": "approved"}):
            self.assertEqual(self._rolled_back(
                self._rpc_outcome, officer, "sp.payment.cycle", "write", [cycle.id], vals),
                "denied", vals)
        self.assertEqual(self._rolled_back(
            self._rpc_outcome, officer, "sp.payment.cycle", "create",
            self.create_vals["sp.payment.cycle"]["own"]), "denied")

    def _read_offered(self, user, model, domain, names, refused):
        """search_read of ``names``; when it is refused, field by field (the fields refused
        are added to ``refused``)."""
        ok, result = self._call(user, model, "search_read", domain, names)
        if ok:
            return result
        rows = []
        for name in names:
            ok, result = self._call(user, model, "search_read", domain, [name])
            if ok:
                rows.extend(result)
            else:
                refused.append("%s.%s (%s)" % (model, name, result))
        return rows

    # ----------------------------------------------------------------------------- the test
    def test_access_matrix(self):
        # Thousands of calls and refusals: the server's line per request and warning per
        # refused call would drown the log (errors still show).
        quiet = _BelowError()
        for name in ("odoo.http", "werkzeug"):
            logging.getLogger(name).addFilter(quiet)
            self.addCleanup(logging.getLogger(name).removeFilter, quiet)
        started = time.time()
        self.calls = self.counted = self.forged = self.moved = 0
        self.plain_writes = {}
        cells = []
        for name, error in sorted(self.build_errors.items()):
            cells.append((name, "-", "build", "-", error, "built"))
        timings = []
        for name, kind in sorted(self.kinds.items()):
            timings.append((time.time(), name))
            records = self.records.get(name)
            if kind == "@wizard":
                for role, user in self.users.items():
                    for scope, vals in self.create_vals.get(name, {}).items():
                        got = self._rolled_back(self._rpc_outcome, user, name, "create", vals)
                        self._cell(cells, name, role, "create", scope, got,
                                     expected(role, name, kind, "create", scope))
                continue
            if not records:
                # Unbuildable: read operations still run on whatever records exist.
                for user in self.users.values():
                    self._call(user, name, "search_read", [], ["display_name"], limit=5)
                continue
            missing = [scope for scope, rec in records.items() if not rec]
            if missing:
                cells.append((name, "-", "build", ",".join(missing), "no record", "a record"))
            present = {scope: rec for scope, rec in records.items() if rec}
            ids = {scope: rec.id for scope, rec in present.items()}
            for role, user in self.users.items():
                self._check_reads(cells, name, kind, role, user, ids)
                if kind == "@report":
                    self._check_report_writes(cells, name, role, user, present)
                else:
                    self._check_writes(cells, name, kind, role, user, present)
            if kind != "@report":
                self._check_steps(cells, name, dict(self.users, sysadmin=self.sysadmin))
                self._check_moves(cells, name, self.users)
        seconds = time.time() - started
        timings.append((time.time(), None))
        slowest = sorted(((end[0] - begin[0], begin[1]) for begin, end in
                          zip(timings, timings[1:], strict=False)), reverse=True)[:5]
        _logger.info("access matrix: slowest models %s",
                     ", ".join("%s %.1f s" % (name, sec) for sec, name in slowest))
        _logger.info(
            "access matrix: %d models, %d roles, %d cells (%d forged workflow writes, %d moves), "
            "%d XML-RPC calls, setup %.1f s, checks %.1f s, %d unexpected", len(self.kinds),
            len(self.users), self.counted, self.forged, self.moved, self.calls,
            self.setup_seconds, seconds, len(cells))
        _logger.info("access matrix: created by their steps only (every create refused): %s",
                     ", ".join(sorted(self.step_created)))
        if cells:
            self.fail("%d unexpected cells of %d:\n%s" % (len(cells), self.counted, table(cells)))


class _BelowError(logging.Filter):
    def filter(self, record):
        return record.levelno >= logging.ERROR


def models_magic():
    return {"id", "create_uid", "create_date", "write_uid", "write_date", "display_name",
            "company_id", "area_id", "active", "sequence", "message_main_attachment_id"}


def table(cells):
    header = ("model", "role", "operation", "scope", "got", "expected")
    rows = [header] + [tuple(str(c) for c in cell) for cell in sorted(cells)]
    widths = [min(max(len(row[i]) for row in rows), 60) for i in range(len(header))]
    return "\n".join("  ".join(col[:60].ljust(widths[i]) for i, col in enumerate(row))
                     for row in rows)
