import contextlib
import re

from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.sp_base.tools import drop_foreign_keys, local_setting

from ..tools import (
    name_key,
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_legacy_id_number,
    validate_phone,
)
from ..tools.sql import (
    REGISTRY_COPIED_KEYS,
    analyze_registry,
    create_index,
    ensure_unaccent_lower,
)

RELATIONSHIPS = [
    ("head", "Head of household"),
    ("spouse", "Spouse"),
    ("child", "Child"),
    ("parent", "Parent"),
    ("grandchild", "Grandchild"),
    ("sibling", "Sibling"),
    ("other", "Other"),
]
DISABILITY_LEVELS = [
    ("none", "None"),
    ("mild", "Mild"),
    ("severe", "Severe"),
    ("particularly_severe", "Particularly severe"),
]
# (key, label, first age of the band); a person belongs to the last band whose start <= age.
AGE_BANDS = [
    ("0_2", "0-2", 0),
    ("3_5", "3-5", 3),
    ("6_15", "6-15", 6),
    ("16_22", "16-22", 16),
    ("23_59", "23-59", 23),
    ("60_74", "60-74", 60),
    ("75_79", "75-79", 75),
    ("80", "80 and over", 80),
]


# Name search matches the start of any of the first NAME_WORDS words of the accent-free name
# (Vietnamese names have 2 to 5 words): one b-tree per word position, see init().
NAME_WORDS = 5
# Person finder (call-centre console, any quick lookup)
FIND_LIMIT = 20
MIN_NAME_LENGTH = 3
HOUSEHOLD_CODE = re.compile(r"^[0-9A-Z]{2,6}-\d{6}$")
PHONE = re.compile(r"^0\d{9}$")
BIRTH_YEAR = re.compile(r"^(18[89]\d|19\d\d|20\d\d)$")
SEPARATORS = re.compile(r"[\s.\-()]")
LIKE_WILDCARDS = re.compile(r"[%_\\]")
# Who reads personal IDs and health insurance numbers in full: every role but the call-centre
# agent, who sees the last 4 digits (id_number_masked) and may search by the full number.
ID_READERS = "sp_base.group_commune_officer,sp_base.group_auditor,sp_base.group_collaborator"
MASK_SHOWN = 4


OBSOLETE_INDEXES = (
    "sp_individual_dedup_block", "sp_individual__commune_id_index",
    "sp_individual__province_id_index", "sp_individual__birth_year_index",
    "sp_individual__age_band_index", "sp_individual__poverty_status_index",
    "sp_individual__ethnicity_id_index", "sp_individual__disability_level_index",
    "sp_individual__is_deceased_index",
)
NAME_INDEXES = ("sp_individual_name_key_prefix", "sp_individual_name_key_trgm") + tuple(
    "sp_individual_name_word%s_prefix" % word for word in range(2, NAME_WORDS + 1))


def age_band_of(age):
    band = False
    for key, _label, start in AGE_BANDS:
        if age is not None and age >= start:
            band = key
    return band


class SpIndividual(models.Model):
    _name = "sp.individual"
    _description = "Person"
    _inherit = ["sp.step.mixin", "sp.input.mixin", "sp.access.mixin", "sp.commune.mixin",
                "mail.thread"]
    _order = "name, id"
    # the masked number's search serves the full number to those who may read it (see
    # _search_id_number_masked)
    _rec_names_search = ["name", "id_number_masked"]
    _sp_date_years = None  # _check_dates says which years are plausible (from 1880)

    name = fields.Char("Full name", required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    household_id = fields.Many2one(
        "sp.household", string="Household", index=True, tracking=True, ondelete="restrict",
    )
    relationship = fields.Selection(
        RELATIONSHIPS, string="Relationship to the head", tracking=True, default="other",
    )
    is_head = fields.Boolean(compute="_compute_is_head", string="Head")
    area_id = fields.Many2one(
        string="Commune / village", tracking=True,
        domain="[('level', 'in', ('commune', 'village')), ('scheme', '=', '2025')]",
        help="The household's area (kept equal to it); for a person without a household, "
        "set it directly.",
    )
    company_id = fields.Many2one(tracking=True)
    gender = fields.Selection(
        [("male", "Male"), ("female", "Female")], string="Sex", required=True, tracking=True,
    )
    birthdate = fields.Date(
        "Birth date", tracking=True,
        help="When only the year (or month) is known, the first day of that year (or month), "
        "with the precision saying so.",
    )
    birthdate_precision = fields.Selection(
        [("day", "Day"), ("month", "Month"), ("year", "Year only")],
        string="Birth date precision", default="day", required=True,
    )
    birth_year = fields.Integer(
        "Birth year", compute="_compute_birth_year", store=True, precompute=True, aggregator=False,
    )
    age = fields.Integer(compute="_compute_age")
    age_band = fields.Selection(
        string="Age band", selection=[(key, label) for key, label, _start in AGE_BANDS],
        compute="_compute_age_band", store=True, precompute=True,
        help="Refreshed when the birth date changes and every night by a scheduled action, "
        "set-based, for people whose band changed.",
    )
    id_number = fields.Char(
        "Personal ID", tracking=True, copy=False, groups=ID_READERS,
        help="12-digit personal identification number (CCCD). Unique in the registry.",
    )
    id_number_masked = fields.Char(
        "Personal ID (masked)", compute="_compute_id_number_masked",
        search="_search_id_number_masked",
        help="The last 4 digits of the personal ID (or of the old ID card number). Searching "
        "it with the full number finds the person.",
    )
    id_number_warning = fields.Char("Personal ID warning", compute="_compute_id_number_warning",
                                    groups=ID_READERS)
    legacy_id_number = fields.Char(
        "Old ID card number", tracking=True, copy=False, index="btree_not_null",
        groups=ID_READERS, help="9-digit CMND (or 12-digit old CCCD) from older records.",
    )
    poverty_status = fields.Selection(
        related="household_id.poverty_status", store=True, string="Poverty status", sp_step=True,
    )
    ethnicity_id = fields.Many2one("sp.ethnicity", string="Ethnicity", tracking=True)
    phone = fields.Char(tracking=True, index="btree_not_null")
    disability_level = fields.Selection(
        DISABILITY_LEVELS, string="Disability level", default="none", required=True, tracking=True,
    )
    disability_certificate_date = fields.Date("Disability certificate date", tracking=True)
    is_pregnant = fields.Boolean("Pregnant", tracking=True)
    in_school = fields.Boolean("Attending school", tracking=True)
    has_health_insurance = fields.Boolean("Health insurance", tracking=True)
    health_insurance_number = fields.Char("Health insurance card number", groups=ID_READERS)
    health_insurance_expiry = fields.Date("Health insurance valid until")
    # recorded by a death event (benefits end and funeral support follows from it)
    date_of_death = fields.Date("Date of death", tracking=True, sp_step=True)
    is_deceased = fields.Boolean(
        "Deceased", compute="_compute_is_deceased", store=True, precompute=True,
    )
    event_ids = fields.One2many("sp.registry.event", "individual_id", string="Registry events")
    notes = fields.Text()

    # ------------------------------------------------------------------ database objects
    def init(self):
        cr = self.env.cr
        ensure_unaccent_lower(cr)
        # no check per row of a provincial list for keys that cannot fail
        drop_foreign_keys(self, REGISTRY_COPIED_KEYS)
        # Indexes no lookup uses (a few values each: a search on them reads a large share of
        # the table, which a scan does better), each costing every insert: see README.
        for name in OBSOLETE_INDEXES:
            cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
        # The accent-free name, computed once per row by PostgreSQL (also for rows written by
        # SQL or COPY): the name indexes and the import's and duplicate finder's comparisons
        # read it instead of running unaccent again for each index and each comparison.
        cr.execute("SELECT 1 FROM information_schema.columns "
                   "WHERE table_name = 'sp_individual' AND column_name = 'name_key'")
        if not cr.fetchone():
            # the name indexes of before (on unaccent of the name) are built again below
            for name in NAME_INDEXES:
                cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
            cr.execute("ALTER TABLE sp_individual ADD COLUMN name_key text "
                       "GENERATED ALWAYS AS (sp_unaccent_lower(name)) STORED")
        # Unique when set: NULL (no ID yet) is allowed for any number of people.
        cr.execute("CREATE UNIQUE INDEX IF NOT EXISTS sp_individual_id_number_uniq "
                   "ON sp_individual (id_number) WHERE id_number IS NOT NULL")
        # Name search (see _condition_to_sql): the accent-free name, and the same from its
        # 2nd, 3rd... word on, each a b-tree that serves "starts with" (LIKE 'van an%') as a
        # range scan, whatever the size of the registry. The trigram index serves the rarer
        # "contains anywhere" pattern (=ilike '%...%', the person finder's last resort).
        create_index(cr, "sp_individual_name_key_prefix", "sp_individual",
                     "name_key text_pattern_ops", marker="(name_key text_pattern_ops)")
        # Not partial (most names have no 4th or 5th word, but the planner reads the
        # statistics of an expression index only when it is not partial).
        for word in range(2, NAME_WORDS + 1):
            create_index(cr, "sp_individual_name_word%s_prefix" % word, "sp_individual",
                         "sp_key_from_word(name_key, %s) text_pattern_ops" % int(word),
                         marker="sp_key_from_word(name_key")
        create_index(cr, "sp_individual_name_key_trgm", "sp_individual",
                     "name_key gin_trgm_ops", "gin", marker="(name_key gin_trgm_ops)")
        # Duplicate blocks (import checks, nightly finder) and searches by commune.
        create_index(cr, "sp_individual_commune_birth_year", "sp_individual",
                     "commune_id, birth_year")

    # ------------------------------------------------------------------ computes
    @api.depends("household_id.head_id")
    def _compute_is_head(self):
        for person in self:
            person.is_head = bool(person.household_id) and person.household_id.head_id == person

    @api.depends("birthdate")
    def _compute_birth_year(self):
        for person in self:
            person.birth_year = person.birthdate.year if person.birthdate else 0

    @api.depends("birthdate", "date_of_death")
    def _compute_age(self):
        today = fields.Date.context_today(self)
        for person in self:
            end = min(person.date_of_death or today, today)
            person.age = relativedelta(end, person.birthdate).years if person.birthdate else 0

    @api.depends("birthdate", "date_of_death")
    def _compute_age_band(self):
        today = fields.Date.context_today(self)
        for person in self:
            if not person.birthdate:
                person.age_band = False
                continue
            end = min(person.date_of_death or today, today)
            person.age_band = age_band_of(relativedelta(end, person.birthdate).years)

    @api.depends("date_of_death")
    def _compute_is_deceased(self):
        for person in self:
            person.is_deceased = bool(person.date_of_death)

    @api.depends("id_number", "legacy_id_number")
    def _compute_id_number_masked(self):
        for person in self:
            number = person.sudo().id_number or person.sudo().legacy_id_number
            person.id_number_masked = "*" * (len(number) - MASK_SHOWN) + number[-MASK_SHOWN:] \
                if number else False

    def _search_id_number_masked(self, operator, value):
        """The full number finds its person for anyone who may read people (the call-centre
        agent too: the match runs in superuser mode, the record rules still apply to the
        result); partial numbers and other operators are for those who may read the number."""
        readable = self._fields["id_number"].is_accessible(self.env)
        number = normalize_id_number(value) if isinstance(value, str) else value
        if isinstance(number, str) and number.isdigit() and len(number) in (9, 12) and \
                (operator == "=" or (operator in ("ilike", "=ilike") and not readable)):
            domain = [("legacy_id_number", "=", number)]
            if len(number) == 12:
                domain = ["|", ("id_number", "=", number)] + domain
        elif readable:
            return [("id_number", operator, value)]
        elif operator in ("=", "!=") and value is False:
            domain = [("id_number", operator, False)]
        else:
            return [("id", "=", False)]
        return domain if readable else [("id", "in", self.sudo()._search(domain))]

    @api.depends("id_number")
    def _compute_id_number_warning(self):
        for person in self:
            _errors, warnings = validate_id_number(person.id_number, lang=self.env.lang)
            person.id_number_warning = " ".join(warnings) or False

    @api.depends("name", "id_number", "birth_year")
    @api.depends_context("uid")
    def _compute_display_name(self):
        # on the real user's groups, not on su: many2one display names are computed with
        # sudo() (a call-centre agent would read full numbers in them otherwise)
        readable = self.env.uid == SUPERUSER_ID \
            or self.env.user.has_groups(self._fields["id_number"].groups)
        for person in self:
            extra = (person.id_number if readable else person.id_number_masked) \
                or person.birth_year or ""
            person.display_name = "%s (%s)" % (person.name, extra) if extra else person.name

    @api.onchange("household_id")
    def _onchange_household_id(self):
        if self.household_id:
            self.area_id = self.household_id.area_id

    # ------------------------------------------------------------------ search
    def _condition_to_sql(self, alias, fname, operator, value, query):
        """Names are searched as an officer types them: without accents or case, from the
        start of a word. 'nguyen van an', 'van an' and 'an' find 'Nguyễn Văn An' ('an' also
        finds 'Lê Thị Anh'); 'guyen' does not.

        ``ilike`` is served by the b-tree indexes of init() (one per word position), so its
        cost does not grow with the registry; ``=ilike`` keeps the pattern as typed ('%'
        anywhere) on the accent-free name (b-tree for a prefix, trigram index otherwise).
        """
        if fname == "name" and operator in ("ilike", "not ilike", "=ilike") and value \
                and isinstance(value, str):
            # the stored accent-free name (init()), the column of the name indexes
            column = SQL.identifier(alias, "name_key")
            key = " ".join(LIKE_WILDCARDS.sub(" ", name_key(value)).split())
            prefix = value[:-1]
            if operator == "=ilike" and value.endswith("%") and prefix.strip() == prefix \
                    and not LIKE_WILDCARDS.search(prefix) and name_key(prefix):
                # 'nguyen van an%': the range of the b-tree on the whole accent-free name
                key = name_key(prefix)
                sql = SQL("(%s ~>=~ %s AND %s ~<~ %s)", *self._sp_name_range(column, key))
            elif operator == "=ilike" or not key:
                pattern = value if operator == "=ilike" else "%" + value + "%"
                sql = SQL("(%s LIKE sp_unaccent_lower(%s))", column, pattern)
            else:
                sql = self._sp_name_word_start_sql(column, key)
            return SQL("(NOT %s)", sql) if operator == "not ilike" else sql
        if fname == "id_number" and operator == "ilike" and isinstance(value, str) \
                and value and not re.search(r"[\d%_]", value):
            # A personal ID is digits only: a name typed in a person field (display_name
            # searches name OR id_number) must not scan every ID for it.
            return SQL("FALSE")
        if fname in ("phone", "id_number") and isinstance(value, str) and value:
            normalize = normalize_phone if fname == "phone" else normalize_id_number
            value = normalize(value) or value
        return super()._condition_to_sql(alias, fname, operator, value, query)

    @api.model
    def _sp_name_word_start_sql(self, column, key):
        """Accent-free name whose n-th word starts with ``key`` (n = 1..NAME_WORDS).

        Written as the range each word-position index scans ('van an' <= x < 'van ao', in
        the byte order of text_pattern_ops) rather than as LIKE: the bitmap of the indexes is
        then the whole answer, and no name is run through unaccent again to check it.
        """
        terms = [column] + [
            SQL("sp_key_from_word(%s, %s)", column, word) for word in range(2, NAME_WORDS + 1)]
        return SQL("(%s)", SQL(" OR ").join(
            SQL("(%s ~>=~ %s AND %s ~<~ %s)", *self._sp_name_range(term, key))
            for term in terms))

    @api.model
    def _sp_name_range(self, term, key):
        """``term`` starts with ``key``: key <= term < key with its last character + 1."""
        return term, key, term, key[:-1] + chr(ord(key[-1]) + 1)

    @contextlib.contextmanager
    def _sp_serial_reads(self):
        """Interactive reads of people without parallel workers: they are index-driven and
        read a few thousand rows at most, and starting workers costs more than it saves
        (1,000,000 people, a given name alone: 94 ms -> 36 ms at p50). Bulk statements of the
        same transaction keep the setting they had."""
        with local_setting(self.env.cr, "max_parallel_workers_per_gather", "0"):
            yield

    @api.model
    def web_search_read(self, domain, specification, offset=0, limit=None, order=None,
                        count_limit=None):
        with self._sp_serial_reads():
            return super().web_search_read(domain, specification, offset=offset, limit=limit,
                                           order=order, count_limit=count_limit)

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        with self._sp_serial_reads():
            return super().name_search(name, args=args, operator=operator, limit=limit)

    @api.model
    def _sp_find(self, text, limit=FIND_LIMIT):
        """Find a person from what a caller or an officer gives: see _sp_find_people."""
        with self._sp_serial_reads():
            return self._sp_find_people(text, limit)

    @api.model
    def _sp_find_people(self, text, limit):
        """Find a person from what a caller or an officer gives, with the user's rights.

        Returns ``(people, kind)``, ``kind`` saying how they matched: ``phone`` (10 digits
        starting with 0, or +84), ``id_number`` (12-digit personal ID or 9/12-digit old ID
        card), ``household`` (the members of the household with that code), or ``name``
        (accents and case ignored; a trailing birth year narrows it: 'Nguyen Van An 1956').
        Names are matched from the start of the full name first, then from the start of
        any word, then anywhere. Raises UserError on empty or unusable input.
        """
        text = " ".join((text or "").split())
        if not text:
            raise UserError(_("Type a phone number, a personal ID, a household code or a name."))
        compact = SEPARATORS.sub("", text)
        phone = normalize_phone(compact)
        if phone and PHONE.match(phone):
            return self.search([("phone", "=", phone)], limit=limit), "phone"
        if compact.isdigit() and len(compact) in (9, 12):
            # the full number, for the call-centre agent too (who reads it masked)
            return self.search([("id_number_masked", "=", compact)], limit=limit), "id_number"
        code = text.replace(" ", "").upper()
        if HOUSEHOLD_CODE.match(code):
            households = self.env["sp.household"].search([("code", "=", code)], limit=1)
            if not households:
                raise UserError(_("No household with the code %s is in the registry.", code))
            return self.search([("household_id", "=", households.id)], limit=limit), "household"
        if compact.isdigit():
            raise UserError(_(
                "%s is neither a phone number (10 digits starting with 0, or +84), a personal ID "
                "(12 digits) nor an old ID card number (9 digits).", text))
        # LIKE wildcards typed by the user are not wildcards here.
        words = LIKE_WILDCARDS.sub("", text).split()
        domain = []
        if len(words) > 1 and BIRTH_YEAR.match(words[-1]):
            domain.append(("birth_year", "=", int(words.pop())))
        name = " ".join(words)
        if len(name_key(name).replace(" ", "")) < MIN_NAME_LENGTH:
            raise UserError(_("Type at least %s letters of the name.", MIN_NAME_LENGTH))
        # In the model's order (name, id), not by id: ordered by id, the planner walks the
        # primary key and unaccents every name until it has enough (seconds on a million
        # people for a rare name); by name it takes the few matches from the name indexes.
        for condition in (("name", "=ilike", name + "%"), ("name", "ilike", name),
                          ("name", "=ilike", "%" + name + "%")):
            people = self.search(domain + [condition], limit=limit)
            if people:
                break
        return people, "name"

    # ------------------------------------------------------------------ checks
    @api.constrains("id_number", "gender", "birthdate", "birthdate_precision")
    def _check_id_number(self):
        for person in self.filtered("id_number"):
            errors, _warnings = validate_id_number(
                person.id_number, person.gender, person.birth_year or None, lang=self.env.lang)
            if errors:
                raise ValidationError(_("%(name)s: %(errors)s", name=person.name,
                                        errors=" ".join(errors)))

    @api.model
    def _sp_check_id_numbers_free(self, numbers, names, exclude_ids=()):
        """Refuse personal IDs already in the registry or given twice, with a clear message.

        Runs before the rows are written (the database's unique index is the last guard).
        """
        seen = {}
        for number, name in zip(numbers, names, strict=True):
            if number in seen:
                raise ValidationError(_(
                    "%(name)s and %(other)s cannot have the same personal ID %(number)s.",
                    name=name, other=seen[number], number=number))
            seen[number] = name
        if not seen:
            return
        self.env.cr.execute(SQL(
            """SELECT i.id_number, i.id FROM sp_individual i
                WHERE i.id_number = ANY(%s) AND NOT (i.id = ANY(%s)) LIMIT 1""",
            list(seen), list(exclude_ids),
        ))
        for number, person_id in self.env.cr.fetchall():
            self._sp_raise_registered(number, seen[number], self.browse(person_id))

    @api.model
    def _sp_raise_registered(self, number, name, other):
        """The personal ID ``number`` given for ``name`` is ``other``'s: say so, naming
        ``other`` only when the current user may read them (even in a step running in
        superuser mode), else only whom to contact."""
        user_env = self.env(su=False)
        if other.with_env(user_env).has_access("read"):
            other = other.with_env(user_env)
            raise ValidationError(_(
                "The personal ID %(number)s given for %(name)s is already registered for "
                "%(other)s (household %(code)s). Open that person, or record a correction.",
                number=number, name=name, other=other.name,
                code=other.sudo().household_id.code or "-"))
        raise ValidationError(_(
            "The personal ID %(number)s given for %(name)s is already registered for another "
            "person, outside your work areas. Contact %(contact)s to check it; a person who "
            "moved is transferred with a registry event.",
            number=number, name=name, contact=self._sp_contact_for(other.sudo().company_id)))

    @api.constrains("name")
    def _check_name(self):
        for person in self:
            self._sp_check_person_name("name", person.name)

    @api.constrains("legacy_id_number")
    def _check_legacy_id_number(self):
        for person in self.filtered("legacy_id_number"):
            errors, _warnings = validate_legacy_id_number(person.legacy_id_number, self.env.lang)
            if errors:
                raise ValidationError(_("%(name)s: %(errors)s", name=person.name,
                                        errors=" ".join(errors)))

    @api.constrains("phone")
    def _check_phone(self):
        for person in self.filtered("phone"):
            errors, _warnings = validate_phone(person.phone, self.env.lang)
            if errors:
                raise ValidationError(_("%(name)s: %(errors)s", name=person.name,
                                        errors=" ".join(errors)))

    @api.constrains("birthdate", "date_of_death", "disability_certificate_date")
    def _check_dates(self):
        today = fields.Date.context_today(self)
        for person in self:
            if person.birthdate and person.birthdate > today:
                raise ValidationError(_(
                    "The birth date of %(name)s (%(date)s) is in the future.",
                    name=person.name, date=person.birthdate))
            if person.birthdate and person.birthdate.year < 1880:
                raise ValidationError(_(
                    "The birth date of %(name)s (%(date)s) is not plausible.",
                    name=person.name, date=person.birthdate))
            if person.date_of_death and person.date_of_death > today:
                raise ValidationError(_(
                    "The date of death of %(name)s (%(date)s) is in the future.",
                    name=person.name, date=person.date_of_death))
            if person.date_of_death and person.birthdate and \
                    person.date_of_death < person.birthdate:
                raise ValidationError(_(
                    "%(name)s cannot have died (%(death)s) before being born (%(birth)s).",
                    name=person.name, death=person.date_of_death, birth=person.birthdate))
            if person.disability_certificate_date and person.birthdate and \
                    person.disability_certificate_date < person.birthdate:
                raise ValidationError(_(
                    "The disability certificate of %(name)s is dated before their birth.",
                    name=person.name))

    @api.constrains("relationship", "household_id")
    def _check_one_head(self):
        households = self.filtered(lambda p: p.relationship == "head").household_id
        if not households:
            return
        data = self.sudo()._read_group(
            [("household_id", "in", households.ids), ("relationship", "=", "head")],
            ["household_id"], ["id:recordset"], having=[("__count", ">", 1)])
        for household, heads in data:
            raise ValidationError(_(
                "Household %(code)s cannot have two heads (%(names)s): change the relationship "
                "of one of them.", code=household.code, names=", ".join(heads.mapped("name"))))

    @api.constrains("household_id", "area_id")
    def _check_area(self):
        for person in self:
            if person.household_id and person.area_id != person.household_id.area_id:
                raise ValidationError(_(
                    "%(name)s lives in household %(code)s, so their area is the household's.",
                    name=person.name, code=person.household_id.code))
            if not person.area_id:
                raise ValidationError(_("%s needs a household or a commune.", person.name))

    # ------------------------------------------------------------------ create / write
    @api.model
    def _sp_clean_vals(self, vals):
        """Check the input, normalise identifiers and the birth date as the precision says."""
        self._sp_check_input(vals)
        if "name" in vals:
            self._sp_check_person_name("name", vals["name"])
        for fname, normalize in (("id_number", normalize_id_number),
                                 ("legacy_id_number", normalize_id_number),
                                 ("phone", normalize_phone)):
            if fname in vals:
                vals[fname] = normalize(vals[fname])
        if vals.get("birthdate") and vals.get("birthdate_precision") in ("month", "year"):
            date = fields.Date.to_date(vals["birthdate"])
            vals["birthdate"] = date.replace(
                day=1, month=1 if vals["birthdate_precision"] == "year" else date.month)
        if "name" in vals and isinstance(vals["name"], str):
            vals["name"] = " ".join(vals["name"].split())
        if vals.get("household_id"):
            # People live where their household lives (sp.household.write keeps it so).
            vals["area_id"] = self.env["sp.household"].browse(vals["household_id"]).area_id.id
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._sp_clean_vals(dict(vals)) for vals in vals_list]
        for vals in vals_list:
            if not vals.get("area_id"):
                raise ValidationError(_("%s needs a household or a commune.",
                                        vals.get("name") or _("A person")))
        with_id = [vals for vals in vals_list if vals.get("id_number")]
        self._sp_check_id_numbers_free([v["id_number"] for v in with_id],
                                       [v.get("name") for v in with_id])
        people = super().create(vals_list)
        people._sp_sync_heads()
        return people

    def write(self, vals):
        vals = self._sp_clean_vals(dict(vals))
        if vals.get("birthdate") and "birthdate_precision" not in vals and \
                len(set(self.mapped("birthdate_precision"))) == 1 and \
                self[:1].birthdate_precision != "day":
            vals = self._sp_clean_vals(dict(vals, birthdate_precision=self[:1].birthdate_precision))
        if vals.get("id_number"):
            self._sp_check_id_numbers_free([vals["id_number"]] * len(self),
                                           self.mapped("name"), self.ids)
        old_households = self.household_id if "household_id" in vals else None
        res = super().write(vals)
        if "relationship" in vals or "household_id" in vals:
            self._sp_sync_heads(old_households)
        return res

    def _sp_sync_heads(self, old_households=None):
        """Keep household.head_id and relationship == 'head' in agreement."""
        if old_households:
            for household in old_households:
                if household.head_id and household.head_id.household_id != household:
                    household.head_id = False
        for person in self:
            household = person.household_id
            if person.relationship == "head" and household and household.head_id != person:
                household.head_id = person
            elif person.relationship != "head" and household.head_id == person:
                household.head_id = False

    # ------------------------------------------------------------------ bulk loads
    @api.model
    def _sp_fill_derived(self, ids=None):
        """Complete people inserted by SQL (bulk loads), set-based.

        The loader fills ``name``, ``gender``, ``birthdate`` (1 January for a year-only date)
        and ``birthdate_precision``, ``id_number`` (normalised: 12 digits, NULL when unknown),
        ``household_id`` and ``relationship`` (or ``area_id`` for a person without household),
        ``disability_level`` (``'none'``), ``active``. This fills ``area_id`` from the household,
        ``commune_id``, ``province_id``, ``company_id`` from the area, ``birth_year``,
        ``age_band``, ``is_deceased`` and ``poverty_status``. ``ids=None`` means everybody.
        """
        where = SQL("i.id = ANY(%s)", list(ids)) if ids is not None else SQL("TRUE")
        # fresh statistics for the planner (see sp.household._sp_fill_derived)
        analyze_registry(self.env.cr)
        cases = SQL(" ").join(
            SQL("WHEN DATE_PART('year', AGE(LEAST(COALESCE(i.date_of_death, %s), %s), "
                "i.birthdate)) >= %s THEN %s", today, today, start, key)
            for today in [fields.Date.context_today(self)]
            for key, _label, start in reversed(AGE_BANDS))
        self.env.cr.execute(SQL(
            """
            UPDATE sp_individual i
               SET area_id = COALESCE(h.area_id, i.area_id),
                   poverty_status = h.poverty_status
              FROM sp_household h
             WHERE h.id = i.household_id AND %(where)s
               AND (i.area_id IS DISTINCT FROM h.area_id
                    OR i.poverty_status IS DISTINCT FROM h.poverty_status)
            """, where=where))
        self.env.cr.execute(SQL(
            """
            UPDATE sp_individual i
               SET commune_id = CASE WHEN a.level = 'village' THEN a.parent_id ELSE a.id END,
                   province_id = a.province_id,
                   company_id = COALESCE(a.company_id, i.company_id),
                   birth_year = COALESCE(EXTRACT(YEAR FROM i.birthdate)::int, 0),
                   is_deceased = i.date_of_death IS NOT NULL,
                   age_band = CASE WHEN i.birthdate IS NULL THEN NULL ELSE CASE %(cases)s END END
              FROM sp_area a
             WHERE a.id = i.area_id AND %(where)s
               AND (i.commune_id IS DISTINCT FROM
                        CASE WHEN a.level = 'village' THEN a.parent_id ELSE a.id END
                    OR i.province_id IS DISTINCT FROM a.province_id
                    OR i.company_id IS DISTINCT FROM COALESCE(a.company_id, i.company_id)
                    OR i.birth_year IS DISTINCT FROM COALESCE(EXTRACT(YEAR FROM i.birthdate)::int, 0)
                    OR i.is_deceased IS DISTINCT FROM (i.date_of_death IS NOT NULL)
                    OR i.age_band IS DISTINCT FROM
                        (CASE WHEN i.birthdate IS NULL THEN NULL ELSE CASE %(cases)s END END))
            """, where=where, cases=cases))
        self.invalidate_model()

    # ------------------------------------------------------------------ scheduled
    @api.model
    def _cron_refresh_age_band(self):
        """Set-based: update the stored age band of people whose band changed (birthdays).

        One statement over the table; people whose band did not change are not written.
        """
        cases = SQL(" ").join(
            SQL("WHEN a >= %s THEN %s", start, key) for key, _label, start in reversed(AGE_BANDS))
        self.env.cr.execute(SQL(
            """
            WITH ages AS (
                SELECT id, DATE_PART('year', AGE(LEAST(COALESCE(date_of_death, %(today)s),
                                                      %(today)s), birthdate))::int AS a
                  FROM sp_individual WHERE birthdate IS NOT NULL
            )
            UPDATE sp_individual i SET age_band = CASE %(cases)s END
              FROM ages
             WHERE i.id = ages.id AND i.age_band IS DISTINCT FROM CASE %(cases)s END
            """,
            today=fields.Date.context_today(self), cases=cases,
        ))
        self.invalidate_model(["age_band"])

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
                "default_individual_id": self.id,
                "default_household_id": self.household_id.id,
                "default_area_id": self.area_id.id,
            },
        }

    def action_event_death(self):
        return self._sp_event_action("death")

    def action_event_member_out(self):
        return self._sp_event_action("member_out")

    def action_event_correction(self):
        return self._sp_event_action("correction")


    # ------------------------------------------------------------------ duplicates
    # Filled on the kept person from the archived one when the kept person has no value.
    MERGE_FILL_FIELDS = (
        "id_number", "legacy_id_number", "phone", "ethnicity_id", "birthdate",
        "disability_certificate_date", "health_insurance_number", "health_insurance_expiry",
        "date_of_death",
    )

    def _sp_merge_duplicate(self, drop):
        """Keep ``self``, archive ``drop``: links to ``drop`` from any model now point to
        ``self``, empty fields of ``self`` are filled from ``drop``, both chatters and an event
        keep the history."""
        self.ensure_one()
        drop.ensure_one()
        if self == drop:
            raise UserError(_("A person cannot be merged with themselves."))
        (self | drop).check_access("write")
        if self.id_number and drop.id_number and self.id_number != drop.id_number:
            raise UserError(_(
                "%(a)s and %(b)s have different personal IDs (%(ida)s, %(idb)s): they are two "
                "people.", a=self.name, b=drop.name, ida=self.id_number, idb=drop.id_number))
        snapshot = {f: self.env["sp.registry.event"]._sp_jsonable(drop[f])
                    for f in ("name", "id_number", "legacy_id_number", "birthdate", "gender",
                              "household_id", "phone")}
        snapshot["individual_id"] = drop.id
        fill = {f: drop[f] for f in self.MERGE_FILL_FIELDS if drop[f] and not self[f]}
        fill = {f: (v.id if hasattr(v, "_name") else v) for f, v in fill.items()}
        if "birthdate" in fill or (drop.birthdate_precision == "day" and
                                   self.birthdate_precision != "day" and drop.birthdate):
            fill.update(birthdate=drop.birthdate, birthdate_precision=drop.birthdate_precision)
        drop_sudo = drop.sudo()
        if drop.is_head and drop.household_id == self.household_id:
            fill["relationship"] = "head"
        drop_sudo.write({"id_number": False, "legacy_id_number": False, "relationship": "other",
                         "household_id": False, "active": False, "area_id": drop.area_id.id})
        self.sudo()._sp_repoint_links(drop)
        if fill:
            self.sudo().write(fill)
        event = self.env["sp.registry.event"].sudo().create({
            "type": "dedup",
            "individual_id": self.id,
            "area_id": self.area_id.id,
            "reason": _("Duplicate of %(name)s merged into this person.", name=drop.name),
        })
        event.write({"old_values": snapshot, "new_values": {"kept_id": self.id}})
        event.action_apply()
        body = _("Merged with duplicate record %(name)s (id %(id)s), which is archived.",
                 name=drop.name, id=drop.id)
        self.message_post(body=body)
        drop_sudo.message_post(body=_("Archived as a duplicate of %(name)s (id %(id)s).",
                                      name=self.name, id=self.id))
        return True

    def _sp_repoint_links(self, drop):
        """Point every stored reference to ``drop`` at ``self`` (set-based, any module)."""
        skip = {("sp.registry.duplicate", "individual_a_id"),
                ("sp.registry.duplicate", "individual_b_id"),
                ("sp.registry.duplicate", "kept_id")}
        fields_data = self.env["ir.model.fields"].sudo().search_read(
            [("relation", "=", "sp.individual"), ("store", "=", True),
             ("ttype", "in", ("many2one", "many2many"))],
            ["model", "name", "ttype", "relation_table", "column1", "column2"])
        for data in fields_data:
            model = self.env.get(data["model"])
            if model is None or (data["model"], data["name"]) in skip or model._abstract:
                continue
            field = model._fields.get(data["name"])
            if field is None or not field.store:
                continue
            if field.type == "many2one":
                model.flush_model([field.name])
                self.env.cr.execute(SQL("UPDATE %s SET %s = %s WHERE %s = %s",
                                        SQL.identifier(model._table), SQL.identifier(field.name),
                                        self.id, SQL.identifier(field.name), drop.id))
            else:
                table, col1, col2 = field.relation, field.column1, field.column2
                self.env.cr.execute(SQL(
                    """INSERT INTO %(t)s (%(c1)s, %(c2)s)
                       SELECT %(c1)s, %(keep)s FROM %(t)s WHERE %(c2)s = %(drop)s
                       ON CONFLICT DO NOTHING""",
                    t=SQL.identifier(table), c1=SQL.identifier(col1), c2=SQL.identifier(col2),
                    keep=self.id, drop=drop.id))
                self.env.cr.execute(SQL("DELETE FROM %s WHERE %s = %s", SQL.identifier(table),
                                        SQL.identifier(col2), drop.id))
            model.invalidate_model([field.name])
