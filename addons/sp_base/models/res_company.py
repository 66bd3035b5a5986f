from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    sp_area_id = fields.Many2one(
        "sp.area",
        string="Province area",
        domain=[("level", "=", "province"), ("scheme", "=", "2025")],
        index=True,
        help="The province this office serves. The central office has none.",
    )

    _sql_constraints = [
        ("sp_area_uniq", "unique(sp_area_id)", "A province has only one province office."),
    ]

    @api.constrains("sp_area_id")
    def _check_sp_area(self):
        for company in self.filtered("sp_area_id"):
            if company.sp_area_id.level != "province":
                raise ValidationError(
                    _("A province office serves a province, not %s.", company.sp_area_id.name)
                )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._sp_link_areas()
        return companies

    def write(self, vals):
        old_areas = self.sp_area_id if "sp_area_id" in vals else self.env["sp.area"]
        res = super().write(vals)
        if "sp_area_id" in vals:
            old_areas.sudo().write({"company_id": False})
            (old_areas - self.sp_area_id)._sp_propagate_company()
            self._sp_link_areas()
        return res

    def _sp_link_areas(self):
        areas = self.env["sp.area"]
        for company in self.filtered("sp_area_id"):
            company.sp_area_id.sudo().company_id = company
            areas |= company.sp_area_id
        areas.sudo()._sp_propagate_company()
