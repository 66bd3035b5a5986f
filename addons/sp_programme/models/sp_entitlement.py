import time

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.sp_base.tools import drop_foreign_keys

from ..tools.rules import month_start, vnd
from ..tools.sql import drop_indexes, no_jit
from .sp_enrolment import PAYABLE_STATES
from .sp_sensitive_mixin import MAX_AMOUNT, MAX_COEFFICIENT, SENSITIVE_GROUPS, bounded_check

# Above this many rows written for a month, the planner gets fresh statistics of the table.
ANALYZE_ROWS = 10_000
# Temporary tables of one computation, in the order they are built.
_TEMP_TABLES = ("sp_ent_scope", "sp_ent_need", "sp_ent_ex", "sp_ent_band", "sp_ent_level",
                "sp_ent_cat", "sp_ent_line", "sp_ent_multi", "sp_ent_pline", "sp_ent_due",
                "sp_ent_balance", "sp_ent_arrear", "sp_ent_rows")


class SpEntitlement(models.Model):
    """What one enrolment is owed for one month: the amount of the month, arrears for earlier
    months, one-off support. Computed set-based for a whole month by ``_sp_compute_period``;
    the payment module turns the rows into payment lines and confirms them, after which a
    recomputation leaves them alone.
    """

    _name = "sp.entitlement"
    _description = "Monthly entitlement"
    _inherit = ["sp.step.mixin", "sp.input.mixin", "sp.sensitive.mixin", "sp.access.mixin"]
    _order = "period desc, id desc"
    _rec_name = "enrolment_id"

    # One row per enrolment and month, inserted by hundreds of thousands: only the columns and
    # indexes that reads need. The unique index serves the enrolment's lookups, one index on
    # (period, office) the month's lists and the payment module; the person and the area (the
    # commune officer's record rule) have theirs. Programme, person, office and area are the
    # enrolment's, copied for the lists and the record rules: see init() for their keys.
    enrolment_id = fields.Many2one("sp.enrolment", required=True, ondelete="cascade", sp_step=True)
    period = fields.Date(required=True, help="First day of the month paid.", sp_step=True)
    state = fields.Selection([("draft", "Draft"), ("confirmed", "Confirmed")], required=True,
                             default="draft", sp_step=True)
    company_id = fields.Many2one(index=False)
    programme_id = fields.Many2one("sp.programme", required=True, sp_step=True)
    individual_id = fields.Many2one("sp.individual", string="Beneficiary", index=True, sp_step=True)
    household_id = fields.Many2one("sp.household", index="btree_not_null", sp_step=True)
    category_id = fields.Many2one("sp.benefit.category", string="Category",
                                  help="The category paid (the highest when two are paid).", sp_step=True, groups=SENSITIVE_GROUPS)
    coefficient = fields.Float(digits=(8, 2), aggregator=False,
                               help="Sum of the coefficients paid (x dependants).", sp_step=True)
    standard_level = fields.Float(digits=(16, 0), aggregator=False, sp_step=True)
    amount = fields.Float("Monthly amount", digits=(16, 0), sp_step=True)
    arrears_amount = fields.Float("Arrears", digits=(16, 0), sp_step=True)
    oneoff_amount = fields.Float("One-off support", digits=(16, 0), sp_step=True)
    total_amount = fields.Float("Total", digits=(16, 0), sp_step=True)
    arrears_from = fields.Date(help="First month whose arrears were computed in this row.", sp_step=True)
    breakdown = fields.Json(help="Every category line of the month, paid or superseded, when "
                            "there are two or more.", sp_step=True, groups=SENSITIVE_GROUPS)
    breakdown_text = fields.Text("Lines", compute="_compute_breakdown_text", groups=SENSITIVE_GROUPS)
    arrear_ids = fields.One2many("sp.entitlement.arrear", "entitlement_id", string="Arrears by month")

    _sp_bounds = {
        "coefficient": (0, MAX_COEFFICIENT), "standard_level": (0, MAX_AMOUNT),
        "amount": (0, MAX_AMOUNT), "arrears_amount": (0, MAX_AMOUNT),
        "oneoff_amount": (0, MAX_AMOUNT), "total_amount": (0, MAX_AMOUNT),
    }
    _sql_constraints = [
        ("enrolment_period_uniq", "unique(enrolment_id, period)",
         "An enrolment has one entitlement per month."),
        bounded_check("coefficient_check", "coefficient", 0, MAX_COEFFICIENT,
                      "The coefficient of an entitlement must be from 0 to 1,000."),
        bounded_check("standard_level_check", "standard_level", 0, MAX_AMOUNT,
                      "The standard level of an entitlement must be from 0 to 100,000,000,000 "
                      "VND."),
        bounded_check("amount_check", "amount", 0, MAX_AMOUNT,
                      "The monthly amount of an entitlement must be from 0 to 100,000,000,000 "
                      "VND."),
        bounded_check("arrears_amount_check", "arrears_amount", 0, MAX_AMOUNT,
                      "The arrears of an entitlement must be from 0 to 100,000,000,000 VND."),
        bounded_check("oneoff_amount_check", "oneoff_amount", 0, MAX_AMOUNT,
                      "The one-off support of an entitlement must be from 0 to 100,000,000,000 "
                      "VND."),
        bounded_check("total_amount_check", "total_amount", 0, MAX_AMOUNT,
                      "The total of an entitlement must be from 0 to 100,000,000,000 VND."),
        ("period_check", "CHECK(EXTRACT(DAY FROM period) = 1)",
         "The period of an entitlement is the first day of a month."),
    ]

    def init(self):
        # Keys kept: the enrolment (cascade) and the category paid.
        drop_foreign_keys(self, ["programme_id", "individual_id", "household_id", "company_id",
                                 "area_id", "create_uid", "write_uid"])
        drop_indexes(self.env.cr, ["sp_entitlement__period_index",
                                   "sp_entitlement__programme_id_index",
                                   "sp_entitlement__company_id_index"])
        self.env.cr.execute("CREATE INDEX IF NOT EXISTS sp_entitlement_period_company_idx "
                            "ON sp_entitlement (period, company_id)")
        # Every row is updated once in place (confirmed when its payment line is written,
        # recomputed while draft): half of each page left free lets PostgreSQL rewrite the row
        # in its page without touching the indexes (HOT update), 4.7 times faster, for twice
        # the table's size.
        self.env.cr.execute("ALTER TABLE sp_entitlement SET (fillfactor = 50)")

    @api.depends("breakdown")
    def _compute_breakdown_text(self):
        for row in self:
            row.breakdown_text = "\n".join(
                "%s: %s x %s x %s = %s%s" % (
                    line["code"], line["coefficient"], line["quantity"], vnd(line["level"]),
                    vnd(line["amount"]), "" if line["paid"] else " (%s)" % self.env._("not paid"))
                for line in row.breakdown or [])

    # ------------------------------------------------------------------ public API
    @api.model
    def _sp_compute_period(self, period, programmes=None, companies=None, enrolments=None):
        """Compute the entitlements of ``period`` (any day of the month) for every enrolment in
        scope, set-based, and store them (idempotent: draft rows of that month are replaced,
        confirmed rows are never touched). Returns figures::

            {"period", "rows", "amount", "arrears", "oneoff", "seconds"}
        """
        started = time.perf_counter()
        period = month_start(fields.Date.to_date(period))
        self._sp_check_can_compute()
        if companies is None and not self.env.su:
            companies = self.env.companies
        filters = self._sp_scope_filters(programmes, companies, enrolments)
        with no_jit(self.env.cr):
            self._sp_run(period, filters, store=True)
        # The month's rows of the scope are now exactly the rows just computed.
        rows = self.env.execute_query(SQL(
            """SELECT COUNT(*), COALESCE(SUM(amount), 0), COALESCE(SUM(arrears), 0),
                      COALESCE(SUM(oneoff), 0)
                 FROM sp_ent_rows"""))[0]
        self._sp_drop_temp()
        return {"period": period, "rows": rows[0], "amount": float(rows[1]),
                "arrears": float(rows[2]), "oneoff": float(rows[3]),
                "seconds": time.perf_counter() - started}

    @api.model
    def _sp_confirm_period(self, period, domain=None):
        """Lock the draft rows of ``period`` (optionally within ``domain``): the payment module
        calls this once it has built its payment lines from them. Returns the rows locked."""
        period = month_start(fields.Date.to_date(period))
        if not self.env.su and not self.env.user.has_group("sp_base.group_province_manager"):
            raise AccessError(_("Only province managers and central officers confirm monthly "
                                "entitlements."))
        rows = self.search([("period", "=", period), ("state", "=", "draft")] + (domain or []))
        self.env.cr.execute(SQL("UPDATE sp_entitlement SET state = 'confirmed', write_uid = %s, "
                                "write_date = NOW() AT TIME ZONE 'UTC' WHERE id = ANY(%s)",
                                self.env.uid, rows.ids))
        self.invalidate_model(["state"])
        return rows

    @api.model
    def _sp_refresh_monthly_amounts(self, enrolments, period):
        """Set ``monthly_amount`` of ``enrolments`` to what ``period`` pays them, without
        storing entitlement rows (decision, adjustment)."""
        if not enrolments:
            return
        period = month_start(period)
        with no_jit(self.env.cr):
            self._sp_run(period, [SQL("e.id = ANY(%s)", enrolments.ids)], store=False)
        self._sp_drop_temp()

    @api.model
    def _cron_compute_current_month(self):
        self.sudo()._sp_compute_period(fields.Date.context_today(self))

    # ------------------------------------------------------------------ the computation
    def _sp_check_can_compute(self):
        if not self.env.su and not self.env.user.has_group("sp_base.group_province_manager"):
            raise UserError(_("Only province managers and central officers compute monthly "
                              "entitlements."))

    @api.model
    def _sp_scope_filters(self, programmes, companies, enrolments):
        filters = []
        if programmes is not None:
            filters.append(SQL("e.programme_id = ANY(%s)", programmes.ids))
        if companies is not None:
            filters.append(SQL("e.company_id = ANY(%s)", companies.ids))
        if enrolments is not None:
            filters.append(SQL("e.id = ANY(%s)", enrolments.ids))
        return filters

    def _sp_drop_temp(self):
        self.env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL(", ").join(
            SQL.identifier(name) for name in _TEMP_TABLES)))

    def _sp_run(self, period, filters, store):
        """The pipeline, one statement per step over temporary tables:

        scope (enrolments to pay) -> need (person x month: this month, plus past months to
        recompute for arrears) -> ex (every enrolment of those people paid in those months) ->
        line (category x band x standard level) -> pline (overlap rules: highest of a group,
        cumulative pairs) -> due (per enrolment and month) -> arrears (due - already given,
        netted per person) -> rows.
        """
        self.env.flush_all()
        self._sp_drop_temp()
        self.env["sp.enrolment"]._sp_fill_area_keys()
        cr = self.env.cr
        where = SQL(" AND ").join(filters) if filters else SQL("TRUE")
        cr.execute(SQL(
            """
            CREATE TEMP TABLE sp_ent_scope ON COMMIT DROP AS
            SELECT e.id AS enrolment_id, COALESCE(e.individual_id, -e.household_id) AS person,
                   CASE WHEN %(store)s THEN LEAST(e.arrears_from, d.arrears_from) END
                       AS window_start,
                   CASE WHEN %(store)s AND e.funeral_amount > 0 AND e.funeral_period <= %(M)s
                        THEN NOT EXISTS (SELECT 1 FROM sp_entitlement p
                                          WHERE p.enrolment_id = e.id AND p.period < %(M)s
                                            AND p.oneoff_amount > 0)
                        ELSE FALSE END AS funeral_due
              FROM sp_enrolment e
              LEFT JOIN sp_entitlement d ON d.enrolment_id = e.id AND d.period = %(M)s
             WHERE e.state IN %(payable)s AND e.date_start IS NOT NULL
               AND (NOT %(store)s OR d.id IS NULL OR d.state = 'draft')
               AND %(where)s
               AND ((e.date_start <= %(M)s AND (e.date_end IS NULL OR e.date_end >= %(M)s))
                    OR (%(store)s AND (e.arrears_from < %(M)s OR d.arrears_from < %(M)s
                        OR (e.funeral_amount > 0 AND e.funeral_period <= %(M)s))))
            """, M=period, payable=PAYABLE_STATES, where=where, store=store))
        cr.execute("CREATE INDEX ON sp_ent_scope (enrolment_id)")
        cr.execute("ANALYZE sp_ent_scope")
        cr.execute(SQL(
            """
            CREATE TEMP TABLE sp_ent_need ON COMMIT DROP AS
            SELECT person, %(M)s::date AS x FROM sp_ent_scope
             UNION
            SELECT s.person, g::date
              FROM sp_ent_scope s
             CROSS JOIN LATERAL generate_series(s.window_start, %(M)s::date - INTERVAL '1 month',
                                                INTERVAL '1 month') g
             WHERE s.window_start < %(M)s
            """, M=period))
        cr.execute("ANALYZE sp_ent_need")
        cr.execute(SQL(
            """
            CREATE TEMP TABLE sp_ent_ex ON COMMIT DROP AS
            SELECT n.person, n.x, e.id AS enrolment_id, e.programme_id, e.individual_id,
                   COALESCE(e.province_id, 0) AS province_id, e.certificate_date,
                   COALESCE(e.dependant_count, 1) AS dependant_count,
                   COALESCE(e.disability_level, 'none') AS disability_level,
                   NULL::integer AS adjustment_id,
                   EXTRACT(YEAR FROM n.x)::int - EXTRACT(YEAR FROM i.birthdate)::int
                   - (EXTRACT(MONTH FROM n.x) <= EXTRACT(MONTH FROM i.birthdate))::int
                       AS age_after,
                   EXTRACT(YEAR FROM n.x)::int - EXTRACT(YEAR FROM i.birthdate)::int
                   - (EXTRACT(MONTH FROM n.x) < EXTRACT(MONTH FROM i.birthdate))::int
                       AS age_bday
              FROM sp_ent_need n
              JOIN sp_enrolment e ON COALESCE(e.individual_id, -e.household_id) = n.person
              LEFT JOIN sp_individual i ON i.id = e.individual_id
             WHERE e.state IN %(payable)s AND e.date_start <= n.x
               AND (e.date_end IS NULL OR e.date_end >= n.x)
               AND NOT EXISTS (
                    SELECT 1 FROM sp_enrolment_suspension s
                     WHERE s.enrolment_id = e.id AND NOT COALESCE(s.paid_back, FALSE)
                       AND s.date_from <= n.x AND (s.date_to IS NULL OR s.date_to >= n.x))
            """, payable=PAYABLE_STATES))
        # Months before an adjustment use the values it replaced.
        cr.execute(
            """
            UPDATE sp_ent_ex ex
               SET adjustment_id = a.id, dependant_count = a.old_dependant_count,
                   disability_level = a.old_disability_level
              FROM (SELECT DISTINCT ON (ex.enrolment_id, ex.x) ex.enrolment_id, ex.x, a.id,
                           a.old_dependant_count, a.old_disability_level
                      FROM sp_ent_ex ex
                      JOIN sp_enrolment_adjustment a
                        ON a.enrolment_id = ex.enrolment_id AND a.date > ex.x
                     ORDER BY ex.enrolment_id, ex.x, a.date, a.id) a
             WHERE ex.enrolment_id = a.enrolment_id AND ex.x = a.x
            """)
        cr.execute("ANALYZE sp_ent_ex")
        # Bands by (category, age): every age a band covers is one row (-1: no age known,
        # for bands without age limits), so lines find their band by hash, not by range.
        cr.execute(
            """
            CREATE TEMP TABLE sp_ent_band ON COMMIT DROP AS
            SELECT b.category_id, g.age, b.date_from, b.date_to, b.disability_level,
                   b.coefficient
              FROM sp_benefit_band b
              JOIN generate_series(-1, 150) g(age)
                ON (g.age >= COALESCE(b.age_min, 0)
                    AND (COALESCE(b.age_max, 0) = 0 OR g.age < b.age_max))
                OR (g.age = -1 AND COALESCE(b.age_min, 0) = 0 AND COALESCE(b.age_max, 0) = 0)
             WHERE b.category_id IN (SELECT id FROM sp_benefit_category
                                      WHERE programme_id IN (SELECT programme_id FROM sp_ent_ex))
            """)
        cr.execute("ANALYZE sp_ent_band")
        # Standard level of each programme, province and month: the higher of the national
        # and the province's own level in force.
        cr.execute(
            """
            CREATE TEMP TABLE sp_ent_level ON COMMIT DROP AS
            SELECT k.programme_id, k.province_id, k.x,
                   GREATEST(COALESCE(nat.amount, 0), COALESCE(prov.amount, 0)) AS level
              FROM (SELECT DISTINCT programme_id, province_id, x FROM sp_ent_ex) k
              LEFT JOIN LATERAL (
                    SELECT amount FROM sp_standard_level l
                     WHERE l.programme_id = k.programme_id AND l.province_id IS NULL
                       AND l.date_from <= k.x
                     ORDER BY l.date_from DESC LIMIT 1) nat ON TRUE
              LEFT JOIN LATERAL (
                    SELECT amount FROM sp_standard_level l
                     WHERE l.programme_id = k.programme_id AND l.province_id = k.province_id
                       AND l.date_from <= k.x
                     ORDER BY l.date_from DESC LIMIT 1) prov ON TRUE
            """)
        # Each enrolment's categories in each month (the replaced ones before an adjustment),
        # with the age that counts under the category's birthday rule.
        cr.execute(
            """
            CREATE TEMP TABLE sp_ent_cat ON COMMIT DROP AS
            WITH cats AS (
                SELECT ex.person, ex.x, ex.enrolment_id, ex.programme_id, ex.province_id,
                       ex.certificate_date, ex.dependant_count, ex.disability_level,
                       ex.age_after, ex.age_bday, r.sp_benefit_category_id AS category_id
                  FROM sp_ent_ex ex
                  JOIN sp_benefit_category_sp_enrolment_rel r ON r.sp_enrolment_id = ex.enrolment_id
                 WHERE ex.adjustment_id IS NULL
                 UNION ALL
                SELECT ex.person, ex.x, ex.enrolment_id, ex.programme_id, ex.province_id,
                       ex.certificate_date, ex.dependant_count, ex.disability_level,
                       ex.age_after, ex.age_bday, r.category_id
                  FROM sp_ent_ex ex
                  JOIN sp_enrolment_adjustment_old_rel r ON r.adjustment_id = ex.adjustment_id
            )
            SELECT c.person, c.x, c.enrolment_id, c.programme_id, c.province_id,
                   c.certificate_date, c.disability_level, c.category_id,
                   NULLIF(cat.exclusivity_group, '') AS grp, cat.sequence, cat.start_rule,
                   CASE WHEN cat.per_dependant THEN c.dependant_count ELSE 1 END AS quantity,
                   COALESCE(CASE WHEN COALESCE(cat.age_rule, p.age_rule) = 'birthday_month'
                                 THEN c.age_bday ELSE c.age_after END, -1) AS age
              FROM cats c
              JOIN sp_benefit_category cat ON cat.id = c.category_id
              JOIN sp_programme p ON p.id = cat.programme_id
            """)
        cr.execute("ANALYZE sp_ent_level")
        cr.execute("ANALYZE sp_ent_cat")
        cr.execute(
            """
            CREATE TEMP TABLE sp_ent_line ON COMMIT DROP AS
            SELECT a.person, a.x, a.enrolment_id, a.category_id, a.grp, a.sequence,
                   b.coefficient, a.quantity, lv.level,
                   ROUND(b.coefficient * a.quantity * lv.level) AS amount
              FROM sp_ent_cat a
              JOIN sp_ent_level lv ON lv.programme_id = a.programme_id
               AND lv.province_id = a.province_id AND lv.x = a.x
              JOIN sp_ent_band b ON b.category_id = a.category_id AND b.age = a.age
             WHERE lv.level > 0 AND b.date_from <= a.x AND (b.date_to IS NULL OR b.date_to >= a.x)
               AND (b.disability_level IS NULL OR b.disability_level = a.disability_level)
               AND (a.start_rule <> 'certificate'
                    OR DATE_TRUNC('month', a.certificate_date) <= a.x)
            """)
        cr.execute("ANALYZE sp_ent_line")
        # Most people have one line in a month: it is paid as it is. The overlap rules rank
        # the lines of the others only.
        cr.execute(
            """
            CREATE TEMP TABLE sp_ent_multi ON COMMIT DROP AS
            SELECT person, x FROM sp_ent_line GROUP BY person, x HAVING COUNT(*) > 1
            """)
        cr.execute("ANALYZE sp_ent_multi")
        # The overlap rules: in each exclusivity group of a person and month, the best single
        # line or the best pair of lines declared cumulative (K4 with K5/K6/K8).
        cr.execute(
            """
            CREATE TEMP TABLE sp_ent_pline ON COMMIT DROP AS
            WITH ranked AS (
                SELECT l.*, ROW_NUMBER() OVER (
                           PARTITION BY l.person, l.x, l.grp
                           ORDER BY l.amount DESC, l.sequence, l.category_id, l.enrolment_id) AS r
                  FROM sp_ent_line l
                  JOIN sp_ent_multi m ON m.person = l.person AND m.x = l.x
            ), cand AS (
                SELECT person, x, grp, r AS r1, r AS r2, amount AS total
                  FROM ranked WHERE grp IS NOT NULL
                 UNION ALL
                SELECT a.person, a.x, a.grp, a.r, b.r, a.amount + b.amount
                  FROM ranked a
                  JOIN ranked b ON b.person = a.person AND b.x = a.x AND b.grp = a.grp AND b.r > a.r
                 WHERE EXISTS (
                        SELECT 1 FROM sp_benefit_category_cumulative_rel c
                         WHERE (c.category_id = a.category_id AND c.other_id = b.category_id)
                            OR (c.category_id = b.category_id AND c.other_id = a.category_id))
            ), best AS (
                SELECT DISTINCT ON (person, x, grp) person, x, grp, r1, r2
                  FROM cand ORDER BY person, x, grp, total DESC, r1, r2
            )
            SELECT k.*, (k.grp IS NULL OR k.r = b.r1 OR k.r = b.r2) AS paid
              FROM ranked k
              LEFT JOIN best b ON b.person = k.person AND b.x = k.x AND b.grp = k.grp
            """)
        cr.execute("ANALYZE sp_ent_pline")
        cr.execute(
            """
            CREATE TEMP TABLE sp_ent_due ON COMMIT DROP AS
            SELECT l.enrolment_id, l.x, l.person, l.amount AS due,
                   l.coefficient * l.quantity AS coefficient, l.category_id, l.level,
                   1 AS line_count, NULL::jsonb AS breakdown
              FROM sp_ent_line l
             WHERE NOT EXISTS (SELECT 1 FROM sp_ent_multi m WHERE m.person = l.person AND m.x = l.x)
             UNION ALL
            SELECT l.enrolment_id, l.x, l.person,
                   COALESCE(SUM(l.amount) FILTER (WHERE l.paid), 0) AS due,
                   COALESCE(SUM(l.coefficient * l.quantity) FILTER (WHERE l.paid), 0)
                       AS coefficient,
                   (ARRAY_AGG(l.category_id ORDER BY l.amount DESC, l.sequence, l.category_id)
                        FILTER (WHERE l.paid))[1] AS category_id,
                   MAX(l.level) AS level, COUNT(*) AS line_count, NULL::jsonb AS breakdown
              FROM sp_ent_pline l
             GROUP BY l.enrolment_id, l.x, l.person
            """)
        # The breakdown is kept where it says more than the row: two lines or more.
        cr.execute(SQL(
            """
            UPDATE sp_ent_due d SET breakdown = b.lines
              FROM (SELECT l.enrolment_id, JSONB_AGG(JSONB_BUILD_OBJECT(
                           'category_id', l.category_id, 'code', c.code,
                           'coefficient', l.coefficient, 'quantity', l.quantity,
                           'level', l.level, 'amount', l.amount, 'paid', l.paid)
                           ORDER BY l.amount DESC, l.sequence, l.category_id) AS lines
                      FROM sp_ent_pline l
                      JOIN sp_benefit_category c ON c.id = l.category_id
                     WHERE l.x = %(M)s AND l.enrolment_id IN (
                           SELECT enrolment_id FROM sp_ent_due
                            WHERE x = %(M)s AND line_count > 1)
                     GROUP BY l.enrolment_id) b
             WHERE d.enrolment_id = b.enrolment_id AND d.x = %(M)s
            """, M=period))
        cr.execute("CREATE INDEX ON sp_ent_due (enrolment_id, x)")
        cr.execute("ANALYZE sp_ent_due")
        if store:
            self._sp_run_arrears(period)
            self._sp_store_rows(period)
        # One pass over the enrolments: the monthly amount of the latest month computed, and
        # (when rows were stored) the arrears marks this month settled; its row's arrears_from
        # remembers them for a recomputation of this month.
        cr.execute(SQL(
            """
            UPDATE sp_enrolment e
               SET monthly_amount = CASE WHEN u.latest THEN u.due ELSE e.monthly_amount END,
                   arrears_from = CASE WHEN %(store)s AND e.arrears_from < %(M)s THEN NULL
                                       ELSE e.arrears_from END
              FROM (SELECT s.enrolment_id, COALESCE(d.due, 0) AS due,
                           NOT EXISTS (SELECT 1 FROM sp_entitlement t
                                        WHERE t.enrolment_id = s.enrolment_id
                                          AND t.period > %(M)s) AS latest
                      FROM sp_ent_scope s
                      LEFT JOIN sp_ent_due d ON d.enrolment_id = s.enrolment_id AND d.x = %(M)s) u
             WHERE e.id = u.enrolment_id
               AND ((u.latest AND e.monthly_amount IS DISTINCT FROM u.due)
                    OR (%(store)s AND e.arrears_from < %(M)s))
            """, M=period, store=store))
        self.env["sp.enrolment"].invalidate_model(["monthly_amount", "arrears_from"])
        self.invalidate_model()
        self.env["sp.entitlement.arrear"].invalidate_model()

    def _sp_run_arrears(self, period):
        """Past months to recompute: what is due now minus what was already given (the month's
        own row and arrears paid before this period), netted per person and month: an
        enrolment given more than it is now due offsets the others, largest first."""
        cr = self.env.cr
        cr.execute(SQL(
            """
            CREATE TEMP TABLE sp_ent_balance ON COMMIT DROP AS
            WITH pm AS (
                SELECT person, x FROM sp_ent_need WHERE x < %(M)s
            ), given AS (
                SELECT pm.person, pm.x, e.id AS enrolment_id, t.id AS row_id,
                       COALESCE(t.amount, 0) AS settled
                  FROM pm
                  JOIN sp_enrolment e ON COALESCE(e.individual_id, -e.household_id) = pm.person
                  LEFT JOIN sp_entitlement t ON t.enrolment_id = e.id AND t.period = pm.x
            ), paid_back AS (
                SELECT a.enrolment_id, a.period AS x, SUM(a.amount) AS amount
                  FROM sp_entitlement_arrear a
                  JOIN sp_entitlement t ON t.id = a.entitlement_id AND t.period < %(M)s
                 WHERE a.enrolment_id IN (SELECT enrolment_id FROM given)
                   AND a.period < %(M)s
                 GROUP BY a.enrolment_id, a.period
            ), parts AS (
                SELECT person, x, enrolment_id, due, 0 AS settled FROM sp_ent_due
                 WHERE x < %(M)s
                 UNION ALL
                SELECT g.person, g.x, g.enrolment_id, 0, g.settled + COALESCE(b.amount, 0)
                  FROM given g
                  LEFT JOIN paid_back b ON b.enrolment_id = g.enrolment_id AND b.x = g.x
            )
            SELECT person, x, enrolment_id, SUM(due) AS due, SUM(settled) AS settled,
                   SUM(due) - SUM(settled) AS bal
              FROM parts GROUP BY person, x, enrolment_id
            HAVING SUM(due) <> 0 OR SUM(settled) <> 0
            """, M=period))
        cr.execute("ANALYZE sp_ent_balance")
        cr.execute(
            """
            CREATE TEMP TABLE sp_ent_arrear ON COMMIT DROP AS
            WITH offsets AS (
                SELECT person, x, COALESCE(SUM(-bal) FILTER (WHERE bal < 0), 0) AS offset_amount
                  FROM sp_ent_balance GROUP BY person, x
            ), positive AS (
                SELECT b.*, o.offset_amount,
                       COALESCE(SUM(b.bal) OVER (
                           PARTITION BY b.person, b.x ORDER BY b.bal DESC, b.enrolment_id
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
                  FROM sp_ent_balance b JOIN offsets o ON o.person = b.person AND o.x = b.x
                 WHERE b.bal > 0
            )
            SELECT p.enrolment_id, p.x, p.due, p.settled,
                   GREATEST(0, p.bal - GREATEST(0, p.offset_amount - p.before)) AS amount
              FROM positive p
              JOIN sp_ent_scope s ON s.enrolment_id = p.enrolment_id AND p.x >= s.window_start
            """)
        cr.execute("ANALYZE sp_ent_arrear")

    def _sp_store_rows(self, period):
        """Upsert the rows of the month: new rows inserted, changed draft rows updated,
        unchanged rows left alone (a recomputation writes only what changed), draft rows no
        longer due deleted. Confirmed rows are never touched."""
        cr = self.env.cr
        cr.execute(SQL(
            """
            CREATE TEMP TABLE sp_ent_rows ON COMMIT DROP AS
            WITH ar AS (
                SELECT enrolment_id, SUM(amount) AS amount FROM sp_ent_arrear
                 WHERE amount > 0 GROUP BY enrolment_id
            )
            SELECT s.enrolment_id, e.programme_id, e.individual_id, e.household_id,
                   e.company_id, e.area_id, d.category_id,
                   COALESCE(d.coefficient, 0) AS coefficient, COALESCE(d.level, 0) AS level,
                   COALESCE(d.due, 0) AS amount, COALESCE(ar.amount, 0) AS arrears,
                   CASE WHEN s.funeral_due THEN e.funeral_amount ELSE 0 END AS oneoff,
                   CASE WHEN s.window_start < %(M)s THEN s.window_start END AS window_start,
                   d.breakdown
              FROM sp_ent_scope s
              JOIN sp_enrolment e ON e.id = s.enrolment_id
              LEFT JOIN sp_ent_due d ON d.enrolment_id = s.enrolment_id AND d.x = %(M)s
              LEFT JOIN ar ON ar.enrolment_id = s.enrolment_id
             WHERE COALESCE(d.due, 0) + COALESCE(ar.amount, 0)
                   + CASE WHEN s.funeral_due THEN e.funeral_amount ELSE 0 END > 0
            """, M=period))
        # Read whole (the insert) or through its index (the deletion): no statistics needed.
        cr.execute("CREATE UNIQUE INDEX ON sp_ent_rows (enrolment_id)")
        cr.execute(SQL(
            """
            DELETE FROM sp_entitlement t USING sp_ent_scope s
             WHERE t.enrolment_id = s.enrolment_id AND t.period = %(M)s AND t.state = 'draft'
               AND NOT EXISTS (SELECT 1 FROM sp_ent_rows r WHERE r.enrolment_id = t.enrolment_id)
            """, M=period))
        cr.execute(SQL(
            """
            INSERT INTO sp_entitlement AS t
                   (enrolment_id, period, state, programme_id, individual_id, household_id,
                    company_id, area_id, category_id, coefficient, standard_level, amount,
                    arrears_amount, oneoff_amount, total_amount, arrears_from, breakdown,
                    create_uid, create_date, write_uid, write_date)
            SELECT enrolment_id, %(M)s, 'draft', programme_id, individual_id, household_id,
                   company_id, area_id, category_id, coefficient, level, amount, arrears, oneoff,
                   amount + arrears + oneoff, window_start, breakdown,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM sp_ent_rows
                ON CONFLICT (enrolment_id, period) DO UPDATE
               SET programme_id = EXCLUDED.programme_id, individual_id = EXCLUDED.individual_id,
                   household_id = EXCLUDED.household_id, company_id = EXCLUDED.company_id,
                   area_id = EXCLUDED.area_id, category_id = EXCLUDED.category_id,
                   coefficient = EXCLUDED.coefficient, standard_level = EXCLUDED.standard_level,
                   amount = EXCLUDED.amount, arrears_amount = EXCLUDED.arrears_amount,
                   oneoff_amount = EXCLUDED.oneoff_amount, total_amount = EXCLUDED.total_amount,
                   arrears_from = EXCLUDED.arrears_from, breakdown = EXCLUDED.breakdown,
                   write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
             WHERE t.state = 'draft'
               AND (t.programme_id, t.individual_id, t.household_id, t.company_id, t.area_id,
                    t.category_id, t.coefficient, t.standard_level, t.amount, t.arrears_amount,
                    t.oneoff_amount, t.arrears_from, t.breakdown)
                   IS DISTINCT FROM
                   (EXCLUDED.programme_id, EXCLUDED.individual_id, EXCLUDED.household_id,
                    EXCLUDED.company_id, EXCLUDED.area_id, EXCLUDED.category_id,
                    EXCLUDED.coefficient, EXCLUDED.standard_level, EXCLUDED.amount,
                    EXCLUDED.arrears_amount, EXCLUDED.oneoff_amount, EXCLUDED.arrears_from,
                    EXCLUDED.breakdown)
            """, M=period, uid=self.env.uid))
        if cr.rowcount >= ANALYZE_ROWS:
            # Fresh statistics for what reads the month next (payment lines): on a young table
            # the planner would take the rows just written for none (4 times slower at 1M).
            cr.execute("ANALYZE sp_entitlement")
        # Arrears by month: replaced for the draft rows of the scope (few: retroactive cases).
        cr.execute(SQL(
            """
            DELETE FROM sp_entitlement_arrear a USING sp_entitlement t, sp_ent_scope s
             WHERE a.entitlement_id = t.id AND t.enrolment_id = s.enrolment_id
               AND t.period = %(M)s AND t.state = 'draft'
            """, M=period))
        cr.execute(SQL(
            """
            INSERT INTO sp_entitlement_arrear
                   (entitlement_id, enrolment_id, period, due, settled, amount, company_id,
                    area_id, create_uid, create_date, write_uid, write_date)
            SELECT t.id, a.enrolment_id, a.x, a.due, a.settled, a.amount, t.company_id,
                   t.area_id, %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM sp_ent_arrear a
              JOIN sp_entitlement t ON t.enrolment_id = a.enrolment_id AND t.period = %(M)s
             WHERE a.amount > 0 AND t.state = 'draft'
            """, M=period, uid=self.env.uid))

    # ------------------------------------------------------------------ per-record helpers
    @api.model
    def _sp_settled(self, enrolments, month, period):
        """What each of ``enrolments`` was already given for ``month`` before ``period``: the
        month's own row and the arrears for it paid in earlier periods."""
        settled = {}
        for row in self.sudo().search([("enrolment_id", "in", enrolments.ids),
                                       ("period", "=", month)]):
            settled[row.enrolment_id.id] = settled.get(row.enrolment_id.id, 0.0) + row.amount
        for row in self.env["sp.entitlement.arrear"].sudo().search([
                ("enrolment_id", "in", enrolments.ids), ("period", "=", month),
                ("entitlement_id.period", "<", period)]):
            settled[row.enrolment_id.id] = settled.get(row.enrolment_id.id, 0.0) + row.amount
        return {key: value for key, value in settled.items() if value}

    @api.model
    def _sp_compute_period_orm(self, period, enrolments):
        """The per-record path: the same rows as ``_sp_compute_period``, one enrolment at a
        time through the ORM (for comparison in tests and benchmarks)."""
        period = month_start(fields.Date.to_date(period))
        created = self.browse()
        for enrolment in enrolments:
            result = enrolment._sp_entitlement(period)
            old = self.search([("enrolment_id", "=", enrolment.id), ("period", "=", period)])
            if old.state == "confirmed":
                continue
            old.unlink()
            enrolment.sudo().arrears_from = False if (
                enrolment.arrears_from and enrolment.arrears_from < period) \
                else enrolment.arrears_from
            if not result["total_amount"]:
                continue
            created |= self._sp_step_create([{
                "enrolment_id": enrolment.id, "period": period,
                "programme_id": enrolment.programme_id.id,
                "individual_id": enrolment.individual_id.id,
                "household_id": enrolment.household_id.id,
                "area_id": enrolment.area_id.id, "company_id": enrolment.company_id.id,
                "category_id": result["category_id"], "coefficient": result["coefficient"],
                "standard_level": result["standard_level"], "amount": result["amount"],
                "arrears_amount": result["arrears_amount"],
                "oneoff_amount": result["oneoff_amount"],
                "total_amount": result["total_amount"],
                "arrears_from": result["arrears_from"] if result["arrears_from"]
                and result["arrears_from"] < period else False,
                "breakdown": result["lines"] if len(result["lines"]) > 1 else False,
                "arrear_ids": [(0, 0, {"enrolment_id": enrolment.id, "period": a["period"],
                                       "due": a["due"], "settled": a["settled"],
                                       "amount": a["amount"], "area_id": enrolment.area_id.id})
                               for a in result["arrears"]],
            }])
        return created

