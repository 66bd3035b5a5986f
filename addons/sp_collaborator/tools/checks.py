"""Checks of what a client sends, before the ORM or the database sees it.

``check_values``: a clear ValidationError naming the field, instead of a Python or psycopg2
traceback, for a value of the wrong type (a date of 31/02, text for a number, an unknown
selection value, NaN or infinity, an id out of range, a NUL byte).
``check_scope``: a record placed (created or moved) in an office or area outside the user's
scope is refused with a clear AccessError: record rules filter what one reads, not where one
writes.

The same file is in sp_grievance: to move to sp_base as the suite's one input check.
"""
import datetime
import math

from odoo import fields, models
from odoo.exceptions import AccessError, ValidationError

# Beyond these an amount, a count or an id is a typing or forging error, not data.
MAX_AMOUNT = 1e12
MAX_INTEGER = 2**31 - 1
YEAR_MIN, YEAR_MAX = 1900, 2100


def _refuse(model, field, problem):
    raise ValidationError(model.env._("%(field)s: %(problem)s",
                                      field=field._description_string(model.env),
                                      problem=problem))


def check_values(model, vals, bounds=None):
    """Refuse, field by field, a value the field cannot hold; ``bounds`` gives the lowest and
    highest value of some numeric fields ({name: (low, high)})."""
    env = model.env
    if not isinstance(vals, dict):
        raise ValidationError(env._("The values to write must be given as a dictionary."))
    for name, value in vals.items():
        field = model._fields.get(name) if isinstance(name, str) else None
        if field is None:
            raise ValidationError(env._("%(name)s is not a field of %(model)s.",
                                    name=name, model=model._description))
        if value is False or value is None:
            continue
        kind = field.type
        if kind in ("char", "text", "html"):
            if not isinstance(value, str):
                _refuse(model, field, env._("a text is expected."))
            if "\x00" in value:
                _refuse(model, field, env._("the text contains a NUL character."))
        elif kind in ("float", "monetary"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                _refuse(model, field, env._("a number is expected."))
            if not math.isfinite(value) or abs(value) > MAX_AMOUNT:
                _refuse(model, field, env._("%s is not an amount that can be recorded.", value))
            low, high = (bounds or {}).get(name, (-MAX_AMOUNT, MAX_AMOUNT))
            if not low <= value <= high:
                _refuse(model, field, env._("%(value)s is outside %(low)s-%(high)s.",
                                            value=value, low=low, high=high))
        elif kind == "many2one" and isinstance(value, models.BaseModel):
            continue  # a record given by server code
        elif kind in ("integer", "many2one"):
            if isinstance(value, bool) or not isinstance(value, int) \
                    or not -MAX_INTEGER <= value <= MAX_INTEGER:
                _refuse(model, field, env._("a whole number is expected."))
        elif kind in ("date", "datetime"):
            _check_date(model, field, value)
        elif kind == "selection":
            allowed = [key for key, _label in field._description_selection(model.env)]
            if value not in allowed:
                _refuse(model, field, env._("%s is not one of the allowed values.", value))
        elif kind == "boolean":
            if not isinstance(value, (bool, int)):
                _refuse(model, field, env._("true or false is expected."))
        elif kind in ("one2many", "many2many"):
            if not isinstance(value, (list, tuple)):
                _refuse(model, field, env._("a list of commands is expected."))


def _check_date(model, field, value):
    env = model.env
    convert = fields.Datetime.to_datetime if field.type == "datetime" else fields.Date.to_date
    if not isinstance(value, (str, datetime.date)):
        _refuse(model, field, env._("a date is expected."))
    try:
        day = convert(value)
    except (ValueError, TypeError, OverflowError):
        _refuse(model, field, env._("%s is not a valid date (year-month-day).", value))
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        _refuse(model, field, env._("the year %(year)s is outside %(min)s-%(max)s.",
                                        year=day.year, min=YEAR_MIN, max=YEAR_MAX))


def _display_name(record):
    # The name may be made of related records the user may not read (the household of an
    # activity): then the message goes without it.
    try:
        return record.display_name or ""
    except AccessError:
        return ""


def check_scope(records, label):
    """Each record's office and area must be within the user's: the offices they work for (and
    their children) and, for a user limited to some communes, those communes and below.
    ``label`` is a translated text with one ``%s`` for the record's name."""
    env = records.env
    if env.su or not records:
        return
    offices = env["res.company"].sudo().search([("id", "child_of", env.companies.ids)])
    roots = env.user.sp_area_ids.sudo()
    for record in records:
        area = record.area_id.sudo()
        what = label % _display_name(record)
        if record.company_id and record.company_id not in offices:
            raise AccessError(env._(
                "%(record)s cannot be placed in %(area)s: it lies outside the province offices "
                "you work for. Ask the office that covers it to record it.",
                record=what, area=area.display_name or env._("another province office")))
        if roots and not (area and any(area.parent_path.startswith(root.parent_path)
                                       for root in roots)):
            raise AccessError(env._(
                "%(record)s cannot be placed in %(area)s: that area is outside your work areas "
                "(%(yours)s).", record=what, area=area.display_name or env._("no area"),
                yours=", ".join(roots.mapped("display_name"))))
