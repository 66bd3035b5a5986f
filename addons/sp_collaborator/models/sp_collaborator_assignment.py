from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

# What decides whether two assignments of a household overlap.
OVERLAP_FIELDS = {"collaborator_id", "household_id", "date_from", "date_to"}


class SpCollaboratorAssignment(models.Model):
    _name = "sp.collaborator.assignment"
    _description = "Household in a collaborator's caseload"
    _inherit = ["sp.access.mixin", "sp.step.mixin", "sp.input.mixin"]
    _sp_scope_fields = ("area_id", "company_id", "household_id")
    _order = "date_from desc, id desc"

    collaborator_id = fields.Many2one(
        "sp.collaborator", required=True, index=True, ondelete="cascade"
    )
    household_id = fields.Many2one("sp.household", required=True, index=True, ondelete="cascade")
    area_id = fields.Many2one(
        compute="_compute_area_id", store=True, precompute=True, readonly=True, sp_step=True
    )
    date_from = fields.Date("From", required=True, default=fields.Date.context_today)
    date_to = fields.Date("To", help="Empty while the household stays in the caseload.")
    # The office's rule when the assignment was made: a client clearing it would escape the
    # database's one-collaborator-per-household constraint.
    exclusive = fields.Boolean(
        compute="_compute_exclusive", store=True, precompute=True, sp_step=True,
        help="Made while the office allowed one collaborator per household: the database then "
        "refuses any other exclusive assignment of the household over overlapping dates.",
    )
    is_current = fields.Boolean(
        "Current", compute="_compute_is_current", search="_search_is_current"
    )
    note = fields.Char()

    _sql_constraints = [
        ("dates_check", "CHECK(date_to IS NULL OR date_to >= date_from)",
         "An assignment cannot end before it starts."),
        # Guards concurrent transactions and bulk SQL, which the Python check cannot see.
        ("household_overlap_excl",
         "EXCLUDE USING GIST (int4range(household_id, household_id, '[]') WITH =, "
         "daterange(date_from, date_to, '[]') WITH &&) WHERE (exclusive)",
         "This household already has a collaborator over these dates: only one collaborator "
         "per household is allowed."),
    ]

    @api.depends("household_id.area_id")
    def _compute_area_id(self):
        for assignment in self:
            assignment.area_id = assignment.household_id.area_id

    @api.depends("company_id")
    def _compute_exclusive(self):
        for assignment in self:
            assignment.exclusive = assignment.company_id.sp_collaborator_one_per_household

    @api.depends("date_from", "date_to")
    def _compute_is_current(self):
        today = fields.Date.context_today(self)
        for assignment in self:
            assignment.is_current = assignment.date_from <= today and (
                not assignment.date_to or assignment.date_to >= today
            )

    def _search_is_current(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(_("Unsupported search on current assignments."))
        today = fields.Date.context_today(self)
        domain = ["&", ("date_from", "<=", today), "|", ("date_to", "=", False),
                  ("date_to", ">=", today)]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends("collaborator_id", "household_id")
    def _compute_display_name(self):
        for assignment in self:
            assignment.display_name = "%s / %s" % (
                assignment.collaborator_id.name or "", assignment.household_id.display_name or ""
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._sp_check_households(vals_list)
        self._check_overlap([self._add_missing_default_values(vals) for vals in vals_list])
        assignments = super().create(vals_list)
        for assignment in assignments:
            if assignment.collaborator_id.state != "active":
                raise ValidationError(_(
                    "%s is suspended or has ended their service: only an active collaborator "
                    "can take households.", assignment.collaborator_id.name))
        return assignments

    def write(self, vals):
        self._sp_check_households([vals])
        if OVERLAP_FIELDS & set(vals):
            self._check_overlap([
                {
                    "id": assignment.id,
                    "exclusive": assignment.exclusive if "household_id" not in vals else None,
                    **{name: assignment[name].id if name.endswith("_id") else assignment[name]
                       for name in OVERLAP_FIELDS},
                    **vals,
                }
                for assignment in self
            ])
        return super().write(vals)

    @api.model
    def _sp_check_households(self, vals_list):
        """A household outside the user's reach is refused before any check reads it: the
        messages below name the household and its collaborator."""
        if self.env.su:
            return
        Household = self.env["sp.household"]
        for vals in vals_list:
            household = vals.get("household_id")
            if not isinstance(household, int) or isinstance(household, bool):
                continue
            if not Household.browse(household).exists().has_access("read"):
                raise AccessError(_(
                    "The household chosen is registered outside the areas you work in (or does "
                    "not exist): it cannot join this caseload. Ask the office that keeps it."))

    @api.constrains("collaborator_id", "household_id")
    def _check_served_area(self):
        for assignment in self:
            collaborator = assignment.collaborator_id
            served = collaborator.commune_ids | collaborator.area_id
            area = assignment.household_id.area_id
            if not any(area.parent_path.startswith(s.parent_path) for s in served):
                raise ValidationError(_(
                    "Household %(household)s lies in %(area)s, outside the village and communes "
                    "that %(name)s serves.",
                    household=assignment.household_id.display_name, area=area.display_name,
                    name=collaborator.name,
                ))

    def _check_overlap(self, values_list):
        """Refuse, with the names and dates, an assignment that overlaps another of the same
        household: always with the same collaborator, and with any collaborator when the office
        allows only one per household. Runs before the database writes, whose exclusion
        constraint would otherwise answer first, without names."""
        self.flush_model(list(OVERLAP_FIELDS) + ["exclusive"])
        Household = self.env["sp.household"].sudo()
        seen = []
        for values in values_list:
            if not (values.get("household_id") and values.get("collaborator_id")):
                continue
            household = Household.browse(values["household_id"])
            exclusive = values.get("exclusive")
            if exclusive is None:
                exclusive = household.company_id.sp_collaborator_one_per_household
            start = fields.Date.to_date(values.get("date_from")) or fields.Date.context_today(self)
            stop = fields.Date.to_date(values.get("date_to")) or None
            if stop and stop < start:
                raise ValidationError(_(
                    "An assignment cannot end (%(stop)s) before it starts (%(start)s).",
                    stop=stop, start=start))
            self.env.cr.execute(SQL(
                """
                SELECT collaborator_id, date_from, date_to FROM sp_collaborator_assignment
                 WHERE household_id = %(household)s AND id != %(id)s
                   AND daterange(date_from, date_to, '[]') && daterange(%(start)s, %(stop)s, '[]')
                   AND (collaborator_id = %(collaborator)s OR %(exclusive)s)
                 ORDER BY date_from LIMIT 1
                """,
                household=household.id, id=values.get("id") or 0, start=start, stop=stop,
                collaborator=values["collaborator_id"], exclusive=bool(exclusive),
            ))
            other = self.env.cr.fetchone()
            if not other:
                # Two new assignments of one batch may overlap each other, too.
                other = next((
                    (c, s, e) for h, c, s, e, x in seen
                    if h == household.id and (c == values["collaborator_id"] or exclusive and x)
                    and s <= (stop or s.max) and start <= (e or start.max)
                ), None)
            seen.append((household.id, values["collaborator_id"], start, stop, exclusive))
            if not other:
                continue
            # The other collaborator is named only when the user may read them.
            other_collaborator = self.env["sp.collaborator"].browse(other[0])
            info = {
                "household": household.sudo(False).display_name
                if household.sudo(False).has_access("read") else _("chosen"),
                "name": other_collaborator.name if other_collaborator.has_access("read")
                else _("a collaborator outside your work areas"),
                "start": other[1],
                "stop": other[2] or _("open end"),
            }
            if other[0] == values["collaborator_id"]:
                raise ValidationError(_(
                    "Household %(household)s is already in the caseload of %(name)s from "
                    "%(start)s to %(stop)s.", **info))
            raise ValidationError(_(
                "Household %(household)s is already assigned to %(name)s from %(start)s to "
                "%(stop)s, and this office allows only one collaborator per household: end that "
                "assignment before this one starts.", **info))
