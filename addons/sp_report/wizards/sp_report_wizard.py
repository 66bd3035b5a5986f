
from odoo import _, api, fields, models
from odoo.exceptions import UserError

# Report kinds and the model that defines each (query, dimensions, layout) once.
REPORT_KINDS = [("beneficiaries_by_category", "Beneficiaries by category")]
REPORT_MODELS = {"beneficiaries_by_category": "sp.report.beneficiaries"}


class SpReportWizard(models.TransientModel):
    _name = "sp.report.wizard"
    _description = "Statutory report"

    report_kind = fields.Selection(REPORT_KINDS, "Report", required=True,
                                   default="beneficiaries_by_category")
    area_id = fields.Many2one(
        "sp.area", "Area", domain=[("level", "in", ("province", "commune"))],
        help="A province or a commune; empty: every area you may read (the country for the "
        "central office).")
    period = fields.Date("Month", required=True, default=lambda self: fields.Date.context_today(
        self).replace(day=1), help="Any day of the month reported.")
    attachment_id = fields.Many2one("ir.attachment", readonly=True)

    @api.model
    def _sp_run(self, kind, area, period):
        model = REPORT_MODELS.get(kind)
        if not model:
            raise UserError(_("Unknown report: %s", kind))
        return self.env[model]._sp_xlsx(area, fields.Date.to_date(period).replace(day=1))

    def action_generate(self):
        self.ensure_one()
        name, data = self._sp_run(self.report_kind, self.area_id, self.period)
        attachment = self.env["ir.attachment"].create({
            "name": name, "raw": data, "res_model": self._name, "res_id": self.id,
            "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        })
        self.attachment_id = attachment
        return {
            "type": "ir.actions.act_url",
            "url": "/web/content/%s?download=true" % attachment.id,
            "target": "self",
        }
