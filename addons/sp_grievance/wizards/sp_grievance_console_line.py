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
    # Computed, not related: the labels are this screen's, whatever the registry calls them.
    name = fields.Char("Full name", compute="_compute_person")
    birthdate = fields.Date("Birth date", compute="_compute_person")
    gender = fields.Char("Sex", compute="_compute_person")
    # Masked (last 4 digits): the console is the call-centre agent's screen.
    id_number = fields.Char("Personal ID", compute="_compute_person")
    phone = fields.Char("Phone", compute="_compute_person")
    household_id = fields.Many2one("sp.household", string="Household", compute="_compute_person")
    area_id = fields.Many2one("sp.area", string="Commune / village", compute="_compute_person")
    ticket_count = fields.Integer("Tickets", compute="_compute_ticket_count")

    @api.depends("individual_id")
    def _compute_person(self):
        genders = dict(self.env["sp.individual"]._fields["gender"]._description_selection(
            self.env))
        for line in self:
            person = line.individual_id
            line.name = person.name
            line.birthdate = person.birthdate
            line.gender = genders.get(person.gender, "")
            line.id_number = person.id_number_masked
            line.phone = person.phone
            line.household_id = person.household_id
            line.area_id = person.area_id

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
