from odoo import api, fields, models

MATCHES = [
    ("phone", "phone number"),
    ("id_number", "ID number"),
    ("household", "household code"),
    ("name", "name"),
]


class SpGrievanceConsoleLine(models.TransientModel):
    _name = "sp.grievance.console.line"
    _description = "Person found by the call-centre console"
    _order = "id"

    console_id = fields.Many2one("sp.grievance.console", required=True, ondelete="cascade")
    individual_id = fields.Many2one("sp.individual", string="Person", required=True)
    match = fields.Selection(MATCHES, string="Found by")
    name = fields.Char(related="individual_id.name")
    birthdate = fields.Date(related="individual_id.birthdate")
    gender = fields.Selection(related="individual_id.gender")
    id_number = fields.Char(related="individual_id.id_number")
    phone = fields.Char(related="individual_id.phone")
    household_id = fields.Many2one(related="individual_id.household_id")
    area_id = fields.Many2one(related="individual_id.area_id")
    ticket_count = fields.Integer("Tickets", compute="_compute_ticket_count")

    @api.depends("individual_id")
    def _compute_ticket_count(self):
        Ticket = self.env["sp.grievance"]
        for line in self:
            person = line.individual_id
            domain = [("individual_id", "=", person.id)]
            if person.household_id:
                domain = ["|", ("household_id", "=", person.household_id.id)] + domain
            line.ticket_count = Ticket.search_count(domain)

    def action_select(self):
        self.ensure_one()
        self.console_id._sp_select(self.individual_id)
        return True
