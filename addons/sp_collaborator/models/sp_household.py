from odoo import _, fields, models


class SpHousehold(models.Model):
    _inherit = "sp.household"

    collaborator_assignment_ids = fields.One2many(
        "sp.collaborator.assignment", "household_id", string="Collaborator assignments"
    )
    collaborator_activity_ids = fields.One2many(
        "sp.collaborator.activity", "household_id", string="Collaborator activities"
    )
    collaborator_id = fields.Many2one(
        "sp.collaborator", string="Collaborator", compute="_compute_collaborator_id",
        help="The collaborator whose caseload holds the household today.",
    )
    caseload_user_ids = fields.Many2many(
        "res.users", string="Collaborator users", compute="_compute_collaborator_id",
        search="_search_caseload_user_ids",
        help="Users of the collaborators whose current caseload holds the household: the record "
        "rule of the Village collaborator role reads it.",
    )
    last_visit_date = fields.Date("Last visit", compute="_compute_last_visit_date")

    def _current_assignment_domain(self):
        today = fields.Date.context_today(self)
        return [("date_from", "<=", today), "|", ("date_to", "=", False), ("date_to", ">=", today)]

    def _compute_collaborator_id(self):
        assignments = self.env["sp.collaborator.assignment"].sudo().search(
            [("household_id", "in", self.ids), *self._current_assignment_domain()]
        )
        for household in self:
            mine = assignments.filtered(lambda a, h=household: a.household_id == h)
            household.collaborator_id = mine[:1].collaborator_id
            household.caseload_user_ids = mine.collaborator_id.user_id

    def _search_caseload_user_ids(self, operator, value):
        """Today's caseloads, evaluated at each query: the record rule's domain stays cached per
        user while assignments start and end."""
        if operator not in ("in", "="):
            raise NotImplementedError(_("Unsupported search on collaborator users."))
        user_ids = [value] if isinstance(value, int) else list(value)
        return [("collaborator_assignment_ids", "any", [
            ("collaborator_id.user_id", "in", user_ids), *self._current_assignment_domain(),
        ])]

    def _compute_last_visit_date(self):
        data = self.env["sp.collaborator.activity"]._read_group(
            [("household_id", "in", self.ids), ("state", "=", "done")],
            ["household_id"], ["date:max"],
        )
        last = {household.id: date for household, date in data}
        for household in self:
            household.last_visit_date = last.get(household.id)

    def action_log_visit(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Log a visit"),
            "res_model": "sp.collaborator.activity",
            "view_mode": "form",
            "views": [(self.env.ref("sp_collaborator.sp_collaborator_activity_view_form").id,
                       "form")],
            "target": "current",
            "context": {"default_household_id": self.id},
        }
