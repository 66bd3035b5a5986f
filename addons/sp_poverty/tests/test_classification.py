from odoo.tools import SQL

from .common import PovertyCommon

RURAL_2026 = [
    # income, deprivations, expected
    (1499999, 3, "poor"), (1500000, 3, "poor"), (1500001, 3, "middle"),
    (1500000, 2, "near_poor"), (1500000, 4, "poor"), (1499999, 2, "near_poor"),
    (1500000, 0, "near_poor"), (2250000, 3, "middle"), (2250001, 3, "none"),
    (2249999, 0, "middle"), (0, 12, "poor"),
]
URBAN_2026 = [
    (1999999, 3, "poor"), (2000000, 3, "poor"), (2000001, 3, "middle"),
    (2000000, 2, "near_poor"), (2000000, 4, "poor"), (3000000, 2, "middle"),
    (3000001, 5, "none"),
]
# 2027-2030: no middle living standard in the test standard (as in the shipped data)
RURAL_2027 = [
    (2199999, 3, "poor"), (2200000, 3, "poor"), (2200001, 3, "none"),
    (2200000, 2, "near_poor"), (2200000, 4, "poor"),
]


class TestClassification(PovertyCommon):
    def _check_table(self, household, table, year):
        for income, count, expected in table:
            with self.subTest(income=income, deprivations=count, year=year):
                assessment = self._assess(household, income, range(1, count + 1), year=year)
                self.assertEqual(assessment.result_status, expected)
                self.assertEqual(assessment.deprivation_count, count)

    def test_rural_2026(self):
        self._check_table(self.hh_a1, RURAL_2026, 2026)
        assessment = self._assess(self.hh_a1, 1, year=2026)
        self.assertEqual(assessment.area_type, "rural")
        self.assertEqual(assessment.standard_id, self.std_2026)
        self.assertEqual(assessment.threshold, 1500000)

    def test_urban_2026(self):
        self._check_table(self.hh_a2, URBAN_2026, 2026)
        self.assertEqual(self._assess(self.hh_a2, 1).area_type, "urban")

    def test_rural_2027(self):
        self._check_table(self.hh_a1, RURAL_2027, 2027)

    def test_unmapped_unit_type_is_rural(self):
        self.commune_a2.division_type = "khu thử"
        self.assertEqual(self._assess(self.hh_a2, 1800000, (1, 2, 3)).result_status, "middle")

    def test_same_household_2026_and_2027(self):
        """Indicator 12 (means of information access) counts in 2026 only; 13 (digital
        services) in 2027 only; the thresholds rise."""
        info = self._assess(self.hh_a1, 1800000, (1, 2, 12), year=2026)
        self.assertEqual((info.result_status, info.deprivation_count), ("middle", 3))
        self.assertEqual(info.year_indicator_ids, self.std_2026.indicator_ids)
        info.year = 2027
        self.assertEqual((info.result_status, info.deprivation_count), ("near_poor", 2))
        self.assertEqual(info.year_indicator_ids, self.std_2027.indicator_ids)
        self.assertEqual(info.standard_id, self.std_2027)
        digital = self._assess(self.hh_a1, 1400000, (1, 2, 13), year=2026)
        self.assertEqual((digital.result_status, digital.deprivation_count), ("near_poor", 2))
        digital.year = 2027
        self.assertEqual((digital.result_status, digital.deprivation_count), ("poor", 3))

    def test_form_recomputes_on_change(self):
        assessment = self._assess(self.hh_a1, 1600000, (1, 2, 3))
        self.assertEqual(assessment.result_status, "middle")
        assessment.income_per_capita = 1500000
        self.assertEqual(assessment.result_status, "poor")
        assessment.deprived_indicator_ids = [(3, self.ind[3].id)]
        self.assertEqual(assessment.result_status, "near_poor")

    def test_province_threshold(self):
        self.env["sp.poverty.standard.province"].create({
            "standard_id": self.std_2026.id, "area_id": self.prov_a.id,
            "threshold_rural": 1800000,
        })
        in_a = self._assess(self.hh_a1, 1700000, (1, 2, 3))
        in_b = self._assess(self.hh_b1, 1700000, (1, 2, 3))
        self.assertEqual((in_a.result_status, in_a.threshold), ("poor", 1800000))
        self.assertEqual((in_b.result_status, in_b.threshold), ("middle", 1500000))
        # urban threshold not overridden: the national one stays
        self.assertEqual(self._assess(self.hh_a2, 2000000, (1, 2, 3)).threshold, 2000000)

    def test_province_may_not_lower(self):
        with self.assertRaisesRegex(Exception, "raise the national value"):
            self.env["sp.poverty.standard.province"].create({
                "standard_id": self.std_2026.id, "area_id": self.prov_a.id,
                "threshold_rural": 1000000,
            })

    def test_no_standard(self):
        assessment = self._assess(self.hh_a1, 1000000, (1, 2, 3), year=2020)
        self.assertFalse(assessment.result_status)
        self.assertFalse(assessment.standard_id)
        with self.assertRaisesRegex(Exception, "no result yet"):
            assessment.action_submit()

    def test_overlapping_standards_refused(self):
        with self.assertRaisesRegex(Exception, "overlaps"):
            self.Standard.create({
                "name": "Overlap", "date_from": "2026-06-01", "threshold_rural": 1,
                "threshold_urban": 1,
            })

    def test_set_based_rerun_and_scope(self):
        assessments = self.Assessment
        for household in (self.hh_a1, self.hh_a2, self.hh_b1):
            assessments |= self._assess(household, 1600000, (1, 2, 3))
        Assessment = self.Assessment
        self.assertEqual(Assessment._sp_classify(SQL("a.id = ANY(%s)", assessments.ids)), 0)
        self.assertEqual(assessments.mapped("result_status"), ["middle", "poor", "middle"])
        # a data change of the standard, then one run over a province
        self.std_2026.threshold_rural = 1600000
        changed = Assessment._sp_classify(SQL("a.province_id = %s", self.prov_a.id))
        self.assertEqual(changed, 1)
        self.assertEqual(assessments.mapped("result_status"), ["poor", "poor", "middle"])
        self.assertEqual(Assessment._sp_classify(SQL("a.commune_id = %s", self.commune_b1.id)),
                         1)
        self.assertEqual(assessments[2].result_status, "poor")
        self.assertEqual(Assessment._sp_classify(SQL("TRUE")), 0)
