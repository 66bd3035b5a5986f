from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.rules import Level, level_for, vnd
from .sp_sensitive_mixin import MAX_AMOUNT, bounded_check


class SpStandardLevel(models.Model):
    """The standard level (mức chuẩn) of a programme from a date, national or for one province.

    The level of a month is the higher of the national level and the province's own level in
    force that month. A level recorded with a past date (a rise published in October that
    applies from July) makes the months already computed owe arrears.
    """

    _name = "sp.standard.level"
    _description = "Standard level"
    _inherit = ["sp.input.mixin", "mail.thread"]
    _sp_scope_fields = ()  # configuration (national or a province's), placed in no area
    _order = "programme_id, date_from desc, scope, id"
    _sp_bounds = {"amount": (0, MAX_AMOUNT)}

    programme_id = fields.Many2one(
        "sp.programme", required=True, index=True, ondelete="cascade", tracking=True)
    date_from = fields.Date("Valid from", required=True, tracking=True)
    amount = fields.Float("Amount (VND)", digits=(16, 0), required=True, tracking=True)
    scope = fields.Selection(
        [("national", "National"), ("province", "Province")],
        required=True, default="national", tracking=True,
    )
    province_id = fields.Many2one(
        "sp.area", index=True, tracking=True, ondelete="restrict",
        domain="[('level', '=', 'province'), ('scheme', '=', '2025')]",
        help="For a provincial level: the province whose higher level applies to its people.",
    )
    legal_source = fields.Char(tracking=True)

    _sql_constraints = [
        ("scope_check",
         "CHECK((scope = 'national' AND province_id IS NULL) OR "
         "(scope = 'province' AND province_id IS NOT NULL))",
         "A provincial level needs its province; a national level has none."),
        bounded_check("amount_bounds_check", "amount", 0, MAX_AMOUNT,
                      "A standard level must be a finite amount from 0 to 100,000,000,000 VND."),
    ]


    @api.depends("programme_id", "amount", "date_from", "province_id")
    def _compute_display_name(self):
        for level in self:
            level.display_name = "%s %s: %s" % (
                level.programme_id.code or "", level.province_id.name or _("national"),
                vnd(level.amount))

    @api.constrains("amount", "province_id", "date_from", "programme_id")
    def _check_amount(self):
        """A clear message before the CHECK constraint (which stays for SQL loads)."""
        for level in self:
            if level.amount <= 0:
                raise ValidationError(_(
                    "The standard level of %(programme)s from %(date)s must be a positive "
                    "amount, not %(amount)s.", programme=level.programme_id.name,
                    date=level.date_from, amount=level.amount))
            twin = self.search_count([
                ("id", "!=", level.id), ("programme_id", "=", level.programme_id.id),
                ("province_id", "=", level.province_id.id), ("date_from", "=", level.date_from)])
            if twin:
                raise ValidationError(_(
                    "%(programme)s already has a %(scope)s level from %(date)s: change that one.",
                    programme=level.programme_id.name,
                    scope=level.province_id.name or _("national"), date=level.date_from))
            if level.province_id and level.province_id.level != "province":
                raise ValidationError(_("A provincial level belongs to a province, not to %s.",
                                        level.province_id.display_name))

    @api.onchange("scope")
    def _onchange_scope(self):
        if self.scope == "national":
            self.province_id = False

    @api.model
    def _sp_check_level_amount(self, vals):
        amount = vals.get("amount", 1)
        if not amount or (isinstance(amount, (int, float)) and not isinstance(amount, bool)
                          and amount <= 0):
            raise ValidationError(_("A standard level must be a positive amount, not %s.",
                                    amount))

    @api.model_create_multi
    def create(self, vals_list):
        # Checked before the insert, so the message is ours and not the database's.
        for vals in vals_list:
            self._sp_check_level_amount(vals)
        levels = super().create(vals_list)
        levels._sp_mark_arrears()
        return levels

    def write(self, vals):
        self._sp_check_level_amount(vals)
        before = {level.id: level.date_from for level in self}
        res = super().write(vals)
        if {"amount", "date_from", "province_id", "scope"} & set(vals):
            for level in self:
                level._sp_mark_arrears(min(before[level.id], level.date_from))
        return res

    def unlink(self):
        self._sp_mark_arrears()
        return super().unlink()

    def _sp_mark_arrears(self, date_from=None):
        for level in self:
            self.env["sp.enrolment"]._sp_mark_arrears(
                date_from or level.date_from, programme=level.programme_id,
                province=level.province_id)

    def _sp_level(self):
        self.ensure_one()
        return Level(self.amount, self.date_from, self.province_id.id or None)

    @api.model
    def _sp_level_for(self, programme, month, province):
        """The level that applies to ``programme`` in ``month`` in ``province`` (an area)."""
        levels = [level._sp_level() for level in programme.sudo().level_ids]
        return level_for(levels, month, province.id or None)
