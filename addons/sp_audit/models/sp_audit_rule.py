"""sp.audit.rule: which models and fields the audit hook records (see audit_hook.py).

Rules name their model and fields by name, so the shipped rules load whatever modules are
installed; a rule whose model is not in the registry, and a field the model does not have, are
ignored until the module that brings them is installed.
"""
import logging

from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

from . import audit_hook

_logger = logging.getLogger(__name__)


class SpAuditRule(models.Model):
    _name = "sp.audit.rule"
    _description = "Audit rule"
    _order = "model_name, id"

    name = fields.Char(required=True, translate=True)
    model_name = fields.Char("Model", required=True,
                             help="Technical name of the audited model, e.g. sp.individual.")
    field_names = fields.Char(
        "Fields", help="Technical names of the audited fields, comma-separated. Creations, "
        "changes of these fields and deletions are recorded with old and new values.")
    log_reads = fields.Boolean(
        "Log reads", help="Record every read of a record by a user (web client or API).")
    read_domain = fields.Char(
        "Reads of records matching", default="[]",
        help="Only the reads of the records matching this domain are recorded, e.g. "
        "[('is_confidential', '=', True)].")
    active = fields.Boolean(default=True)
    model_installed = fields.Boolean("Model installed", compute="_compute_model_installed")

    def _compute_model_installed(self):
        for rule in self:
            rule.model_installed = rule.model_name in self.env.registry

    @api.constrains("read_domain")
    def _check_read_domain(self):
        for rule in self:
            try:
                domain = safe_eval(rule.read_domain or "[]")
                assert isinstance(domain, list)
            except Exception as exc:
                raise ValidationError(_(
                    "Audit rule %(rule)s: the field 'Reads of records matching' is not a valid "
                    "domain.", rule=rule.name)) from exc

    def _register_hook(self):
        super()._register_hook()
        audit_hook.install()

    @api.model
    @tools.ormcache()
    def _sp_conf(self):
        """{model name: {"fields": frozenset, "log_reads": bool, "read_domain": list}} of the
        active rules of installed models (cached; any rule change clears the cache)."""
        if not tools.sql.table_exists(self.env.cr, "sp_audit_rule"):
            return {}
        self.env.cr.execute(
            "SELECT model_name, field_names, log_reads, read_domain FROM sp_audit_rule "
            "WHERE active ORDER BY id")
        conf = {}
        for model_name, field_names, log_reads, read_domain in self.env.cr.fetchall():
            model = self.env.registry.get(model_name)
            if model is None:
                continue
            entry = conf.setdefault(model_name, {"fields": set(), "log_reads": False,
                                                 "read_domain": []})
            entry["fields"] |= {
                f.strip() for f in (field_names or "").split(",")
                if f.strip() in model._fields
            }
            if log_reads:
                entry["log_reads"] = True
                try:
                    domain = safe_eval(read_domain or "[]")
                except Exception:
                    domain = []
                entry["read_domain"] = domain
        for entry in conf.values():
            entry["fields"] = frozenset(entry["fields"])
        return conf

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        self.env.registry.clear_cache()
        return rules

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
