"""From the rows of a provincial list to staged households, people and messages, pure Python.

Each row is a person. Rows are grouped into households:

1. rows with the same registry household code are one household;
2. else rows with the same household reference (the province's own number) in the same commune;
3. a row with neither starts a new household when it is the head's row ("Chủ hộ"), and
   otherwise belongs to the household of the row above (merged or blank household cells).

Household values (address, poverty status) may be given on any row of the household; two rows
that disagree are an error. Person values are checked one by one with the registry's own
functions (``tools.id_number``): a row with an error is not imported, and neither is the rest
of its household (the database step marks them).
"""
import datetime

from odoo.tools.translate import LazyTranslate

from .id_number import (
    id_number_century,
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_legacy_id_number,
    validate_phone,
)
from .import_reader import (
    DISABILITY_LEVELS,
    FIELDS,
    GENDERS,
    POVERTY_STATUSES,
    RELATIONSHIPS,
    CellError,
    FormulaWithoutValue,
    birth_value,
    check_text,
    digits_value,
    fold_key,
    header_key,
    person_name,
    text_value,
    translate,
    vocab_value,
)

_lt = LazyTranslate(__name__)

AREA_FIELDS = ("province_code", "commune_code", "province_name", "district_name", "commune_name",
               "village")
HOUSEHOLD_FIELDS = AREA_FIELDS + ("street", "poverty_status")
TOTAL_WORDS = {"tong cong", "tong", "cong", "total", "tong so"}
TOTAL_LENGTH = 20  # "Tổng cộng:" and the like, with spaces and punctuation


class StagedHousehold:
    __slots__ = ("seq", "first_row", "key", "code", "ref", "values", "where", "raw", "commune_id",
                 "area_id", "poverty_status", "street", "error", "lines")

    def __init__(self, seq, first_row, key):
        self.seq = seq
        self.first_row = first_row
        self.key = key
        self.code = self.ref = self.street = self.poverty_status = None
        self.values = {}   # household field -> text, as first given
        self.where = {}    # household field -> row where it was given
        self.raw = {}      # household field -> cell value as first given
        self.commune_id = self.area_id = None
        self.error = False
        self.lines = []


class RowBuilder:
    """Turns rows into staged households, lines and issues.

    :param mapping: {column index: field key};
    :param headers: header texts (for messages);
    :param resolve_area: callable(values dict of AREA_FIELDS texts) -> (commune_id, area_id,
        [warning messages]); raises CellError(field, message) when the area is unknown;
    :param ethnicity: callable(text) -> id or None;
    :param lang: language of the messages.
    """

    def __init__(self, mapping, headers, resolve_area, ethnicity, lang, today=None):
        self.mapping = sorted(mapping.items())
        self.columns = {field: headers[index] if index < len(headers) else field
                        for index, field in mapping.items()}
        self.resolve_area = resolve_area
        self.ethnicity = ethnicity
        self.lang = lang
        self.today = today or datetime.date.today()
        self.households = []
        self.by_key = {}
        self.lines = []     # tuples, see LINE_COLUMNS
        self.issues = []    # (row, column, value, message, severity, household seq)
        self.current = None
        self.rows_read = 0
        self._fields = set(mapping.values())
        self._labels = {key: translate(spec[1], lang) for key, spec in FIELDS.items()}

    # ------------------------------------------------------------------ messages
    def _issue(self, row, field, value, message, severity="error", household=None):
        column = self.columns.get(field, self._labels.get(field, "")) if field else ""
        if not isinstance(message, str):
            message = translate(message, self.lang)
        shown = value if isinstance(value, str) else "" if value is None else \
            str(value) if isinstance(value, FormulaWithoutValue) else text_value(value)
        # PostgreSQL stores no NUL character (the issues are copied to the database)
        self.issues.append((row, column, shown[:200].replace("\x00", ""),
                            message.replace("\x00", ""), severity,
                            household.seq if household else None))

    # ------------------------------------------------------------------ rows
    def add_row(self, number, values):
        cells = {}
        nul = []
        for index, field in self.mapping:
            value = values[index] if index < len(values) else None
            if value.__class__ is str and "\x00" in value:
                # a NUL character (byte 0) cannot be stored: the row is refused, and the rest
                # of it is read without the character so that its other errors are reported
                nul.append(field)
                value = value.replace("\x00", "")
            if value is not None and value != "":
                cells[field] = value
        if not cells or self._is_total_row(cells):
            return
        self.rows_read += 1
        errors = []
        holder = [None]

        def fail(field, err):
            errors.append(field)
            self._issue(number, field, cells.get(field), err.message, household=holder[0])

        try:
            relationship = vocab_value(cells.get("relationship"), RELATIONSHIPS,
                                       "Chủ hộ, Vợ, Chồng, Con, Bố, Mẹ, Cháu, Anh, Chị, Em, Khác")
        except CellError as err:
            fail("relationship", err)
            relationship = None
        household = holder[0] = self._household_for(number, cells, relationship)
        for field in nul:
            fail(field, CellError(_lt(
                "The cell contains a NUL character (a byte 0, often left by a damaged export): "
                "correct the file.")))
        self._household_values(number, cells, household)
        line = self._person(number, cells, relationship, fail)
        household.lines.append(len(self.lines))
        self.lines.append([household.seq, number, "error" if errors else "ok"] + line)
        if errors:
            household.error = True

    def _is_total_row(self, cells):
        name = cells.get("name")
        # short names only: folding every name would also fill header_key's cache with them
        return (isinstance(name, str) and len(name) <= TOTAL_LENGTH
                and "id_number" not in cells and header_key(name) in TOTAL_WORDS)

    def _household_for(self, number, cells, relationship):
        code = self._text(cells, "household_code")
        ref = self._text(cells, "household_ref")
        current = self.current
        if code:
            key = ("code", code)
        elif ref:
            area = tuple(cells.get(f) for f in AREA_FIELDS[:5])
            if not any(area) and current is not None:
                area = current.key[1] if current.key[0] == "ref" else ()
            key = ("ref", area, ref)
        elif relationship == "head" or current is None:
            key = ("row", number)
        else:
            key = current.key
        household = self.by_key.get(key)
        if household is None:
            household = StagedHousehold(len(self.households) + 1, number, key)
            household.code, household.ref = code or None, ref or None
            self.households.append(household)
            self.by_key[key] = household
        self.current = household
        return household

    @staticmethod
    def _text(cells, field):
        value = cells.get(field)
        if value is None:
            return ""
        try:
            if field in ("commune_code", "province_code"):
                return digits_value(value, 5 if field == "commune_code" else 2)[0]
            return text_value(value)
        except CellError:
            return ""

    def _household_values(self, number, cells, household):
        raw = household.raw
        for field in HOUSEHOLD_FIELDS:
            if field not in cells:
                continue
            value = cells[field]
            if raw.get(field) == value:
                continue  # the same cell as on the household's first row (CSV repeats them)
            raw.setdefault(field, value)
            try:
                if field in ("commune_code", "province_code"):
                    text = digits_value(cells[field], 5 if field == "commune_code" else 2)[0]
                else:
                    text = check_text(text_value(cells[field]))
                if field == "poverty_status":
                    vocab_value(text, POVERTY_STATUSES, "Nghèo, Cận nghèo, Trung bình, Không")
            except CellError as err:
                self._issue(number, field, cells[field], err.message, household=household)
                household.error = True
                continue
            if not text:
                continue
            first = household.values.get(field)
            if first is None:
                household.values[field] = text
                household.where[field] = number
            elif header_key(first) != header_key(text):
                household.error = True
                self._issue(number, field, text, _lt(
                    "This row says %(value)s but row %(row)s of the same household says "
                    "%(first)s.", value=text, row=household.where[field], first=first),
                    household=household)

    def _person(self, number, cells, relationship, fail):
        name = gender = birthdate = precision = id_number = legacy = phone = None
        ethnicity_id = disability = None
        try:
            name = person_name(cells.get("name"))
        except CellError as err:
            fail("name", err)
        try:
            gender = vocab_value(cells.get("gender"), GENDERS, "Nam, Nữ")
        except CellError as err:
            fail("gender", err)
        for field in ("birthdate", "birth_year"):
            if field in cells and birthdate is None:
                try:
                    birthdate, precision = birth_value(cells[field], self.today)
                except CellError as err:
                    fail(field, err)
        for field, sex in (("birth_year_male", "male"), ("birth_year_female", "female")):
            if field not in cells:
                continue
            try:
                date, prec = birth_value(cells[field], self.today)
            except CellError as err:
                fail(field, err)
                continue
            if gender and gender != sex:
                fail(field, CellError(_lt(
                    "The birth year is in the column of the other sex than the row says.")))
                continue
            if birthdate and date != birthdate:
                fail(field, CellError(_lt("The birth year is given twice, differently.")))
                continue
            gender, birthdate, precision = sex, date, prec
        if "id_number" in cells:
            id_number, valid = self._id_number(number, cells["id_number"], gender, birthdate, fail)
            if valid and not gender:
                gender = id_number_century(id_number)[1]
                self._issue(number, "gender", "", _lt(
                    "The sex is missing: taken from the personal ID."), "warning")
            if valid and not birthdate and not any(
                    f in cells for f in ("birthdate", "birth_year", "birth_year_male",
                                         "birth_year_female")):
                year = id_number_century(id_number)[0] + int(id_number[4:6])
                birthdate, precision = datetime.date(year, 1, 1), "year"
                self._issue(number, "birthdate", "", _lt(
                    "The birth date is missing: the birth year %(year)s was taken from the "
                    "personal ID.", year=year), "warning")
        if not gender and "gender" not in cells:
            fail("gender", CellError(_lt("The sex is missing.")))
        if "legacy_id_number" in cells:
            raw, padded = digits_value(cells["legacy_id_number"], 9, 8)
            legacy = normalize_id_number(raw)
            errors, _warnings = validate_legacy_id_number(legacy, lang=self.lang)
            for message in errors:
                fail("legacy_id_number", CellError(message))
            if padded and not errors:
                self._issue(number, "legacy_id_number", raw, _lt(
                    "The old ID card number was stored as a number: its leading zero was "
                    "restored."), "warning")
        if "phone" in cells:
            raw, _padded = digits_value(cells["phone"], 10, 9)
            phone = normalize_phone(raw)
            errors, _warnings = validate_phone(phone, lang=self.lang)
            for message in errors:
                fail("phone", CellError(message))
        if "ethnicity" in cells:
            try:
                text = text_value(cells["ethnicity"])
            except CellError as err:
                fail("ethnicity", err)
                text = ""
            if text:
                ethnicity_id = self.ethnicity(text)
                if not ethnicity_id:
                    self._issue(number, "ethnicity", text, _lt(
                        "Unknown ethnic group %(value)s: left empty.", value=text), "warning")
        try:
            disability = vocab_value(cells.get("disability_level"), DISABILITY_LEVELS,
                                     "Không, Nhẹ, Nặng, Đặc biệt nặng")
        except CellError as err:
            fail("disability_level", err)
        birth_year = birthdate.year if birthdate else None
        return [name, fold_key(name) if name else None, gender, birthdate, precision, birth_year,
                id_number, legacy, relationship, ethnicity_id, phone, disability]

    def _id_number(self, number, value, gender, birthdate, fail):
        raw, padded = digits_value(value, 12, 10)
        id_number = normalize_id_number(raw)
        if not id_number:
            return None, False
        errors, warnings = validate_id_number(
            id_number, gender, birthdate.year if birthdate else None, today=self.today,
            lang=self.lang)
        for message in errors:
            fail("id_number", CellError(message))
        for message in warnings:
            self._issue(number, "id_number", id_number, message, "warning")
        if padded and not errors:
            self._issue(number, "id_number", raw, _lt(
                "The personal ID was stored as a number: its leading zeros were restored."),
                "warning")
        return id_number, not errors

    # ------------------------------------------------------------------ households
    def finish(self):
        """Resolve each household's area and check the household as a whole."""
        for household in self.households:
            values = household.values
            household.street = values.get("street")
            if values.get("poverty_status"):
                household.poverty_status = POVERTY_STATUSES[header_key(values["poverty_status"])]
            if not any(values.get(f) for f in AREA_FIELDS[:5]):
                self._issue(household.first_row, "commune_code", "", _lt(
                    "The household has no commune (commune code, or commune name with its "
                    "province)."), household=household)
                household.error = True
                continue
            try:
                household.commune_id, household.area_id, warnings = self.resolve_area(
                    {f: values.get(f) for f in AREA_FIELDS})
            except AreaError as err:
                row = household.where.get(err.field, household.first_row)
                self._issue(row, err.field, values.get(err.field) or "", err.message,
                            household=household)
                household.error = True
                continue
            for field, message in warnings:
                self._issue(household.where.get(field, household.first_row), field,
                            values.get(field) or "", message, "warning", household)
            if values.get("village") and household.area_id == household.commune_id:
                household.street = ", ".join(filter(None, (values["village"], household.street)))


class AreaError(Exception):
    def __init__(self, field, message):
        super().__init__(str(message))
        self.field = field
        self.message = message
