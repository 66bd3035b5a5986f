from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class SpAccessMixin(models.AbstractModel):
    """Company and area of an operational record, the two keys of record-level access.

    A model that inherits this mixin declares two record rules in its security XML, the same for
    every model (see sp_base/README.md, "Access"):

    - ``<model>_rule_company``: ``[('company_id', 'child_of', company_ids)]``: a province office
      sees its own records; the central office, parent of every province office, sees all;
    - ``<model>_rule_area``: ``user.sp_area_ids and [('area_id', 'child_of', user.sp_area_ids.ids)]
      or []``: a user limited to some communes sees only records in those areas and below.
    """

    _name = "sp.access.mixin"
    _description = "Company and area access"

    company_id = fields.Many2one(
        "res.company",
        string="Province office",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        precompute=True,
        readonly=False,
        check_company=False,
    )
    area_id = fields.Many2one("sp.area", string="Area", index=True, ondelete="restrict")

    @api.depends("area_id")
    def _compute_company_id(self):
        for rec in self:
            rec.company_id = rec.area_id.company_id or rec.company_id or self.env.company

    @api.constrains("company_id", "area_id")
    def _check_area_company(self):
        for rec in self:
            office = rec.area_id.company_id
            if office and office != rec.company_id:
                raise ValidationError(
                    _("%(area)s belongs to %(office)s, not to %(company)s.",
                      area=rec.area_id.display_name, office=office.name,
                      company=rec.company_id.name)
                )
