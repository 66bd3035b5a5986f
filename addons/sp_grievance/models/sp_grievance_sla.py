from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

LEVELS = [
    ("commune", "Commune"),
    ("province", "Province"),
    ("central", "Central"),
]


class SpGrievanceSla(models.Model):
    """A clock: how many days a level has to acknowledge and resolve a kind of ticket.

    The clock that applies to a ticket is the first active one (by sequence) of the ticket's
    level, for formal complaints or not, effective on the day received, whose categories include
    the ticket's category or that has none; a clock naming the category wins over a general one.
    """

    _name = "sp.grievance.sla"
    _description = "Grievance service level"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    level = fields.Selection(LEVELS, required=True, index=True)
    is_formal = fields.Boolean(
        "Formal complaints",
        help="This clock applies to formal complaints under the Law on Complaints; otherwise to "
        "the other tickets (feedback, requests, reports).",
    )
    category_ids = fields.Many2many(
        "sp.grievance.category",
        string="Categories",
        help="Empty: every category without a more specific clock at this level.",
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working calendar",
        required=True,
        help="Working days and public holidays used to count the days.",
    )
    day_type = fields.Selection(
        [("working", "Working days"), ("calendar", "Calendar days")],
        required=True,
        default="working",
        help="Calendar days: a deadline that falls on a day off moves to the next working day.",
    )
    ack_days = fields.Integer("Acknowledge within", required=True, default=1)
    resolve_days = fields.Integer("Resolve within", required=True, default=10)
    resolve_days_complex = fields.Integer("Resolve within (complex)", required=True, default=10)
    resolve_days_remote = fields.Integer(
        "Resolve within (remote area)", required=True, default=10,
        help="Remote, mountainous or hard-to-reach areas (vùng sâu, vùng xa).",
    )
    resolve_days_remote_complex = fields.Integer(
        "Resolve within (remote area, complex)", required=True, default=10,
    )
    resolution_from = fields.Selection(
        [("received", "Receipt at this level"), ("acknowledged", "Acceptance")],
        string="Resolution clock starts at",
        required=True,
        default="received",
        help="Formal complaints are resolved within a period counted from their acceptance "
        "(thụ lý); until then, the deadline assumes acceptance on the last allowed day.",
    )
    auto_escalate = fields.Boolean(
        "Escalate when overdue",
        default=True,
        help="The scheduled action moves an overdue ticket to the next level (commune -> "
        "province -> central).",
    )
    date_from = fields.Date("Effective from")
    date_to = fields.Date("Effective until")
    legal_source = fields.Char(help="Law, decree or internal standard that sets this clock.")
    note = fields.Text(translate=True)

    _sql_constraints = [
        ("days_positive",
         "CHECK(ack_days >= 0 AND resolve_days >= 0 AND resolve_days_complex >= 0 "
         "AND resolve_days_remote >= 0 AND resolve_days_remote_complex >= 0)",
         "Service-level days cannot be negative."),
        ("dates_check", "CHECK(date_to IS NULL OR date_from IS NULL OR date_to >= date_from)",
         "A service level cannot end before it starts."),
    ]

    @api.constrains("resolve_days", "resolve_days_complex", "resolve_days_remote",
                    "resolve_days_remote_complex")
    def _check_days_order(self):
        for sla in self:
            if sla.resolve_days_complex < sla.resolve_days or \
                    sla.resolve_days_remote < sla.resolve_days or \
                    sla.resolve_days_remote_complex < sla.resolve_days_complex:
                raise ValidationError(_(
                    "Service level %s: a complex case or a remote area cannot get less time than "
                    "an ordinary case.", sla.name))

    @api.model
    def _sp_find(self, category, level, is_formal, on_date):
        """The clock for a ticket of ``category`` at ``level`` received on ``on_date``."""
        candidates = self.search([
            ("level", "=", level),
            ("is_formal", "=", bool(is_formal)),
            "|", ("date_from", "=", False), ("date_from", "<=", on_date),
            "|", ("date_to", "=", False), ("date_to", ">=", on_date),
        ])
        specific = candidates.filtered(lambda s: category in s.category_ids)
        general = candidates.filtered(lambda s: not s.category_ids)
        # A sub-category (e.g. fraud) follows the clock of its parent (misconduct).
        parent_specific = candidates.filtered(
            lambda s: s.category_ids and category.parent_id in s.category_ids)
        return (specific or parent_specific or general)[:1]

    def _sp_resolve_days(self, is_complex, is_remote):
        self.ensure_one()
        if is_remote:
            return self.resolve_days_remote_complex if is_complex else self.resolve_days_remote
        return self.resolve_days_complex if is_complex else self.resolve_days

    def _sp_deadline(self, start_dt, days):
        self.ensure_one()
        return self.calendar_id._sp_add_days(start_dt, days, self.day_type)
