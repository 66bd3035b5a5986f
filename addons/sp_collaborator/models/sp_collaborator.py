from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

STATES = [("active", "Active"), ("suspended", "Suspended"), ("ended", "Ended")]
# Who reads a collaborator's citizen ID and bank account: not the call-centre agent.
PERSONAL_READERS = "sp_base.group_commune_officer,sp_base.group_auditor,sp_base.group_collaborator"
# Copied to the collaborator's contact (res.partner).
CONTACT_FIELDS = ("name", "phone", "email")


class SpCollaborator(models.Model):
    _name = "sp.collaborator"
    _description = "Village collaborator"
    _inherit = ["sp.access.mixin", "mail.thread", "sp.step.mixin", "sp.input.mixin"]
    _order = "name, id"
    _rec_names_search = ["name", "code"]

    code = fields.Char(readonly=True, copy=False, index=True, default="/")
    name = fields.Char(required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner", string="Contact", required=True, ondelete="restrict", index=True,
        readonly=True, copy=False,
        help="The person's contact, kept in step with the name, phone and email here: the user "
        "and the messages of the collaborator use it.",
    )
    phone = fields.Char(tracking=True)
    email = fields.Char()
    user_id = fields.Many2one(
        "res.users", string="User", copy=False, index="btree_not_null", tracking=True,
        domain=[("share", "=", False)],
        help="The login the collaborator uses to see their caseload and log visits; it must "
        "belong to the Village collaborator group.",
    )
    id_number = fields.Char("Citizen ID", help="12-digit personal identification number.",
                            groups=PERSONAL_READERS)
    area_id = fields.Many2one(
        string="Village", required=True, tracking=True,
        domain="[('level', 'in', ('village', 'commune')), ('scheme', '=', '2025')]",
    )
    commune_ids = fields.Many2many(
        "sp.area", "sp_collaborator_commune_rel", "collaborator_id", "area_id",
        string="Communes served", compute="_compute_commune_ids", store=True, readonly=False,
        domain="[('level', '=', 'commune'), ('scheme', '=', '2025')]",
        help="Households outside these communes (and the village) cannot be assigned.",
    )
    date_start = fields.Date(
        "Serving since", required=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date("Serving until", tracking=True)
    state = fields.Selection(STATES, required=True, default="active", tracking=True, index=True,
                             sp_step=True)
    bank_name = fields.Char("Bank", groups=PERSONAL_READERS)
    bank_account = fields.Char("Bank account", groups=PERSONAL_READERS)
    notes = fields.Text()

    assignment_ids = fields.One2many("sp.collaborator.assignment", "collaborator_id", "Assignments")
    household_count = fields.Integer("Households", compute="_compute_household_count")
    activity_ids = fields.One2many("sp.collaborator.activity", "collaborator_id", "Activities")
    activity_count = fields.Integer("Number of activities", compute="_compute_activity_count")
    attendance_ids = fields.One2many(
        "sp.collaborator.training.attendance", "collaborator_id", "Trainings"
    )
    training_completed_count = fields.Integer(
        "Trainings completed", compute="_compute_training_completed_count"
    )
    term_ids = fields.One2many("sp.collaborator.allowance.term", "collaborator_id", "Allowance terms")
    allowance_ids = fields.One2many("sp.collaborator.allowance", "collaborator_id", "Allowances")

    _sql_constraints = [
        ("user_uniq", "unique(user_id)", "A user can be linked to only one collaborator."),
        ("dates_check", "CHECK(date_end IS NULL OR date_end >= date_start)",
         "A collaborator cannot stop serving before they start."),
    ]

    @api.depends("area_id")
    def _compute_commune_ids(self):
        for collaborator in self:
            area = collaborator.area_id
            commune = area.parent_id if area.level == "village" else area
            if commune and commune.level == "commune":
                collaborator.commune_ids |= commune

    def _compute_household_count(self):
        data = self.env["sp.collaborator.assignment"]._read_group(
            [("collaborator_id", "in", self.ids), ("is_current", "=", True)],
            ["collaborator_id"], ["__count"],
        )
        counts = {collaborator.id: count for collaborator, count in data}
        for collaborator in self:
            collaborator.household_count = counts.get(collaborator.id, 0)

    def _compute_activity_count(self):
        data = self.env["sp.collaborator.activity"]._read_group(
            [("collaborator_id", "in", self.ids)], ["collaborator_id"], ["__count"]
        )
        counts = {collaborator.id: count for collaborator, count in data}
        for collaborator in self:
            collaborator.activity_count = counts.get(collaborator.id, 0)

    def _compute_training_completed_count(self):
        data = self.env["sp.collaborator.training.attendance"]._read_group(
            [("collaborator_id", "in", self.ids), ("completed", "=", True)],
            ["collaborator_id"], ["__count"],
        )
        counts = {collaborator.id: count for collaborator, count in data}
        for collaborator in self:
            collaborator.training_completed_count = counts.get(collaborator.id, 0)

    @api.depends("name", "code")
    def _compute_display_name(self):
        for collaborator in self:
            code = collaborator.code if collaborator.code and collaborator.code != "/" else False
            collaborator.display_name = (
                "%s [%s]" % (collaborator.name, code) if code else collaborator.name or ""
            )

    @api.constrains("user_id")
    def _check_user_group(self):
        for collaborator in self.filtered("user_id"):
            if not collaborator.user_id.has_group("sp_base.group_collaborator"):
                raise ValidationError(_(
                    "User %(user)s cannot be linked to collaborator %(name)s: give them the "
                    "Village collaborator role first.",
                    user=collaborator.user_id.login, name=collaborator.name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        # The contact belongs to the collaborator record, whose rights govern it: it is created
        # here, never chosen by a client (its name, phone and email are copied both ways).
        self._sp_refuse_partner(vals_list)
        Partner = self.env["res.partner"].sudo()
        for vals in vals_list:
            if vals.get("partner_id"):
                partner = Partner.browse(vals["partner_id"])
                for name in CONTACT_FIELDS:
                    vals.setdefault(name, partner[name])
            else:
                if not vals.get("name"):
                    raise ValidationError(_("A collaborator needs a name."))
                vals["partner_id"] = Partner.create(
                    {name: vals.get(name) for name in CONTACT_FIELDS}).id
            if vals.get("code", "/") == "/":
                vals["code"] = self.env["ir.sequence"].next_by_code("sp.collaborator") or "/"
        return super().create(vals_list)

    def write(self, vals):
        self._sp_refuse_partner([vals])
        res = super().write(vals)
        contact = {name: vals[name] for name in CONTACT_FIELDS if name in vals}
        if contact:
            self.partner_id.sudo().write(contact)
        return res

    @api.model
    def _sp_refuse_partner(self, vals_list):
        if not self._sp_may_write_steps() and any(
                isinstance(vals, dict) and vals.get("partner_id") for vals in vals_list):
            raise AccessError(_(
                "The contact of a collaborator is created with the collaborator and kept in step "
                "with their name, phone and email: it cannot be chosen."))

    @api.model
    def sp_dashboard_data(self):
        """The figures of the overview dashboard, each with the records behind it, under the
        user's record rules."""
        today = fields.Date.context_today(self)
        month = fields.Date.to_string(today.replace(day=1))
        Activity = self.env["sp.collaborator.activity"]
        Report = self.env["sp.collaborator.caseload.report"]
        visits = [("state", "=", "done"), ("date", ">=", month)]
        cards = [
            ("collaborators", _("Active collaborators"), "sp.collaborator",
             [("state", "=", "active")], False),
            ("visits", _("Activities this month"), "sp.collaborator.activity", visits, False),
            ("not_visited", _("Households not visited"), "sp.collaborator.caseload.report",
             [("visit_overdue", "=", True)], True),
            ("never_visited", _("Households never visited"), "sp.collaborator.caseload.report",
             [("last_visit_date", "=", False)], True),
            ("follow_ups", _("Follow-ups overdue"), "sp.collaborator.activity",
             [("follow_up_overdue", "=", True)], True),
        ]
        result = {"cards": [], "collaborators": []}
        for key, label, model, domain, alert in cards:
            if not self.env[model].has_access("read"):
                continue
            result["cards"].append({
                "key": key, "label": label, "model": model, "domain": domain, "alert": alert,
                "value": self.env[model].search_count(domain),
            })
        collaborators = self.search([("state", "=", "active")], limit=50)
        counts = dict(Activity._read_group(
            [*visits, ("collaborator_id", "in", collaborators.ids)], ["collaborator_id"],
            ["__count"]))
        households = dict(Report._read_group(
            [("collaborator_id", "in", collaborators.ids)], ["collaborator_id"], ["__count"],
        )) if Report.has_access("read") else {}
        rows = [{"id": c.id, "name": c.display_name, "visits": counts.get(c, 0),
                 "households": households.get(c, 0)} for c in collaborators]
        result["collaborators"] = sorted(rows, key=lambda r: (-r["visits"], r["name"]))
        return result

    # ------------------------------------------------------------------ status
    def action_suspend(self):
        self.filtered(lambda c: c.state == "active")._sp_step_write({"state": "suspended"})

    def action_reactivate(self):
        for collaborator in self:
            if collaborator.state == "ended":
                raise UserError(_(
                    "%s has ended their service: register them again with new dates instead.",
                    collaborator.name,
                ))
        self._sp_step_write({"state": "active"})

    def action_end(self):
        """End the service: today unless an end date is set; open assignments close with it."""
        today = fields.Date.context_today(self)
        for collaborator in self:
            end = collaborator.date_end or today
            collaborator._sp_step_write({"state": "ended", "date_end": end})
            open_assignments = collaborator.assignment_ids.filtered(
                lambda a, end=end: not a.date_to or a.date_to > end
            )
            for assignment in open_assignments:
                assignment.date_to = max(end, assignment.date_from)

    # ------------------------------------------------------------------ caseload
    def action_assign_area_households(self):
        """Assign, in one statement, every household of the collaborator's village that has no
        current collaborator, from today."""
        self.ensure_one()
        if self.state != "active":
            raise UserError(_("Only an active collaborator can take households (%s).", self.name))
        self.check_access("write")
        self.env["sp.collaborator.assignment"].check_access("create")
        self.env["sp.household"].check_access("read")
        self.env.flush_all()
        today = fields.Date.context_today(self)
        exclusive = self.company_id.sp_collaborator_one_per_household
        self.env.cr.execute(SQL(
            """
            INSERT INTO sp_collaborator_assignment
                   (collaborator_id, household_id, company_id, area_id, date_from, exclusive,
                    create_uid, create_date, write_uid, write_date)
            SELECT %(collaborator)s, h.id, h.company_id, h.area_id, %(today)s, %(exclusive)s,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM sp_household h
              JOIN sp_area a ON a.id = h.area_id
             WHERE a.parent_path LIKE %(path)s
               AND h.active
               AND h.company_id = %(company)s
               AND NOT EXISTS (
                    SELECT 1 FROM sp_collaborator_assignment x
                     WHERE x.household_id = h.id
                       AND (x.date_to IS NULL OR x.date_to >= %(today)s)
                       AND (x.collaborator_id = %(collaborator)s OR x.exclusive OR %(exclusive)s))
            """,
            collaborator=self.id, today=today, exclusive=exclusive, uid=self.env.uid,
            path=self.area_id.parent_path + "%", company=self.company_id.id,
        ))
        count = self.env.cr.rowcount
        self.env["sp.collaborator.assignment"].invalidate_model()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if count else "warning",
                "message": _("%(count)s households of %(area)s assigned to %(name)s.",
                             count=count, area=self.area_id.display_name, name=self.name),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_view_assignments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sp_collaborator.sp_collaborator_assignment_action"
        )
        action["domain"] = [("collaborator_id", "=", self.id)]
        action["context"] = {"default_collaborator_id": self.id, "search_default_current": 1}
        return action

    def action_view_activities(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sp_collaborator.sp_collaborator_activity_action"
        )
        action["domain"] = [("collaborator_id", "=", self.id)]
        action["context"] = {"default_collaborator_id": self.id}
        return action

    def action_create_user(self):
        """Give the collaborator a login in the Village collaborator group."""
        self.ensure_one()
        if self.user_id:
            raise UserError(_("%s already has a user.", self.name))
        login = self.email or self.phone or self.code
        user = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": self.name,
            "login": login,
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "company_ids": [fields.Command.set(self.company_id.ids)],
            "groups_id": [fields.Command.set(self.env.ref("sp_base.group_collaborator").ids)],
            "action_id": self.env.ref("sp_collaborator.sp_collaborator_activity_action_my").id,
        })
        self.user_id = user
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.users",
            "res_id": user.id,
            "view_mode": "form",
        }
