from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .sp_household import POVERTY_STATUSES


class SpHouseholdPovertyHistory(models.Model):
    _name = "sp.household.poverty.history"
    _description = "Household poverty status of a year"
    # The household's poverty status follows its latest row: a row is the commune chairman's
    # recognition, written by the recognition step (sp_poverty's four-eyes campaign, an
    # import of the recognised list, the system administrator for legacy decisions), never by
    # one officer's plain create or write.
    _inherit = ["sp.input.mixin", "sp.step.mixin", "sp.access.mixin"]
    _order = "year desc, id desc"

    household_id = fields.Many2one(
        "sp.household", required=True, index=True, ondelete="cascade", sp_step=True,
    )
    area_id = fields.Many2one(
        related="household_id.area_id", store=True, readonly=True, precompute=True,
    )
    year = fields.Integer(required=True, aggregator=False, sp_step=True)
    status = fields.Selection(POVERTY_STATUSES, required=True, sp_step=True)
    decision_ref = fields.Char(
        "Source decision", help="Decision of the commune chairman that recognised the status.",
        sp_step=True,
    )
    decision_date = fields.Date("Decision date", sp_step=True)

    _sql_constraints = [
        ("household_year_uniq", "unique(household_id, year)",
         "A household has one poverty status per year."),
    ]

    @api.constrains("year")
    def _check_year(self):
        this_year = fields.Date.context_today(self).year
        for rec in self:
            if not 2000 <= rec.year <= this_year + 1:
                raise ValidationError(_("%s is not a plausible year of poverty review.", rec.year))

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.household_id._sp_sync_poverty_status()
        return records

    def write(self, vals):
        households = self.household_id
        res = super().write(vals)
        (households | self.household_id)._sp_sync_poverty_status()
        return res

    def unlink(self):
        households = self.household_id
        res = super().unlink()
        households.exists()._sp_sync_poverty_status()
        return res
