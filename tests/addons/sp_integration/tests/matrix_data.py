"""Records of every suite model in three scopes, built through the ORM as superuser, for the
access matrix (test_access_matrix.py).

The scopes are relative to the commune officer of commune A1: ``own`` (commune A1, village A1),
``commune`` (commune A2 of the same province) and ``province`` (commune B1 of province B).

A record is built generically from its model's fields: its area (a village, or the level given
in AREA_LEVEL) and province office, every required field without a default (a relation to a
suite model is the record of that model in the same scope, built first), then the few values
in OVERRIDES that a model needs to be meaningful (an enrolment of a person, a batch of the
scope's cycle, the collaborator of the collaborator user...). A new model gets records with no
edit here as long as its required fields are enough; otherwise building fails and the test says
so (add an override, or list the model in UNBUILDABLE with the reason).
"""
import base64
import datetime
import itertools

from odoo import Command, fields

SCOPES = ("own", "commune", "province")

# The level of the area a scope record sits in (default: village, so that the village
# collaborator's records are in their area too).
AREA_LEVEL = {
    "sp.decision": "commune",
    "sp.payment.batch": "commune",
    "sp.payment.point": "commune",
    "sp.payment.contract": "province",
    "sp.screening": "commune",
    "sp.registry.import": "commune",
    "sp.collaborator.training": "commune",
    "sp.poverty.campaign": "commune",
    "sp.poverty.standard.province": "province",
}

# Models whose records cannot be built in each scope generically, with the reason. The matrix
# still runs its read operations on them over whatever records exist.
UNBUILDABLE = {
    "sp.area.reform.decision": "needs a legacy area and its 2025 successor (the reform's "
                               "succession data); the administrator's model",
}

_counter = itertools.count(1)


def _n():
    return next(_counter)


def _month(n):
    """A distinct first day of a month per call (payment cycles are unique per office and
    month)."""
    return datetime.date(2001 + n // 12, n % 12 + 1, 1)


def _ov_household(b, scope, fresh):
    return {}


def _ov_individual(b, scope, fresh):
    return {
        "household_id": b.rec("sp.household", scope).id,
        "birthdate": "1950-01-15",
        "gender": "male",
    }


def _ov_enrolment(b, scope, fresh):
    programme = b.rec("sp.programme", scope)
    return {
        "individual_id": b.get("sp.individual", scope, fresh).id,
        "programme_id": programme.id,
        "category_ids": [Command.set(b.rec("sp.benefit.category", scope).ids)],
        "application_date": "2024-01-05",
    }


def _ov_category(b, scope, fresh):
    return {"programme_id": b.rec("sp.programme", scope).id}


def _ov_duplicate(b, scope, fresh):
    return {
        "individual_a_id": b.rec("sp.individual", scope).id,
        "individual_b_id": b.get("sp.individual", scope, True).id,
    }


def _ov_event(b, scope, fresh):
    return {
        "type": "correction",
        "individual_id": b.rec("sp.individual", scope).id,
        "household_id": b.rec("sp.household", scope).id,
    }


def _ov_poverty_history(b, scope, fresh):
    return {"year": 2000 + _n() % 20, "status": "poor"}


def _ov_cycle(b, scope, fresh):
    return {"period": _month(_n())}


def _ov_batch(b, scope, fresh):
    return {
        "cycle_id": b.get("sp.payment.cycle", scope, fresh).id,
        "agency_id": b.agency.id,
        "state": "approved",
    }


def _ov_line(b, scope, fresh):
    batch = b.rec("sp.payment.batch", scope)
    return {
        "cycle_id": batch.cycle_id.id,
        "batch_id": batch.id,
        "period": batch.cycle_id.period,
        "enrolment_id": b.get("sp.enrolment", scope, fresh).id,
        "amount": 500000,
    }


def _ov_result(b, scope, fresh):
    return {
        "cycle_id": b.rec("sp.payment.cycle", scope).id,
        "agency_id": b.agency.id,
        "file": base64.b64encode(b"matrix"),
        "file_name": "matrix_%s.csv" % _n(),
    }


def _ov_result_line(b, scope, fresh):
    return {
        "result_id": b.rec("sp.payment.result", scope).id,
        "line_id": b.get("sp.payment.line", scope, fresh).id,
        "row_number": _n(),
    }


def _ov_file_log(b, scope, fresh):
    batch = b.rec("sp.payment.batch", scope)
    return {"kind": "export", "batch_id": batch.id, "cycle_id": batch.cycle_id.id}


def _ov_contract(b, scope, fresh):
    return {"agency_id": b.agency.id, "date_start": "2020-01-01"}


def _ov_collaborator(b, scope, fresh):
    vals = {"date_start": "2024-01-01", "partner_id": None}
    if scope == "own" and not fresh:
        vals["user_id"] = b.users["collaborator"].id
    return vals


def _ov_assignment(b, scope, fresh):
    return {
        "collaborator_id": b.rec("sp.collaborator", scope).id,
        "household_id": b.get("sp.household", scope, fresh).id,
        "date_from": "2024-01-01",
    }


def _ov_activity(b, scope, fresh):
    return {
        "collaborator_id": b.rec("sp.collaborator", scope).id,
        "household_id": b.rec("sp.household", scope).id,
        "date": fields.Date.today(),
    }


def _ov_allowance(b, scope, fresh):
    return {"collaborator_id": b.rec("sp.collaborator", scope).id, "period": _month(_n())}


def _ov_allowance_term(b, scope, fresh):
    return {"date_from": _month(_n())}


def _ov_attendance(b, scope, fresh):
    return {
        "training_id": b.get("sp.collaborator.training", scope, fresh).id,
        "collaborator_id": b.rec("sp.collaborator", scope).id,
    }


def _ov_training(b, scope, fresh):
    # done: the training report shows done trainings only
    return {"state": "done", "date_start": "2024-03-01"}


def _ov_succession(b, scope, fresh):
    return {"old_area_id": b.get("sp.area", scope, True).id,
            "new_area_id": b.areas[scope]["village"].id, "date": "2025-07-01"}


def _ov_poverty_standard(b, scope, fresh):
    # a validity of its own: standards of one period must not overlap
    year = 1500 + _n()
    return {"date_from": "%s-01-01" % year, "date_to": "%s-12-31" % year}


def _ov_campaign(b, scope, fresh):
    # one review per commune and year (the create values: the year before)
    return {"year": fields.Date.today().year - (1 if fresh else 0)}


def _ov_ticket(b, scope, fresh):
    return {
        "household_id": b.rec("sp.household", scope).id,
        "description": "Matrix test ticket",
    }


def _ov_call(b, scope, fresh):
    return {"ticket_id": b.rec("sp.grievance", scope).id,
            "household_id": b.rec("sp.household", scope).id}


def _ov_approval(b, scope, fresh):
    return {"user_id": b.users["manager"].id, "result": "approved"}


def _ov_area(b, scope, fresh):
    parent = b.areas[scope]["commune"]
    return {"level": "village", "parent_id": parent.id, "code": "%s-M%s" % (parent.code, _n()),
            "scheme": "2025"}


OVERRIDES = {
    "sp.area": _ov_area,
    "sp.household": _ov_household,
    "sp.individual": _ov_individual,
    "sp.enrolment": _ov_enrolment,
    "sp.benefit.category": _ov_category,
    "sp.registry.duplicate": _ov_duplicate,
    "sp.registry.event": _ov_event,
    "sp.household.poverty.history": _ov_poverty_history,
    "sp.payment.cycle": _ov_cycle,
    "sp.payment.batch": _ov_batch,
    "sp.payment.line": _ov_line,
    "sp.payment.result": _ov_result,
    "sp.payment.result.line": _ov_result_line,
    "sp.payment.file.log": _ov_file_log,
    "sp.payment.contract": _ov_contract,
    "sp.collaborator": _ov_collaborator,
    "sp.collaborator.assignment": _ov_assignment,
    "sp.collaborator.activity": _ov_activity,
    "sp.collaborator.allowance": _ov_allowance,
    "sp.collaborator.allowance.term": _ov_allowance_term,
    "sp.collaborator.training": _ov_training,
    "sp.collaborator.training.attendance": _ov_attendance,
    "sp.area.succession": _ov_succession,
    "sp.poverty.standard": _ov_poverty_standard,
    "sp.poverty.campaign": _ov_campaign,
    "sp.grievance": _ov_ticket,
    "sp.grievance.call": _ov_call,
    "sp.enrolment.approval": _ov_approval,
}

# Built before the others, in this order, so that every scope's chain hangs together (the
# collaborator user's collaborator before any household is assigned, the batch before lines).
FIRST = [
    "sp.household", "sp.individual", "sp.collaborator", "sp.collaborator.assignment",
    "sp.programme", "sp.benefit.category", "sp.enrolment", "sp.payment.cycle",
    "sp.payment.batch", "sp.payment.line", "sp.payment.result",
]


class MatrixBuilder:
    """Builds and caches one record per (model, scope); ``vals`` gives fresh values for a
    create call of the matrix."""

    def __init__(self, env, areas, users, agency):
        self.env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True,
                                    mail_notrack=True, active_test=False))
        self.areas = areas
        self.users = users
        self.agency = agency
        self.cache = {}
        self.frozen = False

    def forget_since(self, keys):
        """Drop the records cached since ``keys`` (their creation was rolled back)."""
        for key in set(self.cache) - keys:
            del self.cache[key]

    def rec(self, model, scope):
        return self.get(model, scope, False)

    def get(self, model, scope, fresh):
        key = (model, scope)
        if not fresh and key in self.cache:
            return self.cache[key]
        if not fresh and self.frozen:
            raise KeyError("%s has no record in scope %s" % key)
        record = self.env[model].sudo().create(self.vals(model, scope, fresh))
        if not fresh:
            self.cache[key] = record
        return record

    def vals(self, model, scope, fresh=True):
        Model = self.env[model]
        area = self.areas[scope]
        vals = {}
        for name in ("area_id", "company_id"):
            field = Model._fields.get(name)
            if field and field.store and not field.related and not (field.compute and field.readonly):
                if name == "area_id":
                    vals[name] = area[AREA_LEVEL.get(model, "village")].id
                elif model != "sp.area":
                    vals[name] = area["office"].id
        override = OVERRIDES.get(model)
        extra = override(self, scope, fresh) if override else {}
        defaults = Model.default_get(list(Model._fields))
        for name, field in Model._fields.items():
            if name in vals or name in extra or name in defaults or not field.required:
                continue
            if field.compute or field.related or not field.store:
                continue
            vals[name] = self._value(model, field, scope, fresh)
        vals.update({key: value for key, value in extra.items()
                     if value is not None and key in Model._fields})
        return vals

    def _value(self, model, field, scope, fresh):
        n = _n()
        if field.type == "many2one":
            comodel = field.comodel_name
            if comodel == "sp.area":
                return self.areas[scope]["village"].id
            if comodel == "res.company":
                return self.areas[scope]["office"].id
            if comodel == "res.users":
                return self.users["manager"].id
            if comodel == "res.partner":
                return self.env["res.partner"].create({"name": "Matrix partner %s" % n}).id
            if comodel == "res.groups":
                return self.env.ref("base.group_user").id
            if comodel == "resource.calendar":
                return self.env.company.resource_calendar_id.id
            if comodel.startswith("sp."):
                return self.get(comodel, scope, fresh).id
            return self.env[comodel].search([], limit=1).id
        if field.type in ("char", "text"):
            return "Matrix %s" % n if "code" not in field.name else "MX%s" % n
        if field.type == "html":
            return "<p>Matrix</p>"
        if field.type == "selection":
            return field._description_selection(self.env)[0][0]
        if field.type in ("integer", "float", "monetary"):
            return 1
        if field.type == "date":
            # the first day of a month: periods must be one
            return fields.Date.today().replace(day=1)
        if field.type == "datetime":
            return fields.Datetime.now()
        if field.type == "boolean":
            return True
        if field.type == "binary":
            return base64.b64encode(b"matrix")
        if field.type in ("many2many", "one2many"):
            return []
        raise ValueError("no value for %s.%s (%s)" % (model, field.name, field.type))

    def report_record(self, model, scope):
        """A row of a reporting view (SQL view, no create) in the scope's area."""
        Model = self.env[model].sudo()
        commune = self.areas[scope]["commune"]
        if "area_id" in Model._fields:
            return Model.search([("area_id", "child_of", commune.id)], limit=1, order="id")
        return Model.search([("company_id", "=", self.areas[scope]["office"].id)], limit=1)


def wire(vals):
    """ORM values as an XML-RPC client sends them."""
    out = {}
    for key, value in vals.items():
        if isinstance(value, (datetime.datetime,)):
            value = fields.Datetime.to_string(value)
        elif isinstance(value, datetime.date):
            value = fields.Date.to_string(value)
        elif isinstance(value, bytes):
            value = value.decode()
        elif isinstance(value, list):
            value = [[int(cmd[0]), *cmd[1:]] if isinstance(cmd, (tuple, list)) else cmd
                     for cmd in value]
        elif hasattr(value, "_name"):
            value = value.id
        elif isinstance(value, str):
            value = str(value)  # Markup of html fields
        out[key] = value
    return out
