from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# The most a term may pay in a month (VND), as the database's check says.
MAX_TERM_AMOUNT = 1_000_000_000


class SpCollaboratorAllowanceTerm(models.Model):
    """Effective-dated allowance terms: a province office's default rates, or one collaborator's.

    The terms that apply to a month are the collaborator's own when some are in force that month,
    else the office's; among several in force, the latest start wins.
    """

    _name = "sp.collaborator.allowance.term"
    _description = "Collaborator allowance terms"
    _inherit = ["sp.input.mixin"]
    _order = "date_from desc, id desc"
    _sp_bounds = dict.fromkeys(("monthly_base", "per_visit_amount", "cap_amount"),
                               (0, MAX_TERM_AMOUNT))

    company_id = fields.Many2one(
        "res.company", string="Province office", required=True, index=True,
        compute="_compute_company_id", store=True, readonly=False, precompute=True,
    )
    collaborator_id = fields.Many2one(
        "sp.collaborator", index=True, ondelete="cascade",
        help="Empty: the office's terms for every collaborator without terms of their own.",
    )
    # The collaborator's village, for the area rule: a commune officer reads the office's
    # terms and those of the collaborators of their communes only.
    area_id = fields.Many2one(
        "sp.area", string="Area", related="collaborator_id.area_id", store=True, index=True,
    )
    date_from = fields.Date("Valid from", required=True)
    date_to = fields.Date("Valid until")
    currency_id = fields.Many2one(related="company_id.currency_id")
    monthly_base = fields.Monetary("Monthly base amount", required=True, default=0.0)
    per_visit_amount = fields.Monetary("Amount per visit", required=True, default=0.0)
    cap_amount = fields.Monetary(
        "Monthly cap", default=0.0, help="The most paid in a month; 0 means no cap."
    )
    legal_source = fields.Char("Legal source", help="Decision of the province that sets these rates.")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("dates_check", "CHECK(date_to IS NULL OR date_to >= date_from)",
         "Terms cannot end before they start."),
        # Bounded above as well: in PostgreSQL NaN is larger than every number.
        ("amounts_check",
         "CHECK(monthly_base BETWEEN 0 AND 1000000000 AND per_visit_amount BETWEEN 0 AND 1000000000"
         " AND COALESCE(cap_amount, 0) BETWEEN 0 AND 1000000000)",
         "Allowance amounts lie between 0 and 1,000,000,000."),
    ]

    @api.depends("collaborator_id")
    def _compute_company_id(self):
        for term in self:
            term.company_id = term.collaborator_id.company_id or term.company_id or self.env.company

    @api.depends("collaborator_id", "date_from")
    def _compute_display_name(self):
        for term in self:
            owner = term.collaborator_id.name or term.company_id.name or ""
            term.display_name = _("%(owner)s from %(date)s", owner=owner, date=term.date_from)

    @api.constrains("monthly_base", "per_visit_amount", "cap_amount")
    def _check_amounts(self):
        for term in self:
            for name in ("monthly_base", "per_visit_amount", "cap_amount"):
                if not 0 <= (term[name] or 0) <= MAX_TERM_AMOUNT:
                    raise ValidationError(_(
                        "%(field)s: an allowance amount lies between 0 and 1,000,000,000 "
                        "(%(value)s given).", field=self._fields[name]._description_string(
                            self.env), value=term[name]))

    @api.constrains("collaborator_id", "company_id", "date_from", "date_to", "active")
    def _check_unique_start(self):
        for term in self.filtered("active"):
            overlapping = self.search_count([
                ("id", "!=", term.id),
                ("company_id", "=", term.company_id.id),
                ("collaborator_id", "=", term.collaborator_id.id),
                ("date_from", "=", term.date_from),
            ], limit=1)
            if overlapping:
                raise ValidationError(_(
                    "Terms starting on %(date)s already exist for %(owner)s: edit them instead.",
                    date=term.date_from, owner=term.collaborator_id.name or term.company_id.name))
