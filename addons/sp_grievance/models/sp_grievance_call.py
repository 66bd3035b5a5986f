from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import format_datetime

from odoo.addons.sp_registry.tools import normalize_phone, validate_phone

# Fields that place a call in an office and area: checked against the user's scope on write.
SCOPE_FIELDS = {"area_id", "company_id", "household_id", "individual_id", "ticket_id"}

OUTCOMES = [
    ("ticket", "Ticket created"),
    ("follow_up", "Follow-up of an earlier ticket"),
    ("information", "Information given"),
    ("referred", "Referred to another service"),
    ("dropped", "Call dropped"),
    ("other", "Other"),
]


class SpGrievanceCall(models.Model):
    _name = "sp.grievance.call"
    _description = "Hotline call"
    _inherit = ["sp.access.mixin", "sp.input.mixin"]
    _order = "date desc, id desc"
    _rec_name = "date"
    _sp_scope_fields = tuple(sorted(SCOPE_FIELDS))

    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one(
        "res.users", string="Agent", required=True, default=lambda self: self.env.user,
        index=True,
    )
    phone = fields.Char("Caller's phone", index="btree_not_null")
    caller_name = fields.Char("Caller's name")
    individual_id = fields.Many2one("sp.individual", string="Caller (registry)",
                                    index="btree_not_null", ondelete="set null")
    household_id = fields.Many2one(
        "sp.household", string="Household", compute="_compute_household_id", store=True,
        readonly=False, precompute=True, index="btree_not_null", ondelete="set null",
    )
    area_id = fields.Many2one(
        string="Commune / village", compute="_compute_area_id", store=True, readonly=False,
        precompute=True,
    )
    duration = fields.Float("Duration (minutes)", digits=(16, 1))
    outcome = fields.Selection(OUTCOMES, required=True, default="information", index=True)
    ticket_id = fields.Many2one("sp.grievance", string="Ticket", index="btree_not_null",
                                ondelete="set null")
    is_confidential = fields.Boolean(
        related="ticket_id.is_confidential", store=True, string="Confidential",
    )
    notes = fields.Text()

    @api.depends("individual_id")
    def _compute_household_id(self):
        for call in self:
            if call.individual_id.household_id:
                call.household_id = call.individual_id.household_id

    @api.depends("household_id", "individual_id", "ticket_id")
    def _compute_area_id(self):
        for call in self:
            area = call.household_id.area_id or call.individual_id.area_id or \
                call.ticket_id.sudo().area_id
            if area:
                call.area_id = area

    @api.depends("date", "caller_name", "phone")
    def _compute_display_name(self):
        for call in self:
            who = call.caller_name or call.phone or _("Unknown caller")
            when = format_datetime(self.env, call.date, dt_format="short") if call.date else ""
            call.display_name = "%s - %s" % (when, who)

    @api.constrains("phone")
    def _check_phone(self):
        for call in self.filtered("phone"):
            errors, _warnings = validate_phone(call.phone, self.env.lang)
            if errors:
                raise ValidationError(" ".join(errors))

    @api.constrains("duration")
    def _check_duration(self):
        for call in self:
            if call.duration < 0:
                raise ValidationError(_("A call cannot last a negative number of minutes."))

    @api.constrains("outcome", "ticket_id")
    def _check_ticket(self):
        for call in self:
            if call.outcome in ("ticket", "follow_up") and not call.ticket_id:
                raise ValidationError(_("A call that created or followed up a ticket must be "
                                        "linked to that ticket."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._sp_check_input(vals)
            if vals.get("phone"):
                vals["phone"] = normalize_phone(vals["phone"])
        return super().create(vals_list)  # sp.input.mixin checks the calls' scope

    def write(self, vals):
        self._sp_check_input(vals)
        if "is_confidential" in vals and not self.env.su:
            raise AccessError(_(
                "The confidentiality of a call is its ticket's: it is not written on the call."))
        if vals.get("phone"):
            vals = dict(vals, phone=normalize_phone(vals["phone"]))
        return super().write(vals)  # sp.input.mixin checks the calls' scope
