"""What sp_programme's models share besides the input check (``sp.input.mixin`` of sp_base,
which refuses a number outside a model's ``_sp_bounds``): the bounds themselves, their
CHECK constraints in the database, and the sensitive-field guard."""
from odoo import api, models

# Upper bounds of the numbers a client may send (VND amounts, coefficients, counts). A benefit
# is a few million VND a month; arrears over years and a funeral support stay far below 100
# billion. Models declare them in ``_sp_bounds`` (checked by ``sp.input.mixin``) and as CHECK
# constraints in the database (see ``bounded_check``).
MAX_AMOUNT = 100_000_000_000
MAX_COEFFICIENT = 1000
MAX_COUNT = 1000
MAX_AGE = 150
# Who reads the benefit categories and disability detail of a person (screening results such
# as HIV, K3/K8): every role that handles cases, not the call-centre agent, who reads the
# enrolment summary only (programme, state, dates, amount).
SENSITIVE_GROUPS = "sp_base.group_commune_officer,sp_base.group_auditor,sp_base.group_collaborator"


def bounded_check(name, column, low, high, message):
    """One ``_sql_constraints`` entry: the column between ``low`` and ``high`` (a NaN numeric
    compares above every number, so it is refused too; NULL passes)."""
    return (name, "CHECK(%s >= %s AND %s <= %s)" % (column, low, column, high), message)


class SpSensitiveMixin(models.AbstractModel):
    """Fields restricted by ``groups`` (categories, disability detail) are not readable by
    the other roles; this also refuses them in a search domain or a grouping, where the ORM
    does not check field groups (``category_ids.code = 'K3'`` would tell who has HIV)."""

    _name = "sp.sensitive.mixin"
    _description = "Sensitive fields not searchable without their groups"

    def _sp_check_sensitive(self, names):
        if self.env.su:
            return
        restricted = [name for name in names
                      if name in self._fields and self._fields[name].groups]
        if restricted:
            self.check_field_access_rights("read", restricted)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        if not self.env.su and domain:
            self._sp_check_sensitive([
                leaf[0].split(".")[0] for leaf in domain
                if isinstance(leaf, (list, tuple)) and len(leaf) == 3
                and isinstance(leaf[0], str)])
        return super()._search(domain, offset=offset, limit=limit, order=order, **kwargs)

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None,
                    order=None):
        if not self.env.su:
            self._sp_check_sensitive([spec.split(":")[0].split(".")[0]
                                      for spec in list(groupby) + list(aggregates)])
        return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
