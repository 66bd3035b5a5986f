from odoo import fields, models


class SpIndividual(models.Model):
    _inherit = "sp.individual"

    enrolment_ids = fields.One2many("sp.enrolment", "individual_id", string="Enrolments")
    enrolment_count = fields.Integer(compute="_compute_enrolment_count")

    def _compute_enrolment_count(self):
        data = self.env["sp.enrolment"]._read_group(
            [("individual_id", "in", self.ids)], ["individual_id"], ["__count"])
        counts = {person.id: count for person, count in data}
        for person in self:
            person.enrolment_count = counts.get(person.id, 0)

    def write(self, vals):
        res = super().write(vals)
        if vals.get("date_of_death"):
            # A death recorded in the registry (directly or by a death event) ends the
            # person's enrolments the month after, with the funeral support.
            self.env["sp.enrolment"]._sp_terminate_deceased(self)
        return res

    def action_view_enrolments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sp_programme.sp_enrolment_action")
        action["domain"] = [("individual_id", "=", self.id)]
        action["context"] = {"default_individual_id": self.id}
        return action
