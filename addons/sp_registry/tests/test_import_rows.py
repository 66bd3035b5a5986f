"""Faulty rows: each gets a clear message on its row, its household is rejected whole, the
valid households of the same file are imported, and nothing of a rejected household is written."""
import datetime

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .test_import_common import ImportFixtures, csv_bytes, person


def pid(gender, year, serial, prefix="001"):
    """A valid 12-digit personal ID for this sex and birth year."""
    digit = (year // 100 - 19) * 2 + (1 if gender == "female" else 0)
    return "%s%d%02d%06d" % (prefix, digit, year % 100, serial)


@tagged("post_install", "-at_install")
class TestImportRows(ImportFixtures, TransactionCase):
    def _good(self, ref="G1", serial=900):
        """A valid two-person household that must be imported whatever else the file holds."""
        return [
            person(ref, "Phạm Văn Tốt", "Chủ hộ", "Nam", "1970", pid("male", 1970, serial)),
            person(ref, "Phạm Thị Lành", "Vợ", "Nữ", "12/05/1972", pid("female", 1972, serial + 1)),
        ]

    def _check_rejected(self, record, names, good_imported=True):
        """After the import: the rejected people are nowhere in the registry; the good household
        is there with its two people."""
        self.assertEqual(record.state, "done")
        for name in names:
            self.assertFalse(self.Person.with_context(active_test=False).search(
                [("name", "=", name)]), "%s must not be written" % name)
        if good_imported:
            good = self.Household.search([("external_ref", "=", "G1"),
                                          ("commune_id", "=", self.c1.id)])
            self.assertEqual(len(good), 1)
            self.assertEqual(good.member_count, 2)
            self.assertEqual(good.head_id.name, "Phạm Văn Tốt")

    def _run(self, rows):
        before = self._registry_count()
        record = self._import(csv_bytes(self._good() + rows))
        return record, before

    # ------------------------------------------------------------------ personal ID
    def test_wrong_id_format(self):
        record, _before = self._run([
            person("B1", "Lý Văn Sai", "Chủ hộ", id_number="12345"),
            person("B1", "Lý Thị Theo", "Vợ", "Nữ"),
        ])
        self.assertRowError(record, 4, "must have exactly 12 digits")
        self.assertRowError(record, 5, "rejected because of the error on row 4")
        self.assertEqual(record.household_error_count, 1)
        self._check_rejected(record, ["Lý Văn Sai", "Lý Thị Theo"])

    def test_id_sex_and_year_mismatch(self):
        record, _before = self._run([
            person("B1", "Đặng Văn Giới", "Chủ hộ", "Nam", "1985", pid("female", 1985, 1)),
            person("B2", "Đặng Văn Năm", "Chủ hộ", "Nam", "1986", pid("male", 1985, 2)),
        ])
        self.assertRowError(record, 4, "is that of a female person")
        self.assertRowError(record, 5, "encodes the birth year 1985")
        self._check_rejected(record, ["Đặng Văn Giới", "Đặng Văn Năm"])

    def test_future_birth_date(self):
        future = (datetime.date.today() + datetime.timedelta(days=40)).strftime("%d/%m/%Y")
        record, _before = self._run([
            person("B1", "Hồ Văn Mai", "Chủ hộ", birthdate=future),
        ])
        self.assertRowError(record, 4, "is in the future")
        self._check_rejected(record, ["Hồ Văn Mai"])

    def test_same_id_twice_in_file(self):
        number = pid("male", 1990, 77)
        record, _before = self._run([
            person("B1", "Vũ Văn Một", "Chủ hộ", "Nam", "1990", number),
            person("B2", "Vũ Văn Hai", "Chủ hộ", "Nam", "1990", number),
        ])
        for row in (4, 5):
            self.assertRowError(record, row, "appears more than once in this file (rows 4, 5)")
        self._check_rejected(record, ["Vũ Văn Một", "Vũ Văn Hai"])

    def test_id_already_in_registry(self):
        number = pid("male", 1960, 55)
        other = self.Household.create({"area_id": self.c2.id})
        self.Person.create({"name": "Mai Văn Cũ", "gender": "male", "birthdate": "1960-01-01",
                            "birthdate_precision": "year", "id_number": number,
                            "relationship": "head", "household_id": other.id})
        record, _before = self._run([
            person("B1", "Mai Văn Mới", "Chủ hộ", "Nam", "1960", number),
        ])
        self.assertRowError(record, 4, "is already registered for Mai Văn Cũ in household %s"
                            % other.code)
        self._check_rejected(record, ["Mai Văn Mới"])
        self.assertEqual(other.head_id.name, "Mai Văn Cũ")

    # ------------------------------------------------------------------ households
    def test_household_without_head(self):
        record, _before = self._run([
            person("B1", "Tô Văn Con", "Con", birthdate="2001"),
            person("B1", "Tô Thị Cháu", "Cháu", "Nữ", "2010"),
        ])
        self.assertRowError(record, 4, "The household has no head")
        self.assertRowError(record, 5, "rejected because of the error on row 4")
        self._check_rejected(record, ["Tô Văn Con", "Tô Thị Cháu"])

    def test_two_heads(self):
        record, _before = self._run([
            person("B1", "Lâm Văn Một", "Chủ hộ"),
            person("B1", "Lâm Văn Hai", "Chủ hộ", birthdate="1987"),
        ])
        self.assertRowError(record, 4, "The household has 2 heads (rows 4, 5)")
        self._check_rejected(record, ["Lâm Văn Một", "Lâm Văn Hai"])

    def test_household_rows_disagree(self):
        record, _before = self._run([
            person("B1", "Cao Văn Xóm", "Chủ hộ", street="Xóm 1"),
            person("B1", "Cao Thị Xóm", "Vợ", "Nữ", street="Xóm 2"),
        ])
        self.assertRowError(record, 5, "This row says Xóm 2 but row 4 of the same household")
        self._check_rejected(record, ["Cao Văn Xóm", "Cao Thị Xóm"])

    # ------------------------------------------------------------------ areas
    def test_unknown_commune(self):
        record, _before = self._run([
            person("B1", "Kiều Văn Lạc", "Chủ hộ", commune="99999"),
        ])
        self.assertRowError(record, 4, "Unknown commune code 99999")
        self._check_rejected(record, ["Kiều Văn Lạc"])

    def test_legacy_code_in_standard_layout(self):
        record, _before = self._run([
            person("B1", "Kiều Văn Cũ", "Chủ hộ", commune="99802"),
        ])
        self.assertRowError(record, 4, "is the code of Xã Hòa Bình")
        self.assertRowError(record, 4, "99001, 99002")
        self._check_rejected(record, ["Kiều Văn Cũ"])

    def test_commune_of_another_office(self):
        record, _before = self._run([
            person("B1", "Kiều Văn Xa", "Chủ hộ", commune=self.commune_a1.code),
        ])
        self.assertRowError(record, 4, "outside the office of this import")
        self._check_rejected(record, ["Kiều Văn Xa"])

    def test_unknown_village_is_kept_in_address(self):
        record = self._import(csv_bytes([
            person("B1", "Lục Văn Thôn", "Chủ hộ", village="Thôn Tây", street="Số 5"),
            person("B2", "Lục Văn Đông", "Chủ hộ", village="thon dong"),
        ]))
        self.assertIn("is not an area of Xã Tân Lập", self._messages(record, 2, "warning")[0])
        west = self.Person.search([("name", "=", "Lục Văn Thôn")]).household_id
        self.assertEqual((west.area_id, west.street), (self.c1, "Thôn Tây, Số 5"))
        east = self.Person.search([("name", "=", "Lục Văn Đông")]).household_id
        self.assertEqual(east.area_id, self.v1, "village names match without accents")

    # ------------------------------------------------------------------ values
    def test_html_script_and_formula_in_name(self):
        record, _before = self._run([
            person("B1", "<script>alert(1)</script>", "Chủ hộ"),
            person("B2", "=HYPERLINK(\"http://x\",\"Bấm\")", "Chủ hộ"),
            person("B3", "Nguyễn <b>Văn</b> An", "Chủ hộ"),
            person("B4", "Trần Văn 2", "Chủ hộ"),
        ])
        self.assertRowError(record, 4, "contains HTML or script markup: it is refused, not cleaned")
        self.assertRowError(record, 5, "starts with =, like a spreadsheet formula")
        self.assertRowError(record, 6, "contains HTML or script markup")
        self.assertRowError(record, 7, "characters that are not letters")
        self.assertEqual(record.household_error_count, 4)
        self._check_rejected(record, ["Trần Văn 2"])
        self.assertFalse(self.Person.search([("name", "like", "<")]))

    def test_unknown_values_phone_and_relationship(self):
        record, _before = self._run([
            person("B1", "Ông Văn Số", "Chủ hộ", phone="12345"),
            person("B2", "Ông Văn Quan", "Sếp"),
            person("B3", "Ông Văn Tật", "Chủ hộ", disability_level="Rất nhẹ"),
            person("B4", "Ông Văn Nghèo", "Chủ hộ", poverty_status="Giàu"),
            person("B5", "Ông Văn Giới", "Chủ hộ", gender="X"),
            person("B6", "Ông Văn Ngày", "Chủ hộ", birthdate="31/02/1980"),
        ])
        self.assertRowError(record, 4, "is not a Vietnamese mobile number")
        self.assertRowError(record, 5, "Sếp is not a known value")
        self.assertRowError(record, 6, "Rất nhẹ is not a known value")
        self.assertRowError(record, 7, "Giàu is not a known value")
        self.assertRowError(record, 8, "X is not a known value (expected: Nam, Nữ)")
        self.assertRowError(record, 9, "31/02/1980 is not a date")
        self._check_rejected(record, ["Ông Văn Số", "Ông Văn Ngày"])

    def test_values_read_leniently(self):
        """Numbers Excel stripped of leading zeros, sex and year from the ID, vocabularies
        without accents, dates in several forms, phones with +84."""
        record = self._import(csv_bytes([
            person("B1", "Phan Văn Đủ", "chu ho", "", "", pid("male", 1955, 3).lstrip("0"),
                   phone="+84 912 345 678", ethnicity="tay", disability_level="dac biet nang",
                   poverty_status="can ngheo"),
            person("B1", "Phan Thị Nhỏ", "con gai", "nu", "03/2015", ethnicity="01"),
            person("B1", "Phan Văn Bé", "con", "M", "2019-08-30"),
        ]))
        self.assertEqual(record.household_new_count, 1, record.issue_ids.mapped("message"))
        head = self.Person.search([("name", "=", "Phan Văn Đủ")])
        self.assertEqual(head.id_number, pid("male", 1955, 3))
        self.assertEqual((head.gender, head.birthdate, head.birthdate_precision),
                         ("male", datetime.date(1955, 1, 1), "year"))
        self.assertEqual(head.phone, "0912345678")
        self.assertEqual(head.ethnicity_id, self.env.ref("sp_registry.sp_ethnicity_02"))
        self.assertEqual(head.disability_level, "particularly_severe")
        self.assertEqual(head.household_id.poverty_status, "near_poor")
        child = self.Person.search([("name", "=", "Phan Thị Nhỏ")])
        self.assertEqual((child.birthdate, child.birthdate_precision, child.relationship),
                         (datetime.date(2015, 3, 1), "month", "child"))
        warnings = " ".join(self._messages(record, 2, "warning"))
        self.assertIn("leading zeros were restored", warnings)
        self.assertIn("taken from the personal ID", warnings)

    def test_unknown_ethnicity_warns(self):
        record = self._import(csv_bytes([person("B1", "Sầm Văn Lạ", "Chủ hộ", ethnicity="Sao Hỏa")]))
        self.assertEqual(record.household_done_count, 1)
        self.assertIn("Unknown ethnic group Sao Hỏa", self._messages(record, 2, "warning")[0])

    def test_unknown_household_code(self):
        record, _before = self._run([
            person("", "Tạ Văn Mã", "Chủ hộ", household_code="99001-123456"),
        ])
        self.assertRowError(record, 4, "The household code 99001-123456 is not in the registry")
        self._check_rejected(record, ["Tạ Văn Mã"])

    def test_nothing_of_a_rejected_household_is_written(self):
        before = self._registry_count()
        record = self._validate(csv_bytes([
            person("B1", "Quách Văn Đúng", "Chủ hộ", id_number=pid("male", 1985, 8)),
            person("B1", "Quách Thị Sai", "Vợ", "Nữ", "1986", id_number="001186000"),
            person("B1", "Quách Văn Con", "Con", birthdate="2010"),
        ]))
        self.assertEqual((record.household_new_count, record.household_error_count), (0, 1))
        with self.assertRaisesRegex(UserError, "No household of this file can be imported"):
            record.action_import()
        self.assertEqual(self._registry_count(), before)
