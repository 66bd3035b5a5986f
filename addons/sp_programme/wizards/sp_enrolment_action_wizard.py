from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.sp_benefit_band import DISABILITY_LEVELS
from ..models.sp_enrolment import SUSPENSION_REASONS, TERMINATION_REASONS

ACTIONS = [
    ("approve", "Approve"),
    ("reject", "Reject"),
    ("adjust", "Adjust"),
    ("suspend", "Suspend"),
    ("resume", "Resume"),
    ("terminate", "Terminate"),
    ("transfer", "Transfer to another commune"),
]
DECISION_TYPES = {"approve": "grant", "adjust": "adjust", "suspend": "suspend",
                  "resume": "resume", "terminate": "terminate"}


class SpEnrolmentActionWizard(models.TransientModel):
    """One step (with its decision) on one or many enrolments: the form buttons and the list's
    mass actions open this wizard; the step itself is set-based."""

    _name = "sp.enrolment.action.wizard"
    _description = "Enrolment step"

    action = fields.Selection(ACTIONS, required=True)
    enrolment_ids = fields.Many2many("sp.enrolment", string="Enrolments", required=True)
    enrolment_count = fields.Integer(compute="_compute_enrolment_count")
    programme_id = fields.Many2one("sp.programme", compute="_compute_enrolment_count")
    needs_decision = fields.Boolean(compute="_compute_enrolment_count")
    date = fields.Date(
        "Effective date", default=fields.Date.context_today,
        help="Approve: entitled from (empty: the decision month or the category's event). "
        "Adjust, suspend, resume: first month concerned. Terminate: date of the event (the "
        "month after it is no longer paid). Transfer: last month paid here.")
    use_date = fields.Boolean("Set the start month", help="Approve: set the first month paid "
                              "instead of the default.")
    decision_id = fields.Many2one("sp.decision", string="Existing decision",
                                  domain="[('programme_id', '=', programme_id)]")
    decision_number = fields.Char()
    decision_date = fields.Date(default=fields.Date.context_today)
    decision_signer = fields.Char()
    decision_scan = fields.Binary("Signed scan")
    decision_scan_filename = fields.Char()
    suspension_reason = fields.Selection(SUSPENSION_REASONS)
    termination_reason = fields.Selection(TERMINATION_REASONS)
    pay_back = fields.Boolean("Pay the suspended months")
    reason = fields.Text("Reason / note")
    category_ids = fields.Many2many("sp.benefit.category", string="Categories",
                                    domain="[('programme_id', '=', programme_id)]")
    dependant_count = fields.Integer("Dependants")
    disability_level = fields.Selection(DISABILITY_LEVELS)
    new_area_id = fields.Many2one(
        "sp.area", string="New commune / village",
        domain="[('level', 'in', ('commune', 'village')), ('scheme', '=', '2025')]")

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if "enrolment_ids" in fields_list and not res.get("enrolment_ids"):
            ids = self.env.context.get("active_ids") or []
            res["enrolment_ids"] = [(6, 0, ids)]
            enrolments = self.env["sp.enrolment"].browse(ids)
            if len(enrolments) == 1:
                res.setdefault("category_ids", [(6, 0, enrolments.category_ids.ids)])
                res.setdefault("dependant_count", enrolments.dependant_count)
                res.setdefault("disability_level", enrolments.disability_level)
                if enrolments.individual_id.area_id != enrolments.area_id:
                    res.setdefault("new_area_id", enrolments.individual_id.area_id.id)
        return res

    @api.depends("enrolment_ids", "action")
    def _compute_enrolment_count(self):
        for wizard in self:
            enrolments = wizard.enrolment_ids
            wizard.enrolment_count = len(enrolments)
            wizard.programme_id = enrolments.programme_id[:1]
            last_stage = all(
                e.stage_id == e.programme_id.stage_ids[-1:] for e in enrolments)
            wizard.needs_decision = wizard.action == "approve" and last_stage

    def _sp_decision(self):
        """The decision of this step: the chosen one, or a new one from the fields."""
        self.ensure_one()
        if self.decision_id:
            return self.decision_id
        if not self.decision_number:
            return self.env["sp.decision"]
        programmes = self.enrolment_ids.programme_id
        if len(programmes) > 1:
            raise UserError(_("One decision decides one programme: select enrolments of a "
                              "single programme."))
        if not self.decision_signer:
            raise UserError(_("Give the signer of decision %s.", self.decision_number))
        communes = self.enrolment_ids.commune_id
        return self.env["sp.decision"].create({
            "name": self.decision_number, "decision_date": self.decision_date,
            "signer": self.decision_signer, "scan": self.decision_scan,
            "scan_filename": self.decision_scan_filename,
            "decision_type": DECISION_TYPES.get(self.action, "grant"),
            "programme_id": programmes.id,
            "area_id": communes.id if len(communes) == 1 else False,
            "company_id": self.enrolment_ids.company_id[:1].id,
        })

    def action_confirm(self):
        self.ensure_one()
        enrolments = self.enrolment_ids
        decision = self._sp_decision()
        if self.action == "approve":
            enrolments.action_approve(decision=decision,
                                      date_start=self.date if self.use_date else None)
        elif self.action == "reject":
            if not self.reason:
                raise UserError(_("Give the reason of the rejection."))
            enrolments.action_reject(self.reason)
        elif self.action == "adjust":
            enrolments.action_adjust(self.date, categories=self.category_ids,
                                     dependant_count=self.dependant_count,
                                     disability_level=self.disability_level,
                                     reason=self.reason, decision=decision or None)
        elif self.action == "suspend":
            if not self.suspension_reason:
                raise UserError(_("Give the reason of the suspension."))
            enrolments.action_suspend(self.suspension_reason, self.date, note=self.reason,
                                      decision=decision or None)
        elif self.action == "resume":
            enrolments.action_resume(self.date, pay_back=self.pay_back,
                                     decision=decision or None)
        elif self.action == "terminate":
            if not self.termination_reason:
                raise UserError(_("Give the reason of the termination."))
            enrolments.action_terminate(self.termination_reason, self.date, note=self.reason,
                                        decision=decision or None)
        elif self.action == "transfer":
            if not self.new_area_id:
                raise UserError(_("Choose the commune the person moved to."))
            new = enrolments.action_transfer(self.new_area_id, self.date)
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "sp_programme.sp_enrolment_action")
            action["domain"] = [("id", "in", (new | enrolments).ids)]
            return action
        return {"type": "ir.actions.act_window_close"}
