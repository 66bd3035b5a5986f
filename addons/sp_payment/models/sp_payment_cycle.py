import logging

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .sp_payment_line import MAX_AMOUNT

_logger = logging.getLogger(__name__)

CYCLE_STATES = [
    ("draft", "Draft"),
    ("generated", "Lines generated"),
    ("approved", "Approved"),
    ("closed", "Closed"),
]
# Enrolments per generation chunk (ir.config_parameter sp_payment.generation_chunk): one
# statement each and, in the background job, one transaction each, so an interrupted run keeps
# whole chunks and the rerun adds the rest.
CHUNK = 200_000
# First key of the PostgreSQL advisory locks of payment cycles (the second is the cycle id).
LOCK_KEY = 742001
# Above this many new lines, the planner gets fresh statistics of the lines table.
ANALYZE_LINES = 10_000


class SpPaymentCycle(models.Model):
    """The monthly payment cycle of one province office: lines, batches, funds, closing."""

    _name = "sp.payment.cycle"
    _description = "Monthly payment cycle"
    _inherit = ["sp.step.mixin", "sp.input.mixin", "sp.access.mixin", "mail.thread",
                "mail.activity.mixin"]
    # the module's amounts (the totals are the steps', the funds the manager's)
    _sp_bounds = dict.fromkeys(
        ("allocated_amount", "amount_total", "arrears_total", "one_off_total", "carried_total",
         "total_amount", "paid_amount", "unpaid_amount", "fee_amount"), (0, MAX_AMOUNT))
    _order = "period desc, company_id"

    # Fields with sp_step=True are written by the steps only (generate, approve, close, update
    # totals): a plain write is refused whatever the context (sp_base's sp.step.mixin).
    name = fields.Char(compute="_compute_name", store=True, sp_step=True)
    period = fields.Date(required=True, tracking=True, help="First day of the month paid.")
    area_id = fields.Many2one(
        compute="_compute_area_id", store=True, precompute=True, readonly=True, string="Province",
        sp_step=True,
    )
    state = fields.Selection(CYCLE_STATES, default="draft", required=True, tracking=True,
                             index=True, sp_step=True)
    contract_id = fields.Many2one(
        "sp.payment.contract", string="Agency contract", tracking=True,
        domain="[('company_id', '=', company_id)]",
        help="Default agency contract; a pay point's or a commune's own contract takes "
        "precedence for its lines.",
    )
    batch_ids = fields.One2many("sp.payment.batch", "cycle_id", string="Payment batches")
    line_ids = fields.One2many("sp.payment.line", "cycle_id", string="Payment lines")
    # Totals are written by _sp_update_totals (two aggregate statements), not computed per record.
    line_count = fields.Integer("Lines", readonly=True, sp_step=True)
    batch_count = fields.Integer("Batches", readonly=True, sp_step=True)
    amount_total = fields.Float("Monthly amounts", digits=(16, 0), readonly=True, sp_step=True)
    arrears_total = fields.Float("Arrears", digits=(16, 0), readonly=True, sp_step=True)
    one_off_total = fields.Float("One-off", digits=(16, 0), readonly=True, sp_step=True)
    carried_total = fields.Float("Carried forward", digits=(16, 0), readonly=True, sp_step=True)
    total_amount = fields.Float("Total to pay", digits=(16, 0), readonly=True, sp_step=True)
    paid_amount = fields.Float("Disbursed", digits=(16, 0), readonly=True, sp_step=True)
    unpaid_amount = fields.Float("Not collected", digits=(16, 0), readonly=True, sp_step=True)
    pending_count = fields.Integer("Lines without result", readonly=True, sp_step=True)
    fee_amount = fields.Float("Agency fees", digits=(16, 0), readonly=True, sp_step=True)
    allocated_amount = fields.Float(
        "Funds allocated", digits=(16, 0), tracking=True,
        help="Funds transferred to the payment agency for this cycle.",
    )
    balance_amount = fields.Float(
        "Funds balance", digits=(16, 0), compute="_compute_balance",
        help="Allocated minus disbursed minus fees: what the agency returns or is owed.",
    )
    generation_queued = fields.Boolean(
        readonly=True, copy=False, sp_step=True,
        help="Generation runs in the background, committing per chunk of enrolments.",
    )
    generation_queued_by = fields.Many2one(
        "res.users", string="Generation requested by", readonly=True, copy=False, sp_step=True)
    # four eyes: the approver is another user than the one who prepared the lines (a database
    # check too); a generation that adds lines to an approved cycle asks for a new approval
    generated_by = fields.Many2one("res.users", readonly=True, copy=False, sp_step=True,
                                   help="Who generated the lines waiting for approval.")
    approved_by = fields.Many2one("res.users", readonly=True, tracking=True, copy=False,
                                  sp_step=True)
    approved_date = fields.Datetime(readonly=True, copy=False, sp_step=True)

    _sql_constraints = [
        ("four_eyes", "CHECK(approved_by IS NULL OR approved_by <> generated_by)",
         "A payment cycle is approved by another user than the one who generated it."),
        ("allocated_amount_check",
         "CHECK(allocated_amount IS NULL OR (allocated_amount >= 0 AND allocated_amount <= 1e15))",
         "The funds allocated to a cycle are between 0 and 1,000,000,000,000,000 VND."),
        ("company_period_uniq", "unique(company_id, period)",
         "This province office already has a payment cycle for that month."),
        ("period_first_day", "CHECK(EXTRACT(DAY FROM period) = 1)",
         "The period of a cycle is the first day of the month."),
    ]

    @api.depends("period", "company_id")
    def _compute_name(self):
        for cycle in self:
            cycle.name = "%s - %s" % (
                cycle.period.strftime("%m/%Y") if cycle.period else "", cycle.company_id.name or ""
            )

    @api.depends("company_id")
    def _compute_area_id(self):
        for cycle in self:
            cycle.area_id = cycle.company_id.sp_area_id

    @api.depends("allocated_amount", "paid_amount", "fee_amount")
    def _compute_balance(self):
        for cycle in self:
            cycle.balance_amount = cycle.allocated_amount - cycle.paid_amount - cycle.fee_amount

    @api.constrains("company_id")
    def _check_company(self):
        for cycle in self:
            if not cycle.company_id.sp_area_id:
                raise ValidationError(
                    _("A payment cycle belongs to a province office, not to %s.", cycle.company_id.name)
                )

    @api.constrains("contract_id", "company_id")
    def _check_contract(self):
        for cycle in self:
            if cycle.contract_id and cycle.contract_id.company_id != cycle.company_id:
                raise ValidationError(_("The agency contract of cycle %s is another office's.",
                                        cycle.name))

    def _sp_check_vals(self, vals):
        if vals.get("company_id") and not self.env.su \
                and vals["company_id"] not in self.env.user.company_ids.ids:
            raise AccessError(_("A payment cycle belongs to one of your offices."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._sp_check_vals(vals)
            if vals.get("period"):
                vals["period"] = fields.Date.to_date(vals["period"]).replace(day=1)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self.check_access("write")  # the access rights' refusal first, then the steps'
        self._sp_check_vals(vals)
        if vals.get("period"):
            vals["period"] = fields.Date.to_date(vals["period"]).replace(day=1)
        if {"period", "company_id"} & set(vals) and self.filtered(lambda c: c.line_count):
            raise UserError(_("The month and office of a cycle with lines cannot change."))
        if "allocated_amount" in vals and self.filtered(lambda c: c.state == "closed"):
            raise UserError(_("The funds of a closed cycle cannot change."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_empty(self):
        if self.filtered(lambda c: c.state != "draft" or c.line_count):
            raise UserError(_("Only a draft cycle without lines can be deleted."))

    # ------------------------------------------------------------------ locking
    def _sp_lock(self):
        """Take the cycle's lock for this transaction, or tell the user someone else has it."""
        self.ensure_one()
        self.env.cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", LOCK_KEY, self.id))
        if not self.env.cr.fetchone()[0]:
            raise UserError(_(
                "Cycle %s is being generated or updated by another user right now. "
                "Wait until that run finishes, then open the cycle again.", self.name,
            ))

    def _sp_lock_session(self):
        """The background job's lock: held across its commits, released by _sp_unlock_session
        or when its connection ends (a killed process releases it too)."""
        self.ensure_one()
        self.env.cr.execute(SQL("SELECT pg_try_advisory_lock(%s, %s)", LOCK_KEY, self.id))
        return self.env.cr.fetchone()[0]

    def _sp_unlock_session(self):
        self.ensure_one()
        self.env.cr.execute(SQL("SELECT pg_advisory_unlock(%s, %s)", LOCK_KEY, self.id))

    # ------------------------------------------------------------------ generation
    def _sp_check_role(self, group, message):
        """A step's explicit role check (the access rights are the second line): the system
        administrator and superuser mode (the background job) pass."""
        if not (self.env.su or self.env.user._is_system() or self.env.user.has_group(group)):
            raise AccessError(message)

    def _sp_check_can_generate(self):
        """Generation prepares the lists: the province office's officers and managers (not
        limited to some communes: the cycle is the whole province's, which they must read)."""
        self._sp_check_role("sp_base.group_commune_officer", _(
            "Only the province office's officers and managers generate payment lines."))
        for cycle in self:
            cycle.check_access("read")
            if cycle.state == "closed":
                raise UserError(_("Cycle %s is closed.", cycle.name))
            if not cycle._sp_has_contract():
                raise UserError(_(
                    "No agency contract of %(office)s is in force in %(month)s: record the "
                    "contract with the payment agency (Payments > Agency contracts) or choose "
                    "one on the cycle, then generate the lines.",
                    office=cycle.company_id.name, month=cycle.period.strftime("%m/%Y")))

    def _sp_has_contract(self):
        """Whether any agency contract of the office is in force in the cycle's month."""
        self.ensure_one()
        return bool(self.env["sp.payment.contract"].sudo().search_count([
            ("company_id", "=", self.company_id.id), ("date_start", "<=", self.period),
            "|", ("date_end", "=", False), ("date_end", ">=", self.period)], limit=1))

    def action_generate(self):
        """Compute the month's entitlements, create the missing lines in draft batches, carry
        forward unpaid amounts, update the totals.

        Safe to run again at any time before closing: a late decision adds only its lines, in
        a new draft batch when the batch of its commune is already approved.
        """
        self._sp_check_can_generate()
        for cycle in self:
            cycle._sp_lock()
            added = cycle.sudo()._sp_generate()
            cycle._sp_after_generation(added)
        return True

    def _sp_after_generation(self, added, background=False):
        """The lines waiting for approval were prepared by this user: a cycle not approved yet,
        or an approved one that got new lines (it needs a new approval, by someone else)."""
        vals = {"generation_queued": False, "generation_queued_by": False}
        if self.state in ("draft", "generated") or (added and self.state == "approved"):
            vals.update(state="generated", generated_by=self.env.uid, approved_by=False,
                        approved_date=False)
            self.env["sp.payment.batch"].flush_model()
            self.env.cr.execute(SQL(
                "UPDATE sp_payment_batch SET generated_by = %s WHERE cycle_id = %s "
                "AND state = 'draft'", self.env.uid, self.id))
            self.env["sp.payment.batch"].invalidate_model(["generated_by"])
        self.sudo().write(vals)
        if background:
            body = _("%(added)s lines added in the background (%(total)s in the cycle).",
                     added=added, total=self.line_count)
        else:
            body = _("%(added)s lines added (%(total)s in the cycle).", added=added,
                     total=self.line_count)
        self._message_log(body=body)

    def action_queue_generation(self):
        """Large cycles: generate in the background job, one committed chunk at a time."""
        self._sp_check_can_generate()
        self.sudo().write({"generation_queued": True, "generation_queued_by": self.env.uid})
        self.env.ref("sp_payment.ir_cron_generate_cycles").sudo()._trigger()
        return True

    @api.model
    def _cron_generate(self):
        """Generate the queued cycles. A run killed midway leaves only whole committed chunks
        (lines are unique per enrolment and month); the next run adds the rest."""
        cycles = self.search([("generation_queued", "=", True)])
        for done, cycle in enumerate(cycles):
            if not cycle._sp_lock_session():
                _logger.info("sp_payment: cycle %s is locked by another run, skipped", cycle.id)
                continue
            try:
                added = cycle._sp_generate(commit=True)
                cycle.with_user(cycle.generation_queued_by or self.env.user)._sp_after_generation(
                    added, background=True)
                self.env.cr.commit()  # pylint: disable=invalid-commit
            finally:
                cycle._sp_unlock_session()
            self.env["ir.cron"]._notify_progress(done=done + 1, remaining=len(cycles) - done - 1)

    def _sp_chunk(self):
        chunk = self.env["ir.config_parameter"].sudo().get_param("sp_payment.generation_chunk")
        try:
            return max(int(chunk or CHUNK), 1)
        except ValueError:
            return CHUNK

    def _sp_generate(self, commit=False, compute=True):
        """The whole generation, set-based; returns the number of lines added. ``commit``:
        commit after the entitlements and after every chunk (background job)."""
        self.ensure_one()
        if compute:
            self._sp_compute_entitlements()
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        added = self._sp_generate_lines(commit=commit)
        self._sp_carry_forward()
        self._sp_update_totals()
        return added

    def _sp_compute_entitlements(self):
        """Make sure the month's entitlements of the office exist and are current: the
        programme's set-based computation (idempotent; rows already paid are kept)."""
        self.ensure_one()
        return self.env["sp.entitlement"].sudo()._sp_compute_period(
            self.period, companies=self.company_id)

    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sp_payment.sp_payment_line_action")
        action["domain"] = [("cycle_id", "=", self.id)]
        return action

    def action_view_batches(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sp_payment.sp_payment_batch_action")
        action["domain"] = [("cycle_id", "=", self.id)]
        return action

    def _sp_entitlement_source(self, id_from, id_to):
        """SQL selecting this month's entitlements of the office's enrolments in an id range
        (columns: see sp.enrolment._sp_payment_entitlements_sql)."""
        return self.env["sp.enrolment"]._sp_payment_entitlements_sql(
            self.period, self.company_id.id, id_from, id_to
        )

    def _sp_build_routes(self):
        """Temporary table sp_payment_route: for every area of the office's enrolments, its
        commune and how it is paid (pay point serving the commune, contract, agency, method).

        Contract: the pay point's, else the commune's own contract in force, else the cycle's,
        else the office's province-wide contract in force. It lives for the session (not the
        transaction) because the background job commits between chunks."""
        self.env.cr.execute("DROP TABLE IF EXISTS sp_payment_route")
        self.env.cr.execute(SQL("""
            CREATE TEMP TABLE sp_payment_route AS
            WITH areas AS (
                SELECT a.id AS area_id,
                       CASE WHEN a.level = 'village' THEN a.parent_id ELSE a.id END AS commune_id
                  FROM sp_area a
                 WHERE a.id IN (SELECT DISTINCT area_id FROM sp_enrolment WHERE company_id = %(company)s)
            ), in_force AS (
                SELECT c.* FROM sp_payment_contract c
                 WHERE c.active AND c.company_id = %(company)s AND c.date_start <= %(period)s
                   AND (c.date_end IS NULL OR c.date_end >= %(period)s)
            )
            SELECT a.area_id, a.commune_id, pt.id AS point_id, pt.method AS point_method,
                   ct.id AS contract_id, ct.agency_id, ct.method AS contract_method
              FROM areas a
              LEFT JOIN LATERAL (
                    SELECT p.id, p.method, p.contract_id FROM sp_payment_point p
                      JOIN sp_payment_point_commune_rel r ON r.point_id = p.id
                      JOIN in_force c ON c.id = p.contract_id
                     WHERE r.area_id = a.commune_id AND p.active
                     ORDER BY p.code, p.id LIMIT 1) pt ON TRUE
              LEFT JOIN LATERAL (
                    SELECT c.id, c.agency_id, c.method FROM in_force c
                      LEFT JOIN sp_area ca ON ca.id = c.area_id
                     WHERE c.id = pt.contract_id
                        OR (pt.id IS NULL AND (c.area_id = a.commune_id OR c.id = %(contract)s
                            OR ca.level = 'province' OR c.area_id IS NULL))
                     ORDER BY c.id = pt.contract_id DESC, c.area_id = a.commune_id DESC,
                              c.id = %(contract)s DESC, c.date_start DESC, c.id DESC
                     LIMIT 1) ct ON TRUE
        """, company=self.company_id.id, period=self.period, contract=self.contract_id.id or 0))
        self.env.cr.execute("CREATE UNIQUE INDEX ON sp_payment_route (area_id)")
        self.env.cr.execute("ANALYZE sp_payment_route")

    def _sp_generate_lines(self, commit=False):
        """Insert the lines that do not exist yet, in draft batches (created as needed), one
        chunk of enrolments at a time; the entitlements turned into lines are confirmed in the
        same statement, so the programme's recomputations leave them as they were paid."""
        self.ensure_one()
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(SQL(
            "SELECT COALESCE(MIN(enrolment_id), 0), COALESCE(MAX(enrolment_id), -1) "
            "FROM sp_entitlement WHERE period = %s AND company_id = %s",
            self.period, self.company_id.id,
        ))
        low, high = cr.fetchone()
        self._sp_build_routes()
        chunk = self._sp_chunk()
        added = 0
        for start in range(low, high + 1, chunk):
            added += self._sp_generate_chunk(start, start + chunk - 1)
            if commit:
                cr.commit()  # pylint: disable=invalid-commit
                _logger.info("sp_payment: cycle %s: lines up to enrolment %s committed",
                             self.id, start + chunk - 1)
        cr.execute("DROP TABLE IF EXISTS sp_payment_route")
        if added >= ANALYZE_LINES:
            cr.execute("ANALYZE sp_payment_line")
        self.env["sp.payment.line"].invalidate_model()
        self.env["sp.payment.batch"].invalidate_model()
        self.env["sp.entitlement"].invalidate_model(["state"])
        return added

    def _sp_generate_chunk(self, id_from, id_to):
        """One chunk of enrolments in four statements: its missing lines, read once into a
        temporary table with their batch key and snapshot; the missing draft batches (one
        grouped statement); the lines; the entitlements paid, confirmed."""
        cr = self.env.cr
        params = {"cycle": self.id, "period": self.period, "company": self.company_id.id,
                  "uid": self.env.uid, "prefix": self.period.strftime("%Y%m")}
        # The lines already there are read once (an index range): a plain NOT EXISTS is planned
        # as a scan of the lines table per row when its statistics say it is empty.
        cr.execute("DROP TABLE IF EXISTS sp_payment_gen")
        cr.execute(SQL("""
            CREATE TEMP TABLE sp_payment_gen ON COMMIT DROP AS
            WITH existing AS MATERIALIZED (
                SELECT enrolment_id FROM sp_payment_line
                 WHERE period = %(period)s AND enrolment_id BETWEEN %(id_from)s AND %(id_to)s
            ), src AS (
                SELECT src.*, r.commune_id, r.contract_id, r.agency_id, r.point_id AS route_point,
                       COALESCE(src.method, r.point_method, r.contract_method, 'cash_point')
                           AS pay_method
                  FROM (%(source)s) src
                  JOIN sp_payment_route r ON r.area_id = src.area_id
                  LEFT JOIN existing x ON x.enrolment_id = src.enrolment_id
                 WHERE x.enrolment_id IS NULL
            )
            SELECT k.enrolment_id, k.area_id, k.commune_id, k.contract_id, k.agency_id,
                   k.pay_method, CASE WHEN k.pay_method IN ('bank', 'ewallet') THEN NULL
                                      ELSE k.route_point END AS point_id,
                   COALESCE(ind.name, head.name) AS name,
                   COALESCE(ind.id_number, head.id_number) AS id_number,
                   COALESCE(ind.birthdate, head.birthdate) AS birthdate,
                   COALESCE(ind.gender, head.gender) AS gender,
                   k.category_code, k.coefficient, k.standard_level, k.account_number,
                   k.recipient_name, k.amount, k.arrears_amount, k.one_off_amount
              FROM src k
              LEFT JOIN sp_individual ind ON ind.id = k.individual_id
              LEFT JOIN sp_household hh ON hh.id = k.household_id
              LEFT JOIN sp_individual head ON head.id = hh.head_id
             ORDER BY k.enrolment_id
        """, source=self._sp_entitlement_source(id_from, id_to), id_from=id_from, id_to=id_to,
            **params))
        if not cr.rowcount:
            cr.execute("DROP TABLE sp_payment_gen")
            return 0
        cr.execute("ANALYZE sp_payment_gen")
        cr.execute(SQL("""
            INSERT INTO sp_payment_batch (name, cycle_id, period, company_id, area_id, point_id,
                   method, contract_id, agency_id, state, line_count, total_amount, paid_amount,
                   unpaid_amount, pending_count, generated_by, create_uid, create_date, write_uid,
                   write_date)
            SELECT %(prefix)s || '-' || a.code || '-' || COALESCE(p.code, k.pay_method) || '-'
                       || (SELECT COUNT(*) + 1 FROM sp_payment_batch ob
                            WHERE ob.cycle_id = %(cycle)s AND ob.area_id = k.commune_id
                              AND ob.point_id IS NOT DISTINCT FROM k.point_id
                              AND ob.method = k.pay_method),
                   %(cycle)s, %(period)s, %(company)s, k.commune_id, k.point_id, k.pay_method,
                   k.contract_id, k.agency_id, 'draft', 0, 0, 0, 0, 0, %(uid)s,
                   %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC'
              FROM (SELECT DISTINCT commune_id, point_id, pay_method, contract_id, agency_id
                      FROM sp_payment_gen) k
              JOIN sp_area a ON a.id = k.commune_id
              LEFT JOIN sp_payment_point p ON p.id = k.point_id
             WHERE NOT EXISTS (SELECT 1 FROM sp_payment_batch b
                                WHERE b.cycle_id = %(cycle)s AND b.state = 'draft'
                                  AND b.area_id = k.commune_id AND b.method = k.pay_method
                                  AND COALESCE(b.point_id, 0) = COALESCE(k.point_id, 0))
            ON CONFLICT DO NOTHING
        """, **params))
        cr.execute(SQL("""
            INSERT INTO sp_payment_line (
                   cycle_id, batch_id, period, company_id, area_id, enrolment_id,
                   beneficiary_name, id_number, birthdate, gender, category_code, coefficient,
                   standard_level, method, account_number, recipient_name, amount,
                   arrears_amount, one_off_amount, carried_amount, total_amount, state)
            SELECT %(cycle)s, b.id, %(period)s, %(company)s, k.area_id, k.enrolment_id,
                   k.name, k.id_number, k.birthdate, k.gender, k.category_code, k.coefficient,
                   k.standard_level, k.pay_method, k.account_number, k.recipient_name,
                   k.amount, k.arrears_amount, k.one_off_amount, 0,
                   k.amount + k.arrears_amount + k.one_off_amount, 'pending'
              FROM sp_payment_gen k
              JOIN sp_payment_batch b
                ON b.cycle_id = %(cycle)s AND b.state = 'draft' AND b.area_id = k.commune_id
               AND b.method = k.pay_method AND COALESCE(b.point_id, 0) = COALESCE(k.point_id, 0)
            ON CONFLICT (enrolment_id, period) DO NOTHING
        """, **params))
        added = cr.rowcount
        # confirmed: the programme's recomputations leave them as they were paid (a line that
        # another run inserted first is paid too)
        cr.execute(SQL("""
            UPDATE sp_entitlement t SET state = 'confirmed', write_uid = %(uid)s,
                   write_date = now() at time zone 'UTC'
              FROM sp_payment_gen k
             WHERE t.enrolment_id = k.enrolment_id AND t.period = %(period)s
               AND t.state = 'draft'
        """, **params))
        cr.execute("DROP TABLE sp_payment_gen")
        return added

    def _sp_generate_lines_orm(self, enrolments):
        """The per-record path, for comparison in tests and benchmarks: the same lines as
        _sp_generate_lines for ``enrolments``, one ORM create each (batches must exist)."""
        self.ensure_one()
        Line = self.env["sp.payment.line"]
        lines = Line.browse()
        entitlements = self.env["sp.entitlement"].search([
            ("period", "=", self.period), ("enrolment_id", "in", enrolments.ids)])
        for entitlement in entitlements:
            enrolment = entitlement.enrolment_id
            if Line.search_count([("enrolment_id", "=", enrolment.id),
                                  ("period", "=", self.period)]):
                continue
            person = entitlement.individual_id or entitlement.household_id.head_id
            area = enrolment.area_id
            commune = area.parent_id if area.level == "village" else area
            batch = self.batch_ids.filtered(
                lambda b, c=commune: b.state == "draft" and b.area_id == c)[:1]
            method = enrolment.payment_method or batch.method or "cash_point"
            amounts = (entitlement.amount, entitlement.arrears_amount, entitlement.oneoff_amount)
            lines |= Line.create({
                "cycle_id": self.id, "batch_id": batch.id, "period": self.period,
                "company_id": self.company_id.id, "area_id": area.id,
                "enrolment_id": enrolment.id, "beneficiary_name": person.name,
                "id_number": person.id_number, "birthdate": person.birthdate,
                "gender": person.gender, "category_code": entitlement.category_id.code,
                "coefficient": entitlement.coefficient,
                "standard_level": entitlement.standard_level, "method": method,
                "account_number": enrolment.payment_account,
                "recipient_name": enrolment.payment_recipient, "amount": amounts[0],
                "arrears_amount": amounts[1], "one_off_amount": amounts[2],
                "carried_amount": 0, "total_amount": sum(amounts),
            })
            entitlement._sp_step_write({"state": "confirmed"})
        return lines

    def _sp_carry_forward(self):
        """Add every earlier unpaid line of an enrolment to its line of this month (still in a
        draft batch), and mark the earlier lines carried: the amount is owed once, here."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(SQL("""
            WITH moved AS (
                SELECT old.id AS old_id, new.id AS new_id, old.total_amount
                  FROM sp_payment_line old
                  JOIN sp_payment_line new
                    ON new.enrolment_id = old.enrolment_id AND new.period = %(period)s
                  JOIN sp_payment_batch b ON b.id = new.batch_id AND b.state = 'draft'
                 WHERE old.state = 'unpaid' AND old.period < %(period)s
                   AND old.company_id = %(company)s
                   AND new.cycle_id = %(cycle)s AND new.state = 'pending'
            ), old_done AS (
                UPDATE sp_payment_line o SET state = 'carried', carried_to_id = moved.new_id
                  FROM moved WHERE o.id = moved.old_id
            )
            UPDATE sp_payment_line n
               SET carried_amount = n.carried_amount + s.total,
                   total_amount = n.total_amount + s.total
              FROM (SELECT new_id, SUM(total_amount) AS total FROM moved GROUP BY new_id) s
             WHERE n.id = s.new_id
        """, cycle=self.id, period=self.period, company=self.company_id.id))
        self.env["sp.payment.line"].invalidate_model()

    def _sp_update_totals(self):
        """Recompute batch and cycle totals from their lines, in two aggregate statements."""
        self.env.flush_all()
        fee = SQL("""
            CASE WHEN c.fee_type = 'per_person' THEN COALESCE(c.fee_amount, 0)
                 ELSE ROUND(l.total_amount * COALESCE(c.fee_rate, 0) / 100.0) END""")
        self.env.cr.execute(SQL("""
            UPDATE sp_payment_batch b SET
                   line_count = COALESCE(t.n, 0), total_amount = COALESCE(t.total, 0),
                   paid_amount = COALESCE(t.paid, 0), unpaid_amount = COALESCE(t.unpaid, 0),
                   pending_count = COALESCE(t.pending, 0)
              FROM sp_payment_batch b2
              LEFT JOIN (
                    SELECT batch_id, COUNT(*) AS n, SUM(total_amount) AS total,
                           SUM(total_amount) FILTER (WHERE state = 'paid') AS paid,
                           SUM(total_amount) FILTER (WHERE state IN ('unpaid', 'carried')) AS unpaid,
                           COUNT(*) FILTER (WHERE state = 'pending') AS pending
                      FROM sp_payment_line WHERE cycle_id = ANY(%(ids)s) GROUP BY batch_id
              ) t ON t.batch_id = b2.id
             WHERE b.id = b2.id AND b2.cycle_id = ANY(%(ids)s)
        """, ids=self.ids))
        self.env.cr.execute(SQL("""
            UPDATE sp_payment_cycle cy SET
                   line_count = COALESCE(t.n, 0), batch_count = COALESCE(bt.n, 0),
                   amount_total = COALESCE(t.amount, 0), arrears_total = COALESCE(t.arrears, 0),
                   one_off_total = COALESCE(t.one_off, 0), carried_total = COALESCE(t.carried, 0),
                   total_amount = COALESCE(t.total, 0), paid_amount = COALESCE(t.paid, 0),
                   unpaid_amount = COALESCE(t.unpaid, 0), pending_count = COALESCE(t.pending, 0),
                   fee_amount = COALESCE(t.fee, 0)
              FROM sp_payment_cycle cy2
              LEFT JOIN (
                    SELECT l.cycle_id, COUNT(*) AS n, SUM(l.amount) AS amount,
                           SUM(l.arrears_amount) AS arrears, SUM(l.one_off_amount) AS one_off,
                           SUM(l.carried_amount) AS carried, SUM(l.total_amount) AS total,
                           SUM(l.total_amount) FILTER (WHERE l.state = 'paid') AS paid,
                           SUM(l.total_amount) FILTER (WHERE l.state IN ('unpaid', 'carried')) AS unpaid,
                           COUNT(*) FILTER (WHERE l.state = 'pending') AS pending,
                           SUM(%(fee)s) FILTER (WHERE l.state = 'paid') AS fee
                      FROM sp_payment_line l
                      LEFT JOIN sp_payment_batch b ON b.id = l.batch_id
                      LEFT JOIN sp_payment_contract c ON c.id = b.contract_id
                     WHERE l.cycle_id = ANY(%(ids)s) GROUP BY l.cycle_id
              ) t ON t.cycle_id = cy2.id
              LEFT JOIN (SELECT cycle_id, COUNT(*) AS n FROM sp_payment_batch
                          WHERE cycle_id = ANY(%(ids)s) GROUP BY cycle_id) bt ON bt.cycle_id = cy2.id
             WHERE cy.id = cy2.id AND cy2.id = ANY(%(ids)s)
        """, ids=self.ids, fee=fee))
        self.env["sp.payment.batch"].invalidate_model()
        self.invalidate_model()

    # ------------------------------------------------------------------ approval and closing
    def action_approve(self):
        """Approve the draft batches: they are locked and can be sent to the agency. Four
        eyes: the approver did not generate the lines (of the cycle or of any batch)."""
        if not self.env.user.has_group("sp_base.group_province_manager"):
            raise UserError(_("Only a province manager approves a payment cycle."))
        for cycle in self:
            cycle.check_access("write")
            if cycle.state != "generated":
                raise UserError(_("Generate the lines of cycle %s before approving it.", cycle.name))
            if not cycle.line_count:
                raise UserError(_(
                    "Cycle %s has no payment lines: check that the office has active enrolments "
                    "for the month and an agency contract in force, generate the lines again, "
                    "then approve.", cycle.name))
            cycle._sp_lock()
            drafts = cycle.batch_ids.filtered(lambda b: b.state == "draft")
            if self.env.user in (cycle.generated_by | drafts.generated_by):
                raise UserError(_("You generated cycle %s: another manager must approve it.", cycle.name))
            orphan = drafts.filtered(lambda b: not b.agency_id)[:1]
            if orphan:
                raise UserError(_(
                    "Batch %(batch)s (%(commune)s) has no payment agency: choose the cycle's "
                    "agency contract, or a pay point or contract serving the commune.",
                    batch=orphan.name, commune=orphan.area_id.display_name))
            now = fields.Datetime.now()
            drafts._sp_step_write({"state": "approved", "approved_by": self.env.uid,
                                   "approved_date": now})
            cycle._sp_step_write({"state": "approved", "approved_by": self.env.uid,
                                  "approved_date": now})
            cycle._message_log(body=_("Approved: %(count)s batches locked, %(total)s VND.",
                                      count=len(drafts), total=format(cycle.total_amount, ",.0f")))
        return True

    def _sp_closing_problems(self):
        """What keeps the cycle from closing: lines without a result or a batch, batches not
        approved, and lines, batches and cycle totals that disagree."""
        self.ensure_one()
        self.env.flush_all()
        problems = []
        self.env.cr.execute(SQL("""
            SELECT COUNT(*), COALESCE(SUM(total_amount), 0),
                   COUNT(*) FILTER (WHERE batch_id IS NULL),
                   COUNT(*) FILTER (WHERE state = 'pending'),
                   COALESCE(SUM(total_amount) FILTER (WHERE state = 'paid'), 0),
                   COALESCE(SUM(total_amount) FILTER (WHERE state IN ('unpaid', 'carried')), 0)
              FROM sp_payment_line WHERE cycle_id = %s
        """, self.id))
        count, total, unbatched, pending, paid, unpaid = self.env.cr.fetchone()
        self.env.cr.execute(SQL("""
            SELECT COALESCE(SUM(b.line_count), 0), COALESCE(SUM(b.total_amount), 0),
                   COUNT(*) FILTER (WHERE b.state = 'draft'),
                   COUNT(*) FILTER (WHERE b.line_count <> COALESCE(t.n, 0)
                                       OR ROUND(b.total_amount) <> ROUND(COALESCE(t.total, 0)))
              FROM sp_payment_batch b
              LEFT JOIN (SELECT batch_id, COUNT(*) AS n, SUM(total_amount) AS total
                           FROM sp_payment_line WHERE cycle_id = %s GROUP BY batch_id) t
                ON t.batch_id = b.id
             WHERE b.cycle_id = %s
        """, self.id, self.id))
        batch_count, batch_total, draft, wrong_batches = self.env.cr.fetchone()
        if unbatched:
            problems.append(_("%s lines are in no batch.", unbatched))
        if draft:
            problems.append(_("%s batches are not approved.", draft))
        if pending:
            problems.append(_("%s lines have no result from the agency yet.", pending))
        if wrong_batches or batch_count != count or round(batch_total) != round(total):
            problems.append(_("Batch totals (%(bc)s lines, %(bt)s VND) differ from their lines "
                              "(%(lc)s lines, %(lt)s VND).", bc=batch_count,
                              bt=format(batch_total, ",.0f"), lc=count,
                              lt=format(total, ",.0f")))
        if self.line_count != count or round(self.total_amount) != round(total) \
                or round(self.paid_amount) != round(paid) \
                or round(self.unpaid_amount) != round(unpaid):
            problems.append(_("Cycle totals (%(lc)s lines, %(lt)s VND) differ from its lines "
                              "(%(count)s lines, %(total)s VND): update the totals.",
                              lc=self.line_count, lt=format(self.total_amount, ",.0f"),
                              count=count, total=format(total, ",.0f")))
        return problems

    def action_close(self):
        if not self.env.user.has_group("sp_base.group_province_manager"):
            raise UserError(_("Only a province manager closes a payment cycle."))
        for cycle in self:
            cycle.check_access("write")
            if cycle.state != "approved":
                raise UserError(_("Only an approved cycle can be closed (%s).", cycle.name))
            cycle._sp_lock()
            problems = cycle._sp_closing_problems()
            if problems:
                raise UserError(_("Cycle %(name)s cannot be closed:\n%(problems)s",
                                  name=cycle.name, problems="\n".join(problems)))
            cycle.batch_ids._sp_step_write({"state": "closed"})
            cycle._sp_step_write({"state": "closed"})
        return True

    def action_update_totals(self):
        """Recompute the totals from the lines (whoever prepares or approves the lists)."""
        self._sp_check_role("sp_base.group_commune_officer", _(
            "Only the province office's officers and managers update the totals of a cycle."))
        self.check_access("read")
        self._sp_update_totals()
        return True

    # ------------------------------------------------------------------ non-collection
    def _sp_non_collection(self):
        """Enrolments whose benefit was not collected three consecutive months, up to this one.

        The setting ``sp_payment.non_collection_action`` says whether they are suspended at once
        (``suspend``, default) or proposed to the province managers as an activity
        (``propose``). Returns the enrolments concerned.
        """
        self.ensure_one()
        self.env.flush_all()
        first = self.period - relativedelta(months=2)
        self.env.cr.execute(SQL("""
            SELECT l.enrolment_id
              FROM sp_payment_line l
              JOIN sp_enrolment e ON e.id = l.enrolment_id AND e.state = 'active'
             WHERE l.company_id = %s AND l.period BETWEEN %s AND %s
               AND l.state IN ('unpaid', 'carried')
             GROUP BY l.enrolment_id
            HAVING COUNT(DISTINCT l.period) = 3
        """, self.company_id.id, first, self.period))
        enrolments = self.env["sp.enrolment"].sudo().browse([r[0] for r in self.env.cr.fetchall()])
        if not enrolments:
            return enrolments
        action = self.env["ir.config_parameter"].sudo().get_param(
            "sp_payment.non_collection_action", "suspend"
        )
        reason = _("Benefit not collected for three consecutive months (%(first)s to %(last)s).",
                   first=first.strftime("%m/%Y"), last=self.period.strftime("%m/%Y"))
        if action == "propose":
            self._sp_propose_suspension(enrolments, reason)
        else:
            enrolments._sp_suspend_not_collected(self.period, reason)
        return enrolments

    def _sp_propose_suspension(self, enrolments, reason):
        """A to-do for a province manager of the office on each enrolment (once)."""
        activity_type = self.env.ref("sp_payment.mail_activity_type_not_collected")
        proposed = self.env["mail.activity"].sudo().search([
            ("res_model", "=", "sp.enrolment"), ("res_id", "in", enrolments.ids),
            ("activity_type_id", "=", activity_type.id)]).mapped("res_id")
        managers = self.env.ref("sp_base.group_province_manager").users.filtered(
            lambda u: self.company_id in u.company_ids and not u.share)
        user = managers.filtered(lambda u: u.company_id == self.company_id and not u.sp_area_ids)[:1] \
            or managers[:1] or self.env.user
        # one create for all of them (activity_schedule writes the whole recordset at once)
        enrolments.filtered(lambda e: e.id not in proposed).activity_schedule(
            "sp_payment.mail_activity_type_not_collected", note=reason, user_id=user.id,
            summary=_("Suspend: benefit not collected 3 months"),
        )
