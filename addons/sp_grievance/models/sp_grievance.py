from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import html2plaintext
from odoo.tools.mail import parse_contact_from_email

from odoo.addons.sp_registry.tools import (
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_phone,
)

from .sp_grievance_sla import LEVELS

CHANNELS = [
    ("hotline", "Hotline"),
    ("walk_in", "Walk-in"),
    ("collaborator", "Village collaborator"),
    ("letter", "Letter"),
    ("email", "Email"),
    ("other", "Other"),
]
STATES = [
    ("new", "New"),
    ("acknowledged", "Acknowledged"),
    ("investigating", "Investigating"),
    ("escalated", "Escalated"),
    ("resolved", "Resolved"),
    ("closed", "Closed"),
    ("rejected", "Rejected"),
    ("withdrawn", "Withdrawn"),
]
OPEN_STATES = ("new", "acknowledged", "investigating", "escalated")
# States in which the ticket waits for the level to acknowledge (accept) it.
WAITING_STATES = ("new", "escalated")
# States whose decision (the resolution) no longer changes, unless the ticket is reopened.
FINAL_STATES = ("closed", "rejected", "withdrawn")
# States that need a written resolution (or reason) before they can be reached.
DECIDED_STATES = ("resolved", "closed", "rejected")
PRIORITIES = [("0", "Normal"), ("1", "High"), ("2", "Urgent")]
SATISFACTION = [
    ("satisfied", "Satisfied"),
    ("partly", "Partly satisfied"),
    ("dissatisfied", "Not satisfied"),
]
NEXT_LEVEL = {"commune": "province", "province": "central"}
NEW_REFERENCE = "/"
# Who reads a complainant's personal ID in full (the call-centre agent reads the last digits).
ID_READERS = "sp_base.group_commune_officer,sp_base.group_auditor,sp_base.group_collaborator," \
    "sp_grievance.group_inspector"
MASK_SHOWN = 4
# Fields that place a ticket in an office and area: checked against the user's scope on write.
SCOPE_FIELDS = {"area_id", "company_id", "household_id", "individual_id", "household_ref"}
# Records a ticket points at: the user must be able to read them.
LINK_FIELDS = ("individual_id", "household_id", "enrolment_ref", "payment_line_ref")


class SpGrievance(models.Model):
    _name = "sp.grievance"
    _description = "Grievance"
    _inherit = [
        "mail.thread", "mail.activity.mixin", "sp.access.mixin", "sp.commune.mixin",
        "sp.step.mixin", "sp.input.mixin",
    ]
    _order = "priority desc, date_received desc, id desc"
    _sp_scope_fields = tuple(sorted(SCOPE_FIELDS))

    name = fields.Char(
        "Reference", required=True, readonly=True, copy=False, index=True, default=NEW_REFERENCE,
    )
    subject = fields.Char(tracking=True)
    channel = fields.Selection(CHANNELS, required=True, default="hotline", tracking=True)
    category_id = fields.Many2one(
        "sp.grievance.category", string="Category", required=True, tracking=True, index=True,
        ondelete="restrict",
    )
    is_confidential = fields.Boolean(
        "Confidential", compute="_compute_is_confidential", store=True, readonly=False,
        precompute=True, tracking=True, index=True, sp_step=True,
        help="Visible only to the assignee and to inspectors (misconduct, fraud, corruption, "
        "abuse). Raised by its button (or by a confidential category); lifted only by an "
        "inspector, with a reason.",
    )
    is_formal = fields.Boolean(
        "Formal complaint", compute="_compute_is_formal", store=True, readonly=False,
        precompute=True, tracking=True,
        help="A complaint under the Law on Complaints: the legal clocks apply.",
    )
    is_complex = fields.Boolean("Complex case", tracking=True)
    is_remote = fields.Boolean(
        "Remote area", tracking=True,
        help="Remote, mountainous or hard-to-reach area: the longer legal clocks apply.",
    )
    description = fields.Html()
    priority = fields.Selection(PRIORITIES, default="0", tracking=True, index=True)
    state = fields.Selection(
        STATES, string="Stage", required=True, default="new", tracking=True, index=True,
        copy=False, group_expand="_read_group_expand_state", sp_step=True,
    )
    level = fields.Selection(
        LEVELS, required=True, default="commune", tracking=True, index=True, copy=False,
        sp_step=True, help="The level that handles the ticket now: commune, then province, then central.",
    )
    user_id = fields.Many2one(
        "res.users", string="Assignee", tracking=True, index=True,
        domain=[("share", "=", False)],
    )

    # Complainant: a person or household of the registry when known, otherwise as given.
    individual_id = fields.Many2one(
        "sp.individual", string="Complainant (registry)", index="btree_not_null", tracking=True,
        ondelete="restrict",
    )
    household_id = fields.Many2one(
        "sp.household", string="Household", compute="_compute_household_id", store=True,
        readonly=False, precompute=True, index="btree_not_null", tracking=True,
        ondelete="restrict",
    )
    household_ref = fields.Char(
        "Household code", compute="_compute_household_ref", readonly=False,
        help="Type a household code to link the ticket to that household.",
    )
    complainant_name = fields.Char(
        compute="_compute_complainant", store=True, readonly=False, precompute=True,
    )
    complainant_phone = fields.Char(
        compute="_compute_complainant", store=True, readonly=False, precompute=True,
        index="btree_not_null",
    )
    complainant_id_number = fields.Char(
        "Complainant's personal ID", compute="_compute_complainant", store=True, readonly=False,
        precompute=True, groups=ID_READERS,
    )
    complainant_id_number_masked = fields.Char(
        "Complainant's personal ID (masked)", compute="_compute_complainant_id_number_masked",
        help="The last 4 digits of the personal ID: what the call-centre agent reads.",
    )
    complainant_email = fields.Char()
    enrolment_ref = fields.Reference(
        selection="_selection_enrolment_ref", string="Enrolment",
        help="The programme enrolment the grievance is about (when the programme module is "
        "installed).",
    )
    payment_line_ref = fields.Reference(
        selection="_selection_payment_line_ref", string="Payment line",
        help="The payment the grievance is about (when the payment module is installed).",
    )

    # Routing: the household's area, or the commune the caller gives.
    area_id = fields.Many2one(
        string="Commune / village", compute="_compute_area_id", store=True, readonly=False,
        precompute=True, tracking=True,
        domain="[('level', 'in', ('commune', 'village')), ('scheme', '=', '2025')]",
    )
    commune_id = fields.Many2one(index=True)
    province_id = fields.Many2one(index=True)
    company_id = fields.Many2one(tracking=True)

    # Clocks
    date_received = fields.Datetime(
        "Received", required=True, default=fields.Datetime.now, index=True, copy=False,
    )
    date_level_start = fields.Datetime(
        "At this level since", compute="_compute_date_level_start", store=True, readonly=False,
        precompute=True, copy=False, sp_step=True,
    )
    date_acknowledged = fields.Datetime("Acknowledged on", copy=False, tracking=True,
                                        sp_step=True)
    date_escalated = fields.Datetime("Escalated on", copy=False, sp_step=True)
    date_resolved = fields.Datetime("Resolved on", copy=False, sp_step=True)
    date_closed = fields.Datetime("Closed on", copy=False, sp_step=True)
    # Computed from the category, level and dates; the deadlines follow from it.
    sla_id = fields.Many2one(
        "sp.grievance.sla", string="Service level", compute="_compute_sla_id", store=True,
        precompute=True, index="btree_not_null", sp_step=True,
    )
    date_ack_deadline = fields.Datetime(
        "Acknowledge by", compute="_compute_deadlines", store=True, precompute=True,
        index="btree_not_null", sp_step=True,
    )
    date_deadline = fields.Datetime(
        "Resolve by", compute="_compute_deadlines", store=True, precompute=True,
        index="btree_not_null", tracking=True, sp_step=True,
    )
    is_ack_overdue = fields.Boolean(
        "Acknowledgement overdue", compute="_compute_overdue", search="_search_is_ack_overdue",
    )
    is_overdue = fields.Boolean("Overdue", compute="_compute_overdue", search="_search_is_overdue")
    is_sla_breached = fields.Boolean(
        "Service level missed", copy=False, index=True, sp_step=True,
        help="A deadline passed while the ticket was open, at any level.",
    )
    resolved_in_sla = fields.Boolean(
        "Resolved within the service level", compute="_compute_resolved_in_sla", store=True,
        sp_step=True,
    )
    age_days = fields.Integer("Age (days)", compute="_compute_age_days")

    # Outcome
    resolution = fields.Html(help="What was found and done; for a rejection, why.")
    feedback = fields.Text(
        "Feedback to the complainant", help="The answer given to the complainant, and how.",
    )
    date_feedback = fields.Date("Feedback given on")
    satisfaction = fields.Selection(SATISFACTION, tracking=True)

    # Repeat callers
    earlier_ticket_ids = fields.Many2many(
        "sp.grievance", "sp_grievance_earlier_rel", "ticket_id", "earlier_id",
        string="Earlier tickets", copy=False, readonly=True, sp_step=True,
        help="Tickets of the same person, household or phone number received before this one "
        "(each reader sees those their access allows).",
    )
    # Not stored: computed over the earlier tickets the reader may read, so a confidential or
    # out-of-scope ticket never shows through it.
    is_repeat = fields.Boolean(
        "Repeat complainant", compute="_compute_is_repeat", search="_search_is_repeat",
        compute_sudo=False,
    )
    call_ids = fields.One2many("sp.grievance.call", "ticket_id", string="Calls")
    call_count = fields.Integer(compute="_compute_call_count")

    _sql_constraints = [
        ("name_uniq", "unique(name)", "A grievance reference number must be unique."),
    ]

    @property
    def _mail_post_access(self):
        """Call-centre agents note follow-up calls on tickets they may only read; every other
        role needs the right to edit a ticket to comment on it (auditors never write)."""
        if self.env.su or self.env.user.has_group("sp_base.group_call_centre_agent"):
            return "read"
        return "write"

    # ------------------------------------------------------------------ selections
    @api.model
    def _selection_enrolment_ref(self):
        return [("sp.enrolment", _("Enrolment"))] if "sp.enrolment" in self.env else []

    @api.model
    def _selection_payment_line_ref(self):
        return [("sp.payment.line", _("Payment line"))] if "sp.payment.line" in self.env else []

    @api.model
    def _read_group_expand_state(self, states, domain):
        return [key for key, _label in STATES]

    # ------------------------------------------------------------------ computes
    # One compute per field: a value given for one of them at creation must not be overwritten
    # when the other is computed.
    @api.depends("category_id")
    def _compute_is_confidential(self):
        # A confidential category raises the flag; changing the category never lowers it.
        for ticket in self:
            ticket.is_confidential = ticket.is_confidential or ticket.category_id.is_confidential

    @api.depends("category_id")
    def _compute_is_formal(self):
        for ticket in self:
            ticket.is_formal = ticket.category_id.is_formal

    @api.depends("individual_id")
    def _compute_household_id(self):
        for ticket in self:
            if ticket.individual_id.household_id:
                ticket.household_id = ticket.individual_id.household_id

    @api.depends("household_id")
    def _compute_household_ref(self):
        for ticket in self:
            ticket.household_ref = ticket.household_id.code or False

    @api.model
    def _sp_household_from_ref(self, ref):
        """The household whose code is ``ref`` (as the user may see it), or a clear error."""
        code = (ref or "").strip().upper()
        household = self.env["sp.household"].search([("code", "=", code)], limit=1)
        if not household:
            raise UserError(_(
                "No household with the code %(code)s is in the registry (or you may not see "
                "it). Check the code on the household's papers, or leave it empty and give "
                "the complainant's commune.", code=code))
        return household

    @api.depends("individual_id")
    def _compute_complainant(self):
        for ticket in self:
            person = ticket.individual_id
            if person:
                ticket.complainant_name = person.name
                ticket.complainant_phone = person.phone or ticket.complainant_phone
                ticket.complainant_id_number = person.id_number or ticket.complainant_id_number

    @api.depends("complainant_id_number")
    def _compute_complainant_id_number_masked(self):
        for ticket in self:
            number = ticket.sudo().complainant_id_number or ""
            ticket.complainant_id_number_masked = \
                "*" * (len(number) - MASK_SHOWN) + number[-MASK_SHOWN:] if number else False

    @api.depends("household_id", "individual_id")
    def _compute_area_id(self):
        for ticket in self:
            area = ticket.household_id.area_id or ticket.individual_id.area_id
            if area:
                ticket.area_id = area

    @api.depends("date_received")
    def _compute_date_level_start(self):
        for ticket in self:
            if not ticket.date_level_start:
                ticket.date_level_start = ticket.date_received

    @api.depends("category_id", "level", "is_formal", "date_received")
    def _compute_sla_id(self):
        Sla = self.env["sp.grievance.sla"]
        for ticket in self:
            if not ticket.category_id:
                ticket.sla_id = False
                continue
            day = fields.Datetime.to_datetime(ticket.date_received or fields.Datetime.now()).date()
            ticket.sla_id = Sla._sp_find(ticket.category_id, ticket.level, ticket.is_formal, day)

    @api.depends("sla_id", "date_level_start", "date_acknowledged", "is_complex", "is_remote")
    def _compute_deadlines(self):
        for ticket in self:
            sla = ticket.sla_id.sudo()
            if not sla or not ticket.date_level_start:
                ticket.date_ack_deadline = ticket.date_deadline = False
                continue
            ticket.date_ack_deadline = sla._sp_deadline(ticket.date_level_start, sla.ack_days)
            if sla.resolution_from == "acknowledged":
                start = ticket.date_acknowledged or ticket.date_ack_deadline
            else:
                start = ticket.date_level_start
            ticket.date_deadline = sla._sp_deadline(
                start, sla._sp_resolve_days(ticket.is_complex, ticket.is_remote))

    @api.depends("state", "date_ack_deadline", "date_deadline")
    def _compute_overdue(self):
        now = fields.Datetime.now()
        for ticket in self:
            is_open = ticket.state in OPEN_STATES
            ticket.is_ack_overdue = bool(
                ticket.state in WAITING_STATES and ticket.date_ack_deadline
                and ticket.date_ack_deadline < now)
            ticket.is_overdue = bool(is_open and ticket.date_deadline and ticket.date_deadline < now)

    def _overdue_search(self, operator, value, states, deadline_field):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search on overdue tickets with = True or = False only."))
        domain = ["&", ("state", "in", states), (deadline_field, "<", fields.Datetime.now())]
        return domain if (operator == "=") == value else ["!", *domain]

    def _search_is_overdue(self, operator, value):
        return self._overdue_search(operator, value, OPEN_STATES, "date_deadline")

    def _search_is_ack_overdue(self, operator, value):
        return self._overdue_search(operator, value, WAITING_STATES, "date_ack_deadline")

    @api.depends("date_resolved", "date_deadline", "is_sla_breached")
    def _compute_resolved_in_sla(self):
        for ticket in self:
            ticket.resolved_in_sla = bool(
                ticket.date_resolved and not ticket.is_sla_breached
                and (not ticket.date_deadline or ticket.date_resolved <= ticket.date_deadline))

    @api.depends("date_received", "date_resolved", "date_closed")
    def _compute_age_days(self):
        now = fields.Datetime.now()
        for ticket in self:
            end = ticket.date_resolved or ticket.date_closed or now
            ticket.age_days = (end - ticket.date_received).days if ticket.date_received else 0

    @api.depends("earlier_ticket_ids")
    @api.depends_context("uid")
    def _compute_is_repeat(self):
        # Over the earlier tickets the reader may read (searched under their rules: the cached
        # relation may hold what a superuser step read).
        linked = {ticket.id: set(ticket.sudo().earlier_ticket_ids.ids) for ticket in self}
        every = set().union(*linked.values()) if linked else set()
        readable = set(self.search([("id", "in", list(every))]).ids) if every else set()
        for ticket in self:
            ticket.is_repeat = bool(linked[ticket.id] & readable)

    def _search_is_repeat(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search on repeat complainants with = True or = False only."))
        # "any" searches the earlier tickets under the reader's record rules.
        domain = [("earlier_ticket_ids", "any", [])]
        return domain if (operator == "=") == value else ["!", *domain]

    def _compute_call_count(self):
        data = self.env["sp.grievance.call"]._read_group(
            [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"])
        counts = {ticket.id: count for ticket, count in data}
        for ticket in self:
            ticket.call_count = counts.get(ticket.id, 0)

    @api.depends("name", "subject", "category_id")
    def _compute_display_name(self):
        for ticket in self:
            label = ticket.subject or ticket.category_id.name
            ticket.display_name = "%s - %s" % (ticket.name, label) if label else ticket.name

    # ------------------------------------------------------------------ checks
    @api.constrains("description")
    def _check_description(self):
        for ticket in self:
            if not html2plaintext(ticket.description or "").strip():
                raise ValidationError(_(
                    "Describe the grievance: the description of ticket %s is empty.", ticket.name))

    @api.constrains("complainant_phone")
    def _check_complainant_phone(self):
        for ticket in self.filtered("complainant_phone"):
            errors, _warnings = validate_phone(ticket.complainant_phone, self.env.lang)
            if errors:
                raise ValidationError(" ".join(errors))

    @api.constrains("complainant_id_number")
    def _check_complainant_id_number(self):
        # As superuser: the agent who records a ticket may not read the number back.
        for ticket in self.sudo().filtered("complainant_id_number"):
            errors, _warnings = validate_id_number(ticket.complainant_id_number,
                                                   lang=self.env.lang)
            if errors:
                raise ValidationError(" ".join(errors))

    @api.constrains("state", "resolution")
    def _check_resolution(self):
        for ticket in self:
            if ticket.state in DECIDED_STATES and \
                    not html2plaintext(ticket.resolution or "").strip():
                raise ValidationError(_(
                    "Ticket %s cannot be resolved, closed or rejected without a resolution: write "
                    "what was found and done (or why it is rejected) first.", ticket.name))

    @api.constrains("individual_id", "household_id")
    def _check_complainant_household(self):
        for ticket in self:
            person = ticket.individual_id
            if person.household_id and ticket.household_id \
                    and person.household_id != ticket.household_id:
                raise ValidationError(_(
                    "%(person)s belongs to household %(code)s, not to the household of the "
                    "ticket.", person=person.name, code=person.household_id.code))

    # ------------------------------------------------------------------ create / write
    @api.model
    def _sp_clean_vals(self, vals):
        self._sp_check_input(vals)
        # The household code typed in the form (or sent over RPC) stands for the household.
        ref = vals.pop("household_ref", None)
        if isinstance(ref, str) and ref.strip():
            vals["household_id"] = self._sp_household_from_ref(ref).id
        if vals.get("complainant_phone"):
            vals["complainant_phone"] = normalize_phone(vals["complainant_phone"])
        if vals.get("complainant_id_number"):
            vals["complainant_id_number"] = normalize_id_number(vals["complainant_id_number"])
        if isinstance(vals.get("complainant_name"), str):
            vals["complainant_name"] = " ".join(vals["complainant_name"].split()) or False
        self._sp_check_links(vals)
        return vals

    @api.model
    def _sp_check_links(self, vals):
        """The person, household, enrolment and payment a ticket points at must be records the
        user may read: their name, phone and ID are copied into the ticket (a computation that
        runs as superuser) and their area routes it."""
        if self.env.su:
            return
        links = [(self._fields[name], vals[name]) for name in LINK_FIELDS if vals.get(name)]
        for field, value in links:
            if field.type == "reference":
                model, _sep, res_id = str(value).partition(",")
                if model not in self.env or not res_id.isdigit():
                    raise ValidationError(_("%(field)s: %(value)s is not a valid reference.",
                                            field=field._description_string(self.env),
                                            value=value))
                record = self.env[model].browse(int(res_id))
            else:
                record = self.env[field.comodel_name].browse(value)
            if not record.exists() or not record.has_access("read"):
                raise AccessError(_(
                    "%(field)s: the record chosen is registered outside the areas you work in "
                    "(or does not exist). Ask the office that keeps it, or leave the field empty.",
                    field=field._description_string(self.env)))

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._sp_clean_vals(dict(vals)) for vals in vals_list]
        # Whoever records a ticket may mark it confidential (raising is always safe); the flag
        # is otherwise the category's. A value False is the computed default, dropped.
        sealed = [bool(vals.pop("is_confidential", False)) for vals in vals_list]
        sequence = self.env["ir.sequence"].sudo()
        for vals in vals_list:
            if vals.get("name", NEW_REFERENCE) in (NEW_REFERENCE, False, ""):
                vals["name"] = sequence.next_by_code("sp.grievance")
        tickets = super().create(vals_list)
        to_seal = tickets.browse([t.id for t, seal in zip(tickets, sealed, strict=True) if seal])
        to_seal.sudo().write({"is_confidential": True})
        tickets._sp_link_earlier_tickets()
        return tickets

    def write(self, vals):
        vals = self._sp_clean_vals(dict(vals))
        if "user_id" in vals and not self.env.su \
                and not self.env.user.has_group("sp_grievance.group_inspector") \
                and self.filtered("is_confidential"):
            # The assignee of a confidential ticket reads it: handing it to someone else opens
            # it to them, so it is the inspectors' decision.
            raise AccessError(_("Only a grievance inspector assigns a confidential ticket to "
                                "someone else."))
        if "resolution" in vals and not self.env.su \
                and self.filtered(lambda t: t.state in FINAL_STATES):
            raise UserError(_(
                "The resolution of a closed, rejected or withdrawn ticket is its decision: reopen "
                "the ticket to change it."))
        # sp.input.mixin: the ticket stays in the offices and work areas of who places it
        return super().write(vals)

    def _sp_link_earlier_tickets(self):
        """Link each ticket to the tickets received before it from the same person, household or
        phone number, whoever may read them: the link is stored once, each reader sees the
        tickets their access allows (``is_repeat`` too)."""
        Ticket = self.sudo()
        for ticket in Ticket.browse(self.ids):
            keys = []
            if ticket.individual_id:
                keys.append([("individual_id", "=", ticket.individual_id.id)])
            if ticket.household_id:
                keys.append([("household_id", "=", ticket.household_id.id)])
            if ticket.complainant_phone:
                keys.append([("complainant_phone", "=", ticket.complainant_phone)])
            if not keys:
                continue
            domain = ["&", ("id", "<", ticket.id)]
            domain += ["|"] * (len(keys) - 1) + [leaf for key in keys for leaf in key]
            earlier = Ticket.search(domain, order="id desc", limit=50)
            if earlier:
                ticket.earlier_ticket_ids = earlier

    # ------------------------------------------------------------------ stages
    def _sp_check_may_handle(self, action):
        """The stage buttons are for the staff who handle the ticket (who may edit it): a clear
        refusal for the others (call-centre agents, collaborators, auditors) before any step."""
        if self.env.su or self.has_access("write"):
            return
        raise AccessError(_(
            "You cannot change the stage of this ticket (%(action)s): only the staff handling it "
            "(commune officers, province managers, inspectors) can. Add a note or log a call "
            "instead.", action=action))

    def _sp_check_state(self, allowed, action):
        self._sp_check_may_handle(action)
        for ticket in self:
            if ticket.state not in allowed:
                raise UserError(_(
                    "Ticket %(ref)s is %(state)s: it cannot be %(action)s.", ref=ticket.name,
                    state=ticket._sp_state_label(), action=action))

    def _sp_state_label(self):
        return dict(self._fields["state"]._description_selection(self.env)).get(self.state)

    def action_acknowledge(self):
        self._sp_check_state(WAITING_STATES, _("acknowledged"))
        self._sp_step_write({"state": "acknowledged", "date_acknowledged": fields.Datetime.now()})
        return True

    def action_investigate(self):
        self._sp_check_state(("new", "acknowledged", "escalated"), _("investigated"))
        for ticket in self:
            vals = {"state": "investigating"}
            if not ticket.date_acknowledged:
                vals["date_acknowledged"] = fields.Datetime.now()
            ticket._sp_step_write(vals)
        return True

    def action_resolve(self):
        self._sp_check_state(OPEN_STATES, _("resolved"))
        self._sp_step_write({"state": "resolved", "date_resolved": fields.Datetime.now()})
        return True

    def action_close(self):
        self._sp_check_state(OPEN_STATES + ("resolved",), _("closed"))
        now = fields.Datetime.now()
        for ticket in self:
            ticket._sp_step_write({"state": "closed", "date_closed": now,
                                   "date_resolved": ticket.date_resolved or now})
        return True

    def action_reject(self):
        self._sp_check_state(OPEN_STATES, _("rejected"))
        self._sp_step_write({"state": "rejected", "date_closed": fields.Datetime.now()})
        return True

    def action_withdraw(self):
        self._sp_check_state(OPEN_STATES, _("withdrawn"))
        self._sp_step_write({"state": "withdrawn", "date_closed": fields.Datetime.now()})
        return True

    def action_reopen(self):
        self._sp_check_state(("resolved", "closed", "rejected"), _("reopened"))
        self._sp_step_write({"state": "investigating", "date_resolved": False,
                             "date_closed": False})
        return True

    def action_escalate(self):
        self._sp_check_state(OPEN_STATES, _("escalated"))
        for ticket in self:
            if ticket.level not in NEXT_LEVEL:
                raise UserError(_("Ticket %s is already at the central level.", ticket.name))
        self._sp_escalate(automatic=False)
        return True

    def _sp_escalate(self, automatic):
        """Move each ticket one level up with a fresh clock for the new level."""
        now = fields.Datetime.now()
        levels = dict(self._fields["level"]._description_selection(self.env))
        for ticket in self:
            new_level = NEXT_LEVEL[ticket.level]
            old_label = levels[ticket.level]
            ticket._sp_step_write({
                "level": new_level,
                "state": "escalated",
                "date_level_start": now,
                "date_escalated": now,
                "date_acknowledged": False,
                "user_id": False,
                "is_sla_breached": ticket.is_sla_breached or automatic,
            })
            if automatic:
                body = _("Escalated automatically from the %(old)s level to the %(new)s level: "
                         "the deadline passed.", old=old_label, new=levels[new_level])
            else:
                body = _("Escalated by %(user)s from the %(old)s level to the %(new)s level.",
                         user=self.env.user.name, old=old_label, new=levels[new_level])
            ticket.message_post(body=body, message_type="notification")

    # ------------------------------------------------------------------ confidentiality
    def action_mark_confidential(self):
        """Seal the ticket: from now on only its assignee and inspectors read it."""
        self._sp_check_may_handle(_("mark confidential"))
        tickets = self.filtered(lambda t: not t.is_confidential)
        tickets._sp_step_write({"is_confidential": True})
        for ticket in tickets.sudo():
            ticket.message_post(body=_("Marked confidential by %s.", self.env.user.name),
                                message_type="notification")
        return True

    def action_lift_confidential(self):
        """Open the dialog where an inspector records why the ticket is no longer confidential."""
        self._sp_check_may_lift()
        return {
            "type": "ir.actions.act_window",
            "name": _("Lift confidentiality"),
            "res_model": "sp.grievance.confidentiality.lift",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_ids": [Command.set(self.ids)]},
        }

    def _sp_check_may_lift(self):
        # The inspector only: the one role that reads every confidential ticket and stands
        # outside the offices such reports concern (a province manager may be their subject).
        if not (self.env.su or self.env.user.has_group("sp_grievance.group_inspector")):
            raise AccessError(_(
                "Only a grievance inspector can lift the confidentiality of a ticket, with a "
                "recorded reason."))

    def _sp_lift_confidential(self, reason):
        self._sp_check_may_lift()
        reason = " ".join(str(reason or "").split())
        if len(reason) < 10:
            raise ValidationError(_(
                "Reason: explain in a sentence (10 characters or more) why the ticket is no "
                "longer confidential; it is kept in the ticket's history."))
        self._sp_step_write({"is_confidential": False})
        for ticket in self.sudo():
            ticket.message_post(
                body=_("Confidentiality lifted by %(user)s. Reason: %(reason)s",
                       user=self.env.user.name, reason=reason),
                message_type="notification")
        return True

    # ------------------------------------------------------------------ scheduled action
    @api.model
    def _sp_overdue_domain(self):
        now = fields.Datetime.now()
        return [
            ("state", "in", OPEN_STATES),
            "|",
            ("date_deadline", "<", now),
            "&", ("state", "in", WAITING_STATES), ("date_ack_deadline", "<", now),
        ]

    @api.model
    def _cron_escalate_overdue(self, batch_size=500):
        """Escalate overdue tickets whose service level says so, one level per run; mark every
        overdue ticket as having missed its service level (set-based)."""
        overdue = self._sp_overdue_domain()
        self.search(overdue + [("is_sla_breached", "=", False)])._sp_step_write(
            {"is_sla_breached": True})
        domain = overdue + [("level", "in", list(NEXT_LEVEL)), ("sla_id.auto_escalate", "=", True)]
        tickets = self.search(domain, order="date_deadline, id", limit=batch_size)
        tickets._sp_escalate(automatic=True)
        remaining = self.search_count(domain) if len(tickets) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(tickets), remaining=remaining)
        return tickets

    # ------------------------------------------------------------------ email intake
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A ticket from an email to the grievance alias: the sender is the complainant."""
        values = dict(custom_values or {})
        name, email = parse_contact_from_email(msg_dict.get("email_from") or "")
        body = msg_dict.get("body") or ""
        values.setdefault("channel", "email")
        values.setdefault("category_id", self.env.ref("sp_grievance.category_other").id)
        values.setdefault("subject", msg_dict.get("subject") or False)
        values.setdefault("complainant_name", name or email or False)
        values.setdefault("complainant_email", email or False)
        if not html2plaintext(body).strip():
            body = msg_dict.get("subject") or _("(email without text)")
        values.setdefault("description", body)
        values["name"] = NEW_REFERENCE
        return super().message_new(msg_dict, custom_values=values)

    # ------------------------------------------------------------------ navigation
    def action_view_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sp_grievance.sp_grievance_call_action")
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {"default_ticket_id": self.id}
        return action
