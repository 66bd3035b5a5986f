from odoo import fields, models


class SpProgrammeStage(models.Model):
    """One approval stage of a programme's applications. Stages run in sequence; the last one
    signs the decision. Nobody approves an application they submitted, nor two stages of it."""

    _name = "sp.programme.stage"
    _description = "Approval stage"
    _order = "programme_id, sequence, id"

    programme_id = fields.Many2one("sp.programme", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    group_id = fields.Many2one(
        "res.groups", string="Approver group", required=True, ondelete="restrict",
        help="Members of this group approve at this stage.",
    )
