import datetime

import psycopg2

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import file_path, mute_logger

from odoo.addons.sp_registry.tools import (
    name_key,
    normalize_phone,
    validate_id_number,
    validate_legacy_id_number,
    validate_phone,
)

from .common import RegistryFixtures


@tagged("post_install", "-at_install")
class TestIdNumberFunction(TransactionCase):
    """The pure validation function the forms, the import and the demo generator share."""

    def test_table(self):
        # (number, gender, birth year, errors expected, warnings expected)
        cases = [
            ("001085012345", "male", 1985, 0, 0),       # Hà Nội, 1900s male
            ("001185012345", "female", 1985, 0, 0),     # 1900s female
            ("079205012345", "male", 2005, 0, 0),       # 2000s male
            ("079312012345", "female", 2012, 0, 0),     # 2000s female
            ("001 085 012 345", "male", 1985, 0, 0),    # spaces ignored
            ("001085012345", None, None, 0, 0),         # nothing to compare with
            ("00108501234", "male", 1985, 1, 0),        # 11 digits
            ("0010850123456", "male", 1985, 1, 0),      # 13 digits
            ("00108501234A", "male", 1985, 1, 0),       # a letter
            ("001085012345", "female", 1985, 1, 0),     # sex mismatch
            ("001185012345", "male", 1985, 1, 0),       # sex mismatch
            ("001085012345", "male", 1986, 1, 0),       # year mismatch
            ("001285012345", "male", 1985, 1, 0),       # century mismatch (2085)
            ("001685012345", "male", 1985, 1, 0),       # digit 4 out of range
            ("003085012345", "male", 1985, 0, 1),       # unknown province: warns only
            ("999085012345", "male", 1985, 0, 1),       # country/unknown prefix: warns only
            ("001090012345", "female", 1990, 1, 0),     # male number, female person
            ("001299012345", None, None, 1, 0),         # born 2099: in the future
        ]
        for number, gender, year, n_errors, n_warnings in cases:
            with self.subTest(number=number, gender=gender, year=year):
                errors, warnings = validate_id_number(
                    number, gender, year, today=datetime.date(2026, 1, 1))
                self.assertEqual(len(errors), n_errors, errors)
                self.assertEqual(len(warnings), n_warnings, warnings)

    def test_messages_are_clear(self):
        errors, _w = validate_id_number("001085012345", "female", 1985)
        self.assertIn("male person", errors[0])
        errors, _w = validate_id_number("001085012345", "male", 1986)
        self.assertIn("birth year 1985", errors[0])
        errors, _w = validate_id_number("12345", "male", 1986)
        self.assertIn("exactly 12 digits", errors[0])
        _e, warnings = validate_id_number("003085012345", "male", 1985)
        self.assertIn("003", warnings[0])

    def test_messages_in_vietnamese(self):
        """The messages are code translations, read from the module's i18n/vi.po file: they
        need neither vi_VN active nor its terms loaded in the database, only that file (a
        checkout without it, as in a full run before it was committed, gets English)."""
        self.assertTrue(file_path("sp_registry/i18n/vi.po"))
        errors, _w = validate_id_number("12345", lang="vi_VN")
        self.assertIn("12 chữ số", errors[0])

    def test_legacy_and_phone(self):
        self.assertEqual(validate_legacy_id_number("123456789"), ([], []))
        self.assertEqual(validate_legacy_id_number("001085012345"), ([], []))
        self.assertEqual(len(validate_legacy_id_number("12345678")[0]), 1)
        self.assertEqual(len(validate_legacy_id_number("12345678X")[0]), 1)
        self.assertEqual(normalize_phone("+84 912 345 678"), "0912345678")
        self.assertEqual(normalize_phone("0912.345.678"), "0912345678")
        self.assertEqual(normalize_phone("84912345678"), "0912345678")
        self.assertEqual(validate_phone("0912345678"), ([], []))
        self.assertEqual(len(validate_phone("012345")[0]), 1)
        self.assertEqual(len(validate_phone("0212345678")[0]), 1)

    def test_name_key_matches_sql(self):
        names = ["Nguyễn Văn An", "  ĐẶNG  thị   Ướt ", "Hoàng Ngọc Ánh", "Lò Văn Thưởng",
                 "Phạm Thị Hồng Nhung", "Bùi Đức Quý", "Y Bih Niê"]
        for name in names:
            self.env.cr.execute("SELECT sp_unaccent_lower(%s)", [name])
            self.assertEqual(self.env.cr.fetchone()[0], name_key(name))
        self.assertEqual(name_key("  ĐẶNG  thị   Ướt "), "dang thi uot")


@tagged("post_install", "-at_install")
class TestIdNumberOnPeople(RegistryFixtures, TransactionCase):
    def _person(self, **vals):
        return self.Person.create({"name": "Phạm Văn Dũng", "gender": "male",
                                   "birthdate": "1985-02-03", "area_id": self.commune_a1.id,
                                   **vals})

    def test_valid_and_normalised(self):
        person = self._person(id_number="001 085 099 999", phone="+84 987 654 321",
                              legacy_id_number="123 456 789")
        self.assertEqual(person.id_number, "001085099999")
        self.assertEqual(person.phone, "0987654321")
        self.assertEqual(person.legacy_id_number, "123456789")
        self.assertFalse(person.id_number_warning)

    def test_unknown_province_warns_only(self):
        person = self._person(id_number="003085099999")
        self.assertTrue(person.id_number_warning)
        self.assertIn("003", person.id_number_warning)

    def test_bad_input_messages(self):
        cases = [
            ({"id_number": "00108509999"}, "exactly 12 digits"),
            ({"id_number": "001185099999"}, "female person"),
            ({"id_number": "001086099999"}, "birth year 1986"),
            ({"id_number": "001685099999"}, "0 to 5"),
            ({"id_number": self.head_a1.id_number}, "already registered"),
            ({"legacy_id_number": "12345"}, "9 or 12 digits"),
            ({"phone": "12345"}, "mobile number"),
            ({"birthdate": datetime.date.today() + datetime.timedelta(days=3)}, "in the future"),
            ({"birthdate": "1700-01-01"}, "not plausible"),
            ({"date_of_death": "1980-01-01"}, "before being born"),
            ({"date_of_death": datetime.date.today() + datetime.timedelta(days=3)},
             "date of death .* is in the future"),
            ({"disability_level": "severe", "disability_certificate_date": "1980-01-01"},
             "certificate .* before their birth"),
        ]
        for vals, message in cases:
            with self.subTest(vals=vals), self.assertRaisesRegex(ValidationError, message):
                self._person(**vals)

    def test_same_id_twice_in_one_batch(self):
        with self.assertRaisesRegex(ValidationError, "cannot have the same personal ID"):
            self.Person.create([
                {"name": "A", "gender": "male", "birthdate": "1985-01-01",
                 "area_id": self.commune_a1.id, "id_number": "001085077777"},
                {"name": "B", "gender": "male", "birthdate": "1985-01-01",
                 "area_id": self.commune_a1.id, "id_number": "001085077777"},
            ])

    def test_id_change_checked_on_write(self):
        with self.assertRaisesRegex(ValidationError, "already registered"):
            self.head_a2.id_number = self.head_a1.id_number
        with self.assertRaisesRegex(ValidationError, "male person"):
            self.head_a1.gender = "female"
        self.head_a1.id_number = False
        self.head_a1.gender = "female"

    def test_database_index_is_the_last_guard(self):
        """Even SQL that skips the ORM cannot insert a second person with the same ID."""
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.UniqueViolation), \
                self.env.cr.savepoint():
            self.env.cr.execute(
                """INSERT INTO sp_individual (name, gender, birthdate_precision, disability_level,
                                              company_id, area_id, id_number, active)
                   VALUES ('x', 'male', 'day', 'none', %s, %s, %s, true)""",
                [self.office_a.id, self.commune_a1.id, self.head_a1.id_number])
        # many people without an ID are fine
        self._person()
        self._person(name="Another without ID")

    def test_birthdate_precision(self):
        person = self._person(birthdate="1985-07-19", birthdate_precision="year", id_number=False)
        self.assertEqual(str(person.birthdate), "1985-01-01")
        self.assertEqual(person.birth_year, 1985)
        person.birthdate = "1986-09-30"
        self.assertEqual(str(person.birthdate), "1986-01-01")
        person.write({"birthdate": "1986-09-30", "birthdate_precision": "month"})
        self.assertEqual(str(person.birthdate), "1986-09-01")
