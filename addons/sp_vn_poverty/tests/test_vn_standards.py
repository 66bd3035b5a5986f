from odoo.tests import TransactionCase


class TestVnStandards(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.std_2026 = cls.env.ref("sp_vn_poverty.standard_2022_2026")
        cls.std_2027 = cls.env.ref("sp_vn_poverty.standard_2027_2030")
        Area = cls.env["sp.area"]
        cls.ward = Area.search([("level", "=", "commune"), ("scheme", "=", "2025"),
                                ("division_type", "=", "phường")], limit=1)
        cls.commune = Area.search([("level", "=", "commune"), ("scheme", "=", "2025"),
                                   ("division_type", "=", "xã")], limit=1)
        cls.zone = Area.search([("level", "=", "commune"), ("scheme", "=", "2025"),
                                ("division_type", "=", "đặc khu")], limit=1)
        Household = cls.env["sp.household"]
        cls.hh_ward = Household.create({"area_id": cls.ward.id})
        cls.hh_rural = Household.create({"area_id": cls.commune.id})
        cls.hh_zone = Household.create({"area_id": cls.zone.id})

    def _ind(self, *codes):
        return self.env["sp.poverty.indicator"].search(
            [("code", "in", ["VN_%s" % code.upper() for code in codes])])

    def _assess(self, household, income, codes, year):
        return self.env["sp.poverty.assessment"].create({
            "household_id": household.id, "year": year, "income_per_capita": income,
            "deprived_indicator_ids": [(6, 0, self._ind(*codes).ids)],
        })

    def test_shipped_standards(self):
        self.assertEqual(
            (self.std_2026.threshold_rural, self.std_2026.threshold_urban,
             self.std_2026.middle_rural, self.std_2026.middle_urban,
             self.std_2026.min_deprivations, len(self.std_2026.indicator_ids)),
            (1500000, 2000000, 2250000, 3000000, 3, 12))
        self.assertEqual(
            (self.std_2027.threshold_rural, self.std_2027.threshold_urban,
             self.std_2027.middle_rural, self.std_2027.middle_urban,
             self.std_2027.min_deprivations, len(self.std_2027.indicator_ids)),
            (2200000, 2800000, 0, 0, 3, 13))
        dropped = self.std_2026.indicator_ids - self.std_2027.indicator_ids
        added = self.std_2027.indicator_ids - self.std_2026.indicator_ids
        self.assertEqual(dropped.mapped("code"), ["VN_INFORMATION_MEANS"])
        self.assertEqual(sorted(added.mapped("code")), ["VN_DIGITAL_SERVICES", "VN_WASTE"])
        self.assertEqual(set(self.std_2026.indicator_ids.mapped("dimension")),
                         {"employment", "health", "education", "housing", "water_sanitation",
                          "information"})

    def test_area_types_from_the_areas(self):
        self.assertTrue(self.ward and self.commune and self.zone)
        types = [self._assess(hh, 1, (), 2026).area_type
                 for hh in (self.hh_ward, self.hh_rural, self.hh_zone)]
        self.assertEqual(types, ["urban", "rural", "rural"])

    def test_2026_and_2027_on_the_same_household(self):
        # rural, 1,800,000 VND, deprived in employment, health insurance and information means
        form = self._assess(self.hh_rural, 1800000,
                            ("employment", "health_insurance", "information_means"), 2026)
        self.assertEqual((form.standard_id, form.result_status, form.deprivation_count),
                         (self.std_2026, "middle", 3))
        form.year = 2027
        self.assertEqual((form.standard_id, form.result_status, form.deprivation_count),
                         (self.std_2027, "near_poor", 2))
        # urban, 2,500,000 VND with three 2027 deprivations: above the 2026 threshold, poor in 2027
        urban = self._assess(self.hh_ward, 2500000, ("employment", "digital_services", "waste"),
                             2026)
        self.assertEqual((urban.result_status, urban.deprivation_count), ("middle", 1))
        urban.year = 2027
        self.assertEqual((urban.result_status, urban.deprivation_count), ("poor", 3))
        # above the 2027 threshold: no middle living standard shipped for 2027-2030
        self.assertEqual(self._assess(self.hh_rural, 2200001, (), 2027).result_status, "none")
        self.assertEqual(self._assess(self.hh_rural, 1500000, ("employment",), 2026)
                         .result_status, "near_poor")
