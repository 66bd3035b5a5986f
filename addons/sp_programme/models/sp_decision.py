from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

DECISION_TYPES = [
    ("grant", "Grant"),
    ("adjust", "Adjustment"),
    ("suspend", "Suspension"),
    ("resume", "Resumption"),
    ("terminate", "Termination"),
]


class SpDecision(models.Model):
    """A signed decision of the commune People's Committee chairman: one number, one date, one
    signer and one scan for every beneficiary it lists."""

    _name = "sp.decision"
    _description = "Decision"
    _inherit = ["sp.step.mixin", "sp.input.mixin", "sp.access.mixin", "mail.thread"]
    _order = "decision_date desc, id desc"

    name = fields.Char("Decision number", required=True, tracking=True)
    decision_date = fields.Date(required=True, tracking=True)
    signer = fields.Char(required=True, tracking=True, help="Name and title of the signer.")
    decision_type = fields.Selection(DECISION_TYPES, required=True, default="grant", tracking=True)
    programme_id = fields.Many2one("sp.programme", required=True, index=True)
    area_id = fields.Many2one(tracking=True)
    scan = fields.Binary("Signed scan", attachment=True)
    scan_filename = fields.Char()
    enrolment_ids = fields.Many2many(
        "sp.enrolment", "sp_decision_sp_enrolment_rel", "decision_id", "enrolment_id",
        string="Enrolments", sp_step=True)
    enrolment_count = fields.Integer(compute="_compute_enrolment_count")
    note = fields.Text()

    # What was signed: fixed once the decision has decided an enrolment.
    _SIGNED_FIELDS = {"name", "decision_date", "signer", "decision_type", "programme_id",
                      "area_id", "company_id"}

    def write(self, vals):
        if not self.env.su and self._SIGNED_FIELDS & set(vals):
            used = self.filtered("enrolment_ids")
            if used:
                raise UserError(_(
                    "Decision %s has decided enrolments: what was signed (number, date, signer, "
                    "type, programme, area) is not changed; record a new decision instead.",
                    used[0].name))
        return super().write(vals)

    @api.depends("enrolment_ids")
    def _compute_enrolment_count(self):
        for decision in self:
            decision.enrolment_count = len(decision.enrolment_ids)

    @api.constrains("decision_date")
    def _check_date(self):
        today = fields.Date.context_today(self)
        for decision in self:
            if decision.decision_date > today:
                raise ValidationError(_("Decision %(number)s is dated in the future (%(date)s).",
                                        number=decision.name, date=decision.decision_date))

    def _sp_check_dates(self, enrolments):
        """A decision cannot predate the applications it decides, nor decide another
        programme's."""
        self.ensure_one()
        for enrolment in enrolments:
            if enrolment.programme_id != self.programme_id:
                raise ValidationError(_(
                    "Decision %(number)s is for %(programme)s, not for %(other)s.",
                    number=self.name, programme=self.programme_id.name,
                    other=enrolment.programme_id.name))
            if self.decision_date < enrolment.application_date:
                raise ValidationError(_(
                    "Decision %(number)s is dated %(date)s, before the application of %(name)s "
                    "(%(applied)s).", number=self.name, date=self.decision_date,
                    name=enrolment._sp_beneficiary_name(), applied=enrolment.application_date))

    def action_view_enrolments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sp_programme.sp_enrolment_action")
        action["domain"] = [("id", "in", self.enrolment_ids.ids)]
        return action
