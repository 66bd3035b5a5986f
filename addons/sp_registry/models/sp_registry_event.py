from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .sp_individual import RELATIONSHIPS

EVENT_TYPES = [
    ("birth", "Birth"),
    ("death", "Death"),
    ("member_in", "Member moves in"),
    ("member_out", "Member moves out"),
    ("split", "Household split"),
    ("merge", "Household merge"),
    ("move", "Move to another commune"),
    ("correction", "Correction of identity data"),
    ("dedup", "Duplicate merged"),
]
# Identity fields a correction may change: event field -> person field.
CORRECTION_FIELDS = {
    "person_name": "name",
    "person_gender": "gender",
    "person_birthdate": "birthdate",
    "person_birthdate_precision": "birthdate_precision",
    "person_id_number": "id_number",
    "person_legacy_id_number": "legacy_id_number",
    "person_ethnicity_id": "ethnicity_id",
    "person_relationship": "relationship",
}


class SpRegistryEvent(models.Model):
    """A change of the registry (biến động): recorded, then applied to the current state.

    Applying an event changes households and people; the event keeps what changed (old and new
    values, areas and offices before and after) so changes stay reportable. The event belongs
    to the area where it was recorded (the source area), so the officer who recorded a move
    to another province still finds it.
    """

    _name = "sp.registry.event"
    _description = "Registry event"
    _inherit = ["sp.step.mixin", "sp.input.mixin", "sp.access.mixin", "mail.thread"]
    _order = "date desc, id desc"
    # A move may take a household to another province (the new office decides from then on):
    # its target is the one area outside the user's work that an event may name, checked by
    # _sp_apply_move. Every other area field stays in the user's scope.

    type = fields.Selection(EVENT_TYPES, required=True, tracking=True, index=True)
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Applied"), ("cancel", "Cancelled")],
        default="draft", required=True, tracking=True, index=True, copy=False, sp_step=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True, index=True)
    reason = fields.Text()
    decision_ref = fields.Char("Decision reference", tracking=True)
    decision_date = fields.Date("Decision date")
    user_id = fields.Many2one(
        "res.users", string="Recorded by", default=lambda self: self.env.user, readonly=True,
        sp_step=True,
    )
    applied_date = fields.Datetime("Applied on", readonly=True, copy=False, sp_step=True)
    household_id = fields.Many2one(
        "sp.household", string="Household", index=True, ondelete="restrict",
        help="Birth, member in: the household the person joins. Member out: the household left. "
        "Split: the household divided. Merge: the household absorbed. Move: the household "
        "moving.",
    )
    other_household_id = fields.Many2one(
        "sp.household", string="Other household", index=True, ondelete="restrict",
        help="Member in: the household left. Member out: the household joined (optional). "
        "Split: the new household. Merge: the household that absorbs the other.",
    )
    individual_id = fields.Many2one("sp.individual", string="Person", index=True,
                                    ondelete="restrict")
    member_ids = fields.Many2many(
        "sp.individual", "sp_registry_event_member_rel", "event_id", "individual_id",
        string="Members", help="Split: the members who leave to form the new household.",
    )
    remaining_head_id = fields.Many2one(
        "sp.individual", string="New head of the household",
        help="When the head dies or leaves, the member who becomes head.",
    )
    new_head_id = fields.Many2one("sp.individual", string="Head of the new household")
    area_id = fields.Many2one(
        compute="_compute_area_id", store=True, precompute=True, readonly=False, required=True,
        string="Area of record",
    )
    from_area_id = fields.Many2one("sp.area", string="From area", readonly=True, index=True,
                                   sp_step=True)
    to_area_id = fields.Many2one(
        "sp.area", string="To area", index=True,
        domain="[('level', 'in', ('commune', 'village')), ('scheme', '=', '2025')]",
    )
    from_company_id = fields.Many2one("res.company", string="From office", readonly=True,
                                      sp_step=True)
    to_company_id = fields.Many2one("res.company", string="To office", readonly=True,
                                    sp_step=True)
    street = fields.Char("New hamlet / street")
    person_name = fields.Char("Full name")
    person_gender = fields.Selection([("male", "Male"), ("female", "Female")], string="Sex")
    person_birthdate = fields.Date("Birth date")
    person_birthdate_precision = fields.Selection(
        [("day", "Day"), ("month", "Month"), ("year", "Year only")], string="Birth date precision",
    )
    person_id_number = fields.Char("Personal ID")
    person_legacy_id_number = fields.Char("Old ID card number")
    person_ethnicity_id = fields.Many2one("sp.ethnicity", string="Ethnicity")
    person_relationship = fields.Selection(RELATIONSHIPS, string="Relationship to the head")
    old_values = fields.Json("Old values", readonly=True, copy=False, sp_step=True)
    new_values = fields.Json("New values", readonly=True, copy=False, sp_step=True)
    changes = fields.Text(readonly=True, copy=False, sp_step=True,
                          help="What the event changed, readable.")

    @api.depends("household_id", "individual_id")
    def _compute_area_id(self):
        # Not on household_id.area_id: the event stays where it was recorded after a move.
        for event in self:
            if event.state == "draft":
                event.area_id = event.household_id.area_id or event.individual_id.area_id \
                    or event.area_id

    @api.depends("type", "household_id", "individual_id", "date")
    def _compute_display_name(self):
        labels = dict(self._fields["type"]._description_selection(self.env))
        for event in self:
            subject = event.individual_id.name or event.household_id.code or ""
            event.display_name = " - ".join(
                part for part in (labels.get(event.type), subject, str(event.date or "")) if part)

    @api.constrains("date")
    def _check_date(self):
        today = fields.Date.context_today(self)
        for event in self:
            if event.date > today:
                raise ValidationError(_("A registry event cannot be dated in the future (%s).",
                                        event.date))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._sp_check_event_input(vals)
        return super().create(vals_list)

    def write(self, vals):
        # the area scope check follows each event's own type (a write rarely repeats it)
        types = {vals["type"]} if "type" in vals else set(self.sudo().mapped("type"))
        self._sp_check_event_input(vals, types=types or {"move"})
        if set(vals) - {"message_main_attachment_id"} \
                and self.filtered(lambda e: e.state != "draft"):
            raise UserError(_("An applied or cancelled registry event cannot be changed; "
                              "record a new event instead."))
        return super().write(vals)

    @api.model
    def _sp_check_event_input(self, vals, types=None):
        """``types``: the event types ``vals`` apply to (on write, those of the records);
        on create, the type of ``vals``."""
        self._sp_check_input(vals)
        if vals.get("person_name") is not None and vals.get("person_name") is not False:
            self._sp_check_person_name("person_name", vals["person_name"])
        if types is None:
            types = {vals.get("type", "move")}
        if vals.get("to_area_id") and types - {"move"}:
            # the area of a new household (split) or of a person: in the user's work
            area = self.env["sp.area"].browse(vals["to_area_id"]).exists()
            if area and not self._sp_area_in_scope(area):
                raise AccessError(_(
                    "%(field)s: %(area)s is outside your work areas (your province office and "
                    "communes). Only a move takes a household to another commune you do not "
                    "work in.", field=self._sp_label("to_area_id"),
                    area=area.sudo().display_name))

    # ------------------------------------------------------------------ apply
    def action_apply(self):
        for event in self:
            if event.state != "draft":
                raise UserError(_("The event %s has already been applied or cancelled.",
                                  event.display_name))
            event._sp_check_required()
            event._sp_check_source_access()
            old, new = getattr(event, "_sp_apply_" + event.type)()
            event._sp_step_write({
                "state": "done",
                "applied_date": fields.Datetime.now(),
                "old_values": old,
                "new_values": new,
                "changes": event._sp_changes_text(old, new),
            })
            event._sp_log()
        return True

    def action_cancel(self):
        if self.filtered(lambda e: e.state != "draft"):
            raise UserError(_("Only a draft registry event can be cancelled."))
        self._sp_step_write({"state": "cancel"})

    def _sp_check_required(self):
        self.ensure_one()
        needs = {
            "birth": ["household_id", "person_name", "person_gender"],
            "death": ["individual_id"],
            "member_in": ["household_id", "individual_id"],
            "member_out": ["individual_id"],
            "split": ["household_id", "member_ids"],
            "merge": ["household_id", "other_household_id"],
            "move": ["household_id", "to_area_id"],
            "correction": ["individual_id"],
            "dedup": ["individual_id"],
        }[self.type]
        missing = [self._fields[f]._description_string(self.env) for f in needs if not self[f]]
        if missing:
            raise UserError(_("To record this event, fill in: %s.", ", ".join(missing)))

    def _sp_source_records(self):
        """The records the user must be allowed to change to apply the event."""
        self.ensure_one()
        if self.type in ("death", "correction", "member_out", "dedup"):
            return [self.individual_id]
        if self.type == "member_in":
            return [self.household_id, self.individual_id]
        if self.type == "merge":
            return [self.household_id, self.other_household_id]
        return [self.household_id]

    def _sp_check_source_access(self):
        for record in self._sp_source_records():
            record.check_access("write")
        if self.type != "move" and self.to_area_id and not self._sp_area_in_scope(self.to_area_id):
            raise AccessError(_(
                "%(field)s: %(area)s is outside your work areas (your province office and "
                "communes). Only a move takes a household to another commune you do not work "
                "in.", field=self._sp_label("to_area_id"), area=self.to_area_id.sudo().display_name))
        if self.type == "member_out" and self.other_household_id:
            # joining a household the user cannot even see is for its own commune to record
            self.other_household_id.check_access("read")

    # Each _sp_apply_<type> changes the current state and returns (old values, new values).
    # They run as superuser after _sp_check_source_access: the result may lie outside the
    # user's areas (a move to another province), which a plain write would refuse to check.
    def _sp_apply_birth(self):
        household = self.household_id.sudo()
        person = self.env["sp.individual"].sudo().create({
            "name": self.person_name,
            "gender": self.person_gender,
            "birthdate": self.person_birthdate or self.date,
            "birthdate_precision": self.person_birthdate_precision or "day",
            "id_number": self.person_id_number or False,
            "ethnicity_id": self.person_ethnicity_id.id,
            "relationship": self.person_relationship or "child",
            "household_id": household.id,
        })
        self.individual_id = person
        return {}, {"individual_id": person.id, "name": person.name}

    def _sp_apply_death(self):
        person = self.individual_id.sudo()
        if person.date_of_death:
            raise UserError(_("The death of %(name)s is already recorded (%(date)s).",
                              name=person.name, date=person.date_of_death))
        old = {"date_of_death": False, "household_head": person.is_head}
        if person.is_head and self.remaining_head_id:
            self._sp_replace_head(person.household_id, self.remaining_head_id)
        person.date_of_death = self.date
        return old, {"date_of_death": str(self.date)}

    def _sp_apply_member_in(self):
        person = self.individual_id.sudo()
        if person.household_id == self.household_id:
            raise UserError(_("%(name)s is already a member of household %(code)s.",
                              name=person.name, code=self.household_id.code))
        old_household = person.household_id
        self._sp_leave(person)
        self.other_household_id = old_household
        person.write({"household_id": self.household_id.id,
                      "relationship": self.person_relationship or "other"})
        return ({"household_id": old_household.id, "area_id": old_household.area_id.id},
                {"household_id": self.household_id.id, "area_id": self.household_id.area_id.id})

    def _sp_apply_member_out(self):
        person = self.individual_id.sudo()
        old_household = person.household_id
        if not old_household:
            raise UserError(_("%s is not a member of any household.", person.name))
        if self.household_id and self.household_id != old_household:
            raise UserError(_("%(name)s is not a member of household %(code)s.",
                              name=person.name, code=self.household_id.code))
        self.household_id = old_household
        self._sp_leave(person)
        target = self.other_household_id
        person.write({"household_id": target.id,
                      "relationship": self.person_relationship or "other"})
        return ({"household_id": old_household.id}, {"household_id": target.id})

    def _sp_apply_split(self):
        source = self.household_id.sudo()
        members = self.member_ids.sudo()
        if members.household_id != source:
            raise UserError(_("Only members of household %s can leave it in a split.", source.code))
        if not (source.member_ids - members):
            raise UserError(_("A split must leave at least one member in household %s; to move "
                              "the whole household, record a move.", source.code))
        new_head = self.new_head_id or members[:1]
        if new_head not in members:
            raise UserError(_("The head of the new household must be one of the members who "
                              "leave."))
        if source.head_id in members:
            if not self.remaining_head_id or self.remaining_head_id in members:
                raise UserError(_("The head of household %s leaves it: choose who becomes its "
                                  "new head among the members who stay.", source.code))
            self._sp_replace_head(source, self.remaining_head_id)
        new_household = self.env["sp.household"].sudo().create({
            "area_id": (self.to_area_id or source.area_id).id,
            "street": self.street or source.street,
            "poverty_status": source.poverty_status,
        })
        members.write({"household_id": new_household.id, "relationship": "other"})
        new_head.relationship = "head"
        self.other_household_id = new_household
        return ({"household_id": source.id, "member_ids": members.ids},
                {"household_id": new_household.id, "code": new_household.code})

    def _sp_apply_merge(self):
        absorbed = self.household_id.sudo()
        target = self.other_household_id.sudo()
        if absorbed == target:
            raise UserError(_("A household cannot be merged into itself."))
        members = absorbed.member_ids
        members.filtered(lambda p: p.relationship == "head").relationship = "other"
        members.write({"household_id": target.id})
        absorbed.active = False
        return ({"household_id": absorbed.id, "member_ids": members.ids},
                {"household_id": target.id})

    def _sp_apply_move(self):
        household = self.household_id.sudo()
        to_area = self.to_area_id
        if to_area == household.area_id:
            raise UserError(_("Household %s is already in this area.", household.code))
        if to_area.level not in ("commune", "village") or to_area.scheme != "2025":
            raise UserError(_(
                "%(field)s: a household moves to a commune or a village of the 2025 list, not "
                "to %(area)s.", field=self._sp_label("to_area_id"), area=to_area.display_name))
        self._sp_step_write({"from_area_id": household.area_id.id,
                             "from_company_id": household.company_id.id})
        old = {"area_id": household.area_id.id, "company_id": household.company_id.id,
               "street": household.street or False}
        household.write({"area_id": to_area.id, "street": self.street or household.street})
        self._sp_step_write({"to_company_id": household.company_id.id})
        return old, {"area_id": to_area.id, "company_id": household.company_id.id,
                     "street": household.street or False}

    def _sp_apply_correction(self):
        person = self.individual_id.sudo()
        vals = {}
        for event_field, person_field in CORRECTION_FIELDS.items():
            value = self[event_field]
            if value:
                vals[person_field] = value.id if hasattr(value, "_name") else value
        if not vals:
            raise UserError(_("Fill in at least one corrected value."))
        old = {f: self._sp_jsonable(person[f]) for f in vals}
        person.write(vals)
        return old, {f: self._sp_jsonable(person[f]) for f in vals}

    def _sp_apply_dedup(self):
        return self.old_values or {}, self.new_values or {}

    # ------------------------------------------------------------------ helpers
    @api.model
    def _sp_jsonable(self, value):
        if hasattr(value, "_name"):
            return value.id
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value

    def _sp_leave(self, person):
        """Before ``person`` leaves their household: hand the head role over if needed."""
        household = person.household_id
        if household and household.head_id == person:
            successor = self.remaining_head_id
            if successor and successor.household_id == household and successor != person:
                self._sp_replace_head(household, successor)
            elif household.member_ids - person:
                raise UserError(_("%(name)s heads household %(code)s: choose the new head of "
                                  "the household.", name=person.name, code=household.code))

    @api.model
    def _sp_replace_head(self, household, new_head):
        household = household.sudo()
        if new_head.household_id != household:
            raise UserError(_("%(name)s is not a member of household %(code)s.",
                              name=new_head.name, code=household.code))
        household.head_id.sudo().relationship = "other"
        new_head.sudo().relationship = "head"

    def _sp_changes_text(self, old, new):
        lines = []
        for key in sorted(set(old) | set(new)):
            lines.append("%s: %s -> %s" % (key, old.get(key, ""), new.get(key, "")))
        return "\n".join(lines)

    def _sp_log(self):
        """Keep the history in the chatter of what changed."""
        self.ensure_one()
        label = dict(self._fields["type"]._description_selection(self.env))[self.type]
        body = _("Registry event applied: %(type)s on %(date)s (decision: %(ref)s).",
                 type=label, date=self.date, ref=self.decision_ref or "-")
        targets = (self.household_id | self.other_household_id).sudo()
        for record in [*targets, *self.individual_id.sudo()]:
            record.message_post(body=body)
