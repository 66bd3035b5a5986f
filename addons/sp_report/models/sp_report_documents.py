from collections import OrderedDict

from odoo import api, models

from .sp_report_layout import money


class ReportSpDecision(models.AbstractModel):
    _name = "report.sp_report.report_decision"
    _inherit = "sp.report.layout"
    _description = "Decision on monthly allowances (printed)"
    _report_model = "sp.decision"

    @api.model
    def _sp_coefficient(self, enrolment):
        day = enrolment.date_start or enrolment.decision_id.decision_date
        best = 0.0
        for band in enrolment.category_ids.band_ids:
            if band.date_from <= day and (not band.date_to or band.date_to >= day):
                best = max(best, band.coefficient)
        return best

    @api.model
    def _sp_annex(self, decision):
        rows = []
        enrolments = decision.enrolment_ids.sorted(
            lambda e: (e.area_id.name or "", e._sp_beneficiary_name() or "", e.id))
        for enrolment in enrolments:
            person = enrolment.individual_id
            rows.append({
                "name": enrolment._sp_beneficiary_name(),
                "birthdate": person.birthdate,
                "id_number": person.id_number or person.legacy_id_number or "",
                "category": ", ".join(enrolment.category_ids.mapped("code")),
                "category_name": "; ".join(enrolment.category_ids.mapped("name")),
                "coefficient": self._sp_coefficient(enrolment),
                "amount": enrolment.monthly_amount,
                "start": enrolment.date_start and enrolment.date_start.strftime("%m/%Y") or "",
                "area": enrolment.area_id.name or "",
            })
        return rows

    @api.model
    def _get_report_values(self, docids, data=None):
        values = self._sp_common_values(docids, data)
        values.update(annex=self._sp_annex,
                      total=lambda rows: money(sum(r["amount"] for r in rows)))
        return values


class ReportSpPaymentList(models.AbstractModel):
    _name = "report.sp_report.report_payment_list"
    _inherit = "sp.report.layout"
    _description = "Payment list for signatures (printed)"
    _report_model = "sp.payment.batch"

    _AMOUNTS = ("amount", "arrears_amount", "one_off_amount", "carried_amount", "total_amount")

    @api.model
    def _sp_groups(self, batch):
        """Lines of ``batch`` the viewer may read (record rules apply), by village, with
        totals: [(village, [line dicts], totals)], grand totals."""
        Line = self.env["sp.payment.line"]
        lines = Line.search_fetch(
            [("batch_id", "=", batch.id), ("state", "!=", "cancelled")],
            ["beneficiary_name", "birthdate", "gender", "id_number", "category_code",
             "area_id", "recipient_name", *self._AMOUNTS],
            order="area_id, beneficiary_name, id")
        groups = OrderedDict()
        for line in lines:
            area = line.area_id
            village = area.name if area.level == "village" else ""
            groups.setdefault((area.id, village), []).append(line)
        result = []
        grand = dict.fromkeys(self._AMOUNTS, 0.0)
        grand["count"] = 0
        for (_area_id, village), rows in groups.items():
            totals = {key: sum(line[key] for line in rows) for key in self._AMOUNTS}
            totals["count"] = len(rows)
            for key in grand:
                grand[key] += totals[key]
            result.append((village, rows, totals))
        return result, grand

    @api.model
    def _get_report_values(self, docids, data=None):
        values = self._sp_common_values(docids, data)
        values.update(groups=self._sp_groups)
        return values


class ReportSpGrievanceAck(models.AbstractModel):
    _name = "report.sp_report.report_grievance_ack"
    _inherit = "sp.report.layout"
    _description = "Grievance acknowledgement letter (printed)"
    _report_model = "sp.grievance"

    @api.model
    def _get_report_values(self, docids, data=None):
        return self._sp_common_values(docids, data)
