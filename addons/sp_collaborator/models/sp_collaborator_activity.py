from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

KINDS = [
    ("home_visit", "Home visit"),
    ("counselling", "Counselling session"),
    ("application_help", "Application help"),
]
TOPICS = [
    ("nutrition", "Nutrition"),
    ("health_check", "Health check"),
    ("school", "School attendance"),
    ("benefits_use", "Use of benefits"),
    ("application_help", "Application help"),
]
# What the monthly allowance counts: these cannot change once the month's allowance is confirmed.
PAID_FIELDS = {"collaborator_id", "household_id", "date", "state"}


class SpCollaboratorActivity(models.Model):
    _name = "sp.collaborator.activity"
    _description = "Collaborator activity with a household"
    _inherit = ["sp.access.mixin", "sp.step.mixin", "sp.input.mixin"]
    _sp_scope_fields = ("area_id", "company_id", "household_id")
    _order = "date desc, id desc"

    collaborator_id = fields.Many2one(
        "sp.collaborator", required=True, index=True, ondelete="restrict",
        default=lambda self: self._default_collaborator_id(),
    )
    household_id = fields.Many2one("sp.household", required=True, index=True, ondelete="restrict")
    area_id = fields.Many2one(
        compute="_compute_area_id", store=True, precompute=True, readonly=True, sp_step=True
    )
    kind = fields.Selection(KINDS, required=True, default="home_visit")
    topic = fields.Selection(TOPICS, required=True, default="nutrition")
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    outcome = fields.Text(help="What was discussed, what the household needs, what was agreed.")
    follow_up_date = fields.Date("Follow-up on")
    follow_up_done = fields.Boolean("Follow-up done", default=False)
    follow_up_overdue = fields.Boolean(
        "Follow-up overdue", compute="_compute_follow_up_overdue",
        search="_search_follow_up_overdue",
    )
    state = fields.Selection(
        [("done", "Logged"), ("rejected", "Rejected")], required=True, default="done",
        readonly=True, index=True, sp_step=True,
        help="Staff reject an activity that did not happen: it is then not paid.",
    )

    def init(self):
        # The caseload dashboard looks up the last visit of each household.
        self.env.cr.execute(SQL(
            "CREATE INDEX IF NOT EXISTS sp_collaborator_activity_household_date_idx "
            "ON sp_collaborator_activity (household_id, date DESC)"
        ))

    @api.model
    def _default_collaborator_id(self):
        return self.env["sp.collaborator"].search([("user_id", "=", self.env.uid)], limit=1)

    @api.depends("household_id.area_id")
    def _compute_area_id(self):
        for activity in self:
            activity.area_id = activity.household_id.area_id

    @api.depends("kind", "household_id", "date")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for activity in self:
            activity.display_name = " - ".join(filter(None, [
                kinds.get(activity.kind), activity.household_id.display_name,
                activity.date and fields.Date.to_string(activity.date),
            ]))

    @api.depends("follow_up_date", "follow_up_done", "state")
    def _compute_follow_up_overdue(self):
        today = fields.Date.context_today(self)
        for activity in self:
            activity.follow_up_overdue = bool(
                activity.state == "done" and not activity.follow_up_done
                and activity.follow_up_date and activity.follow_up_date < today
            )

    def _search_follow_up_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(_("Unsupported search on overdue follow-ups."))
        domain = [
            ("state", "=", "done"), ("follow_up_done", "=", False),
            ("follow_up_date", "<", fields.Date.context_today(self)),
        ]
        return domain if (operator == "=") == value else ["!", "&", "&", *domain]

    # ------------------------------------------------------------------ checks
    @api.constrains("date")
    def _check_date(self):
        today = fields.Date.context_today(self)
        for activity in self:
            if activity.date > today:
                raise ValidationError(_(
                    "An activity cannot be dated in the future: %(date)s is after today "
                    "(%(today)s).", date=activity.date, today=today))

    @api.constrains("date", "follow_up_date")
    def _check_follow_up_date(self):
        for activity in self:
            if activity.follow_up_date and activity.follow_up_date < activity.date:
                raise ValidationError(_(
                    "The follow-up date (%(follow_up)s) cannot come before the activity "
                    "(%(date)s).", follow_up=activity.follow_up_date, date=activity.date))

    @api.constrains("collaborator_id", "household_id", "date")
    def _check_caseload(self):
        Assignment = self.env["sp.collaborator.assignment"].sudo()
        for activity in self:
            collaborator = activity.collaborator_id
            if activity.state == "done" and collaborator.state == "suspended":
                raise ValidationError(_(
                    "%s is suspended and cannot log activities.", collaborator.name))
            in_caseload = Assignment.search_count([
                ("collaborator_id", "=", collaborator.id),
                ("household_id", "=", activity.household_id.id),
                ("date_from", "<=", activity.date),
                "|", ("date_to", "=", False), ("date_to", ">=", activity.date),
            ], limit=1)
            if not in_caseload:
                household = activity.household_id.sudo(False)
                if not household.has_access("read"):
                    raise ValidationError(_(
                        "The household chosen is not in the caseload of %(name)s on %(date)s: "
                        "it is registered outside the areas you work in.",
                        name=collaborator.name, date=activity.date))
                raise ValidationError(_(
                    "Household %(household)s is not in the caseload of %(name)s on %(date)s: "
                    "ask the commune officer to assign it first.",
                    household=household.display_name, name=collaborator.name,
                    date=activity.date))

    def _check_allowance_open(self):
        """Activities of a month whose allowance is confirmed or paid are frozen."""
        if not self:
            return
        self.env["sp.collaborator.allowance"].flush_model()
        self.env.cr.execute(SQL(
            """
            SELECT c.name, al.period
              FROM sp_collaborator_activity a
              JOIN sp_collaborator c ON c.id = a.collaborator_id
              JOIN sp_collaborator_allowance al
                ON al.collaborator_id = a.collaborator_id
               AND al.period = date_trunc('month', a.date)::date
               AND al.state != 'draft'
             WHERE a.id = ANY(%s)
             LIMIT 1
            """, self.ids,
        ))
        row = self.env.cr.fetchone()
        if row:
            raise UserError(_(
                "The allowance of %(name)s for %(month)s is already confirmed: the activities of "
                "that month can no longer change.", name=row[0], month=row[1].strftime("%m/%Y")))

    @api.model_create_multi
    def create(self, vals_list):
        if any(not vals.get("collaborator_id") for vals in vals_list) \
                and not self._default_collaborator_id():
            raise UserError(_(
                "Your user is not linked to a collaborator: choose the collaborator, or ask the "
                "commune officer to link your user to your collaborator record."))
        activities = super().create(vals_list)
        activities.flush_recordset()
        activities._check_allowance_open()
        return activities

    def write(self, vals):
        paid_fields = PAID_FIELDS & set(vals)
        if paid_fields:
            self._check_allowance_open()
        res = super().write(vals)
        if paid_fields:
            self.flush_recordset()
            self._check_allowance_open()
        return res

    def unlink(self):
        self._check_allowance_open()
        return super().unlink()

    # ------------------------------------------------------------------ actions
    def _sp_check_may_review(self):
        if not (self.env.su or self.env.user.has_group("sp_base.group_commune_officer")):
            raise AccessError(_("Only commune or province staff can accept or reject activities."))

    def action_reject(self):
        self._sp_check_may_review()
        self._sp_step_write({"state": "rejected"})

    def action_reset(self):
        self._sp_check_may_review()
        self._sp_step_write({"state": "done"})

    def action_mark_follow_up_done(self):
        self.write({"follow_up_done": True})
