import base64
import datetime
import hashlib
import math
import re

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.sp_base.tools import HEADER_ROWS, TableError, TableLimits, copy_rows, read_table

from ..tools import serial_to_date
from .sp_payment_line import MAX_AMOUNT

# Header of each field we read back, in Vietnamese (our list) or English.
RESULT_HEADERS = {
    "reference": {"mã dòng chi trả", "reference", "line reference"},
    "id_number": {"số định danh cá nhân", "personal id", "id_number"},
    "period": {"kỳ chi trả", "period"},
    "province_code": {"mã tỉnh", "province code", "province_code"},
    "amount": {"tổng số tiền", "total", "total_amount", "amount"},
    "status": {"trạng thái", "status"},
    "paid_date": {"ngày nhận", "paid date", "paid_date"},
    "receipt_ref": {"số biên nhận", "receipt", "receipt_ref", "receipt reference"},
}
PAID = {"đã nhận", "paid", "1", "x", "có", "yes", "đã chi"}
UNPAID = {"chưa nhận", "unpaid", "0", "không", "no", "chưa chi", "không nhận"}
# Rows staged per statement.
STAGE_ROWS = 20000
# A money amount written with thousands separators: 1.500.000 or 1,500,000.
GROUPED = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")
# A line reference as the list prints it: YYYYMM-<enrolment>.
REFERENCE = re.compile(r"(\d{4})(\d{2})-(\d{1,10})")
# Dates a result file may carry (a month paid, a paid date), and the Excel date serials of them.
YEARS = (1900, 2199)
SERIALS = (2, 109575)  # 1900-01-01 .. 2199-12-31 (and its fraction of a day)
# The columns of the agency's file, as its header names them (our list's headers).
COLUMNS = {"reference": "Mã dòng chi trả", "id_number": "Số định danh cá nhân",
           "period": "Kỳ chi trả", "amount": "Tổng số tiền", "status": "Trạng thái",
           "paid_date": "Ngày nhận", "receipt_ref": "Số biên nhận"}


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\x00", "").strip()


def _date(value):
    """A cell as a date; ValueError for anything that is not a date of YEARS (an Excel
    serial of 1e10, NaN, 31/02/2020, a boolean)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        if not YEARS[0] <= value.year <= YEARS[1]:
            raise ValueError(value)
        return value
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):  # an Excel date
        if not (math.isfinite(value) and SERIALS[0] <= value <= SERIALS[1]):
            raise ValueError(value)
        try:
            return serial_to_date(value)
        except (OverflowError, ValueError, TypeError):
            raise ValueError(value) from None
    text = _text(value)
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%m/%Y", "%Y-%m", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            date = datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if YEARS[0] <= date.year <= YEARS[1]:
            return date
        break
    raise ValueError(text)


def _amount(value):
    """A cell as an amount in VND; ValueError unless a finite number from 0 to MAX_AMOUNT."""
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        if isinstance(value, (int, float)):
            amount = float(value)
        else:
            text = _text(value).replace("\u00a0", " ").strip()
            if not text:
                return None
            if GROUPED.match(text):
                text = re.sub(r"[.,\s]", "", text)
            amount = float(text.replace(",", "."))
    except OverflowError:
        raise ValueError(value) from None
    if not math.isfinite(amount) or not 0 <= amount <= MAX_AMOUNT:
        raise ValueError(value)
    return amount


class SpPaymentResult(models.Model):
    """A result file from the payment agency: paid and unpaid lines of a cycle.

    Import: the file is read as a stream, staged row by row in sp.payment.result.line (a few
    set-based statements), matched to payment lines by reference (fallback: personal ID and
    month), classified, and only the rows that match exactly are applied to their lines.
    """

    _name = "sp.payment.result"
    _description = "Payment result file"
    _inherit = ["sp.step.mixin", "sp.access.mixin", "mail.thread"]
    _order = "create_date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True, sp_step=True)
    cycle_id = fields.Many2one("sp.payment.cycle", required=True, index=True, ondelete="cascade",
                               domain="[('state', 'in', ('generated', 'approved'))]")
    company_id = fields.Many2one(related="cycle_id.company_id", store=True, readonly=True,
                                 precompute=True, sp_step=True)
    area_id = fields.Many2one(related="cycle_id.area_id", store=True, readonly=True,
                              string="Province", sp_step=True)
    agency_id = fields.Many2one(
        "sp.payment.agency", index=True, default=lambda self: self.env.user.sp_payment_agency_id,
        help="The agency that reports. Rows of lines another agency pays are not applied.")
    file = fields.Binary(required=True, attachment=True)
    file_name = fields.Char()
    # written by the import step only (sp_step)
    checksum = fields.Char("Checksum (SHA-256)", readonly=True, copy=False, index=True,
                           sp_step=True)
    state = fields.Selection([("draft", "To import"), ("done", "Imported")], default="draft",
                             required=True, tracking=True, readonly=True, sp_step=True)
    line_ids = fields.One2many("sp.payment.result.line", "result_id", string="Rows")
    row_count = fields.Integer("Rows read", readonly=True, sp_step=True)
    applied_count = fields.Integer("Applied", readonly=True, sp_step=True)
    issue_count = fields.Integer("Not applied", readonly=True, sp_step=True)
    paid_count = fields.Integer("Paid", readonly=True, sp_step=True)
    unpaid_count = fields.Integer("Not collected", readonly=True, sp_step=True)
    suspended_count = fields.Integer(
        "Not collected 3 months", readonly=True, sp_step=True,
        help="Enrolments found not collected three consecutive months by this import.")

    @api.depends("cycle_id", "file_name")
    def _compute_name(self):
        for result in self:
            result.name = "%s - %s" % (result.cycle_id.name or "", result.file_name or "")

    def write(self, vals):
        if not self.env.su:
            self.check_access("write")  # the access rights' refusal first, then the steps'
        if set(vals) & {"file", "cycle_id", "agency_id"} and self.filtered(
                lambda r: r.state == "done"):
            raise UserError(_("An imported result file cannot be changed: upload a new one."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        # its rows were applied to the lines, which point at them: the file is the evidence
        if self.filtered(lambda r: r.state == "done"):
            raise UserError(_("An imported result file cannot be deleted."))

    # ------------------------------------------------------------------ reading
    def _sp_table(self, data):
        """The rows of the first sheet (XLSX) or of the CSV file, by the suite's reader of
        uploaded tables (sp_base: upload limits, errors naming the sheet, row and column)."""
        try:
            return read_table(data, self.file_name, limits=TableLimits.from_env(self.env))
        except TableError as err:
            raise UserError(self._sp_file_error(err)) from None

    def _sp_file_error(self, err):
        """The message of a file the reader refused, in the user's language."""
        text = err.translate(self.env.lang)
        if err.code == "workbook":
            return "%s %s" % (_("The file cannot be read as an XLSX workbook."), text)
        if err.code in ("encoding", "kind"):
            return "%s %s" % (_("The file is neither an XLSX workbook nor a UTF-8 CSV file: save "
                                "it as 'Excel workbook' or 'CSV UTF-8'."), text)
        return text

    def _sp_read_rows(self, data):
        """(row number, {field: raw value}) for every data row, streamed; the header row is
        the first of the first HEADER_ROWS (20) that names a reference or a personal ID
        column. A file the reader refuses (limits, a damaged cell) is a UserError naming the
        row and column; nothing is written."""
        table = self._sp_table(data)
        try:
            rows = iter(table)
            columns = None
            for index, (_number, row) in enumerate(rows, 1):
                headers = [_text(c).lower() for c in row]
                found = {key: headers.index(h) for key, names in RESULT_HEADERS.items()
                         for h in headers if h in names}
                if "reference" in found or "id_number" in found:
                    columns = found
                    break
                if index >= HEADER_ROWS:
                    break
            if columns is None:
                raise UserError(_("No header row with a line reference (Mã dòng chi trả) or a "
                                  "personal ID (Số định danh cá nhân) column was found in the "
                                  "first %s rows.", HEADER_ROWS))
            missing = [k for k in ("amount", "status") if k not in columns]
            if missing:
                labels = {"amount": _("Total (Tổng số tiền)"), "status": _("Status (Trạng thái)")}
                raise UserError(_("Missing columns: %s.", ", ".join(labels[k] for k in missing)))
            for number, row in rows:
                if not any(_text(c) for c in row):
                    continue
                size = len(row)
                yield number, {key: row[col] if col < size else None
                               for key, col in columns.items()}
        except TableError as err:
            raise UserError(self._sp_file_error(err)) from None
        finally:
            table.close()

    def _sp_parse(self, number, raw):
        """A typed staging row; an unreadable value makes the row 'invalid' with a message
        naming the row and the column (never an error for the whole file)."""
        row = {"row_number": number, "reference": _text(raw.get("reference")) or None,
               "id_number": _text(raw.get("id_number")) or None,
               "province_code": _text(raw.get("province_code")) or None,
               "receipt_ref": _text(raw.get("receipt_ref")) or None, "period": None,
               "paid_date": None, "reported_amount": None, "status": None,
               "match_state": None, "message": None, "ref_period": None, "ref_enrolment": None}
        problems = []

        def shown(key):
            return _text(raw.get(key))[:40]

        found = REFERENCE.fullmatch(row["reference"] or "")
        if found:
            year, month, enrolment = (int(g) for g in found.groups())
            if 1 <= month <= 12 and YEARS[0] <= year <= YEARS[1]:
                row["ref_period"] = datetime.date(year, month, 1)
                row["ref_enrolment"] = enrolment
            else:
                problems.append(_("column %(column)s: the reference '%(value)s' has no valid "
                                  "month (YYYYMM-number)", column=COLUMNS["reference"],
                                  value=shown("reference")))
        try:
            row["reported_amount"] = _amount(raw.get("amount"))
        except ValueError:
            problems.append(_("column %(column)s: the amount '%(value)s' is not a number from "
                              "0 to %(maximum)s", column=COLUMNS["amount"], value=shown("amount"),
                              maximum=format(MAX_AMOUNT, ",.0f")))
        for key in ("period", "paid_date"):
            try:
                row[key] = _date(raw.get(key))
            except ValueError:
                problems.append(_("column %(column)s: the date '%(value)s' cannot be read (a day "
                                  "from %(first)s to %(last)s, e.g. 15/01/2025)",
                                  column=COLUMNS[key], value=shown(key), first=YEARS[0],
                                  last=YEARS[1]))
        status = _text(raw.get("status")).lower()
        if status in PAID:
            row["status"] = "paid"
        elif status in UNPAID:
            row["status"] = "unpaid"
        else:
            problems.append(_("column %(column)s: the status must be 'Đã nhận' or 'Chưa nhận', "
                              "not '%(value)s'", column=COLUMNS["status"], value=status[:40]))
        if not row["reference"] and not row["id_number"]:
            problems.append(_("neither a line reference nor a personal ID"))
        if row["period"]:
            row["period"] = row["period"].replace(day=1)
        if problems:
            row.update(match_state="invalid", message=_(
                "Row %(row)s: %(problems)s.", row=number, problems="; ".join(problems)))
        return row

    # ------------------------------------------------------------------ import
    def action_import(self):
        for result in self:
            result._sp_import()
        return True

    def _sp_import(self):
        self.ensure_one()
        self.check_access("write")
        cycle = self.cycle_id.sudo()
        user = self.env.user
        if user._sp_is_payment_agency() and self.agency_id != user.sp_payment_agency_id:
            raise AccessError(_("You may only upload results for your own agency."))
        if self.state == "done":
            raise UserError(_("This file was already imported."))
        if cycle.state not in ("generated", "approved"):
            raise UserError(_("Results are imported into a cycle with approved batches, not "
                              "into %(name)s (%(state)s).", name=cycle.name, state=dict(
                                  cycle._fields["state"]._description_selection(self.env))[
                                  cycle.state]))
        data = base64.b64decode(self.with_context(bin_size=False).file or b"")
        if not data:
            raise UserError(_("Upload the agency's result file first."))
        checksum = hashlib.sha256(data).hexdigest()
        # the office's earlier files only; who and which file only when the user may read it
        previous = self.sudo().search([("checksum", "=", checksum), ("state", "=", "done"),
                                       ("company_id", "=", cycle.company_id.id),
                                       ("id", "!=", self.id)], limit=1)
        if previous and not previous.with_env(self.env).has_access("read"):
            raise UserError(_("This file was already imported: nothing was changed."))
        if previous:
            log = self.env["sp.payment.file.log"].sudo().search(
                [("result_id", "=", previous.id), ("kind", "=", "import")], limit=1)
            raise UserError(_("This file was already imported on %(date)s by %(user)s (%(name)s): "
                              "nothing was changed.", date=log.create_date or previous.write_date,
                              user=(log.user_id or previous.create_uid).name, name=previous.name))
        cycle._sp_lock()
        self.env.flush_all()
        result = self.sudo()
        rows = result._sp_stage(self._sp_read_rows(data))
        if not rows:
            raise UserError(_("The file has no data rows."))
        result._sp_match(cycle)
        counts = result._sp_counts()
        usable = counts.get("matched", 0) + counts.get("already", 0)
        elsewhere = counts.get("province", 0) + counts.get("period", 0)
        if not usable and elsewhere:
            raise UserError(_("This file is for another province or month than cycle %(name)s "
                              "(%(count)s of %(rows)s rows): nothing was imported.",
                              name=cycle.name, count=elsewhere, rows=rows))
        result._sp_apply()
        cycle._sp_update_totals()
        self.env["sp.payment.batch"].sudo().search([
            ("cycle_id", "=", cycle.id), ("state", "in", ("approved", "exported")),
            ("pending_count", "=", 0), ("line_count", ">", 0),
        ]).write({"state": "reported"})
        suspended = cycle._sp_non_collection()
        issues = sum(n for key, n in counts.items()
                     if key not in ("matched", "already", "paid", "unpaid"))
        result.write({
            "checksum": checksum, "state": "done", "row_count": rows,
            "applied_count": counts.get("matched", 0), "issue_count": issues,
            "paid_count": counts.get("paid", 0), "unpaid_count": counts.get("unpaid", 0),
            "suspended_count": len(suspended),
        })
        self.env["sp.payment.file.log"].sudo().create({
            "kind": "import", "cycle_id": cycle.id, "result_id": self.id,
            "area_id": cycle.area_id.id,
            "file_name": self.file_name, "checksum": checksum, "row_count": rows,
            "user_id": self.env.uid,
        })
        self._message_log(body=_("%(applied)s rows applied (%(paid)s paid, %(unpaid)s not "
                                 "collected), %(already)s already applied, %(issues)s not applied; "
                                 "%(suspended)s enrolments not collected for 3 months.",
                                 applied=counts.get("matched", 0), paid=counts.get("paid", 0),
                                 unpaid=counts.get("unpaid", 0), already=counts.get("already", 0),
                                 issues=issues, suspended=len(suspended)))

    def _sp_stage(self, raw_rows):
        """Parse the rows into a temporary table (COPY, STAGE_ROWS at a time); returns their
        number. Matching works there; the classified rows are then written once (_sp_match)."""
        keys = ["row_number", "reference", "id_number", "province_code", "period",
                "reported_amount", "status", "paid_date", "receipt_ref", "match_state", "message",
                "ref_period", "ref_enrolment"]
        cr = self.env.cr
        cr.execute("DROP TABLE IF EXISTS sp_payment_result_stage")
        cr.execute("""
            CREATE TEMP TABLE sp_payment_result_stage (
                row_number int, reference varchar, id_number varchar, province_code varchar,
                period date, reported_amount numeric, status varchar, paid_date date,
                receipt_ref varchar, match_state varchar, message varchar, line_id int,
                code varchar, ref_period date, ref_enrolment bigint, line_area int
            ) ON COMMIT DROP
        """)
        total = copy_rows(cr, "sp_payment_result_stage", keys, (
            [row[key] for key in keys]
            for row in (self._sp_parse(number, raw) for number, raw in raw_rows)),
            batch=STAGE_ROWS)
        cr.execute("ANALYZE sp_payment_result_stage")
        return total

    def _sp_messages(self):
        """(code, match state, message) of each reason a row is or is not applied."""
        return [
            ("province", "province", _("The row is for another province.")),
            ("period", "period", _("The row is for another month than the cycle.")),
            ("no_ref", "unknown", _("No payment line has this reference.")),
            ("no_id", "unknown", _("No payment line of this month has this personal ID.")),
            ("not_sent", "unknown", _("The line is in a batch not approved yet: it was never sent "
                                      "to the agency.")),
            ("agency", "agency", _("The line is paid by another agency.")),
            ("twice_file", "paid_twice", _("The line appears more than once in the file.")),
            ("twice_paid", "paid_twice", _("The line was already reported paid with another "
                                           "receipt.")),
            ("already", "already", _("Already applied by an earlier file.")),
            ("paid_unpaid", "conflict", _("The line was already reported paid; the file says it "
                                          "was not collected.")),
            ("carried", "conflict", _("The line was not collected and its amount was carried "
                                      "forward to a later month: it cannot be paid now.")),
            ("cancelled", "conflict", _("The line was cancelled.")),
            ("amount", "amount", _("The amount differs from the amount of the line.")),
            ("matched", "matched", None),
        ]

    def _sp_match(self, cycle):
        """Find each staged row's payment line, classify it and write the rows of the file,
        in four statements."""
        self.env.flush_all()
        params = {"result": self.id, "company": cycle.company_id.id, "period": cycle.period,
                  "cycle": cycle.id, "province": cycle.area_id.code or "",
                  "agency": self.agency_id.id or None, "area": cycle.area_id.id}
        cr = self.env.cr
        # 1. by line reference (its month and enrolment, read by _sp_parse), anywhere: to
        #    recognise another province's or another month's lines
        cr.execute(SQL("""
            UPDATE sp_payment_result_stage r SET line_id = l.id
              FROM sp_payment_line l
             WHERE r.match_state IS NULL AND r.ref_enrolment IS NOT NULL
               AND l.enrolment_id = r.ref_enrolment AND l.period = r.ref_period
        """))
        # 2. fallback for rows without a reference: the personal ID printed on the cycle's list
        cr.execute(SQL("""
            UPDATE sp_payment_result_stage r SET line_id = l.id
              FROM sp_payment_line l
             WHERE r.match_state IS NULL AND r.line_id IS NULL AND r.reference IS NULL
               AND l.cycle_id = %(cycle)s AND l.id_number = r.id_number
        """, **params))
        # 3. classify: the first reason that applies wins
        cr.execute(SQL("""
            WITH ranked AS (
                SELECT r.row_number,
                       ROW_NUMBER() OVER (PARTITION BY r.line_id ORDER BY r.row_number) AS nth
                  FROM sp_payment_result_stage r
                 WHERE r.line_id IS NOT NULL AND r.match_state IS NULL
            )
            UPDATE sp_payment_result_stage r SET code = CASE
                    WHEN r.province_code IS NOT NULL AND r.province_code <> %(province)s
                         THEN 'province'
                    WHEN r.period IS NOT NULL AND r.period <> %(period)s THEN 'period'
                    WHEN r.line_id IS NULL AND r.reference IS NOT NULL THEN 'no_ref'
                    WHEN r.line_id IS NULL THEN 'no_id'
                    WHEN l.company_id <> %(company)s THEN 'province'
                    WHEN l.period <> %(period)s THEN 'period'
                    WHEN b.id IS NULL OR b.state = 'draft' THEN 'not_sent'
                    WHEN %(agency)s::int IS NOT NULL AND b.agency_id IS DISTINCT FROM %(agency)s::int
                         THEN 'agency'
                    WHEN ranked.nth > 1 THEN 'twice_file'
                    WHEN l.state = 'paid' AND r.status = 'paid'
                         AND l.receipt_ref IS NOT DISTINCT FROM r.receipt_ref THEN 'already'
                    WHEN l.state = 'paid' AND r.status = 'paid' THEN 'twice_paid'
                    WHEN l.state = 'paid' THEN 'paid_unpaid'
                    WHEN l.state = 'carried' AND r.status = 'unpaid' THEN 'already'
                    WHEN l.state = 'carried' THEN 'carried'
                    WHEN l.state = 'cancelled' THEN 'cancelled'
                    WHEN r.reported_amount IS NULL
                         OR ROUND(r.reported_amount) <> ROUND(l.total_amount::numeric) THEN 'amount'
                    WHEN l.state = 'unpaid' AND r.status = 'unpaid' THEN 'already'
                    ELSE 'matched' END,
                   line_area = l.area_id
              FROM sp_payment_result_stage r2
              LEFT JOIN sp_payment_line l ON l.id = r2.line_id
              LEFT JOIN sp_payment_batch b ON b.id = l.batch_id
              LEFT JOIN ranked ON ranked.row_number = r2.row_number
             WHERE r.row_number = r2.row_number AND r2.match_state IS NULL
        """, **params))
        # 4. the rows of the file, once; a line of another province or agency is not linked;
        #    a row's area is its line's (the area rule of the commune's staff), else the
        #    province's
        codes = SQL(", ").join(SQL("(%s, %s, %s)", *m) for m in self._sp_messages())
        cr.execute(SQL("""
            INSERT INTO sp_payment_result_line (result_id, company_id, area_id, row_number,
                   reference, id_number, province_code, period, reported_amount, status,
                   paid_date, receipt_ref, match_state, message, line_id)
            SELECT %(result)s, %(company)s,
                   CASE WHEN m.state IN ('province', 'agency') THEN %(area)s
                        ELSE COALESCE(r.line_area, %(area)s) END,
                   r.row_number, r.reference, r.id_number,
                   r.province_code, r.period, r.reported_amount, r.status, r.paid_date,
                   r.receipt_ref, COALESCE(r.match_state, m.state), COALESCE(r.message, m.message),
                   CASE WHEN m.state IN ('province', 'agency') THEN NULL ELSE r.line_id END
              FROM sp_payment_result_stage r
              LEFT JOIN (VALUES %(codes)s) AS m(code, state, message) ON m.code = r.code
             ORDER BY r.row_number
        """, codes=codes, **params))
        cr.execute("DROP TABLE sp_payment_result_stage")
        self.env["sp.payment.result.line"].invalidate_model()

    def _sp_counts(self):
        self.env.cr.execute(SQL("""
            SELECT match_state, COUNT(*) FROM sp_payment_result_line
             WHERE result_id = %s GROUP BY match_state
            UNION ALL
            SELECT status, COUNT(*) FROM sp_payment_result_line
             WHERE result_id = %s AND match_state = 'matched' GROUP BY status
        """, self.id, self.id))
        return dict(self.env.cr.fetchall())

    def _sp_apply(self):
        self.env.cr.execute(SQL("""
            UPDATE sp_payment_line l
               SET state = r.status,
                   paid_date = CASE WHEN r.status = 'paid' THEN COALESCE(r.paid_date, l.period) END,
                   receipt_ref = r.receipt_ref, result_line_id = r.id
              FROM sp_payment_result_line r
             WHERE r.result_id = %s AND r.match_state = 'matched' AND l.id = r.line_id
        """, self.id))
        self.env["sp.payment.line"].invalidate_model()

    def action_view_issues(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sp_payment.sp_payment_result_line_action"
        )
        action["domain"] = [("result_id", "=", self.id)]
        return action
