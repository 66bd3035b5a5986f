from odoo import api, fields, models

from ..tools.rules import BIRTHDAY_MONTH, MONTH_AFTER
from .sp_sensitive_mixin import MAX_COEFFICIENT, bounded_check

AGE_RULES = [
    (MONTH_AFTER, "From the month after the birthday"),
    (BIRTHDAY_MONTH, "From the birthday month"),
]


class SpProgramme(models.Model):
    """A benefit programme: the law that pays (Decree 20 allowance, social pension...).

    Programmes, their categories, coefficient bands, standard levels and approval stages are
    national policy data: every role reads them, only the suite administrator changes them.
    """

    _name = "sp.programme"
    _description = "Benefit programme"
    _inherit = ["sp.input.mixin", "mail.thread"]
    _sp_scope_fields = ()  # configuration, placed in no area
    _order = "sequence, id"
    _sp_bounds = {"posting_days": (0, 366), "funeral_coefficient": (0, MAX_COEFFICIENT)}

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    legal_source = fields.Char(tracking=True, help="Decree or decision that sets the programme.")
    description = fields.Text(translate=True)
    beneficiary_type = fields.Selection(
        [("individual", "Person"), ("household", "Household")],
        required=True, default="individual", tracking=True,
    )
    age_rule = fields.Selection(
        AGE_RULES, string="Age bands change", required=True, default=MONTH_AFTER, tracking=True,
        help="When a birthday moves a person into another age band: from the month after the "
        "birthday, or from the birthday month. A category may set its own rule.",
    )
    posting_days = fields.Integer(
        "Public posting (days)", default=0, tracking=True,
        help="Days the list of applicants stays posted at the commune before the decision; 0 "
        "skips public posting.",
    )
    funeral_coefficient = fields.Float(
        "Funeral support (x standard level)", digits=(6, 2), default=0.0, tracking=True,
        help="One-off funeral support paid when a beneficiary dies, as a multiple of the "
        "standard level of the month of death; 0 when the programme pays none.",
    )
    category_ids = fields.One2many("sp.benefit.category", "programme_id", string="Categories")
    level_ids = fields.One2many("sp.standard.level", "programme_id", string="Standard levels")
    stage_ids = fields.One2many("sp.programme.stage", "programme_id", string="Approval stages")
    enrolment_count = fields.Integer(compute="_compute_enrolment_count")

    _sql_constraints = [
        ("code_uniq", "unique(code)", "A programme code must be unique."),
        ("posting_days_check", "CHECK(posting_days >= 0)",
         "The public posting period cannot be negative."),
        ("funeral_check", "CHECK(funeral_coefficient >= 0)",
         "Funeral support cannot be negative."),
        bounded_check("funeral_max_check", "funeral_coefficient", 0, MAX_COEFFICIENT,
                      "The funeral support coefficient must be a finite number up to 1,000."),
        bounded_check("posting_days_max_check", "posting_days", 0, 366,
                      "The public posting period must be from 0 to 366 days."),
    ]

    def _compute_enrolment_count(self):
        data = self.env["sp.enrolment"]._read_group(
            [("programme_id", "in", self.ids), ("state", "in", ("active", "suspended"))],
            ["programme_id"], ["__count"])
        counts = {programme.id: count for programme, count in data}
        for programme in self:
            programme.enrolment_count = counts.get(programme.id, 0)

    @api.model_create_multi
    def create(self, vals_list):
        programmes = super().create(vals_list)
        # Every programme needs at least one approval stage: the approver's decision.
        manager = self.env.ref("sp_base.group_province_manager")
        self.env["sp.programme.stage"].create([
            {"programme_id": programme.id, "name": self.env._("Decision"), "group_id": manager.id}
            for programme in programmes if not programme.stage_ids
        ])
        return programmes

    def action_view_enrolments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sp_programme.sp_enrolment_action")
        action["domain"] = [("programme_id", "=", self.id)]
        action["context"] = {"default_programme_id": self.id}
        return action
