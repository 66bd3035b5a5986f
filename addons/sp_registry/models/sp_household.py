from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.sp_base.tools import drop_foreign_keys

from ..tools.sql import (
    REGISTRY_COPIED_KEYS,
    analyze_registry,
    create_index,
    ensure_unaccent_lower,
)

# the last number of a household code (<commune code>-<6 digits>)
MAX_CODE = 999999
POVERTY_STATUSES = [
    ("poor", "Poor"),
    ("near_poor", "Near-poor"),
    ("middle", "Middle living standard"),
    ("none", "Not classified"),
]


class SpHousehold(models.Model):
    _name = "sp.household"
    _description = "Household"
    _inherit = ["sp.step.mixin", "sp.input.mixin", "sp.access.mixin",
                "sp.commune.mixin", "mail.thread"]
    _order = "code desc, id desc"
    _rec_names_search = ["code", "head_id.name"]

    code = fields.Char(
        readonly=True,
        copy=False,
        tracking=True,
        sp_step=True,
        help="<commune code>-<6 digits>, given by the server when the household is registered "
        "(never by a client).",
    )
    active = fields.Boolean(default=True, tracking=True)
    area_id = fields.Many2one(
        string="Commune / village",
        required=True,
        tracking=True,
        domain="[('level', 'in', ('commune', 'village')), ('scheme', '=', '2025')]",
    )
    company_id = fields.Many2one(tracking=True)
    commune_id = fields.Many2one(index=True)
    street = fields.Char("Hamlet / street", tracking=True, help="Hamlet, group, house number, street.")
    head_id = fields.Many2one(
        "sp.individual", string="Head", tracking=True, index="btree_not_null",
        domain="[('household_id', '=', id)]", copy=False,
    )
    member_ids = fields.One2many("sp.individual", "household_id", string="Members")
    member_count = fields.Integer("Number of members", compute="_compute_member_count", store=True)
    phone = fields.Char(related="head_id.phone", string="Head's phone")
    poverty_status = fields.Selection(
        POVERTY_STATUSES, string="Poverty status", default="none", required=True, tracking=True,
        sp_step=True,
        help="Current status, from the latest year of the poverty history (or the provincial "
        "list imported); the yearly history keeps each annual review's result.",
    )
    poverty_history_ids = fields.One2many(
        "sp.household.poverty.history", "household_id", string="Poverty history"
    )
    event_ids = fields.One2many("sp.registry.event", "household_id", string="Registry events")
    notes = fields.Text()

    _sql_constraints = [("code_uniq", "unique(code)", "A household code must be unique.")]

    def init(self):
        ensure_unaccent_lower(self.env.cr)
        # no check per row of a provincial list for keys that cannot fail
        drop_foreign_keys(self, REGISTRY_COPIED_KEYS)
        # One counter per commune, bumped by the set-based code assignment (a row lock per
        # commune serialises concurrent registrations in that commune only).
        self.env.cr.execute("""
            CREATE TABLE IF NOT EXISTS sp_household_code_counter (
                commune_id integer PRIMARY KEY REFERENCES sp_area(id) ON DELETE CASCADE,
                last_value integer NOT NULL
            )
        """)
        create_index(self.env.cr, "sp_household_code_trgm", "sp_household", "code gin_trgm_ops",
                     "gin")
        # the unique constraint's index serves the code; a poverty status or a province is a
        # large share of the table (a scan does better), and every insert paid for them
        for name in ("sp_household__code_index", "sp_household__poverty_status_index",
                     "sp_household__province_id_index"):
            self.env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))

    @api.depends("member_ids")
    def _compute_member_count(self):
        data = self.env["sp.individual"]._read_group(
            [("household_id", "in", self.ids)], ["household_id"], ["__count"])
        counts = {household.id: count for household, count in data}
        for household in self:
            household.member_count = counts.get(household.id, 0)

    @api.depends("code", "head_id.name")
    def _compute_display_name(self):
        for household in self:
            head = household.head_id.name
            household.display_name = (
                "%s - %s" % (household.code, head) if head else household.code or _("New household")
            )

    @api.constrains("area_id")
    def _check_area_level(self):
        for household in self:
            if household.area_id.level not in ("commune", "village"):
                raise ValidationError(_(
                    "Household %(code)s must be registered in a commune or a village, not in "
                    "%(area)s.", code=household.code or "", area=household.area_id.display_name))

    @api.constrains("head_id", "member_ids")
    def _check_head(self):
        for household in self.filtered("head_id"):
            if household.head_id.household_id != household:
                raise ValidationError(_(
                    "%(person)s cannot head household %(code)s: they are not one of its members.",
                    person=household.head_id.name, code=household.code))

    @api.model_create_multi
    def create(self, vals_list):
        households = super().create(vals_list)
        households._sp_assign_codes()
        return households

    def write(self, vals):
        old_heads = {household: household.head_id for household in self} \
            if "head_id" in vals else {}
        res = super().write(vals)
        if "area_id" in vals:
            # The people move with their household (archived members too).
            self.with_context(active_test=False).member_ids.write({"area_id": vals["area_id"]})
        for household, old_head in old_heads.items():
            if household.head_id != old_head:
                old_head.filtered(lambda p: p.relationship == "head").relationship = "other"
                if household.head_id.relationship != "head":
                    household.head_id.relationship = "head"
        return res

    @api.model
    def _sp_reserve_codes(self, counts):
        """Reserve ``n`` new codes in each commune, for loaders that write codes themselves.

        :param counts: ``{commune_id: n}``
        :return: ``{commune_id: (prefix, base)}``: the reserved codes are
            ``prefix-LPAD(base + 1 ... base + n, 6)`` (``prefix`` is the commune code).

        The counter row of each commune (``sp_household_code_counter``, its last number given)
        is the source of the numbers; it is locked until the transaction ends, so concurrent
        registrations in one commune wait for each other (and, in Odoo's repeatable-read
        transactions, the later one is retried by the server as any concurrent update is),
        never share a number. A commune's first reservation starts after the highest number of
        the exact form ``<commune>-<6 digits>`` already used (codes loaded as they were).
        No value in the table can push the numbers past 999999: a range of ``n`` numbers that
        are all free is taken after the counter (numbers already used, e.g. loaded codes, are
        skipped), and when none is left up to 999999 the search starts again from 1; when the
        commune has no ``n`` free numbers at all, a clear error is raised.
        """
        counts = {commune: n for commune, n in counts.items() if n}
        if not counts:
            return {}
        communes = sorted(counts)
        prefixes = {area.id: area.code for area in self.env["sp.area"].sudo().browse(communes)}
        cr = self.env.cr
        # Create the missing counter rows and lock them all, in id order (two registrations in
        # several communes never wait for each other in a cycle). The highest number already
        # used in a commune is one probe of the unique index on the code (its last entry
        # between '<commune>-000000' and '<commune>-999999' of that exact form).
        cr.execute(SQL(
            """
            INSERT INTO sp_household_code_counter AS c (commune_id, last_value)
            SELECT a.id, COALESCE((
                       SELECT RIGHT(h.code, 6)::int FROM sp_household h
                        WHERE h.code >= a.code || '-000000' AND h.code <= a.code || '-999999'
                          AND LENGTH(h.code) = LENGTH(a.code) + 7
                          AND LEFT(h.code, LENGTH(a.code) + 1) = a.code || '-'
                          AND RIGHT(h.code, 6) ~ '^[0-9]{6}$'
                        ORDER BY h.code DESC LIMIT 1), 0)
              FROM sp_area a WHERE a.id = ANY(%(communes)s) ORDER BY a.id
                ON CONFLICT (commune_id) DO UPDATE SET last_value = c.last_value
            RETURNING c.commune_id, c.last_value
            """, communes=communes))
        last = dict(cr.fetchall())
        starts = {commune: last[commune] if 0 <= last[commune] <= MAX_CODE - counts[commune]
                  else 0 for commune in last}
        bases = self._sp_free_ranges(counts, prefixes, starts)
        retry = {commune: 0 for commune, base in bases.items() if base is None and starts[commune]}
        if retry:
            bases.update(self._sp_free_ranges(counts, prefixes, retry))
        full = [commune for commune, base in bases.items() if base is None]
        if full:
            raise UserError(_(
                "No household code is left in commune %(commune)s: the %(max)s numbers of its "
                "codes (%(prefix)s-000001 to %(prefix)s-999999) are used. Ask the system "
                "administrator.", commune=self.env["sp.area"].sudo().browse(full[0]).display_name,
                max=MAX_CODE, prefix=prefixes[full[0]]))
        cr.execute(SQL(
            """
            UPDATE sp_household_code_counter c SET last_value = k.base + k.n
              FROM UNNEST(%(communes)s::int[], %(bases)s::int[], %(ns)s::int[])
                   AS k(commune_id, base, n)
             WHERE c.commune_id = k.commune_id
            """, communes=list(bases), bases=list(bases.values()),
            ns=[counts[commune] for commune in bases]))
        return {commune: (prefixes[commune], base) for commune, base in bases.items()}

    @api.model
    def _sp_free_ranges(self, counts, prefixes, starts):
        """``{commune: base}``: the lowest ``base >= start`` such that the numbers ``base + 1 ..
        base + n`` are all free in the commune and at most 999999 (None: no such range). Reads
        only the codes above the start (normally none: the counter is the highest number)."""
        communes = list(starts)
        self.env.cr.execute(SQL(
            """
            WITH k AS (
                SELECT * FROM UNNEST(%(communes)s::int[], %(prefixes)s::text[], %(starts)s::int[],
                                     %(ns)s::int[]) AS k(commune_id, prefix, s, n)
            ), used AS (
                SELECT k.commune_id, RIGHT(h.code, 6)::int AS num
                  FROM k JOIN sp_household h
                    ON h.code > k.prefix || '-' || LPAD(k.s::text, 6, '0')
                   AND h.code <= k.prefix || '-999999'
                 WHERE LENGTH(h.code) = LENGTH(k.prefix) + 7
                   AND LEFT(h.code, LENGTH(k.prefix) + 1) = k.prefix || '-'
                   AND RIGHT(h.code, 6) ~ '^[0-9]{6}$'
                 UNION ALL
                SELECT k.commune_id, %(end)s FROM k
            ), gaps AS (
                SELECT u.commune_id, u.num, k.n,
                       LAG(u.num, 1, k.s) OVER (PARTITION BY u.commune_id ORDER BY u.num) AS prev
                  FROM used u JOIN k USING (commune_id)
            )
            SELECT k.commune_id, MIN(g.prev) FILTER (WHERE g.num - g.prev - 1 >= g.n)
              FROM k LEFT JOIN gaps g USING (commune_id)
             GROUP BY k.commune_id
            """,
            communes=communes, prefixes=[prefixes[c] for c in communes],
            starts=[starts[c] for c in communes], ns=[counts[c] for c in communes],
            end=MAX_CODE + 1))
        return dict(self.env.cr.fetchall())

    def _sp_assign_codes(self):
        """Give a code to every household of ``self`` (or, with an empty recordset, of the whole
        table) that has none, set-based: ``<commune code>-<6 digits>`` from a counter per commune.

        Bulk loaders may insert rows with ``code`` NULL and call
        ``env['sp.household']._sp_assign_codes()`` once (or ``_sp_fill_derived``); faster
        still, reserve codes with ``_sp_reserve_codes`` and write them in the INSERT.
        """
        self.flush_model(["code", "commune_id"])
        ids_filter = SQL("AND h.id = ANY(%s)", self.ids) if self else SQL("")
        if not self or len(self) > 1000:
            analyze_registry(self.env.cr, people=False)  # see _sp_fill_derived
        self.env.cr.execute(SQL(
            """SELECT h.commune_id, COUNT(*) FROM sp_household h
                WHERE h.code IS NULL AND h.commune_id IS NOT NULL %s
                GROUP BY h.commune_id""", ids_filter))
        reserved = self._sp_reserve_codes(dict(self.env.cr.fetchall()))
        if not reserved:
            return []
        # A subquery, not a CTE, so that the join on id stays a hash or index join.
        self.env.cr.execute(SQL(
            """
            UPDATE sp_household h
               SET code = t.prefix || '-' || LPAD((t.base + t.rank)::text, 6, '0')
              FROM (SELECT h.id, r.prefix, r.base,
                           ROW_NUMBER() OVER (PARTITION BY h.commune_id ORDER BY h.id) AS rank
                      FROM sp_household h
                      JOIN UNNEST(%(communes)s::int[], %(prefixes)s::text[], %(bases)s::int[])
                           AS r(commune_id, prefix, base) ON r.commune_id = h.commune_id
                     WHERE h.code IS NULL %(ids_filter)s) t
             WHERE h.id = t.id
            RETURNING h.id
            """,
            communes=list(reserved),
            prefixes=[prefix for prefix, _base in reserved.values()],
            bases=[base for _prefix, base in reserved.values()],
            ids_filter=ids_filter,
        ))
        done = [row[0] for row in self.env.cr.fetchall()]
        self.invalidate_model(["code", "display_name"])
        return done

    # ------------------------------------------------------------------ actions
    def _sp_event_action(self, event_type):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sp.registry.event",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_type": event_type,
                "default_household_id": self.id,
                "default_area_id": self.area_id.id,
            },
        }

    def action_event_birth(self):
        return self._sp_event_action("birth")

    def action_event_member_in(self):
        return self._sp_event_action("member_in")

    def action_event_split(self):
        return self._sp_event_action("split")

    def action_event_merge(self):
        return self._sp_event_action("merge")

    def action_event_move(self):
        return self._sp_event_action("move")

    def action_view_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sp_registry.sp_registry_event_action")
        action["domain"] = ["|", "|", ("household_id", "=", self.id),
                            ("other_household_id", "=", self.id),
                            ("individual_id.household_id", "=", self.id)]
        action["context"] = {"default_household_id": self.id}
        return action

    # ------------------------------------------------------------------ bulk loads
    @api.model
    def _sp_fill_derived(self, ids=None):
        """Complete households inserted by SQL (bulk loads), set-based.

        The loader fills ``area_id`` (commune or village), ``poverty_status``, ``active`` and
        the people (``sp.individual._sp_fill_derived``); this fills ``commune_id``,
        ``province_id``, ``company_id`` from the area, ``head_id`` from the member whose
        relationship is ``head``, ``member_count``, and the missing codes.
        ``ids=None`` means every household.
        """
        where = SQL("h.id = ANY(%s)", list(ids)) if ids is not None else SQL("TRUE")
        # Rows inserted in bulk are unknown to the planner until analysed: without fresh
        # statistics it picks nested loops that make these joins quadratic.
        analyze_registry(self.env.cr)
        self.env.cr.execute(SQL(
            """
            UPDATE sp_household h
               SET commune_id = CASE WHEN a.level = 'village' THEN a.parent_id ELSE a.id END,
                   province_id = a.province_id,
                   company_id = COALESCE(a.company_id, h.company_id)
              FROM sp_area a
             WHERE a.id = h.area_id AND %(where)s
               AND (h.commune_id IS DISTINCT FROM
                        CASE WHEN a.level = 'village' THEN a.parent_id ELSE a.id END
                    OR h.province_id IS DISTINCT FROM a.province_id
                    OR h.company_id IS DISTINCT FROM COALESCE(a.company_id, h.company_id))
            """, where=where))
        self.env.cr.execute(SQL(
            """
            UPDATE sp_household h
               SET head_id = m.head_id, member_count = m.n
              FROM (SELECT i.household_id,
                           MIN(i.id) FILTER (WHERE i.relationship = 'head') AS head_id,
                           COUNT(*) FILTER (WHERE i.active) AS n
                      FROM sp_individual i
                     WHERE i.household_id IS NOT NULL
                     GROUP BY i.household_id) m
             WHERE m.household_id = h.id AND %(where)s
               AND (h.head_id IS DISTINCT FROM m.head_id OR h.member_count IS DISTINCT FROM m.n)
            """, where=where))
        self.invalidate_model()
        households = self.browse(ids) if ids is not None else self.browse()
        return households._sp_assign_codes()

    def _sp_sync_poverty_status(self):
        """The current status is the one of the latest year in the history (set-based)."""
        if not self:
            return
        self.env["sp.household.poverty.history"].flush_model()
        self.env.cr.execute(SQL(
            """
            UPDATE sp_household h SET poverty_status = latest.status
              FROM (SELECT DISTINCT ON (household_id) household_id, status, year
                      FROM sp_household_poverty_history
                     WHERE household_id = ANY(%s)
                     ORDER BY household_id, year DESC) latest
             WHERE h.id = latest.household_id AND h.poverty_status IS DISTINCT FROM latest.status
            RETURNING h.id, latest.year
            """,
            self.ids,
        ))
        years = dict(self.env.cr.fetchall())
        changed = self.browse(sorted(years))
        if changed:
            self.env.cr.execute(SQL(
                """UPDATE sp_individual i SET poverty_status = h.poverty_status
                     FROM sp_household h
                    WHERE h.id = i.household_id AND h.id = ANY(%s)""", changed.ids))
        self.invalidate_model(["poverty_status"])
        self.env["sp.individual"].invalidate_model(["poverty_status"])
        # One note per household in one batch (a recognition may change a whole province).
        labels = dict(self._fields["poverty_status"]._description_selection(self.env))
        changed._message_log_batch({
            household.id: _("Poverty status from the %(year)s review: %(status)s.",
                            year=years[household.id], status=labels.get(household.poverty_status))
            for household in changed})

    def _sp_poverty_label(self):
        return dict(self._fields["poverty_status"]._description_selection(self.env)).get(
            self.poverty_status)
