"""What every printed document of the suite shares: the Vietnamese administrative layout
(national motto, issuing office, number, place and date, title, signatures) and the helpers its
templates call."""
from odoo import api, fields, models

# The language every printed document is rendered in when it is installed: the documents are
# Vietnamese administrative documents whatever the viewer's interface language.
DOCUMENT_LANG = "vi_VN"


def money(value):
    """VND amount the Vietnamese way: 1.250.000 (no decimals)."""
    return f"{round(value or 0):,.0f}".replace(",", ".")


class SpReportLayout(models.AbstractModel):
    """Base of the report models of sp_report: access check and the values of the layout."""

    _name = "sp.report.layout"
    _description = "Printed document layout"

    _report_model = None

    @api.model
    def _sp_lang(self):
        lang = self.env["res.lang"]._lang_get(DOCUMENT_LANG)
        return DOCUMENT_LANG if lang and lang.active else (self.env.lang or "en_US")

    @api.model
    def _sp_docs(self, docids):
        """The records to print, readable by the viewer (ACLs and record rules): a document never
        prints what its viewer may not open."""
        docs = self.env[self._report_model].browse(docids)
        docs.check_access("read")
        return docs

    @api.model
    def _sp_office(self, company, area=None):
        """(superior body, issuing office) for the header, in capitals."""
        if area and area.level in ("commune", "village"):
            commune = area if area.level == "commune" else area.parent_id
            province = commune.parent_id
            while province and province.level != "province":
                province = province.parent_id
            return ("UBND " + (province.name or "").upper(), "UBND " + (commune.name or "").upper())
        return ("", (company.name or "").upper())

    @api.model
    def _sp_date_line(self, date, place=""):
        date = fields.Date.to_date(date) if date else fields.Date.context_today(self)
        return "%sngày %02d tháng %02d năm %d" % (place + ", " if place else "", date.day,
                                                   date.month, date.year)

    @api.model
    def _sp_common_values(self, docids, data=None):
        docs = self._sp_docs(docids)
        return {
            "doc_ids": docids, "doc_model": self._report_model, "docs": docs,
            "money": money, "office_of": self._sp_office, "date_line": self._sp_date_line,
            "fmt_date": lambda d: d and fields.Date.to_date(d).strftime("%d/%m/%Y") or "",
            "doc_lang": self._sp_lang(),
        }
