"""Vietnam's rules as shipped: every category and band of Decree 20, the social pension, the
highest-of rule and the K4 exception, the standard levels of 2015, 2021, 2024 and 2026 with
Hà Nội's own level, birthdays crossing bands, retroactive level changes."""
from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged

D = fields.Date.to_date


def month(text):
    return D(text + "-01")


@freeze_time("2026-11-20")
@tagged("post_install", "-at_install")
class TestVietnamRules(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        Area = cls.env["sp.area"]
        cls.hanoi = Area.search([("scheme", "=", "2025"), ("level", "=", "province"),
                                 ("code", "=", "01")])
        cls.laocai = Area.search([("scheme", "=", "2025"), ("level", "=", "province"),
                                  ("code", "=", "15")])
        (cls.hanoi | cls.laocai).filtered(lambda a: not a.company_id) \
            .action_create_province_office()
        cls.commune_hn = Area.search([("parent_id", "=", cls.hanoi.id)], limit=1, order="code")
        cls.commune_lc, cls.commune_lc_dbkk = Area.search(
            [("parent_id", "=", cls.laocai.id)], limit=2, order="code")
        ref = cls.env.ref
        cls.commune_lc_dbkk.sp_area_type_ids = ref("sp_vn_programme.area_type_dbkk")
        cls.d20 = ref("sp_vn_programme.programme_decree20")
        cls.pension = ref("sp_vn_programme.programme_pension")
        cls.cat = {code: cls.env["sp.benefit.category"].search(
            [("code", "=", code)]) for code in ("K1", "K2", "K3", "K4", "K5a", "K5b", "K5c",
                                                "K5d", "K6", "K7", "K8", "HT75", "HT70")}

    def setUp(self):
        super().setUp()
        self.households = {}

    # ------------------------------------------------------------------ builders
    def _household(self, commune, status):
        key = (commune.id, status)
        if key not in self.households:
            self.households[key] = self.env["sp.household"].create(
                {"area_id": commune.id, "poverty_status": status})
        return self.households[key]

    def _person(self, birthdate, status="poor", commune=None, disability="none", **vals):
        household = self._household(commune or self.commune_lc, status)
        return self.env["sp.individual"].create({
            "name": "Người %s" % birthdate, "birthdate": birthdate, "gender": "male",
            "household_id": household.id, "disability_level": disability,
            "disability_certificate_date": "2015-01-01" if disability != "none" else False,
            **vals})

    def _active(self, person, codes, start="2015-01-01", programme=None, dependants=1):
        categories = self.env["sp.benefit.category"].browse(
            [self.cat[code].id for code in codes.split()])
        enrolment = self.env["sp.enrolment"].create({
            "programme_id": (programme or categories.programme_id).id,
            "individual_id": person.id, "category_ids": [Command.set(categories.ids)],
            "application_date": start, "dependant_count": dependants})
        enrolment._sp_update({"state": "active", "date_start": start})
        return enrolment

    def _paid(self, enrolment, text):
        result = enrolment._sp_entitlement(month(text))
        return {line["code"]: line["amount"] for line in result["lines"] if line["paid"]}

    # ------------------------------------------------------------------ the law's tables
    def test_every_category_and_band(self):
        """Decree 20 art. 6 coefficients, at 500,000 VND (Jan 2025, Lào Cai), both sides of
        every age limit: in January, a person born in year Y counts 2024 - Y under the
        month-after rule, 2025 - Y (born in January) under the birthday-month rule of K5b/K5c.
        (category, birth date, household, disability, coefficient or None)"""
        cases = [
            ("K1", "2021-02-10", "none", "none", 2.5), ("K1", "2021-01-10", "none", "none", 2.5),
            ("K1", "2020-12-10", "none", "none", 1.5), ("K1", "2009-01-10", "none", "none", 1.5),
            ("K1", "2008-12-10", "none", "none", None),
            ("K2", "2009-01-10", "none", "none", None), ("K2", "2008-12-10", "none", "none", 1.5),
            ("K2", "2002-01-01", "none", "none", 1.5), ("K2", "2001-12-10", "none", "none", None),
            ("K3", "2021-01-10", "poor", "none", 2.5), ("K3", "2020-12-10", "poor", "none", 2.0),
            ("K3", "2009-01-10", "poor", "none", 2.0), ("K3", "2008-12-10", "poor", "none", None),
            ("K5a", "1965-01-10", "poor", "none", None), ("K5a", "1964-12-10", "poor", "none", 1.5),
            ("K5a", "1945-01-10", "poor", "none", 1.5), ("K5a", "1944-12-10", "poor", "none", 2.0),
            ("K5b", "1950-01-10", "near_poor", "none", 1.0),   # birthday month: 75
            ("K5b", "1950-02-10", "near_poor", "none", None),
            ("K5b", "1945-02-10", "near_poor", "none", 1.0),
            ("K5b", "1945-01-10", "near_poor", "none", None),  # 80 in its birthday month
            ("K5c", "1945-01-10", "none", "none", 1.0), ("K5c", "1945-02-10", "none", "none", None),
            ("K5d", "1965-01-10", "poor", "none", None), ("K5d", "1964-12-10", "poor", "none", 3.0),
            ("K6", "2009-01-10", "none", "particularly_severe", 2.5),
            ("K6", "2008-12-10", "none", "particularly_severe", 2.0),
            ("K6", "1965-01-10", "none", "particularly_severe", 2.0),
            ("K6", "1964-12-10", "none", "particularly_severe", 2.5),
            ("K6", "2009-01-10", "none", "severe", 2.0), ("K6", "2008-12-10", "none", "severe", 1.5),
            ("K6", "1965-01-10", "none", "severe", 1.5), ("K6", "1964-12-10", "none", "severe", 2.0),
            ("K6", "1990-01-10", "none", "mild", None),
            ("K7", "2022-01-10", "near_poor", "none", 1.5), ("K7", "2021-12-10", "near_poor", "none", None),
            ("K8", "2009-01-10", "poor", "none", None), ("K8", "2008-12-10", "poor", "none", 1.5),
            ("K8", "1940-01-10", "poor", "none", 1.5),
            ("K4", "1990-05-05", "near_poor", "none", 1.0),
        ]
        for code, birthdate, status, disability, coefficient in cases:
            with self.subTest(code=code, birthdate=birthdate, disability=disability):
                commune = self.commune_lc_dbkk if code in ("K5b", "K7") else self.commune_lc
                person = self._person(birthdate, status, commune, disability)
                enrolment = self._active(person, code)
                result = enrolment._sp_entitlement(month("2025-01"))
                lines = result["lines"]
                if coefficient is None:
                    self.assertFalse(lines)
                    self.assertTrue(enrolment._sp_ineligibility(month("2025-01")))
                else:
                    self.assertEqual(lines[0]["coefficient"], coefficient)
                    self.assertEqual(result["amount"], coefficient * 500000)

    def test_category_conditions(self):
        """Poverty status, area type and household composition as the law sets them."""
        child = self._person("2015-05-05", "near_poor")
        parent = self._person("1990-05-05", "near_poor")
        cases = [
            (self._person("1950-01-10", "near_poor"), "K5a", "household must be Poor"),
            (self._person("1950-01-10", "near_poor", self.commune_lc), "K5b", "is not of type"),
            (self._person("1990-01-10", "middle"), "K4", "Poor or near-poor"),
            (self._person("2021-01-10", "none"), "K3", "household must be Poor"),
        ]
        for person, code, message in cases:
            with self.subTest(code=code):
                enrolment = self._active(person, code)
                self.assertIn(message, " ".join(enrolment._sp_ineligibility(month("2025-01"))))
                enrolment._sp_update({"state": "rejected"})
        self.assertFalse(self._active(parent, "K4")._sp_ineligibility(month("2025-01")))
        self.assertTrue(child)

    def test_standard_levels_national_and_hanoi(self):
        person_lc = self._person("1950-01-10", "poor", self.commune_lc)
        person_hn = self._person("1950-01-10", "poor", self.commune_hn)
        lc, hn = self._active(person_lc, "K5a"), self._active(person_hn, "K5a")
        # (month, Lào Cai, Hà Nội): K5a 1.5 x the level of the month
        cases = [
            ("2015-01", 405000, 405000), ("2021-06", 405000, 405000),
            ("2021-07", 540000, 540000), ("2024-06", 540000, 540000),
            ("2024-07", 750000, 750000), ("2025-12", 750000, 750000),
            ("2026-01", 750000, 975000), ("2026-06", 750000, 975000),
            ("2026-07", 810000, 975000),  # 540,000 national < 650,000 in Hà Nội
        ]
        for text, amount_lc, amount_hn in cases:
            with self.subTest(month=text):
                self.assertEqual(self._paid(lc, text), {"K5a": amount_lc})
                self.assertEqual(self._paid(hn, text), {"K5a": amount_hn})
                self.env["sp.entitlement"]._sp_compute_period(month(text), enrolments=lc | hn)
                rows = self.env["sp.entitlement"].search([("period", "=", month(text)),
                                                          ("enrolment_id", "in", (lc | hn).ids)])
                self.assertEqual(sorted(rows.mapped("amount")), sorted([amount_lc, amount_hn]))

    def _retroactive(self, level_xmlid, computed, published, per_month_lc, per_month_hn):
        person_lc = self._person("1950-01-10", "poor", self.commune_lc)
        person_hn = self._person("1950-01-10", "poor", self.commune_hn)
        lc, hn = self._active(person_lc, "K5a"), self._active(person_hn, "K5a")
        level = self.env.ref(level_xmlid)
        vals = {"programme_id": level.programme_id.id, "date_from": level.date_from,
                "amount": level.amount, "legal_source": level.legal_source}
        level.unlink()
        Entitlement = self.env["sp.entitlement"]
        for text in computed:
            Entitlement._sp_compute_period(month(text), enrolments=lc | hn)
        self.env["sp.standard.level"].create(vals)  # published late, dated back
        Entitlement._sp_compute_period(month(published), enrolments=lc | hn)
        row_lc = Entitlement.search([("enrolment_id", "=", lc.id), ("period", "=",
                                                                     month(published))])
        row_hn = Entitlement.search([("enrolment_id", "=", hn.id), ("period", "=",
                                                                     month(published))])
        self.assertEqual(row_lc.arrears_amount, per_month_lc * len(computed))
        self.assertEqual(sorted(row_lc.arrear_ids.mapped("period")),
                         [month(text) for text in computed])
        self.assertEqual(row_hn.arrears_amount, per_month_hn * len(computed))
        for row in row_lc | row_hn:
            expected = row.enrolment_id._sp_entitlement(month(published))
            self.assertEqual((row.amount, row.arrears_amount),
                             (expected["amount"], expected["arrears_amount"]))
        return row_lc, row_hn

    def test_rise_of_july_2024_published_in_october(self):
        row_lc, row_hn = self._retroactive("sp_vn_programme.level_2024",
                                           ["2024-07", "2024-08", "2024-09"], "2024-10",
                                           750000 - 540000, 750000 - 540000)
        self.assertEqual((row_lc.amount, row_hn.amount), (750000, 750000))

    def test_rise_of_july_2026_published_in_october(self):
        row_lc, row_hn = self._retroactive("sp_vn_programme.level_2026",
                                           ["2026-07", "2026-08", "2026-09"], "2026-10",
                                           810000 - 750000, 0)
        self.assertEqual((row_lc.amount, row_hn.amount), (810000, 975000))

    def test_highest_of_and_k4_exception(self):
        parent = self._person("1970-03-01", "poor", disability="severe")
        for year in ("2014", "2016"):
            self.env["sp.individual"].create({
                "name": "Con %s" % year, "birthdate": "%s-01-01" % year, "gender": "female",
                "household_id": parent.household_id.id, "relationship": "child"})
        # 54 in Jan 2025: K6 severe adult 1.5 ties with K8 1.5 (K6 comes first in the law);
        # K4 for 2 children 2.0 is paid with it.
        k4 = self._active(parent, "K4 K6 K8", dependants=2)
        self.assertEqual(self._paid(k4, "2025-01"), {"K4": 1000000, "K6": 750000})
        # 64: K6 elderly 2.0 beats K5a 1.5; the single parent also gets K4.
        elder = self._person("1960-01-10", "poor", disability="severe")
        self.assertEqual(self._paid(self._active(elder, "K4 K5a K6"), "2025-01"),
                         {"K4": 500000, "K6": 1000000})
        no_k4 = self._active(self._person("1960-01-10", "poor", disability="severe"), "K5a K6")
        self.assertEqual(self._paid(no_k4, "2025-01"), {"K6": 1000000})
        self.env["sp.entitlement"]._sp_compute_period(month("2025-01"), enrolments=k4 | no_k4)
        rows = self.env["sp.entitlement"].search([("period", "=", month("2025-01")),
                                                  ("enrolment_id", "in", (k4 | no_k4).ids)])
        self.assertEqual(sorted(rows.mapped("amount")), [1000000, 1750000])

    def test_social_pension_or_allowance_whichever_is_higher(self):
        poor_82 = self._person("1943-01-10", "poor")
        allowance = self._active(poor_82, "K5a")
        pension = self._active(poor_82, "HT75", start="2025-07-01")
        self.assertEqual((self._paid(allowance, "2025-07"), self._paid(pension, "2025-07")),
                         ({"K5a": 1000000}, {}))
        # K5c (80+, no pension) equals the pension: the pension is paid.
        not_poor = self._person("1943-01-10", "none", self.commune_hn)
        k5c = self._active(not_poor, "K5c")
        pension_hn = self._active(not_poor, "HT75", start="2025-07-01")
        self.assertEqual((self._paid(k5c, "2025-07"), self._paid(pension_hn, "2025-07")),
                         ({}, {"HT75": 500000}))
        # In Hà Nội from Jan 2026, K5c is 650,000: the allowance is paid instead.
        self.assertEqual((self._paid(k5c, "2026-01"), self._paid(pension_hn, "2026-01")),
                         ({"K5c": 650000}, {}))
        near_72 = self._person("1953-01-10", "near_poor")
        self.assertEqual(self._paid(self._active(near_72, "HT70", start="2025-07-01"),
                                    "2025-07"), {"HT70": 500000})

    def test_birthdays_crossing_bands(self):
        # (category, birth date, month before, month of the change, coefficients)
        cases = [
            ("K1", "2020-06-15", "2024-06", "2024-07", (2.5, 1.5)),   # month after the 4th
            ("K5a", "1944-09-20", "2024-09", "2024-10", (1.5, 2.0)),  # month after the 80th
            ("K6", "2008-03-03", "2024-03", "2024-04", (2.5, 2.0)),   # child to adult at 16
            ("K6", "1964-03-03", "2024-03", "2024-04", (2.0, 2.5)),   # adult to elderly at 60
            ("K5b", "1949-08-08", "2024-07", "2024-08", (None, 1.0)),  # the 75th birthday month
            ("K5c", "1944-09-20", "2024-08", "2024-09", (None, 1.0)),  # the 80th birthday month
        ]
        for code, birthdate, before, change, (old, new) in cases:
            with self.subTest(code=code, birthdate=birthdate):
                commune = self.commune_lc_dbkk if code == "K5b" else self.commune_lc
                status = "near_poor" if code == "K5b" else "poor"
                disability = "particularly_severe" if code == "K6" else "none"
                enrolment = self._active(self._person(birthdate, status, commune, disability),
                                         code)
                coefficients = []
                for text in (before, change):
                    lines = enrolment._sp_entitlement(month(text))["lines"]
                    coefficients.append(lines[0]["coefficient"] if lines else None)
                self.assertEqual(tuple(coefficients), (old, new))
