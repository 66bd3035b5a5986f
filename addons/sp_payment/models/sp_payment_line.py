import datetime
import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from odoo.addons.sp_base.tools import drop_foreign_keys

from .sp_payment_agency import METHODS

LINE_STATES = [
    ("pending", "Pending"),
    ("paid", "Paid"),
    ("unpaid", "Not collected"),
    ("carried", "Carried forward"),
    ("cancelled", "Cancelled"),
]
# The reference of a line is its month and its enrolment: YYYYMM-0000012345.
REFERENCE = re.compile(r"\s*(\d{4})(\d{2})-(\d{1,10})\s*")
MONTH = re.compile(r"\s*(\d{4})(\d{2})-?\s*")
# Who reads the personal and bank numbers and the benefit category of payment lines and result
# rows (not the call centre, which reads a payment's month, amounts and state).
STAFF_GROUPS = "sp_base.group_commune_officer,sp_base.group_auditor,sp_payment.group_payment_agency"
# Upper bound of every amount of the module (VND): a thousand trillion dong, far above a
# province's month and far below what a float column keeps exactly. Models declare it per field
# in ``_sp_bounds`` (checked by ``sp.input.mixin``) and as CHECK constraints in the database.
MAX_AMOUNT = 10**15


def reference_sql(period, enrolment):
    """SQL expression of a line's reference from SQL expressions of its month and enrolment."""
    return SQL("to_char(%s, 'YYYYMM') || '-' || lpad((%s)::text, 10, '0')", period, enrolment)


class SpPaymentLine(models.Model):
    """One beneficiary's payment for one month: exactly one per enrolment and period.

    Lines are created set-based by the cycle (``sp.payment.cycle._sp_generate_lines``) with a
    snapshot of what the agency prints, so that the list stays as it was paid when the registry
    changes later. The table is the largest of the suite (a line per beneficiary and month):
    it keeps only the columns and indexes that generation, lists, results and access need.
    Its rows are written by generation and agency results only (both logged on the cycle, the
    batch and the result file), so it carries no create/write user and date columns.
    """

    _name = "sp.payment.line"
    _description = "Payment line"
    _inherit = ["sp.step.mixin", "sp.access.mixin"]
    _order = "batch_id, id"
    _rec_name = "reference"
    _log_access = False

    reference = fields.Char(
        compute="_compute_reference", search="_search_reference",
        help="The line's reference on the agency list: month and enrolment, YYYYMM-0000012345.",
    )
    # indexed with the batch and the line id (init): a cycle's lines are read in pages in the
    # model's order
    cycle_id = fields.Many2one("sp.payment.cycle", required=True, ondelete="cascade", sp_step=True)
    # a cycle is one office's month: its index serves the office's lines, no second index
    company_id = fields.Many2one(index=False, sp_step=True)
    area_id = fields.Many2one(sp_step=True)
    # indexed with the line id (init): the agency list is read in pages of a batch
    batch_id = fields.Many2one("sp.payment.batch", ondelete="restrict", sp_step=True)
    period = fields.Date(required=True, readonly=True, help="First day of the month paid.",
                         sp_step=True)
    # the unique (enrolment, period) index serves the searches by enrolment
    enrolment_id = fields.Many2one("sp.enrolment", required=True, ondelete="restrict", sp_step=True)
    individual_id = fields.Many2one(related="enrolment_id.individual_id")
    household_id = fields.Many2one(related="enrolment_id.household_id")
    agency_id = fields.Many2one(related="batch_id.agency_id")
    # snapshot for the agency list
    beneficiary_name = fields.Char(readonly=True, sp_step=True)
    # not for the call centre, which reads payments (month, amount, state) but no personal
    # or bank numbers
    id_number = fields.Char("Personal ID", readonly=True, sp_step=True, groups=STAFF_GROUPS)
    birthdate = fields.Date(readonly=True, sp_step=True)
    gender = fields.Selection([("male", "Male"), ("female", "Female")], readonly=True, sp_step=True)
    # the category says what a person has (K6: severe disability): not for the call centre
    category_code = fields.Char("Category", readonly=True, sp_step=True, groups=STAFF_GROUPS)
    coefficient = fields.Float(digits=(6, 2), readonly=True, sp_step=True)
    standard_level = fields.Float(digits=(16, 0), readonly=True, sp_step=True)
    method = fields.Selection(METHODS, readonly=True, sp_step=True)
    account_number = fields.Char(readonly=True, sp_step=True, groups=STAFF_GROUPS)
    recipient_name = fields.Char("Authorised recipient", help="Person who collects the benefit "
                                 "on the beneficiary's behalf.")
    # money (VND, whole dong)
    amount = fields.Float("Monthly amount", digits=(16, 0), readonly=True, sp_step=True)
    arrears_amount = fields.Float("Arrears", digits=(16, 0), readonly=True, sp_step=True)
    one_off_amount = fields.Float("One-off amount", digits=(16, 0), readonly=True, sp_step=True)
    carried_amount = fields.Float(
        "Carried forward", digits=(16, 0), readonly=True,
        help="Unpaid amounts of earlier months added to this line.", sp_step=True,
    )
    total_amount = fields.Float("Total", digits=(16, 0), readonly=True, sp_step=True)
    # result (state: indexed only where 'unpaid', see init)
    state = fields.Selection(LINE_STATES, default="pending", required=True, readonly=True,
                             sp_step=True)
    paid_date = fields.Date(readonly=True, sp_step=True)
    receipt_ref = fields.Char("Receipt reference", readonly=True, sp_step=True)
    carried_to_id = fields.Many2one("sp.payment.line", string="Carried to", readonly=True,
                                    index="btree_not_null", sp_step=True)
    result_line_id = fields.Many2one("sp.payment.result.line", readonly=True,
                                     index="btree_not_null", sp_step=True)

    _sql_constraints = [
        ("enrolment_period_uniq", "unique(enrolment_id, period)",
         "There is already a payment line for this enrolment and month."),
        ("total_check", "CHECK(total_amount = amount + arrears_amount + one_off_amount + carried_amount)",
         "A line total must equal its amount, arrears, one-off and carried amounts."),
        ("amounts_check", "CHECK(amount >= 0 AND arrears_amount >= 0 AND one_off_amount >= 0 "
         "AND carried_amount >= 0 AND total_amount <= 1e15)",
         "The amounts of a payment line are between 0 and 1,000,000,000,000,000 VND."),
    ]

    def init(self):
        cr = self.env.cr
        # The office and the area are copies of the cycle's and the enrolment's (which keep
        # them under their own keys): no check per line of a million-line month.
        drop_foreign_keys(self, ["company_id", "area_id"])
        cr.execute("DROP INDEX IF EXISTS sp_payment_line__cycle_id_index")
        cr.execute("CREATE INDEX IF NOT EXISTS sp_payment_line_cycle_id_idx "
                   "ON sp_payment_line (cycle_id, batch_id, id)")
        cr.execute("CREATE INDEX IF NOT EXISTS sp_payment_line_batch_id_idx "
                   "ON sp_payment_line (batch_id, id)")
        # carry-forward and non-collection look for the unpaid lines only
        cr.execute("CREATE INDEX IF NOT EXISTS sp_payment_line_unpaid_idx "
                   "ON sp_payment_line (enrolment_id, period) WHERE state = 'unpaid'")

    @api.depends("period", "enrolment_id")
    def _compute_reference(self):
        for line in self:
            line.reference = "%s-%010d" % (line.period.strftime("%Y%m"), line.enrolment_id.id) \
                if line.period and line.enrolment_id else False

    def _search_reference(self, operator, value):
        """A reference is a month and an enrolment: search them (a whole reference, or a month
        YYYYMM as a prefix)."""
        if operator in ("in", "not in"):
            domain = expression.OR([self._search_reference("=", item) for item in value]) \
                if value else [("id", "=", 0)]
            return ["!", *expression.normalize_domain(domain)] if operator == "not in" else domain
        if operator not in ("=", "ilike", "=ilike", "like", "=like") or not isinstance(value, str):
            return [("id", "=", 0)]
        found = REFERENCE.fullmatch(value)
        if found:
            year, month, enrolment = (int(g) for g in found.groups())
            if 1 <= month <= 12:
                return [("period", "=", datetime.date(year, month, 1)),
                        ("enrolment_id", "=", enrolment)]
        found = MONTH.fullmatch(value)
        if found and operator != "=" and 1 <= int(found.group(2)) <= 12:
            return [("period", "=", datetime.date(int(found.group(1)), int(found.group(2)), 1))]
        return [("id", "=", 0)]

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(line.batch_id.state not in (False, "draft") for line in self):
            raise UserError(_("Lines of an approved batch cannot be deleted."))

    def write(self, vals):
        # Lines are a snapshot written by generation and agency results (SQL); users may only
        # name an authorised recipient, and only before the batch is approved.
        if not self.env.su:
            self.check_access("write")
            if set(vals) - {"recipient_name"}:
                raise UserError(_("Payment lines are written by their cycle and by the agency's "
                                  "results; only the authorised recipient can be changed."))
            locked = self.filtered(lambda line: line.batch_id.state not in (False, "draft"))
            if locked:
                raise UserError(_("Line %s is in an approved batch: it is locked.",
                                  locked[0].reference))
        return super().write(vals)
