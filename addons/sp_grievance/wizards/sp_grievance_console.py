import datetime

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.sp_registry.models.sp_individual import FIND_LIMIT, PHONE, SEPARATORS
from odoo.addons.sp_registry.tools import (
    normalize_phone,
    validate_id_number,
    validate_phone,
)

from ..models.sp_grievance import CHANNELS, PRIORITIES
from ..models.sp_grievance_call import OUTCOMES

LOOKUP_LIMIT = FIND_LIMIT


class SpGrievanceConsole(models.TransientModel):
    """The call-centre screen: find the caller, see their household, log the call, create the
    ticket and read its reference number back to the caller."""

    _name = "sp.grievance.console"
    _description = "Call-centre console"

    query = fields.Char(
        "Find the caller",
        help="Phone number, personal ID (12 digits), old ID card (9 digits), household code, or "
        "name (accents and case do not matter; add a birth year to narrow it: 'Nguyen Van An "
        "1956').",
    )
    line_ids = fields.One2many("sp.grievance.console.line", "console_id", string="People found")
    lookup_message = fields.Char(readonly=True)
    individual_id = fields.Many2one("sp.individual", string="Caller", readonly=True)
    household_id = fields.Many2one("sp.household", string="Household", readonly=True)
    household_summary = fields.Html(compute="_compute_household_summary", sanitize=False)
    history_ticket_ids = fields.Many2many(
        "sp.grievance", compute="_compute_history_ticket_ids", string="Earlier tickets",
    )

    # The caller as given, when not found in the registry (or to complete the record).
    caller_name = fields.Char("Caller's name")
    caller_phone = fields.Char("Caller's phone")
    caller_id_number = fields.Char("Caller's personal ID")
    area_id = fields.Many2one(
        "sp.area", string="Caller's commune",
        domain="[('level', 'in', ('commune', 'village')), ('scheme', '=', '2025')]",
        help="Where the ticket goes when the caller has no household in the registry.",
    )

    # The call
    call_start = fields.Datetime(default=fields.Datetime.now, readonly=True)
    duration = fields.Float(
        "Duration (minutes)", digits=(16, 1),
        help="Left at 0, the time since the console was opened is recorded.",
    )
    outcome = fields.Selection(
        [(key, label) for key, label in OUTCOMES if key != "ticket"],
        string="Outcome (call without a new ticket)", default="information",
    )
    followup_ticket_id = fields.Many2one(
        "sp.grievance", string="Follow-up of ticket",
        help="The earlier ticket this call is about.",
    )
    notes = fields.Text("Call notes")

    # The ticket
    channel = fields.Selection(CHANNELS, default="hotline", required=True)
    category_id = fields.Many2one("sp.grievance.category", string="Category")
    description = fields.Text()
    priority = fields.Selection(PRIORITIES, default="0")

    # The result
    ticket_id = fields.Many2one("sp.grievance", string="Ticket created", readonly=True)
    reference = fields.Char("Reference number", readonly=True)
    ticket_confidential = fields.Boolean(readonly=True)
    call_id = fields.Many2one("sp.grievance.call", string="Call logged", readonly=True)

    @api.depends("reference", "caller_name")
    def _compute_display_name(self):
        for console in self:
            console.display_name = console.reference or console.caller_name or _("New call")

    # ------------------------------------------------------------------ lookup
    @api.model
    def _sp_lookup(self, query, limit=LOOKUP_LIMIT):
        """People matching ``query`` and how they matched: the registry's person finder
        (``sp.individual._sp_find``: phone, personal or old ID, household code, or name with
        an optional birth year), run with the agent's rights."""
        return self.env["sp.individual"]._sp_find(query, limit=limit)

    def action_search(self):
        self.ensure_one()
        people, kind = self._sp_lookup(self.query)
        self.line_ids = [Command.clear()] + [
            Command.create({"individual_id": person.id, "match": kind}) for person in people]
        if people:
            kinds = dict(self.line_ids._fields["match"]._description_selection(self.env))
            message = _("%(count)s found by %(kind)s.", count=len(people), kind=kinds[kind])
            if len(people) >= LOOKUP_LIMIT:
                message += " " + _("Only the first %s are shown: add a birth year or more of "
                                   "the name.", LOOKUP_LIMIT)
        else:
            message = _("Nobody found. Check the spelling, or record the caller's details "
                        "below.")
            self._sp_prefill_unknown_caller()
        self.lookup_message = message
        if len(people) == 1:
            self._sp_select(people)
        return True

    def _sp_prefill_unknown_caller(self):
        compact = SEPARATORS.sub("", self.query or "")
        phone = normalize_phone(compact)
        if phone and PHONE.match(phone):
            self.caller_phone = phone
        elif compact.isdigit() and len(compact) == 12:
            self.caller_id_number = compact
        elif not compact.isdigit():
            self.caller_name = " ".join((self.query or "").split())

    def _sp_select(self, person):
        self.write({
            "individual_id": person.id,
            "household_id": person.household_id.id,
            "caller_name": person.name,
            "caller_phone": person.phone or self.caller_phone,
            # The ticket takes the person's ID from the registry; the agent sees it masked.
            "caller_id_number": False,
            "area_id": person.area_id.id,
        })

    def action_clear_caller(self):
        self.write({"individual_id": False, "household_id": False, "caller_name": False,
                    "caller_phone": False, "caller_id_number": False, "area_id": False})
        return True

    # ------------------------------------------------------------------ summary
    @api.depends("household_id", "individual_id")
    def _compute_household_summary(self):
        for console in self:
            if not console.household_id and not console.individual_id:
                console.household_summary = False
                continue
            console.household_summary = self.env["ir.qweb"]._render(
                "sp_grievance.console_household_summary", console._sp_summary_values())

    def _sp_summary_values(self):
        """What the agent sees of the caller's household, read with the agent's rights:
        members, and a summary of enrolments (programme, status) and last payments when those
        modules are installed. Never the benefit categories (screening results such as HIV,
        disability detail) nor the personal IDs of payment lines."""
        household = self.household_id
        people = household.member_ids if household else self.individual_id
        enrolments = self._sp_enrolments(people)
        return {
            "household": household and {
                "code": household.code,
                "area": household.area_id.display_name,
                "street": household.street or "",
                "poverty": _label(household, "poverty_status"),
                "head": household.head_id.name or "",
            },
            "members": [{
                "name": person.name,
                "caller": person == self.individual_id,
                "relationship": _label(person, "relationship"),
                "birthdate": person.birthdate and person.birthdate.strftime("%d/%m/%Y") or "",
                "gender": _label(person, "gender"),
                "id_number": person.id_number_masked or "",
                "phone": person.phone or "",
                "deceased": person.is_deceased,
            } for person in people],
            "has_programmes": enrolments is not None,
            # The enrolment's and payment line's fields named in DESIGN.md ("Names others rely
            # on"), read directly: no probing of another module's fields.
            "enrolments": [{
                "programme": enrolment.programme_id.display_name or "",
                "person": enrolment.individual_id.display_name or "",
                "state": _label(enrolment, "state"),
                "start": _value(enrolment, "date_start"),
                "amount": _money(enrolment.monthly_amount),
            } for enrolment in enrolments or []],
            "has_payments": "sp.payment.line" in self.env and enrolments is not None,
            "payments": [{
                "period": _value(line, "period"),
                "person": line.enrolment_id.individual_id.display_name or "",
                "amount": _money(line.total_amount or line.amount),
                "arrears": _money(line.arrears_amount),
                "state": _label(line, "state"),
                "paid": _value(line, "paid_date"),
            } for line in self._sp_payments(enrolments)],
        }

    def _sp_enrolments(self, people):
        """The enrolments of these people (and of the household), or None when the programme
        module is not installed or the user may not read enrolments."""
        if "sp.enrolment" not in self.env:
            return None
        Enrolment = self.env["sp.enrolment"]
        if not Enrolment.has_access("read"):
            return None
        domain = [("individual_id", "in", people.ids)]
        if self.household_id:
            domain = ["|", ("household_id", "=", self.household_id.id)] + domain
        return Enrolment.search(domain, limit=20)

    def _sp_payments(self, enrolments):
        """The last payment lines of those enrolments, newest first."""
        if not enrolments or "sp.payment.line" not in self.env:
            return []
        Line = self.env["sp.payment.line"]
        if not Line.has_access("read"):
            return []
        return Line.search([("enrolment_id", "in", enrolments.ids)], order="period desc, id desc",
                           limit=6)

    @api.depends("individual_id", "household_id", "caller_phone")
    def _compute_history_ticket_ids(self):
        Ticket = self.env["sp.grievance"]
        for console in self:
            keys = []
            if console.individual_id:
                keys.append([("individual_id", "=", console.individual_id.id)])
            if console.household_id:
                keys.append([("household_id", "=", console.household_id.id)])
            phone = normalize_phone(console.caller_phone)
            if phone:
                keys.append([("complainant_phone", "=", phone)])
            if not keys:
                console.history_ticket_ids = False
                continue
            domain = ["|"] * (len(keys) - 1) + [leaf for key in keys for leaf in key]
            console.history_ticket_ids = Ticket.search(domain, order="id desc", limit=20)

    # ------------------------------------------------------------------ call and ticket
    def _sp_check_caller(self):
        if self.caller_phone:
            errors, _warnings = validate_phone(self.caller_phone, self.env.lang)
            if errors:
                raise UserError(" ".join(errors))
        if self.caller_id_number:
            errors, _warnings = validate_id_number(self.caller_id_number, lang=self.env.lang)
            if errors:
                raise UserError(" ".join(errors))

    def _sp_duration(self):
        if self.duration:
            return self.duration
        elapsed = datetime.datetime.now() - (self.call_start or datetime.datetime.now())
        return round(max(elapsed.total_seconds(), 0) / 60.0, 1)

    def _sp_call_vals(self, outcome, ticket):
        return {
            "date": self.call_start or fields.Datetime.now(),
            "phone": self.caller_phone or False,
            "caller_name": self.caller_name or False,
            "individual_id": self.individual_id.id,
            "household_id": self.household_id.id,
            "area_id": self.household_id.area_id.id or self.area_id.id,
            "duration": self._sp_duration(),
            "outcome": outcome,
            "ticket_id": ticket.id,
            "notes": self.notes or False,
        }

    def action_create_ticket(self):
        self.ensure_one()
        if self.ticket_id:
            raise UserError(_("Ticket %s was already created for this call: start a new call "
                              "for another grievance.", self.reference))
        if not self.category_id:
            raise UserError(_("Choose the category of the grievance."))
        if not (self.description or "").strip():
            raise UserError(_("Describe the grievance: the description is empty."))
        self._sp_check_caller()
        vals = {
            "channel": self.channel,
            "category_id": self.category_id.id,
            "description": self.description,
            "priority": self.priority,
            "individual_id": self.individual_id.id,
            "household_id": self.household_id.id,
            "complainant_name": self.caller_name or False,
            "complainant_phone": self.caller_phone or False,
        }
        if not self.household_id and self.area_id:
            vals["area_id"] = self.area_id.id
        # The agent records the ticket; a confidential one is then sealed from them (only the
        # assignee and inspectors read it), so nothing below reads it with their rights.
        ticket = self.env["sp.grievance"].with_context(mail_create_nosubscribe=True).create(vals)
        if self.caller_id_number and not self.individual_id:
            # The ID the caller gave (the agent typed it; agents then read it masked only).
            ticket.sudo().write({"complainant_id_number": self.caller_id_number})
        call = self.env["sp.grievance.call"].create(self._sp_call_vals("ticket", ticket))
        sealed = ticket.sudo()
        self.write({
            "ticket_id": ticket.id,
            "reference": sealed.name,
            "ticket_confidential": sealed.is_confidential,
            "call_id": call.id,
        })
        return True

    def action_log_call(self):
        self.ensure_one()
        if self.call_id:
            raise UserError(_("This call is already logged: start a new call."))
        if self.outcome == "follow_up" and not self.followup_ticket_id:
            raise UserError(_("Choose the earlier ticket this call follows up."))
        self._sp_check_caller()
        ticket = self.followup_ticket_id if self.outcome == "follow_up" else \
            self.env["sp.grievance"]
        call = self.env["sp.grievance.call"].create(self._sp_call_vals(self.outcome, ticket))
        if ticket:
            ticket.message_post(body=_("Follow-up call logged by %(agent)s: %(notes)s",
                                       agent=self.env.user.name, notes=self.notes or "-"))
        self.call_id = call
        return True

    def action_new_call(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sp_grievance.sp_grievance_console_action")
        action["target"] = "main"
        return action


def _label(record, fname):
    """The label of a selection value, or the display name of a relation."""
    field = record._fields[fname]
    if not record[fname]:
        return ""
    if field.type == "selection":
        return dict(field._description_selection(record.env)).get(record[fname], record[fname])
    return _value(record, fname)


def _value(record, fname):
    value = record[fname] if record else False
    if not value:
        return ""
    field = record._fields[fname]
    if field.type in ("many2one", "reference"):
        return value.display_name
    if field.type == "date":
        return value.strftime("%m/%Y") if fname == "period" else value.strftime("%d/%m/%Y")
    return str(value)


def _money(amount):
    if not amount:
        return ""
    return f"{amount:,.0f}".replace(",", ".") + " đ"
