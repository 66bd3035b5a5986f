from odoo.tests import TransactionCase, tagged


@tagged("sp_vn")
class TestVnOffices(TransactionCase):
    """The central office and the province offices created from the 2025 provinces."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Area = cls.env["sp.area"]
        cls.central = cls.env.ref("base.main_company")
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.central.id]))

    def area(self, code, scheme="2025"):
        return self.Area.search([("scheme", "=", scheme), ("code", "=", code)])

    def test_central_office(self):
        self.assertEqual(self.central.name, "Cục Bảo trợ xã hội (Trung ương)")
        self.assertEqual(self.central.country_id, self.env.ref("base.vn"))
        self.assertFalse(self.central.sp_area_id)

    def test_province_office_gives_its_areas(self):
        da_nang = self.area("48")
        self.assertFalse(da_nang.company_id)
        da_nang.action_create_province_office()
        office = da_nang.company_id
        self.assertTrue(office)
        self.assertEqual(office.parent_id, self.central)
        self.assertEqual(office.sp_area_id, da_nang)
        communes = self.Area.search([("level", "=", "commune"), ("province_id", "=", da_nang.id)])
        self.assertEqual(len(communes), 94)
        self.assertEqual(communes.company_id, office)
        # Legacy Đà Nẵng and Quảng Nam went wholly into the new Đà Nẵng.
        legacy = self.Area.search([("scheme", "=", "legacy"), ("code", "in", ["48", "49"])])
        self.assertEqual(legacy.company_id, office)
        legacy_units = self.Area.search([("id", "child_of", legacy.ids)])
        self.assertEqual(len(legacy_units), 2 + 8 + 17 + 47 + 233)
        self.assertEqual(legacy_units.company_id, office, "districts and communes included")
        # Other provinces are untouched.
        self.assertFalse(self.area("46").company_id)
        self.assertFalse(self.area("46", "legacy").company_id)

    def test_island_district_follows_its_special_zone(self):
        self.area("48").action_create_province_office()
        hoang_sa = self.Area.search([("scheme", "=", "legacy"), ("name", "=", "Huyện Hoàng Sa")])
        self.assertEqual(hoang_sa.company_id, self.area("48").company_id)

    def test_create_offices_for_several_provinces(self):
        provinces = self.area("15") | self.area("91")
        action = self.env.ref("sp_vn.sp_area_action_create_province_offices")
        result = action.with_context(active_model="sp.area", active_ids=provinces.ids,
                                     active_id=provinces[0].id).run()
        offices = provinces.company_id
        self.assertEqual(len(offices), 2)
        self.assertEqual(offices.parent_id, self.central)
        self.assertEqual(set(offices.mapped("name")), {"Lào Cai", "An Giang"})
        self.assertEqual(result["domain"], [("id", "in", offices.ids)])
        # Legacy Yên Bái (15) and Lào Cai (10) now belong to the new Lào Cai.
        self.assertEqual(self.area("10", "legacy").company_id, self.area("15").company_id)
        self.assertEqual(self.area("15", "legacy").company_id, self.area("15").company_id)
        # Running it again creates nothing more.
        action.with_context(active_model="sp.area", active_ids=provinces.ids).run()
        self.assertEqual(self.env["res.company"].search_count([("sp_area_id", "in", provinces.ids)]),
                         2)

    def test_reload_keeps_offices(self):
        da_nang = self.area("48")
        da_nang.action_create_province_office()
        self.Area._sp_vn_load_areas()
        self.assertEqual(self.area("20195").company_id, da_nang.company_id)
        self.assertEqual(self.area("49", "legacy").company_id, da_nang.company_id)
