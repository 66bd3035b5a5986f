import datetime

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools.rules import (
    Line,
    Outstanding,
    add_months,
    age_in_month,
    allocate_arrears,
    amount_of,
    band_for,
    iter_months,
    level_for,
    month_end,
    month_start,
    resolve,
    vnd,
)
from .sp_benefit_band import DISABILITY_LEVELS
from .sp_sensitive_mixin import MAX_AMOUNT, MAX_COUNT, SENSITIVE_GROUPS, bounded_check

STATES = [
    ("draft", "Application"),
    ("verification", "Verification"),
    ("posting", "Public posting"),
    ("approval", "Approval"),
    ("active", "Active"),
    ("suspended", "Suspended"),
    ("terminated", "Terminated"),
    ("rejected", "Rejected"),
]
OPEN_STATES = ("draft", "verification", "posting", "approval", "active", "suspended")
PAYABLE_STATES = ("active", "suspended", "terminated")
SUSPENSION_REASONS = [
    ("not_collected", "Not collected for 3 consecutive months"),
    ("refused_reassessment", "Refused re-assessment"),
    ("detention", "Detention of 1 month or more"),
    ("other", "Other"),
]
TERMINATION_REASONS = [
    ("death", "Death"),
    ("ineligible", "No longer eligible"),
    ("refusal", "Refusal"),
    ("non_compliance", "3 months after a suspension without compliance"),
    ("transfer", "Moved to another commune"),
    ("other", "Other"),
]
# The fields set by the steps only (buttons, mass actions, registry events) are declared with
# ``sp_step=True`` (sp_base's sp.step.mixin): a plain create or write cannot approve, decide,
# end or pay anything, whatever the context; the steps write them through ``_sp_update``.
# Changed by an adjustment once decided (the history of the months paid depends on them).
DECIDED_FIELDS = {"category_ids", "dependant_count", "disability_level", "certificate_date",
                  "date_start", "programme_id", "individual_id", "household_id", "area_id"}
POPDB_STATUSES = [
    ("not_checked", "Not checked"),
    ("matched", "Matched"),
    ("mismatch", "Data differ"),
    ("not_found", "Not found"),
]


def person_key(enrolment):
    """The beneficiary of an enrolment as one integer: the person, or minus the household."""
    return enrolment.individual_id.id or -enrolment.household_id.id


class SpEnrolment(models.Model):
    """A beneficiary's place in a programme, from application to termination.

    Application (draft) -> verification by the commune officer -> public posting -> approval
    stages -> decision -> active; then adjustments, suspensions and resumptions, termination or
    transfer. Every step is logged in the chatter. Steps run on any number of records at once
    with a few SQL statements (the buttons and the mass actions share them).
    """

    _name = "sp.enrolment"
    _description = "Enrolment"
    _inherit = ["sp.step.mixin", "sp.input.mixin", "sp.sensitive.mixin", "sp.access.mixin",
                "sp.commune.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _rec_names_search = ["individual_id", "household_id"]
    _sp_bounds = {"monthly_amount": (0, MAX_AMOUNT), "funeral_amount": (0, MAX_AMOUNT),
                  "dependant_count": (0, MAX_COUNT)}

    programme_id = fields.Many2one(
        "sp.programme", required=True, index=True, tracking=True, ondelete="restrict")
    beneficiary_type = fields.Selection(related="programme_id.beneficiary_type")
    individual_id = fields.Many2one(
        "sp.individual", string="Beneficiary", index=True, tracking=True, ondelete="restrict")
    household_id = fields.Many2one(
        "sp.household", string="Household", index=True, tracking=True, ondelete="restrict")
    category_ids = fields.Many2many(
        "sp.benefit.category", string="Categories", tracking=True,
        domain="[('programme_id', '=', programme_id)]", groups=SENSITIVE_GROUPS)
    state = fields.Selection(STATES, required=True, default="draft", index=True, readonly=True,
                             copy=False, sp_step=True)
    area_id = fields.Many2one(
        compute="_compute_area_id", store=True, precompute=True, readonly=False, required=True,
        string="Commune / village",
        help="The commune that manages this enrolment; a transfer opens a new enrolment in the "
        "new commune.")
    commune_id = fields.Many2one(index=True)
    province_id = fields.Many2one(index=True)
    date_start = fields.Date(
        "Entitled from", tracking=True, copy=False,
        help="First month paid. Set by the decision (its month by default); an earlier month "
        "makes the decision retroactive and pays arrears.", sp_step=True)
    date_end = fields.Date("Entitled until", tracking=True, copy=False,
                           help="Last day of the last month paid.", sp_step=True)
    monthly_amount = fields.Float(
        digits=(16, 0), readonly=True, copy=False,
        help="Amount of the latest month computed (or of the decision month).", sp_step=True)
    dependant_count = fields.Integer(
        "Dependants", default=1, tracking=True,
        help="For categories paid per dependant (K4: children raised).")
    disability_level = fields.Selection(
        DISABILITY_LEVELS, compute="_compute_from_person", store=True, precompute=True,
        readonly=False, tracking=True, help="As assessed for this enrolment (from the registry).", groups=SENSITIVE_GROUPS)
    certificate_date = fields.Date(
        "Disability certificate", compute="_compute_from_person", store=True, precompute=True,
        readonly=False, tracking=True, groups=SENSITIVE_GROUPS)
    # application and verification
    application_date = fields.Date(
        required=True, default=fields.Date.context_today, tracking=True, copy=False)
    submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False, sp_step=True)
    submitted_date = fields.Date(readonly=True, copy=False, sp_step=True)
    popdb_status = fields.Selection(
        POPDB_STATUSES, string="Population database check", required=True,
        default="not_checked", tracking=True, copy=False,
        help="Result of checking the applicant against the National Population Database.")
    popdb_check_date = fields.Date("Checked on", copy=False)
    verified_by_id = fields.Many2one("res.users", readonly=True, copy=False, sp_step=True)
    verified_date = fields.Date(readonly=True, copy=False, sp_step=True)
    posting_date_start = fields.Date("Posted from", readonly=True, copy=False, sp_step=True)
    posting_date_end = fields.Date("Posted until", readonly=True, copy=False, sp_step=True)
    posting_feedback = fields.Text(copy=False, help="Objections or remarks from the posting.")
    # approval and decision
    stage_id = fields.Many2one("sp.programme.stage", string="Approval stage", readonly=True,
                               copy=False, index="btree_not_null", sp_step=True)
    approval_ids = fields.One2many("sp.enrolment.approval", "enrolment_id", string="Approvals")
    decision_id = fields.Many2one("sp.decision", string="Decision", readonly=True, copy=False,
                                  index="btree_not_null", sp_step=True)
    decision_number = fields.Char(related="decision_id.name", string="Decision number")
    decision_date = fields.Date(related="decision_id.decision_date")
    decision_signer = fields.Char(related="decision_id.signer")
    decision_ids = fields.Many2many(
        "sp.decision", "sp_decision_sp_enrolment_rel", "enrolment_id", "decision_id",
        string="Decisions", readonly=True, copy=False, sp_step=True)
    approved_by_id = fields.Many2one(
        "res.users", "Approved by", readonly=True, copy=False, sp_step=True,
        help="Who approved the decision at the last stage: never the one who submitted the "
        "application (four eyes, also a database constraint).")
    approved_date = fields.Date("Approved on", readonly=True, copy=False, sp_step=True)
    # life
    adjustment_ids = fields.One2many("sp.enrolment.adjustment", "enrolment_id", readonly=True)
    suspension_ids = fields.One2many("sp.enrolment.suspension", "enrolment_id", readonly=True)
    termination_reason = fields.Selection(TERMINATION_REASONS, readonly=True, copy=False,
                                          tracking=True, sp_step=True)
    termination_date = fields.Date("Event date", readonly=True, copy=False, sp_step=True)
    rejection_reason = fields.Text(readonly=True, copy=False, sp_step=True)
    # Indexed: deleting an enrolment looks up the enrolments pointing at it (without the
    # index, a scan of the whole table per deleted row).
    transferred_from_id = fields.Many2one("sp.enrolment", readonly=True, copy=False,
                                          index="btree_not_null", sp_step=True)
    transferred_to_id = fields.Many2one("sp.enrolment", readonly=True, copy=False,
                                        index="btree_not_null", sp_step=True)
    funeral_amount = fields.Float("Funeral support", digits=(16, 0), readonly=True, copy=False, sp_step=True)
    funeral_period = fields.Date("Funeral support paid in", readonly=True, copy=False, sp_step=True)
    arrears_from = fields.Date(
        readonly=True, copy=False,
        help="Earliest month whose amount changed after it was computed (a retroactive "
        "decision, level or adjustment): the next computation pays the difference as arrears.", sp_step=True)
    entitlement_ids = fields.One2many("sp.entitlement", "enrolment_id", readonly=True)
    note = fields.Text()

    _sql_constraints = [
        ("dependants_check", "CHECK(dependant_count >= 0)",
         "The number of dependants cannot be negative."),
        bounded_check("dependants_max_check", "dependant_count", 0, MAX_COUNT,
                      "The number of dependants is out of bounds."),
        bounded_check("monthly_amount_check", "monthly_amount", 0, MAX_AMOUNT,
                      "The monthly amount of an enrolment must be a finite amount from 0 to "
                      "100,000,000,000 VND."),
        bounded_check("funeral_amount_check", "funeral_amount", 0, MAX_AMOUNT,
                      "The funeral support must be a finite amount from 0 to 100,000,000,000 "
                      "VND."),
        ("four_eyes_check",
         "CHECK(approved_by_id IS NULL OR submitted_by_id IS NULL "
         "OR approved_by_id <> submitted_by_id)",
         "The approver of an enrolment decision must not be the person who submitted the "
         "application (four eyes)."),
    ]

    def init(self):
        cr = self.env.cr
        # Room on every page for the monthly amount and arrears marks to be updated in place
        # (HOT updates: no index is rewritten).
        cr.execute("ALTER TABLE sp_enrolment SET (fillfactor = 80)")
        cr.execute("CREATE INDEX IF NOT EXISTS sp_enrolment_person_idx ON sp_enrolment "
                   "((COALESCE(individual_id, -household_id)), programme_id)")
        # The database's own guard against two open enrolments of one beneficiary in one
        # programme (the Python check gives the clear message first).
        cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS sp_enrolment_open_uniq ON sp_enrolment "
            "((COALESCE(individual_id, -household_id)), programme_id) WHERE state IN %s",
            [OPEN_STATES])

    @api.model_create_multi
    def create(self, vals_list):
        self.check_access("create")
        if not self._sp_may_write_steps():
            owned = self._sp_step_fields()
            given = {key for vals in vals_list for key in vals if key in owned}
            defaults = self.default_get(list(given)) if given else {}
            if any(vals[key] and vals[key] != defaults.get(key)
                   for vals in vals_list for key in given & set(vals)):
                raise AccessError(_("A new enrolment starts as an application; the steps "
                                    "set its state and decision."))
        self._sp_check_new_applications(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if not self._sp_may_write_steps():
            # The step fields' own message first (some are also decided fields).
            self._sp_refuse_step_fields(self._sp_step_fields() & set(vals))
        if not self.env.su:
            decided = DECIDED_FIELDS & set(vals)
            if decided and self.filtered(lambda e: e.state in PAYABLE_STATES):
                raise UserError(_("A decided enrolment changes through an adjustment (or a "
                                  "transfer), not by editing %s.", ", ".join(sorted(decided))))
        res = super().write(vals)
        if not self.env.su and {"area_id", "company_id"} & set(vals):
            # The record rules were checked on the records as they were: the new commune or
            # office must be in the user's scope too (no moving an application elsewhere).
            self.check_access("write")
        return res

    @api.model
    def _sp_refuse_step_fields(self, names):
        if names:
            labels = sorted(self._fields[name]._description_string(self.env) for name in names)
            raise AccessError(_("%s is set by the enrolment's steps (buttons or actions), not "
                                "edited directly.", ", ".join(labels)))

    @api.model
    def _sp_check_new_applications(self, vals_list):
        """The clear message for a second open enrolment, before the unique index refuses it."""
        for vals in vals_list:
            if vals.get("state", "draft") not in OPEN_STATES or not vals.get("programme_id"):
                continue
            field = "individual_id" if vals.get("individual_id") else "household_id"
            if not vals.get(field):
                continue
            other = self.sudo().search([
                (field, "=", vals[field]), ("programme_id", "=", vals["programme_id"]),
                ("state", "in", OPEN_STATES)] + (
                    [("individual_id", "=", False)] if field == "household_id" else []), limit=1)
            if other:
                self._sp_raise_duplicate(other)

    def _sp_raise_duplicate(self, other):
        """The message for a second enrolment of one beneficiary in a programme. ``other`` was
        found in superuser mode: outside the user's scope, the message names neither the
        person nor the household nor the enrolment, only whom to contact (the office's name
        when the user may read that office)."""
        user_env = self.env(su=False)
        mine = other.with_env(user_env)
        if mine.has_access("read"):
            raise ValidationError(_(
                "%(name)s already has an enrolment in %(programme)s (%(ref)s, %(state)s, "
                "%(office)s): one beneficiary has one enrolment in a programme at a time.",
                name=other._sp_beneficiary_name(), programme=other.programme_id.name,
                ref=other.id, state=other._sp_state_label(), office=other.company_id.name))
        office = other.company_id.with_env(user_env)
        if office and office.has_access("read"):
            raise ValidationError(_(
                "This beneficiary already has an enrolment in %(programme)s registered by "
                "another office: contact %(office)s. One beneficiary has one enrolment in a "
                "programme at a time.", programme=other.programme_id.name, office=office.name))
        raise ValidationError(_(
            "This beneficiary already has an enrolment in %(programme)s registered by another "
            "office: contact the central office to find it. One beneficiary has one enrolment "
            "in a programme at a time.", programme=other.programme_id.name))

    # ------------------------------------------------------------------ computes
    @api.depends("individual_id", "household_id")
    def _compute_area_id(self):
        # Only when the beneficiary is chosen: a move in the registry does not carry the
        # enrolment along, a transfer does.
        for enrolment in self:
            beneficiary = enrolment.individual_id or enrolment.household_id
            if beneficiary:
                enrolment.area_id = beneficiary.area_id

    @api.depends("individual_id")
    def _compute_from_person(self):
        for enrolment in self:
            person = enrolment.individual_id
            enrolment.disability_level = person.disability_level or "none"
            enrolment.certificate_date = person.disability_certificate_date

    @api.depends("programme_id", "individual_id", "household_id")
    def _compute_display_name(self):
        for enrolment in self:
            beneficiary = enrolment.individual_id.name or enrolment.household_id.display_name
            enrolment.display_name = "%s - %s" % (enrolment.programme_id.code or "",
                                                  beneficiary or _("New"))

    # ------------------------------------------------------------------ checks
    @api.constrains("individual_id", "household_id", "programme_id")
    def _check_beneficiary(self):
        for enrolment in self:
            if enrolment.beneficiary_type == "individual" and (
                    not enrolment.individual_id or enrolment.household_id):
                raise ValidationError(_("%s enrols people: choose the beneficiary (and no "
                                        "household).", enrolment.programme_id.name))
            if enrolment.beneficiary_type == "household" and (
                    not enrolment.household_id or enrolment.individual_id):
                raise ValidationError(_("%s enrols households: choose the household (and no "
                                        "person).", enrolment.programme_id.name))

    @api.constrains("individual_id", "state")
    def _check_alive(self):
        for enrolment in self:
            person = enrolment.individual_id
            if person.date_of_death and enrolment.state in OPEN_STATES:
                raise ValidationError(_(
                    "%(name)s died on %(date)s and cannot be enrolled in %(programme)s.",
                    name=person.name, date=person.date_of_death,
                    programme=enrolment.programme_id.name))

    @api.constrains("category_ids", "programme_id")
    def _check_categories(self):
        for enrolment in self:
            wrong = enrolment.category_ids.filtered(
                lambda c, e=enrolment: c.programme_id != e.programme_id)
            if wrong:
                raise ValidationError(_(
                    "Category %(code)s does not belong to %(programme)s.",
                    code=wrong[0].code, programme=enrolment.programme_id.name))

    @api.constrains("individual_id", "household_id", "programme_id", "state", "date_start",
                    "date_end")
    def _check_overlap(self):
        """One beneficiary, one programme: one open enrolment and no two paid for one month."""
        self.flush_model()
        rows = self.env.execute_query(SQL(
            """
            SELECT e.id, o.id
              FROM sp_enrolment e
              JOIN sp_enrolment o
                ON o.programme_id = e.programme_id AND o.id <> e.id
               AND COALESCE(o.individual_id, -o.household_id)
                   = COALESCE(e.individual_id, -e.household_id)
             WHERE e.id = ANY(%(ids)s) AND e.state <> 'rejected' AND o.state <> 'rejected'
               AND ((e.state IN %(open)s AND o.state IN %(open)s)
                    OR (e.date_start IS NOT NULL AND o.date_start IS NOT NULL
                        AND daterange(e.date_start, e.date_end, '[]')
                            && daterange(o.date_start, o.date_end, '[]')))
             LIMIT 1
            """,
            ids=self.ids, open=OPEN_STATES,
        ))
        if rows:
            self._sp_raise_duplicate(self.sudo().browse(rows[0][1]))

    @api.ondelete(at_uninstall=False)
    def _unlink_only_applications(self):
        decided = self.filtered(lambda e: e.state not in ("draft", "rejected"))
        if decided:
            raise UserError(_("%s has been submitted: reject or terminate it instead of deleting "
                              "it.", decided[0].display_name))

    def _sp_beneficiary_name(self):
        self.ensure_one()
        return self.individual_id.name or self.household_id.display_name

    def _sp_state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    # ------------------------------------------------------------------ eligibility
    def _sp_ineligibility(self, month=None):
        """Reasons (translated sentences) why the categories do not apply to the beneficiary in
        ``month`` (default: the start month, else the application month)."""
        self.ensure_one()
        month = month_start(month or self.date_start or self.application_date)
        reasons = []
        if not self.category_ids:
            reasons.append(_("choose at least one category"))
        for category in self.category_ids._origin:
            reasons += [
                self.env._("%(code)s: %(reason)s", code=category.code, reason=reason)
                for reason in self._sp_category_reasons(category, month)
            ]
        return reasons

    def _sp_category_reasons(self, category, month):
        person, household = self.individual_id, self.household_id or self.individual_id.household_id
        reasons = []
        rule = category._sp_age_rule()
        age = age_in_month(person.birthdate, month, rule) if person else None
        disability = self.disability_level if person else None
        bands = category._sp_bands()
        if not band_for(bands, month, age, disability):
            in_force = [band for band in bands if band.date_from <= month
                        and (not band.date_to or band.date_to >= month)]
            if not in_force:
                reasons.append(_("no coefficient is in force in %s", month.strftime("%m/%Y")))
            elif person and not person.birthdate and any(b.age_min or b.age_max for b in in_force):
                reasons.append(_("the birth date of %s is unknown", person.name))
            elif not any(band_for([b], month, age, b.disability_level) for b in in_force):
                ranges = ", ".join(sorted({
                    "%s-%s" % (b.age_min, b.age_max) if b.age_max else "%s+" % b.age_min
                    for b in in_force}))
                reasons.append(_("%(name)s is %(age)s in %(month)s; the category covers ages "
                                 "%(ranges)s", name=person.name, age=age,
                                 month=month.strftime("%m/%Y"), ranges=ranges))
            else:
                levels = dict(DISABILITY_LEVELS)
                needed = ", ".join(sorted({levels[b.disability_level] for b in in_force
                                           if b.disability_level}))
                reasons.append(_("it requires a disability level of %(needed)s; recorded: "
                                 "%(level)s", needed=needed, level=levels.get(disability, "")))
        allowed = category._sp_poverty_allowed()
        if allowed and household.poverty_status not in allowed:
            reasons.append(_("the household must be %(needed)s; it is %(status)s",
                             needed=dict(category._fields["poverty_requirement"]._description_selection(
                                 self.env))[category.poverty_requirement],
                             status=household._sp_poverty_label() if household else _("none")))
        if category.gender and person and person.gender != category.gender:
            reasons.append(_("it is for %s only", dict(
                category._fields["gender"]._description_selection(self.env))[category.gender]))
        if category.area_type_ids:
            area = self.area_id._origin
            commune = area.parent_id if area.level == "village" else area
            if not commune.sp_area_type_ids & category.area_type_ids:
                reasons.append(_("%(commune)s is not of type %(types)s",
                                 commune=commune.name,
                                 types=", ".join(category.area_type_ids.mapped("name"))))
        if category.household_member_age_max:
            others = household.member_ids - person if household else person.browse()
            young = others.filtered(lambda m: not m.date_of_death and m.birthdate and age_in_month(
                m.birthdate, month, rule) < category.household_member_age_max)
            if not young:
                reasons.append(_("the household has no other member under %s",
                                 category.household_member_age_max))
        domain = category._sp_individual_domain()
        if person and domain and not person.sudo().filtered_domain(domain):
            reasons.append(_("%(name)s does not meet the conditions on the person (%(domain)s)",
                             name=person.name, domain=category.individual_domain))
        return reasons

    def _sp_raise_ineligible(self, month=None):
        messages = []
        for enrolment in self:
            reasons = enrolment._sp_ineligibility(month)
            if reasons:
                messages.append(_("%(name)s cannot be enrolled in %(programme)s: %(reasons)s.",
                                  name=enrolment._sp_beneficiary_name(),
                                  programme=enrolment.programme_id.name,
                                  reasons="; ".join(reasons)))
            if len(messages) >= 10:
                break
        if messages:
            raise ValidationError("\n".join(messages))

    # ------------------------------------------------------------------ helpers for the steps
    def _sp_require(self, states, step):
        wrong = self.filtered(lambda e: e.state not in states)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(_(
                "%(step)s: %(count)s enrolment(s) are not in the right state (%(name)s is "
                "%(state)s; expected %(expected)s).",
                step=step, count=len(wrong), name=wrong[0].display_name,
                state=labels[wrong[0].state], expected=", ".join(labels[s] for s in states)))

    def _sp_log(self, body):
        """Log a step on every record in one batch (a dict gives one body per record id)."""
        if not self:
            return
        bodies = body if isinstance(body, dict) else dict.fromkeys(self.ids, body)
        self._message_log_batch(bodies=bodies)

    def _sp_update(self, vals):
        """Write ``vals`` on all the records at once, without per-record tracking (every step
        logs its own message), through the step guard: the user's write access on the records
        is checked, then the step-owned fields are written in superuser mode."""
        self.with_context(tracking_disable=True)._sp_step_write(vals)

    # ------------------------------------------------------------------ arguments of the steps
    # The public steps are callable over RPC with any JSON value: each argument is checked
    # here and a wrong one gives a clear UserError, never a traceback.
    @api.model
    def _sp_arg_date(self, value, label, required=True):
        if not value:
            if required:
                raise UserError(_("%s: give a date.", label))
            return None
        if isinstance(value, datetime.datetime):
            value = value.date()
        elif isinstance(value, str):
            try:
                value = fields.Date.to_date(value.strip())
            except ValueError:
                value = None
        if not isinstance(value, datetime.date) or not 1900 <= value.year < 2200:
            raise UserError(_("%(label)s: %(value)s is not a valid date (YYYY-MM-DD).",
                              label=label, value=str(value)[:40] if value else _("empty")))
        return value

    @api.model
    def _sp_arg_record(self, value, model, label, multi=False):
        """A record (or, with ``multi``, records) of ``model``: the recordset itself, an id or
        a list of ids. Empty gives the empty recordset."""
        Model = self.env[model]
        if value is None or value is False or (isinstance(value, models.BaseModel) and not value):
            return Model
        if isinstance(value, models.BaseModel):
            ok = value._name == model and (multi or len(value) == 1)
            records = value
        elif isinstance(value, int) and not isinstance(value, bool):
            ok, records = True, Model.browse(value)
        elif multi and isinstance(value, (list, tuple)) and all(
                isinstance(v, int) and not isinstance(v, bool) for v in value):
            ok, records = True, Model.browse(value)
        else:
            ok, records = False, Model
        if not ok:
            raise UserError(_("%(label)s: expected a record of %(model)s, not %(value)s.",
                              label=label, model=Model._description, value=str(value)[:40]))
        if records.exists() != records:
            raise UserError(_("%(label)s: record %(value)s of %(model)s does not exist.",
                              label=label, value=str(value)[:40], model=Model._description))
        records.check_access("read")
        return records

    @api.model
    def _sp_arg_choice(self, value, choices, label, required=True):
        keys = dict(choices)
        if not value and not required:
            return None
        if not isinstance(value, str) or value not in keys:
            raise UserError(_("%(label)s: %(value)s is not one of %(choices)s.", label=label,
                              value=str(value)[:40], choices=", ".join(keys)))
        return value

    @api.model
    def _sp_arg_text(self, value, label, required=False):
        if value is None or value is False or value == "":
            if required:
                raise UserError(_("%s: give a text.", label))
            return None
        if not isinstance(value, str) or "\x00" in value or len(value) > 10000:
            raise UserError(_("%s: expected a text of at most 10,000 characters, without NUL "
                              "bytes.", label))
        if required and not value.strip():
            raise UserError(_("%s: give a text.", label))
        return value

    # ------------------------------------------------------------------ steps
    def action_submit(self):
        self._sp_require(("draft",), _("Submit"))
        self._sp_raise_ineligible()
        self._sp_update({"state": "verification", "submitted_by_id": self.env.uid,
                         "submitted_date": fields.Date.context_today(self)})
        self._sp_log(_("Application submitted for verification by %s.", self.env.user.name))
        return True

    def action_verify(self):
        self._sp_require(("verification",), _("Verify"))
        unchecked = self.filtered(lambda e: e.popdb_status != "matched")
        if unchecked:
            raise UserError(_(
                "%(name)s has not been matched in the National Population Database (%(status)s): "
                "record the check before verifying.", name=unchecked[0]._sp_beneficiary_name(),
                status=dict(POPDB_STATUSES)[unchecked[0].popdb_status]))
        self._sp_raise_ineligible()
        today = fields.Date.context_today(self)
        vals = {"verified_by_id": self.env.uid, "verified_date": today}
        for programme, enrolments in self.grouped("programme_id").items():
            if programme.posting_days:
                enrolments._sp_update(dict(vals, state="posting", posting_date_start=today,
                                           posting_date_end=fields.Date.add(
                                               today, days=programme.posting_days)))
                enrolments._sp_log(_("Verified; posted publicly until %s.",
                                     enrolments[0].posting_date_end))
            else:
                enrolments._sp_update(vals)
                enrolments._sp_to_approval()
                enrolments._sp_log(_("Verified; sent for approval."))
        return True

    def action_close_posting(self):
        self._sp_require(("posting",), _("Close the posting"))
        today = fields.Date.context_today(self)
        early = self.filtered(lambda e: e.posting_date_end > today)
        if early:
            raise UserError(_("The list with %(name)s stays posted until %(date)s.",
                              name=early[0]._sp_beneficiary_name(),
                              date=early[0].posting_date_end))
        self._sp_to_approval()
        self._sp_log(_("Public posting closed; sent for approval."))
        return True

    def _sp_to_approval(self):
        for programme, enrolments in self.grouped("programme_id").items():
            if not programme.stage_ids:
                raise UserError(_("Programme %s has no approval stage.", programme.name))
            enrolments._sp_update({"state": "approval", "stage_id": programme.stage_ids[0].id})

    def _sp_check_approver(self):
        """The current user may approve these enrolments at their stage: member of the stage's
        group, not their submitter, not the approver of an earlier stage."""
        user = self.env.user
        for stage in self.stage_id:
            if stage.group_id not in user.groups_id:
                raise UserError(_("Only members of %(group)s approve at stage %(stage)s.",
                                  group=stage.group_id.full_name, stage=stage.name))
        rows = self.env.execute_query(SQL(
            """
            SELECT e.id FROM sp_enrolment e
             WHERE e.id = ANY(%(ids)s)
               AND (e.submitted_by_id = %(uid)s OR EXISTS (
                    SELECT 1 FROM sp_enrolment_approval a
                     WHERE a.enrolment_id = e.id AND a.user_id = %(uid)s))
             LIMIT 1
            """, ids=self.ids, uid=self.env.uid))
        if rows:
            own = self.browse(rows[0][0])
            raise UserError(_(
                "You submitted or already approved the application of %s: another approver "
                "must decide it (segregation of duties).", own._sp_beneficiary_name()))

    def action_approve(self, decision=None, date_start=None):
        """Approve at the current stage; at the last stage ``decision`` (sp.decision) is
        required and the enrolments become active from ``date_start`` (default: per record,
        the decision month or the category's event month)."""
        decision = self._sp_arg_record(decision, "sp.decision", _("Decision"))
        date_start = self._sp_arg_date(date_start, _("Entitled from"), required=False)
        self._sp_require(("approval",), _("Approve"))
        self._sp_check_approver()
        self._sp_raise_ineligible()
        self._sp_record_approvals("approved")
        final = self.env["sp.enrolment"]
        for stage, enrolments in self.grouped("stage_id").items():
            following = stage.programme_id.stage_ids.filtered(
                lambda s, st=stage: (s.sequence, s.id) > (st.sequence, st.id))
            if following:
                enrolments._sp_update({"stage_id": following[0].id})
                enrolments._sp_log(_("Approved at stage %(stage)s by %(user)s; next: %(next)s.",
                                     stage=stage.name, user=self.env.user.name,
                                     next=following[0].name))
            else:
                final |= enrolments
        if final:
            final._sp_activate(decision, date_start)
        return True

    def _sp_record_approvals(self, result, note=None):
        self.flush_recordset(["stage_id", "area_id", "company_id"])
        self.env.cr.execute(SQL(
            """
            INSERT INTO sp_enrolment_approval
                   (enrolment_id, stage_id, user_id, prepared_by_id, date, result, note,
                    company_id, area_id, create_uid, create_date, write_uid, write_date)
            SELECT e.id, e.stage_id, %(uid)s, e.submitted_by_id, NOW() AT TIME ZONE 'UTC',
                   %(result)s, %(note)s, e.company_id, e.area_id, %(uid)s,
                   NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM sp_enrolment e WHERE e.id = ANY(%(ids)s)
            """, ids=self.ids, uid=self.env.uid, result=result, note=note))
        self.env["sp.enrolment.approval"].invalidate_model()
        self.invalidate_recordset(["approval_ids"])

    def _sp_activate(self, decision, date_start=None):
        if not decision:
            raise UserError(_("The last approval stage needs the signed decision (number, date, "
                              "signer)."))
        decision._sp_check_dates(self)
        decision_month = month_start(decision.decision_date)
        starts = {}
        for enrolment in self:
            start = month_start(date_start) if date_start else enrolment._sp_default_start(
                decision_month)
            starts.setdefault(start, []).append(enrolment.id)
        for start, ids in starts.items():
            enrolments = self.browse(ids)
            enrolments._sp_update({
                "state": "active", "stage_id": False, "decision_id": decision.id,
                "date_start": start, "date_end": False,
                "arrears_from": start if start < decision_month else False,
                "approved_by_id": self.env.uid,
                "approved_date": fields.Date.context_today(self),
            })
        decision.sudo().enrolment_ids = [(4, e.id) for e in self]
        self.env["sp.entitlement"]._sp_refresh_monthly_amounts(self, decision_month)
        bodies = {
            enrolment.id: self.env._("Decision %(number)s of %(date)s signed by %(signer)s: entitled "
                            "from %(start)s, %(amount)s VND a month.", number=decision.name,
                            date=decision.decision_date, signer=decision.signer,
                            start=enrolment.date_start.strftime("%m/%Y"),
                            amount=vnd(enrolment.monthly_amount))
            for enrolment in self
        }
        self._sp_log(bodies)

    def _sp_default_start(self, decision_month):
        """The decision month, or the month a category's start event happened when it falls
        between the application and the decision (the 75th/80th birthday for K5b/K5c, the
        disability certificate); a transfer keeps the month set when the old commune stopped."""
        self.ensure_one()
        if self.transferred_from_id and self.date_start:
            return self.date_start
        if self.date_start:
            return month_start(self.date_start)
        applied = month_start(self.application_date)
        events = [
            month for month in (c._sp_event_month(self.individual_id) for c in self.category_ids)
            if month and applied <= month < decision_month
        ]
        return min(events) if events else decision_month

    def action_reject(self, reason):
        reason = self._sp_arg_text(reason, _("Reason of the rejection"), required=True)
        self._sp_require(("draft", "verification", "posting", "approval"), _("Reject"))
        if self.filtered(lambda e: e.state == "approval"):
            self.filtered(lambda e: e.state == "approval")._sp_check_approver()
            self.filtered(lambda e: e.state == "approval")._sp_record_approvals("rejected", reason)
        self._sp_update({"state": "rejected", "stage_id": False, "rejection_reason": reason})
        self._sp_log(_("Application rejected: %s", reason))
        return True

    def action_adjust(self, date, categories=None, dependant_count=None, disability_level=None,
                      reason=None, decision=None):
        """Change categories, dependants or disability level from the month of ``date``. The
        months before keep the old values (recomputations use the adjustment history)."""
        month = month_start(self._sp_arg_date(date, _("Effective date")))
        if categories is not None:
            categories = self._sp_arg_record(categories, "sp.benefit.category", _("Categories"),
                                             multi=True)
        if dependant_count is not None and (
                not isinstance(dependant_count, int) or isinstance(dependant_count, bool)
                or not 0 <= dependant_count <= MAX_COUNT):
            raise UserError(_("Dependants: expected a whole number from 0 to %(max)s, not "
                              "%(value)s.", max=MAX_COUNT, value=str(dependant_count)[:40]))
        disability_level = self._sp_arg_choice(disability_level, DISABILITY_LEVELS,
                                               _("Disability level"), required=False)
        reason = self._sp_arg_text(reason, _("Reason"))
        decision = self._sp_arg_record(decision, "sp.decision", _("Decision"))
        self._sp_require(("active", "suspended"), _("Adjust"))
        Adjustment = self.env["sp.enrolment.adjustment"]
        vals = {}
        if categories is not None:
            vals["category_ids"] = [(6, 0, categories.ids)]
        if dependant_count is not None:
            vals["dependant_count"] = dependant_count
        if disability_level:
            vals["disability_level"] = disability_level
        Adjustment._sp_step_create([{
            "enrolment_id": enrolment.id, "date": month, "reason": reason,
            "decision_id": decision.id if decision else False,
            "old_category_ids": [(6, 0, enrolment.category_ids.ids)],
            "new_category_ids": [(6, 0, (categories if categories is not None
                                         else enrolment.category_ids).ids)],
            "old_dependant_count": enrolment.dependant_count,
            "new_dependant_count": dependant_count if dependant_count is not None
            else enrolment.dependant_count,
            "old_disability_level": enrolment.disability_level,
            "new_disability_level": disability_level or enrolment.disability_level,
        } for enrolment in self])
        self._sp_update(vals)
        self._sp_raise_ineligible(month)
        self._sp_mark_arrears(month, enrolments=self)
        if decision:
            decision.sudo().enrolment_ids = [(4, e.id) for e in self]
        self.env["sp.entitlement"]._sp_refresh_monthly_amounts(self, month)
        self._sp_log({e.id: self.env._("Adjusted from %(month)s: %(categories)s, %(count)s dependant(s); "
                              "%(reason)s", month=month.strftime("%m/%Y"),
                              categories=", ".join(e.category_ids.mapped("code")),
                              count=e.dependant_count, reason=reason or "")
                      for e in self})
        return True

    def action_suspend(self, reason, date, note=None, decision=None):
        """Stop paying from the month of ``date`` until resumed."""
        reason = self._sp_arg_choice(reason, SUSPENSION_REASONS, _("Reason of the suspension"))
        month = month_start(self._sp_arg_date(date, _("Suspended from")))
        note = self._sp_arg_text(note, _("Note"))
        decision = self._sp_arg_record(decision, "sp.decision", _("Decision"))
        self._sp_require(("active",), _("Suspend"))
        self.env["sp.enrolment.suspension"]._sp_step_create([{
            "enrolment_id": enrolment.id, "reason": reason, "date_from": month, "note": note,
            "decision_id": decision.id if decision else False,
        } for enrolment in self])
        self._sp_update({"state": "suspended"})
        if decision:
            decision.sudo().enrolment_ids = [(4, e.id) for e in self]
        label = dict(SUSPENSION_REASONS)[reason]
        self._sp_log(_("Suspended from %(month)s: %(reason)s. %(note)s",
                       month=month.strftime("%m/%Y"), reason=label, note=note or ""))
        return True

    def action_resume(self, date, pay_back=False, decision=None):
        """Pay again from the month of ``date``; ``pay_back`` also pays the suspended months
        as arrears (e.g. the benefit was collected after all)."""
        month = month_start(self._sp_arg_date(date, _("Resumed from")))
        if not isinstance(pay_back, bool):
            raise UserError(_("Pay the suspended months: expected true or false, not %s.",
                              str(pay_back)[:40]))
        decision = self._sp_arg_record(decision, "sp.decision", _("Decision"))
        self._sp_require(("suspended",), _("Resume"))
        open_suspensions = self.suspension_ids.filtered(lambda s: not s.date_to)
        early = open_suspensions.filtered(lambda s: s.date_from > month)
        if early:
            raise UserError(_("%(name)s cannot resume in %(month)s, before the suspension "
                              "(%(start)s).", name=early[0].enrolment_id._sp_beneficiary_name(),
                              month=month.strftime("%m/%Y"),
                              start=early[0].date_from.strftime("%m/%Y")))
        open_suspensions._sp_step_write({"date_to": fields.Date.subtract(month, days=1),
                                         "paid_back": pay_back})
        self._sp_update({"state": "active"})
        if pay_back:
            for suspension in open_suspensions:
                self._sp_mark_arrears(suspension.date_from, enrolments=suspension.enrolment_id)
        if decision:
            decision.sudo().enrolment_ids = [(4, e.id) for e in self]
        self._sp_log(_("Resumed from %(month)s%(back)s.", month=month.strftime("%m/%Y"),
                       back=_(", suspended months paid as arrears") if pay_back else ""))
        return True

    def action_terminate(self, reason, date=None, note=None, decision=None):
        """Stop for good, effective the month after the event of ``date`` (that month is still
        paid). A death needs the person's date of death recorded in the registry (a death
        event): that date is the event's, and it grants the funeral support, once per person."""
        reason = self._sp_arg_choice(reason, TERMINATION_REASONS, _("Reason of the termination"))
        note = self._sp_arg_text(note, _("Note"))
        decision = self._sp_arg_record(decision, "sp.decision", _("Decision"))
        if reason == "death":
            self._sp_check_death_recorded()
        else:
            date = self._sp_arg_date(date, _("Event date"))
        self._sp_require(OPEN_STATES, _("Terminate"))
        pending = self.filtered(lambda e: e.state not in ("active", "suspended"))
        if pending:
            # An application that never became an enrolment ends as rejected.
            pending._sp_update({"state": "rejected", "stage_id": False,
                                "rejection_reason": note or dict(TERMINATION_REASONS)[reason]})
            pending._sp_log(_("Application closed: %s", dict(TERMINATION_REASONS)[reason]))
        running = self - pending
        if not running:
            return True
        if decision:
            decision.sudo().enrolment_ids = [(4, e.id) for e in running]
        if reason == "death":
            for died, group in running.grouped(lambda e: e.individual_id.date_of_death).items():
                group._sp_terminate_running(reason, died, note)
        else:
            running._sp_terminate_running(reason, date, note)
        return True

    def _sp_check_death_recorded(self):
        """Death needs a death: the person's date of death, recorded in the registry."""
        for enrolment in self:
            if not enrolment.individual_id:
                raise UserError(_(
                    "%s is a household's enrolment: a death ends the enrolment of a person. "
                    "Record the death in the registry and choose another reason here.",
                    enrolment.display_name))
            if not enrolment.individual_id.date_of_death:
                raise UserError(_(
                    "%s has no date of death in the registry: record the death (a death event "
                    "of the registry) first; it terminates the enrolments and grants the funeral "
                    "support.", enrolment._sp_beneficiary_name()))

    def _sp_terminate_running(self, reason, date, note):
        end = month_end(date)
        self._sp_update({"state": "terminated", "termination_reason": reason,
                         "termination_date": date, "date_end": end})
        self.suspension_ids.filtered(lambda s: not s.date_to)._sp_step_write({"date_to": end})
        if reason == "death":
            self._sp_grant_funeral(date)
        self._sp_log(_("Terminated (%(reason)s, %(date)s): last month paid "
                       "%(month)s. %(note)s", reason=dict(TERMINATION_REASONS)[reason],
                       date=date, month=end.strftime("%m/%Y"), note=note or ""))

    def _sp_grant_funeral(self, date_of_death):
        """Funeral support once per person: the programme paying the most (coefficient x the
        standard level of the month of death; ties: programme order), in the month after."""
        month = month_start(date_of_death)
        offers = {}
        for enrolment in self.filtered(lambda e: e.individual_id
                                       and e.programme_id.funeral_coefficient):
            already = self.sudo().search_count([
                ("individual_id", "=", enrolment.individual_id.id), ("funeral_amount", ">", 0)])
            if already:
                continue
            level = self.env["sp.standard.level"]._sp_level_for(
                enrolment.programme_id, month, enrolment.province_id)
            amount = amount_of(enrolment.programme_id.funeral_coefficient, 1, level)
            if amount:
                offers.setdefault(enrolment.individual_id.id, []).append(
                    ((-amount, enrolment.programme_id.sequence, enrolment.programme_id.id),
                     enrolment, amount))
        for candidates in offers.values():
            _key, enrolment, amount = min(candidates, key=lambda offer: offer[0])
            enrolment._sp_update({"funeral_amount": amount,
                                  "funeral_period": add_months(month, 1)})
            enrolment._sp_log(_("Funeral support of %s VND granted.", vnd(amount)))

    def action_transfer(self, new_area, stop_date):
        """The person moved: this commune stops after the month of ``stop_date``; an
        application opens in the new commune, awaiting its decision, entitled from the next
        month (no gap, no double month)."""
        new_area = self._sp_arg_record(new_area, "sp.area", _("New commune / village"))
        if not new_area:
            raise UserError(_("Choose the commune the person moved to."))
        if new_area.level not in ("commune", "village"):
            raise UserError(_("%s is not a commune or a village: choose the commune the person "
                              "moved to.", new_area.display_name))
        stop_date = self._sp_arg_date(stop_date, _("Last month paid here"))
        self._sp_require(("active", "suspended"), _("Transfer"))
        new = self.env["sp.enrolment"]
        stop = month_end(stop_date)
        for enrolment in self:
            if new_area == enrolment.area_id:
                raise UserError(_("%s already belongs to this area.",
                                  enrolment._sp_beneficiary_name()))
            enrolment.action_terminate("transfer", stop)
            successor = enrolment.sudo().copy({
                "area_id": new_area.id,
                "company_id": new_area.company_id.id or enrolment.company_id.id,
                "application_date": fields.Date.context_today(self),
                "date_start": add_months(stop, 1),
                "transferred_from_id": enrolment.id,
                "disability_level": enrolment.disability_level,
                "certificate_date": enrolment.certificate_date,
                "dependant_count": enrolment.dependant_count,
                "popdb_status": enrolment.popdb_status,
            })
            successor._sp_update({"state": "verification", "submitted_by_id": self.env.uid,
                                  "submitted_date": fields.Date.context_today(self)})
            successor._sp_to_approval()
            enrolment._sp_update({"transferred_to_id": successor.id})
            enrolment._sp_log(_("Transferred to %(area)s: paid here until %(month)s.",
                                area=new_area.display_name, month=stop.strftime("%m/%Y")))
            successor._sp_log(_("Transferred from %(area)s (enrolment %(ref)s): to be decided "
                                "here, entitled from %(month)s.", area=enrolment.area_id.display_name,
                                ref=enrolment.id, month=successor.date_start.strftime("%m/%Y")))
            new |= successor
        return new

    # ------------------------------------------------------------------ registry events
    @api.model
    def _sp_terminate_deceased(self, people=None):
        """Terminate (death) the open enrolments of people with a date of death, set-based
        selection: ``people`` or the whole registry (the nightly sweep)."""
        domain = [("state", "in", OPEN_STATES), ("individual_id.date_of_death", "!=", False)]
        if people is not None:
            domain.append(("individual_id", "in", people.ids))
        enrolments = self.sudo().search(domain)
        for date, group in enrolments.grouped(lambda e: e.individual_id.date_of_death).items():
            group.action_terminate("death", date)
        return enrolments

    @api.model
    def _sp_transfer_moved(self, people, date):
        """Transfer the running enrolments of ``people`` whose commune is no longer the one of
        their enrolment (a move recorded in the registry)."""
        enrolments = self.sudo().search([("individual_id", "in", people.ids),
                                         ("state", "in", ("active", "suspended"))])
        moved = enrolments.filtered(lambda e: e._sp_commune_of(e.individual_id.area_id)
                                    != e.commune_id)
        for enrolment in moved:
            enrolment.action_transfer(enrolment.individual_id.area_id, date)
        return moved

    @staticmethod
    def _sp_commune_of(area):
        return area.parent_id if area.level == "village" else area

    @api.model
    def _cron_terminate_deceased(self):
        self._sp_terminate_deceased()

    @api.model
    def _sp_fill_area_keys(self):
        """Commune and province of enrolments inserted by bulk loaders without them."""
        self.env.cr.execute("""
            UPDATE sp_enrolment e
               SET commune_id = CASE WHEN a.level = 'village' THEN a.parent_id ELSE a.id END,
                   province_id = a.province_id
              FROM sp_area a
             WHERE a.id = e.area_id AND (e.province_id IS NULL OR e.commune_id IS NULL)
        """)
        if self.env.cr.rowcount:
            self.invalidate_model(["commune_id", "province_id"])

    # ------------------------------------------------------------------ arrears marking
    @api.model
    def _sp_mark_arrears(self, date_from, programme=None, province=None, category=None,
                         enrolments=None):
        """Months from ``date_from`` already computed for these enrolments must be recomputed
        (a retroactive change): lower their ``arrears_from``, set-based."""
        month = month_start(date_from)
        conditions = [SQL("e.state IN %s", PAYABLE_STATES),
                      SQL("(e.date_end IS NULL OR e.date_end >= %s)", month),
                      SQL("(e.arrears_from IS NULL OR e.arrears_from > %s)", month)]
        if enrolments is None:
            # A policy change only concerns the enrolments with months already computed.
            conditions.append(SQL("EXISTS (SELECT 1 FROM sp_entitlement t WHERE "
                                  "t.enrolment_id = e.id AND t.period >= %s)", month))
        if programme:
            conditions.append(SQL("e.programme_id = %s", programme.id))
        if province:
            conditions.append(SQL("e.province_id = %s", province.id))
        if category:
            conditions.append(SQL(
                "EXISTS (SELECT 1 FROM sp_benefit_category_sp_enrolment_rel r "
                "WHERE r.sp_enrolment_id = e.id AND r.sp_benefit_category_id = %s)", category.id))
        if enrolments is not None:
            conditions.append(SQL("e.id = ANY(%s)", enrolments.ids))
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE sp_enrolment e SET arrears_from = %s WHERE %s",
                                month, SQL(" AND ").join(conditions)))
        self.invalidate_model(["arrears_from"])

    # ------------------------------------------------------------------ entitlement (per record)
    def _sp_lines(self, month, context):
        """The benefit lines of this enrolment for ``month``, before the overlap rules."""
        self.ensure_one()
        if not self._sp_payable(month):
            return []
        categories, dependants, disability = self._sp_state_at(month)
        person = self.individual_id
        lines = []
        for category in categories:
            age = age_in_month(person.birthdate, month, category._sp_age_rule()) if person \
                else None
            band = band_for(context.bands(category), month, age, disability)
            if not band:
                continue
            if category.start_rule == "certificate" and (
                    not self.certificate_date or month_start(self.certificate_date) > month):
                continue
            level = context.level(self.programme_id, month, self.province_id)
            if level <= 0:
                continue
            quantity = dependants if category.per_dependant else 1
            lines.append(Line(
                enrolment_id=self.id, category_id=category.id,
                amount=amount_of(band.coefficient, quantity, level),
                group=category.exclusivity_group or None, sequence=category.sequence,
                coefficient=band.coefficient, quantity=quantity, level=level))
        return lines

    def _sp_payable(self, month):
        if self.state not in PAYABLE_STATES or not self.date_start:
            return False
        if self.date_start > month or (self.date_end and self.date_end < month):
            return False
        return not any(
            not s.paid_back and s.date_from <= month and (not s.date_to or s.date_to >= month)
            for s in self.suspension_ids)

    def _sp_state_at(self, month):
        """Categories, dependants and disability level in force in ``month``: the old values of
        the first adjustment made after that month, else the current ones."""
        later = self.adjustment_ids.filtered(lambda a: a.date > month).sorted(
            lambda a: (a.date, a.id))
        if later:
            first = later[0]
            return first.old_category_ids, first.old_dependant_count, first.old_disability_level
        return self.category_ids, self.dependant_count, self.disability_level

    def _sp_person_enrolments(self):
        self.ensure_one()
        field = "individual_id" if self.individual_id else "household_id"
        return self.sudo().search([(field, "=", self[field].id)])

    def _sp_entitlement(self, period):
        """The entitlement of this enrolment for the month of ``period``, per record through
        the ORM (the set-based sp.entitlement._sp_compute_period gives the same figures)::

            {"period", "lines": [{"category_id", "code", "coefficient", "quantity", "level",
             "amount", "paid"}], "category_id", "coefficient", "standard_level", "amount",
             "arrears": [{"period", "due", "settled", "amount"}], "arrears_amount",
             "oneoff_amount", "total_amount", "arrears_from"}
        """
        self.ensure_one()
        period = month_start(period)
        context = _RuleContext(self.env)
        siblings = self._sp_person_enrolments()
        pairs = self.env["sp.benefit.category"]._sp_cumulative_pairs()

        def paid_at(month):
            lines = [line for e in siblings for line in e._sp_lines(month, context)]
            return lines, resolve(lines, pairs)

        lines, paid = paid_at(period)
        own_lines = [line for line in lines if line.enrolment_id == self.id]
        own_paid = [line for line in paid if line.enrolment_id == self.id]
        Entitlement = self.env["sp.entitlement"].sudo()
        draft = Entitlement.search([("enrolment_id", "=", self.id), ("period", "=", period),
                                    ("state", "=", "draft")])
        window = min([d for d in (self.arrears_from, draft.arrears_from) if d], default=None)
        arrears = []
        if window and window < period:
            for month in iter_months(window, period):
                _all, paid_then = paid_at(month)
                arrears += self._sp_arrears_for(month, period, siblings, paid_then)
        oneoff = 0.0
        if self.funeral_amount and self.funeral_period and self.funeral_period <= period:
            paid_before = Entitlement.search_count([
                ("enrolment_id", "=", self.id), ("period", "<", period),
                ("oneoff_amount", ">", 0)])
            oneoff = 0.0 if paid_before else self.funeral_amount
        amount = sum(line.amount for line in own_paid)
        main = min(own_paid, key=lambda line: line.rank_key) if own_paid else None
        arrears_amount = sum(a["amount"] for a in arrears)
        codes = {c.id: c.code for c in self.env["sp.benefit.category"].sudo().browse(
            [line.category_id for line in own_lines])}
        return {
            "period": period,
            "lines": [{"category_id": line.category_id, "code": codes[line.category_id],
                       "coefficient": line.coefficient, "quantity": line.quantity,
                       "level": line.level, "amount": line.amount, "paid": line in own_paid}
                      for line in sorted(own_lines, key=lambda line: line.rank_key)],
            "category_id": main.category_id if main else False,
            "coefficient": sum(line.coefficient * line.quantity for line in own_paid),
            "standard_level": max((line.level for line in own_lines), default=0.0),
            "amount": amount,
            "arrears": arrears,
            "arrears_amount": arrears_amount,
            "oneoff_amount": oneoff,
            "total_amount": amount + arrears_amount + oneoff,
            "arrears_from": window,
        }

    def _sp_arrears_for(self, month, period, siblings, paid_then):
        due = {}
        for line in paid_then:
            due[line.enrolment_id] = due.get(line.enrolment_id, 0.0) + line.amount
        settled = self.env["sp.entitlement"].sudo()._sp_settled(siblings, month, period)
        rows = [Outstanding(e.id, due.get(e.id, 0.0), settled.get(e.id, 0.0))
                for e in siblings if e.id in due or e.id in settled]
        allocate_arrears(rows)
        return [{"period": month, "due": row.due, "settled": row.settled, "amount": row.arrears}
                for row in rows if row.enrolment_id == self.id and row.arrears > 0]

    def action_preview_entitlement(self):
        """Show this month's entitlement (per-record computation) in the chatter-free form."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        result = self._sp_entitlement(today)
        lines = ", ".join("%s %s x %s x %s = %s%s" % (
            line["code"], line["coefficient"], line["quantity"], vnd(line["level"]),
            vnd(line["amount"]), "" if line["paid"] else " (-)")
            for line in result["lines"]) or _("nothing due")
        return {
            "type": "ir.actions.client", "tag": "display_notification",
            "params": {
                "title": _("Entitlement for %s", today.strftime("%m/%Y")),
                "message": _("%(lines)s. Arrears: %(arrears)s; one-off: %(oneoff)s; total: "
                             "%(total)s VND.", lines=lines,
                             arrears=vnd(result["arrears_amount"]),
                             oneoff=vnd(result["oneoff_amount"]),
                             total=vnd(result["total_amount"])),
                "sticky": True, "type": "info",
            },
        }


class _RuleContext:
    """Caches bands and levels for one per-record computation."""

    def __init__(self, env):
        self.env = env
        self._bands = {}
        self._levels = {}

    def bands(self, category):
        if category.id not in self._bands:
            self._bands[category.id] = category.sudo()._sp_bands()
        return self._bands[category.id]

    def level(self, programme, month, province):
        if programme.id not in self._levels:
            self._levels[programme.id] = [
                level._sp_level() for level in programme.sudo().level_ids]
        return level_for(self._levels[programme.id], month, province.id or None)
