from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

# Which level may sit under which: the 2025 scheme has no district level.
PARENT_LEVELS = {
    "province": (),
    "district": ("province",),
    "commune": ("province", "district"),
    "village": ("commune",),
}


class SpArea(models.Model):
    _name = "sp.area"
    _description = "Administrative area"
    _parent_store = True
    _order = "scheme, code"
    _rec_names_search = ["name", "code"]

    name = fields.Char(required=True, translate=False, index="trigram")
    code = fields.Char(
        required=True,
        index=True,
        help="Official code: 2 digits for a province, 3 for a legacy district, 5 for a commune "
        "(Decision 19/2025/QĐ-TTg and the legacy list); villages use the commune code and a suffix.",
    )
    level = fields.Selection(
        [
            ("province", "Province"),
            ("district", "District"),
            ("commune", "Commune"),
            ("village", "Village"),
        ],
        required=True,
        index=True,
    )
    division_type = fields.Char(
        help="Type of the unit as the law names it: tỉnh, thành phố, xã, phường, đặc khu, huyện..."
    )
    scheme = fields.Selection(
        [("2025", "2025 (two-tier)"), ("legacy", "Legacy (before 1 Jul 2025)")],
        required=True,
        default="2025",
        index=True,
    )
    parent_id = fields.Many2one("sp.area", index=True, ondelete="restrict")
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("sp.area", "parent_id", string="Sub-areas")
    province_id = fields.Many2one(
        "sp.area", compute="_compute_province_id", store=True, index=True, recursive=True
    )
    company_id = fields.Many2one(
        "res.company",
        string="Province office",
        index=True,
        help="The province office that serves this area; set when the office is created.",
    )
    date_start = fields.Date("Valid from")
    date_end = fields.Date("Valid until")
    active = fields.Boolean(default=True)
    successor_ids = fields.One2many("sp.area.succession", "old_area_id", string="Successors")
    predecessor_ids = fields.One2many("sp.area.succession", "new_area_id", string="Predecessors")

    _sql_constraints = [
        ("code_scheme_uniq", "unique(scheme, code)", "An area code must be unique within its scheme."),
        ("dates_check", "CHECK(date_end IS NULL OR date_start IS NULL OR date_end >= date_start)",
         "An area cannot end before it starts."),
    ]

    @api.depends("level", "parent_id.province_id")
    def _compute_province_id(self):
        for area in self:
            area.province_id = area if area.level == "province" else area.parent_id.province_id

    @api.depends("name", "parent_id.name", "parent_id.parent_id.name")
    @api.depends_context("sp_area_short")
    def _compute_display_name(self):
        short = self.env.context.get("sp_area_short")
        for area in self:
            names, node = [], area
            while node:
                names.append(node.name or "")
                node = False if short else node.parent_id
            area.display_name = ", ".join(names)

    @api.constrains("level", "parent_id", "scheme")
    def _check_parent(self):
        for area in self:
            allowed = PARENT_LEVELS[area.level]
            parent = area.parent_id
            if not allowed and parent:
                raise ValidationError(_("A province cannot have a parent area (%s).", area.name))
            if allowed and area.level != "village" and not parent:
                raise ValidationError(_("Area %s needs a parent area.", area.name))
            if parent and parent.level not in allowed:
                raise ValidationError(
                    _("Area %(area)s (%(level)s) cannot be placed under %(parent)s (%(plevel)s).",
                      area=area.name, level=area.level, parent=parent.name, plevel=parent.level)
                )
            if parent and parent.scheme != area.scheme:
                raise ValidationError(
                    _("Area %s and its parent must belong to the same scheme.", area.name)
                )
            if area.scheme == "2025" and area.level == "district":
                raise ValidationError(_("The 2025 scheme has no district level (%s).", area.name))

    def _sp_propagate_company(self):
        """Give every area under these province areas their province office, set-based.

        Legacy areas follow their successors: a legacy unit gets the office of its 2025
        successors when they all belong to one office.
        """
        for province in self.filtered(lambda a: a.level == "province"):
            self.env.cr.execute(SQL(
                "UPDATE sp_area SET company_id = %s WHERE parent_path LIKE %s",
                province.company_id.id or None, province.parent_path + "%",
            ))
        # Former units follow their successors: one office when all successors share it,
        # none otherwise (so an office moved or removed never leaves a stale one behind).
        self.env.cr.execute(SQL("""
            WITH office AS (
                SELECT s.old_area_id AS area_id,
                       CASE WHEN COUNT(DISTINCT n.company_id) = 1 AND COUNT(n.company_id) = COUNT(*)
                            THEN MIN(n.company_id) END AS company_id
                  FROM sp_area_succession s JOIN sp_area n ON n.id = s.new_area_id
                 GROUP BY s.old_area_id
            )
            UPDATE sp_area a SET company_id = office.company_id
              FROM office
             WHERE a.id = office.area_id AND a.company_id IS DISTINCT FROM office.company_id
        """))
        # Legacy districts without a succession of their own follow their communes.
        self.env.cr.execute(SQL("""
            WITH office AS (
                SELECT c.parent_id AS area_id,
                       CASE WHEN COUNT(DISTINCT c.company_id) = 1 AND COUNT(c.company_id) = COUNT(*)
                            THEN MIN(c.company_id) END AS company_id
                  FROM sp_area c
                 WHERE c.scheme = 'legacy' AND c.level = 'commune'
                 GROUP BY c.parent_id
            )
            UPDATE sp_area a SET company_id = office.company_id
              FROM office
             WHERE a.id = office.area_id AND a.level = 'district'
               AND NOT EXISTS (SELECT 1 FROM sp_area_succession s WHERE s.old_area_id = a.id)
               AND a.company_id IS DISTINCT FROM office.company_id
        """))
        self.env["sp.area"].invalidate_model(["company_id"])

    def _sp_current_areas(self):
        """The areas of the current scheme that these areas became, following successions."""
        current = self.filtered(lambda a: a.scheme == "2025")
        # a former unit without a succession of its own (a legacy district) follows its children
        todo = self - current
        todo |= todo.filtered(lambda a: not a.successor_ids).child_ids
        todo -= todo.filtered(lambda a: not a.successor_ids and a.child_ids)
        seen = self.browse()
        while todo:
            seen |= todo
            nxt = todo.successor_ids.new_area_id - seen
            current |= nxt.filtered(lambda a: a.scheme == "2025")
            todo = nxt - current
        return current

    def action_create_province_office(self):
        """Create the province office (company) of each selected 2025 province area."""
        companies = self.env["res.company"]
        central = self.env.company.parent_id or self.env.company
        for area in self:
            if area.level != "province" or area.scheme != "2025":
                raise ValidationError(
                    _("Only a province of the 2025 scheme gets a province office (%s).", area.name)
                )
            if area.company_id:
                companies |= area.company_id
                continue
            companies |= self.env["res.company"].create({
                "name": area.name,
                "sp_area_id": area.id,
                "parent_id": central.id,
            })
        action = self.env["ir.actions.act_window"]._for_xml_id("base.action_res_company_form")
        action["domain"] = [("id", "in", companies.ids)]
        return action
