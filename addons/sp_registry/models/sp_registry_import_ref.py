from odoo import fields, models

from ..tools.sql import create_index


class SpHousehold(models.Model):
    """The number a household has in the province's own list, kept so that importing the same
    list again updates the household instead of registering it twice."""

    _inherit = "sp.household"

    external_ref = fields.Char(
        "Reference in the province's list", copy=False, tracking=True,
        help="The household's number in the provincial list it was imported from; unique "
        "within its commune for the import to match it.",
    )

    def init(self):
        super().init()
        create_index(self.env.cr, "sp_household_commune_external_ref", "sp_household",
                     "commune_id, external_ref", where="external_ref IS NOT NULL")
