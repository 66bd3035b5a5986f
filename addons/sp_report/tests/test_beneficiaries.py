import io

import openpyxl

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from .common import ReportFixtures

# Columns of the sheet after the code and the name of the category.
FIGURES = ["count", "male", "female", "age_0_15", "age_16_59", "age_60_79", "age_80", "amount"]


@tagged("post_install", "-at_install")
class TestBeneficiariesByCategory(ReportFixtures, TransactionCase):
    """The statutory XLSX report of beneficiaries by category: its figures equal an ORM
    recount for a commune and a province, and it shows only what its viewer may read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.officer_b = cls._sp_user("sp_officer_b", "sp_base.group_commune_officer",
                                     cls.office_b)
        cls.a1 = cls._sp_enrol(cls._sp_people(3, cls.village_a1), cls.m1)
        cls.a2 = cls._sp_enrol(cls._sp_people(2, cls.village_a2, start=20), cls.m1,
                               categories=cls.cat_k6)
        people_b = cls._sp_people(3, cls.village_b1, start=40) | cls.env["sp.individual"].create({
            "name": "Người thử nữ", "gender": "female", "birthdate": "1940-03-01",
            # 4th digit 1: a woman born in the 20th century
            "id_number": "001140%06d" % (cls.village_b1.id % 1000000),
            "area_id": cls.village_b1.id,
        })
        cls.b1 = cls._sp_enrol(people_b, cls.m1, officer=cls.officer_b, manager=cls.manager_b)

    def _sheet(self, user, area):
        wizard = self.env["sp.report.wizard"].with_user(user).create({
            "report_kind": "beneficiaries_by_category", "area_id": area.id if area else False,
            "period": self.m1,
        })
        action = wizard.action_generate()
        self.assertIn("/web/content/%s" % wizard.attachment_id.id, action["url"])
        book = openpyxl.load_workbook(io.BytesIO(wizard.attachment_id.raw), read_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        by_code, total = {}, None
        for row in rows[3:]:
            values = dict(zip(FIGURES, [v or 0 for v in row[2:]], strict=True))
            if row[0]:
                by_code[row[0]] = values
            else:
                total = values
        return by_code, total

    def _recount(self, user, area, category=None):
        Enrolment = self.env["sp.enrolment"].with_user(user)
        domain = self.env["sp.report.beneficiaries"]._sp_domain(area, self.m1)
        if category:
            domain = domain + [("category_ids", "in", category.ids)]
        enrolments = Enrolment.search(domain)
        return {
            "count": Enrolment.search_count(domain),
            "male": len(enrolments.filtered(lambda e: e.individual_id.gender == "male")),
            "female": len(enrolments.filtered(lambda e: e.individual_id.gender == "female")),
            "amount": sum(enrolments.mapped("monthly_amount")),
        }

    def _assert_equal_recount(self, user, area):
        by_code, total = self._sheet(user, area)
        self.assertTrue(by_code)
        for category in self.cat_k5 | self.cat_k6:
            expected = self._recount(user, area, category)
            got = by_code.get(category.code, dict.fromkeys(FIGURES, 0))
            for key, value in expected.items():
                self.assertEqual(got[key], value, "%s %s in %s" % (category.code, key,
                                                                   area.name))
        expected = self._recount(user, area)
        for key, value in expected.items():
            self.assertEqual(total[key], value, "total %s in %s" % (key, area.name))
        self.assertEqual(total["age_80"], total["count"], "everyone of the fixture is 80+")
        return by_code, total

    def test_commune_equals_orm_recount(self):
        by_code, total = self._assert_equal_recount(self.manager_a, self.commune_a1)
        self.assertEqual(total["count"], 3)
        self.assertEqual(set(by_code), {"K5c"})
        self.assertEqual(total["amount"], 3 * 500_000)

    def test_province_equals_orm_recount(self):
        by_code, total = self._assert_equal_recount(self.manager_a, self.prov_a)
        self.assertEqual(total["count"], 5)
        self.assertEqual(by_code["K6"]["amount"], 2 * 750_000)
        _by_code, total_b = self._assert_equal_recount(self.manager_b, self.prov_b)
        self.assertEqual((total_b["count"], total_b["female"]), (4, 1))

    def test_country_for_the_central_office(self):
        _by_code, total = self._sheet(self.central_officer.with_context(
            allowed_company_ids=(self.central | self.office_a | self.office_b).ids), False)
        self.assertGreaterEqual(total["count"], 9)

    def test_other_province_comes_out_empty(self):
        """Province B's manager asks for province A: the record rules leave nothing."""
        by_code, total = self._sheet(self.manager_b, self.prov_a)
        self.assertEqual(by_code, {})
        self.assertEqual(total["count"], 0)
        self.assertEqual(total["amount"], 0)

    def test_commune_officer_sees_own_commune_only(self):
        """The officer of commune A1 asks for the whole province: only A1's people."""
        _by_code, total = self._sheet(self.officer_a1, self.prov_a)
        self.assertEqual(total["count"], 3)

    def test_no_category_access_refuses(self):
        with self.assertRaises(AccessError):
            self.env["sp.report.beneficiaries"].with_user(self.agent)._sp_rows(
                self.prov_a, self.m1)
