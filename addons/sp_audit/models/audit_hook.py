"""The generic audit hook: BaseModel.create/write/unlink/read/export_data wrapped once per
process (sp.audit.rule._register_hook calls install()).

A model that no active rule names costs one registry dict lookup and one ormcache lookup per
call. For an audited model, a write reads the configured fields it touches before and after the
write (one prefetch each), and inserts one log row per changed record in one INSERT.
"""
import contextlib
import contextvars
import json
import logging
import sys
import threading
import urllib.parse

from odoo import api
from odoo.http import request
from odoo.models import BaseModel

_logger = logging.getLogger(__name__)

# set while the hook itself reads records: no audit of the audit's own reads
_GUARD = contextvars.ContextVar("sp_audit_guard", default=False)
# the business step of the code running now (set by Python code only: no RPC client can set it)
_STEP = contextvars.ContextVar("sp_audit_step", default=None)
_ORIGINAL = {}
_STEP_METHODS = ("_sp_step_write", "_sp_step_create")


@contextlib.contextmanager
def audit_step(name):
    """``with audit_step("cycle_approve"): records.write(...)``: the audit rows written inside
    carry this business step name."""
    token = _STEP.set(name)
    try:
        yield
    finally:
        _STEP.reset(token)


def current_step():
    """The explicit step, else the caller of sp.step.mixin's _sp_step_write/_sp_step_create
    (the workflow method, e.g. ``action_approve``), else None."""
    step = _STEP.get()
    if step:
        return step
    frame = sys._getframe(2)
    depth = 0
    while frame is not None and depth < 25:
        if frame.f_code.co_name in _STEP_METHODS and frame.f_back is not None:
            return frame.f_back.f_code.co_name
        frame = frame.f_back
        depth += 1
    return None


def request_origin(env):
    """(origin, path): web, xmlrpc, jsonrpc, http, import, cron or server."""
    path = None
    origin = "server"
    try:
        if request and request.httprequest:
            path = request.httprequest.path
    except RuntimeError:
        path = None
    if path is None:
        # an RPC call runs with the request "borrowed" off the stack (odoo.http.dispatch_rpc):
        # the thread still carries the request's URL (set by odoo.http for every request)
        url = getattr(threading.current_thread(), "url", None)
        if url:
            path = urllib.parse.urlsplit(url).path
    if path is not None:
        if path.startswith("/xmlrpc"):
            origin = "xmlrpc"
        elif path.startswith("/jsonrpc"):
            origin = "jsonrpc"
        elif path.startswith("/web"):
            origin = "web"
        else:
            origin = "http"
    elif "ir_cron_progress_id" in env.context or "odoo.service.cron" in (
            threading.current_thread().name or ""):
        origin = "cron"
    if env.context.get("import_file"):
        origin = "import"
    return origin, path


def _rule(model):
    if "sp.audit.rule" not in model.pool.models:
        return None
    return model.env["sp.audit.rule"]._sp_conf().get(model._name)


def _jsonable(field, value):
    if field.type in ("many2one",):
        return value.id or None
    if field.type in ("one2many", "many2many"):
        return sorted(value.ids)
    if value is False and field.type not in ("boolean",):
        return None
    if field.type in ("date", "datetime"):
        return value and str(value)
    if field.type in ("float", "monetary"):
        return float(value or 0.0)
    return value


def snapshot(records, fnames):
    """{id: {field: JSON value}} for the records (one prefetch, as superuser)."""
    token = _GUARD.set(True)
    try:
        recs = records.sudo().with_context(active_test=False)
        fields = [recs._fields[f] for f in fnames]
        if not fields:
            return {rid: {} for rid in records._ids}
        recs.fetch([f.name for f in fields if f.store])
        return {
            rec.id: {f.name: _jsonable(f, rec[f.name]) for f in fields}
            for rec in recs
        }
    finally:
        _GUARD.reset(token)


def _company_ids(records):
    if "company_id" in records._fields and records._fields["company_id"].type == "many2one":
        token = _GUARD.set(True)
        try:
            return {rec.id: rec.company_id.id or None for rec in records.sudo()}
        finally:
            _GUARD.reset(token)
    return {}


def _log(records, rows):
    if rows:
        records.env["sp.audit.log"].sudo()._sp_insert(rows)


@api.model_create_multi
def create(self, vals_list):
    records = _ORIGINAL["create"](self, vals_list)
    rule = _rule(self)
    if rule is None or _GUARD.get() or not records:
        return records
    new = snapshot(records, rule["fields"])
    companies = _company_ids(records)
    step = current_step()
    _log(records, [{
        "model": records._name, "res_id": rec_id, "action": "create", "step": step,
        "company_id": companies.get(rec_id), "new_values": values,
    } for rec_id, values in new.items()])
    return records


def write(self, vals):
    rule = _rule(self)
    if rule is None or _GUARD.get() or not self._ids:
        return _ORIGINAL["write"](self, vals)
    fnames = [f for f in vals if f in rule["fields"]]
    if not fnames or not all(isinstance(i, int) for i in self._ids):
        return _ORIGINAL["write"](self, vals)
    old = snapshot(self, fnames)
    result = _ORIGINAL["write"](self, vals)
    new = snapshot(self, fnames)
    companies = _company_ids(self)
    step = current_step()
    rows = []
    for rec_id, after in new.items():
        before = old.get(rec_id, {})
        changed = [f for f in fnames if before.get(f) != after.get(f)]
        if changed:
            rows.append({
                "model": self._name, "res_id": rec_id, "action": "write", "step": step,
                "company_id": companies.get(rec_id),
                "old_values": {f: before.get(f) for f in changed},
                "new_values": {f: after.get(f) for f in changed},
            })
    _log(self, rows)
    return result


def unlink(self):
    rule = _rule(self)
    if rule is None or _GUARD.get() or not self._ids:
        return _ORIGINAL["unlink"](self)
    old = snapshot(self.exists(), rule["fields"])
    companies = _company_ids(self.exists())
    step = current_step()
    name = self._name
    result = _ORIGINAL["unlink"](self)
    _log(self, [{
        "model": name, "res_id": rec_id, "action": "unlink", "step": step,
        "company_id": companies.get(rec_id), "old_values": values,
    } for rec_id, values in old.items()])
    return result


def read(self, fields=None, load="_classic_read"):
    result = _ORIGINAL["read"](self, fields, load)
    rule = _rule(self)
    if rule is None or not rule["log_reads"] or _GUARD.get() or not result:
        return result
    if self.env.su or request_origin(self.env)[1] is None:
        return result  # server code reading, not a user through a request
    token = _GUARD.set(True)
    try:
        records = self.browse([row["id"] for row in result if isinstance(row.get("id"), int)])
        if rule["read_domain"]:
            records = records.sudo().filtered_domain(rule["read_domain"])
        companies = _company_ids(records)
    finally:
        _GUARD.reset(token)
    summary = {"fields": sorted(fields) if fields else None}
    _log(self, [{
        "model": self._name, "res_id": rec_id, "action": "read", "summary": summary,
        "company_id": companies.get(rec_id),
    } for rec_id in records._ids])
    return result


def export_data(self, fields_to_export):
    result = _ORIGINAL["export_data"](self, fields_to_export)
    rule = _rule(self)
    if rule is None or _GUARD.get():
        return result
    summary = {"fields": list(fields_to_export)}
    try:
        data = request and request.params.get("data")
        if data:
            params = json.loads(data)
            summary["domain"] = params.get("domain")
            summary["selected_ids"] = bool(params.get("ids"))
    except (RuntimeError, ValueError, TypeError, AttributeError):
        _logger.debug("sp_audit: no export parameters in this request")
    self.env["sp.audit.log"].sudo()._sp_log_bulk(
        self._name, "export", list(self._ids), summary, step=current_step())
    return result


def install():
    """Wrap the BaseModel methods once per process (idempotent)."""
    if _ORIGINAL:
        return
    for name, wrapper in (("create", create), ("write", write), ("unlink", unlink),
                          ("read", read), ("export_data", export_data)):
        _ORIGINAL[name] = getattr(BaseModel, name)
        setattr(BaseModel, name, wrapper)
    _logger.info("sp_audit: BaseModel create/write/unlink/read/export_data hooked")
