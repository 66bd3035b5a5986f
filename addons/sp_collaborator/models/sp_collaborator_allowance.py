from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.sp_base.tools import SpXlsxWriter


class SpCollaboratorAllowance(models.Model):
    _name = "sp.collaborator.allowance"
    _description = "Monthly allowance of a collaborator"
    _inherit = ["sp.access.mixin", "sp.step.mixin", "sp.input.mixin"]
    _order = "period desc, company_id, area_id, collaborator_id"

    # Every figure of an allowance is the computation's (_sp_compute) or a step's: none is
    # written by a client.
    collaborator_id = fields.Many2one(
        "sp.collaborator", required=True, index=True, ondelete="restrict", readonly=True,
        sp_step=True,
    )
    period = fields.Date("Month", required=True, index=True, readonly=True, sp_step=True,
                         help="First day of the month paid.")
    area_id = fields.Many2one(sp_step=True)
    company_id = fields.Many2one(sp_step=True)
    term_id = fields.Many2one("sp.collaborator.allowance.term", "Terms applied", readonly=True,
                              sp_step=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    base_amount = fields.Monetary("Base amount", readonly=True, sp_step=True)
    visit_count = fields.Integer("Visits counted", readonly=True, sp_step=True,
                                 help="Days with an activity, counted once per household and day.")
    per_visit_amount = fields.Monetary("Amount per visit", readonly=True, sp_step=True)
    visit_amount = fields.Monetary("Visit amount", readonly=True, sp_step=True)
    cap_amount = fields.Monetary("Cap", readonly=True, sp_step=True)
    amount = fields.Monetary("Allowance", readonly=True, aggregator="sum", sp_step=True)
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed"), ("paid", "Paid")],
        required=True, default="draft", readonly=True, index=True, sp_step=True,
    )
    date_paid = fields.Date("Paid on", readonly=True, sp_step=True)

    _sql_constraints = [
        ("collaborator_period_uniq", "unique(collaborator_id, period)",
         "A collaborator has one allowance per month."),
        ("period_check", "CHECK(EXTRACT(DAY FROM period) = 1)",
         "The month of an allowance is stored as its first day."),
    ]

    @api.depends("collaborator_id", "period")
    def _compute_display_name(self):
        for allowance in self:
            allowance.display_name = "%s - %s" % (
                allowance.collaborator_id.name or "",
                allowance.period.strftime("%m/%Y") if allowance.period else "",
            )

    # ------------------------------------------------------------------ computation
    @api.model
    def _sp_compute(self, period, collaborators):
        """(Re)compute the draft allowances of ``collaborators`` for the month of ``period``,
        set-based: base amount + amount per visit x visits counted, capped, from the terms in
        force that month. Confirmed and paid allowances are left alone, so running it twice
        changes nothing. Returns the number of allowances written."""
        self.check_access("create")
        # Only collaborators the user may read: a client may send any ids to the wizard.
        readable = self.env["sp.collaborator"].search([("id", "in", collaborators.ids)])
        if len(readable) != len(set(collaborators.ids)):
            raise AccessError(_(
                "Some of the collaborators chosen are outside the offices and areas you work in: "
                "their allowances are computed by their own office."))
        period = period.replace(day=1)
        period_end = period + relativedelta(months=1, days=-1)
        self.env.flush_all()
        params = {
            "ids": collaborators.ids, "period": period, "period_end": period_end,
            "uid": self.env.uid,
        }
        eligible = SQL(
            """
            scope AS (
                SELECT c.id, c.company_id, c.area_id FROM sp_collaborator c
                 WHERE c.id = ANY(%(ids)s) AND c.state != 'suspended'
                   AND c.date_start <= %(period_end)s
                   AND (c.date_end IS NULL OR c.date_end >= %(period)s)
            ), terms AS (
                SELECT DISTINCT ON (s.id) s.id AS collaborator_id, t.id AS term_id,
                       t.monthly_base, t.per_visit_amount, COALESCE(t.cap_amount, 0) AS cap_amount
                  FROM scope s
                  JOIN sp_collaborator_allowance_term t
                    ON t.active AND t.date_from <= %(period_end)s
                   AND (t.date_to IS NULL OR t.date_to >= %(period)s)
                   AND (t.collaborator_id = s.id
                        OR (t.collaborator_id IS NULL AND t.company_id = s.company_id))
                 ORDER BY s.id, t.collaborator_id IS NULL, t.date_from DESC, t.id DESC
            )
            """, **params,
        )
        # Drafts of collaborators no longer eligible (suspended, without terms) go away.
        self.env.cr.execute(SQL(
            """
            WITH %(eligible)s
            DELETE FROM sp_collaborator_allowance al
             WHERE al.period = %(period)s AND al.state = 'draft'
               AND al.collaborator_id = ANY(%(ids)s)
               AND al.collaborator_id NOT IN (SELECT collaborator_id FROM terms)
            """, eligible=eligible, **params,
        ))
        self.env.cr.execute(SQL(
            """
            WITH %(eligible)s,
            visits AS (
                SELECT a.collaborator_id, COUNT(DISTINCT (a.household_id, a.date)) AS n
                  FROM sp_collaborator_activity a
                 WHERE a.collaborator_id IN (SELECT collaborator_id FROM terms)
                   AND a.date BETWEEN %(period)s AND %(period_end)s AND a.state = 'done'
                 GROUP BY a.collaborator_id
            ), amounts AS (
                SELECT s.id AS collaborator_id, s.company_id, s.area_id, t.term_id,
                       t.monthly_base, COALESCE(v.n, 0) AS n, t.per_visit_amount,
                       t.per_visit_amount * COALESCE(v.n, 0) AS visit_amount, t.cap_amount
                  FROM scope s
                  JOIN terms t ON t.collaborator_id = s.id
                  LEFT JOIN visits v ON v.collaborator_id = s.id
            )
            INSERT INTO sp_collaborator_allowance AS al
                   (collaborator_id, period, company_id, area_id, term_id, base_amount,
                    visit_count, per_visit_amount, visit_amount, cap_amount, amount, state,
                    create_uid, create_date, write_uid, write_date)
            SELECT collaborator_id, %(period)s, company_id, area_id, term_id, monthly_base,
                   n, per_visit_amount, visit_amount, cap_amount,
                   CASE WHEN cap_amount > 0 THEN LEAST(monthly_base + visit_amount, cap_amount)
                        ELSE monthly_base + visit_amount END,
                   'draft', %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM amounts
                ON CONFLICT (collaborator_id, period) DO UPDATE
               SET company_id = EXCLUDED.company_id, area_id = EXCLUDED.area_id,
                   term_id = EXCLUDED.term_id, base_amount = EXCLUDED.base_amount,
                   visit_count = EXCLUDED.visit_count,
                   per_visit_amount = EXCLUDED.per_visit_amount,
                   visit_amount = EXCLUDED.visit_amount, cap_amount = EXCLUDED.cap_amount,
                   amount = EXCLUDED.amount, write_uid = EXCLUDED.write_uid,
                   write_date = EXCLUDED.write_date
             WHERE al.state = 'draft'
            """, eligible=eligible, **params,
        ))
        count = self.env.cr.rowcount
        self.invalidate_model()
        return count

    # ------------------------------------------------------------------ workflow
    def _sp_check_may_decide(self):
        if not self.has_access("write"):
            raise AccessError(_(
                "Only the province manager confirms allowances and marks them paid."))

    def action_confirm(self):
        self._sp_check_may_decide()
        if self.filtered(lambda a: a.state != "draft"):
            raise UserError(_("Only draft allowances can be confirmed."))
        self._sp_step_write({"state": "confirmed"})

    def action_mark_paid(self):
        self._sp_check_may_decide()
        if self.filtered(lambda a: a.state != "confirmed"):
            raise UserError(_("Only confirmed allowances can be marked as paid."))
        self._sp_step_write({"state": "paid", "date_paid": fields.Date.context_today(self)})

    def action_reset_draft(self):
        self._sp_check_may_decide()
        if self.filtered(lambda a: a.state != "confirmed"):
            raise UserError(_("Only confirmed allowances can go back to draft."))
        self._sp_step_write({"state": "draft"})

    def unlink(self):
        if self.filtered(lambda a: a.state != "draft"):
            raise ValidationError(_("Confirmed or paid allowances cannot be deleted."))
        return super().unlink()

    # ------------------------------------------------------------------ payment list
    def _sp_payment_list_xlsx(self):
        """The payment list of these allowances: one row per collaborator and month."""
        columns = [
            (_("No."), "int", 6),
            (_("Month"), "text", 9),
            (_("Province office"), "text", 22),
            (_("Commune"), "text", 22),
            (_("Village"), "text", 22),
            (_("Code"), "text", 12),
            (_("Collaborator"), "text", 28),
            (_("Citizen ID"), "text", 15),
            (_("Phone"), "text", 14),
            (_("Bank"), "text", 18),
            (_("Bank account"), "text", 20),
            (_("Base amount"), "money", 14),
            (_("Visits counted"), "int", 10),
            (_("Amount per visit"), "money", 14),
            (_("Visit amount"), "money", 14),
            (_("Cap"), "money", 14),
            (_("Allowance"), "money", 14),
            (_("Status"), "text", 12),
            (_("Signature"), "text", 16),
        ]
        states = dict(self._fields["state"]._description_selection(self.env))
        book = SpXlsxWriter()
        sheet = book.add_sheet(_("Allowances"), columns,
                               title=_("Collaborator allowances: payment list"))
        total = 0
        for number, allowance in enumerate(self.sorted(
                lambda a: (a.period, a.company_id.name or "", a.area_id.display_name or "",
                           a.collaborator_id.name or "")), start=1):
            collaborator = allowance.collaborator_id
            village = collaborator.area_id
            commune = village.parent_id if village.level == "village" else village
            sheet.write_row([
                number, allowance.period.strftime("%m/%Y"), allowance.company_id.name,
                commune.name, village.name if village.level == "village" else "",
                collaborator.code, collaborator.name, collaborator.id_number, collaborator.phone,
                collaborator.bank_name, collaborator.bank_account, allowance.base_amount,
                allowance.visit_count, allowance.per_visit_amount, allowance.visit_amount,
                allowance.cap_amount or None, allowance.amount, states[allowance.state], "",
            ])
            total += allowance.amount
        sheet.write_row([None, None, None, None, None, None, _("Total")] + [None] * 9
                        + [total, None, None])
        book.close()
        return book.getvalue()

    def action_export_xlsx(self):
        if not self:
            raise UserError(_("Select the allowances to put on the payment list."))
        return self.env["sp.collaborator.export"]._sp_download(
            "ctv_allowances.xlsx", self._sp_payment_list_xlsx()
        )
