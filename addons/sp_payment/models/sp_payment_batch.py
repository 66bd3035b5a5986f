import csv
import datetime
import hashlib
import io

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.sp_base.tools import SpXlsxWriter, csv_safe

from .sp_payment_agency import METHODS
from .sp_payment_line import reference_sql

# The agency payment list: DOMAIN.md section 6, in the order the agency prints it.
LIST_COLUMNS = [
    ("reference", "Mã dòng chi trả", "text", 18),
    ("period", "Kỳ chi trả", "date", 11),
    ("province_code", "Mã tỉnh", "text", 8),
    ("commune_code", "Mã xã", "text", 8),
    ("village", "Thôn/tổ", "text", 18),
    ("id_number", "Số định danh cá nhân", "text", 15),
    ("beneficiary_name", "Họ và tên", "text", 26),
    ("birthdate", "Ngày sinh", "date", 11),
    ("gender", "Giới tính", "text", 8),
    ("category_code", "Diện hưởng", "text", 9),
    ("coefficient", "Hệ số", "float", 7),
    ("standard_level", "Mức chuẩn", "money", 11),
    ("amount", "Số tiền hằng tháng", "money", 13),
    ("arrears_amount", "Truy lĩnh", "money", 12),
    ("one_off_amount", "Trợ cấp một lần", "money", 12),
    ("carried_amount", "Tháng trước chưa nhận", "money", 12),
    ("total_amount", "Tổng số tiền", "money", 13),
    ("method", "Hình thức chi trả", "text", 14),
    ("account_number", "Số tài khoản", "text", 16),
    ("recipient_name", "Người nhận thay", "text", 18),
    ("state", "Trạng thái", "text", 12),
    ("paid_date", "Ngày nhận", "date", 11),
    ("receipt_ref", "Số biên nhận", "text", 14),
    ("signature", "Ký nhận", "text", 16),
]
GENDER_VI = {"male": "Nam", "female": "Nữ"}
METHOD_VI = {
    "cash_point": "Tiền mặt tại điểm chi trả", "cash_home": "Tiền mặt tại nhà",
    "bank": "Tài khoản ngân hàng", "ewallet": "Ví điện tử",
}
STATE_VI = {"pending": "Chưa chi", "paid": "Đã nhận", "unpaid": "Chưa nhận",
            "carried": "Chuyển kỳ sau", "cancelled": "Hủy"}
PAGE = 5000


def _csv_value(value):
    """A CSV cell as Vietnamese users type it: dd/mm/yyyy dates, whole dong without decimals,
    text that a spreadsheet program will not run as a formula."""
    if value is None or value is False:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return csv_safe(value)


class SpPaymentBatch(models.Model):
    """The lines of one commune, pay point and method in a cycle. Everything on it is written
    by the cycle's steps (generation, approval, export, results, closing): sp_step fields."""

    _name = "sp.payment.batch"
    _description = "Payment batch"
    _inherit = ["sp.step.mixin", "sp.access.mixin", "mail.thread"]
    _order = "cycle_id desc, name"

    name = fields.Char(required=True, readonly=True, copy=False, sp_step=True)
    cycle_id = fields.Many2one("sp.payment.cycle", required=True, index=True, ondelete="cascade",
                               sp_step=True)
    period = fields.Date(related="cycle_id.period", store=True, sp_step=True)
    company_id = fields.Many2one(sp_step=True)
    area_id = fields.Many2one(string="Commune", sp_step=True)
    point_id = fields.Many2one("sp.payment.point", string="Pay point", index=True, sp_step=True)
    method = fields.Selection(METHODS, required=True, sp_step=True)
    agency_id = fields.Many2one("sp.payment.agency", index=True, sp_step=True)
    contract_id = fields.Many2one("sp.payment.contract", index=True, sp_step=True)
    state = fields.Selection(
        [("draft", "Draft"), ("approved", "Approved"), ("exported", "Sent to the agency"),
         ("reported", "Reported"), ("closed", "Closed")],
        default="draft", required=True, index=True, tracking=True, sp_step=True,
    )
    line_ids = fields.One2many("sp.payment.line", "batch_id", string="Payment lines")
    line_count = fields.Integer("Lines", readonly=True, sp_step=True)
    total_amount = fields.Float("Total", digits=(16, 0), readonly=True, sp_step=True)
    paid_amount = fields.Float("Paid", digits=(16, 0), readonly=True, sp_step=True)
    unpaid_amount = fields.Float("Not collected", digits=(16, 0), readonly=True, sp_step=True)
    pending_count = fields.Integer("Lines without result", readonly=True, sp_step=True)
    # four eyes, as on the cycle: who prepared the batch's lines and who approved them
    generated_by = fields.Many2one("res.users", readonly=True, copy=False, sp_step=True)
    approved_by = fields.Many2one("res.users", readonly=True, copy=False, sp_step=True)
    approved_date = fields.Datetime(readonly=True, copy=False, sp_step=True)
    export_checksum = fields.Char("List checksum (SHA-256)", readonly=True, copy=False,
                                  sp_step=True)
    export_date = fields.Datetime(readonly=True, copy=False, sp_step=True)
    log_ids = fields.One2many("sp.payment.file.log", "batch_id", string="File log")

    _sql_constraints = [
        ("four_eyes", "CHECK(approved_by IS NULL OR approved_by <> generated_by)",
         "A payment batch is approved by another user than the one who generated it."),
    ]

    def init(self):
        # One open (draft) batch per commune, pay point and method in a cycle; line generation
        # relies on it to file late lines into a new draft batch, never into an approved one.
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS sp_payment_batch_draft_uniq
                ON sp_payment_batch (cycle_id, area_id, COALESCE(point_id, 0), method)
             WHERE state = 'draft'
        """)

    def write(self, vals):
        if not self.env.su:
            self.check_access("write")  # the access rights' refusal first, then the steps'
        return super().write(vals)

    def _check_agency_user(self):
        """An agency user may only touch the batches of their own agency (the record rules
        say so too; this gives the clear message)."""
        user = self.env.user
        if user._sp_is_payment_agency() and any(
                batch.agency_id != user.sp_payment_agency_id for batch in self):
            raise AccessError(_("This batch belongs to another payment agency."))

    def _list_rows(self):
        """Rows of the agency list, streamed from the database one page at a time."""
        self.ensure_one()
        self.env["sp.payment.line"].flush_model()
        last_id = 0
        while True:
            rows = self.env.execute_query_dict(SQL("""
                SELECT l.id, %s AS reference, l.period, prov.code AS province_code,
                       COALESCE(commune.code, area.code) AS commune_code,
                       CASE WHEN area.level = 'village' THEN area.name END AS village,
                       l.id_number, l.beneficiary_name, l.birthdate, l.gender, l.category_code,
                       l.coefficient, l.standard_level, l.amount, l.arrears_amount,
                       l.one_off_amount, l.carried_amount, l.total_amount, l.method,
                       l.account_number, l.recipient_name, l.state, l.paid_date, l.receipt_ref
                  FROM sp_payment_line l
                  LEFT JOIN sp_area area ON area.id = l.area_id
                  LEFT JOIN sp_area commune ON commune.id = area.parent_id AND area.level = 'village'
                  LEFT JOIN sp_area prov ON prov.id = area.province_id
                 WHERE l.batch_id = %s AND l.id > %s
                 ORDER BY l.id
                 LIMIT %s
            """, reference_sql(SQL("l.period"), SQL("l.enrolment_id")), self.id, last_id, PAGE))
            if not rows:
                return
            for row in rows:
                row["gender"] = GENDER_VI.get(row["gender"], "")
                row["method"] = METHOD_VI.get(row["method"], "")
                row["state"] = STATE_VI.get(row["state"], "")
                row["signature"] = ""
                yield [row[key] for key, _header, _kind, _width in LIST_COLUMNS]
            last_id = rows[-1]["id"]

    def _export_xlsx(self, path=None):
        """The list with the suite's XLSX writer (constant memory, typed columns, text stays
        text). Rows go straight to the worksheet, one typed call per non-empty cell: the list
        has 24 columns and a batch may have 100,000 lines."""
        self.ensure_one()
        with SpXlsxWriter(path) as book:
            title = "Danh sách chi trả %s - %s" % (self.period.strftime("%m/%Y"), self.name)
            sheet = book.add_sheet(
                self.name, [(header, kind, width) for _key, header, kind, width in LIST_COLUMNS],
                title=title,
            )
            worksheet = sheet.sheet
            cells = []
            for _key, _header, kind, _width in LIST_COLUMNS:
                if kind in ("int", "money", "float"):
                    cells.append((worksheet.write_number, book.formats[kind], None))
                elif kind in ("date", "datetime"):
                    cells.append((worksheet.write_datetime, book.formats[kind], None))
                else:
                    cells.append((worksheet.write_string, book.formats[kind], str))
            row_number = sheet.row
            for row in self._list_rows():
                for col, value in enumerate(row):
                    if value is None or value is False or value == "":
                        continue
                    write, cell_format, convert = cells[col]
                    write(row_number, col, convert(value) if convert else value, cell_format)
                row_number += 1
        return book.getvalue()

    def _export_csv(self):
        self.ensure_one()
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([header for _key, header, _kind, _width in LIST_COLUMNS])
        for row in self._list_rows():
            writer.writerow([_csv_value(v) for v in row])
        return out.getvalue().encode("utf-8-sig")

    def action_export(self, file_format="xlsx"):
        """Write the agency list, record its checksum and log the export."""
        self.ensure_one()
        self.check_access("read")
        self._check_agency_user()
        if self.state == "draft":
            raise UserError(_("Batch %s must be approved before it is sent to the agency.", self.name))
        data = self._export_xlsx() if file_format == "xlsx" else self._export_csv()
        checksum = hashlib.sha256(data).hexdigest()
        filename = "%s.%s" % (self.name, file_format)
        attachment = self.env["ir.attachment"].sudo().create({
            "name": filename, "raw": data, "res_model": self._name, "res_id": self.id,
        })
        vals = {"export_checksum": checksum, "export_date": fields.Datetime.now()}
        if self.state == "approved":
            vals["state"] = "exported"
        self.sudo().write(vals)
        self.env["sp.payment.file.log"].sudo().create({
            "batch_id": self.id, "cycle_id": self.cycle_id.id, "area_id": self.area_id.id,
            "kind": "export",
            "file_name": filename, "checksum": checksum, "row_count": self.line_count,
            "attachment_id": attachment.id, "user_id": self.env.uid,
        })
        return {
            "type": "ir.actions.act_url",
            "url": "/web/content/%s?download=true" % attachment.id,
            "target": "self",
        }

    def action_export_csv(self):
        return self.action_export("csv")

    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sp_payment.sp_payment_line_action")
        action["domain"] = [("batch_id", "=", self.id)]
        return action
