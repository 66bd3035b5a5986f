from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SpCommon


@tagged("post_install", "-at_install")
class TestArea(SpCommon):
    def test_hierarchy_and_display_name(self):
        self.assertEqual(self.village_a1.province_id, self.prov_a)
        self.assertEqual(self.commune_a1.display_name, "Xã Thử A 1, Tỉnh Thử A")
        self.assertEqual(
            self.village_a1.with_context(sp_area_short=True).display_name, "Thôn 1"
        )
        self.prov_a.name = "Tỉnh Mới"
        self.assertEqual(self.village_a1.display_name, "Thôn 1, Xã Thử A 1, Tỉnh Mới")
        found = self.env["sp.area"].search([("id", "child_of", self.prov_a.id)])
        self.assertEqual(found, self.prov_a | self.commune_a1 | self.commune_a2 | self.village_a1)

    def test_code_unique_per_scheme(self):
        # the same code is allowed in the other scheme
        self._sp_area("X1", "Tỉnh cũ", "province", scheme="legacy")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self._sp_area("X1", "Trùng mã", "province")

    def test_parent_rules(self):
        with self.assertRaisesRegex(ValidationError, "no district level"):
            self._sp_area("X1D", "Huyện", "district", self.prov_a)
        with self.assertRaisesRegex(ValidationError, "cannot be placed under"):
            self._sp_area("X1V", "Thôn sai", "village", self.prov_a)
        with self.assertRaisesRegex(ValidationError, "needs a parent"):
            self._sp_area("X1C", "Xã mồ côi", "commune")
        old = self._sp_area("X9", "Tỉnh cũ", "province", scheme="legacy")
        with self.assertRaisesRegex(ValidationError, "same scheme"):
            self._sp_area("X1009", "Xã lạc", "commune", old)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.prov_a.write({"date_start": "2025-07-01", "date_end": "2025-06-30"})

    def test_office_propagates_to_areas(self):
        self.assertEqual(self.prov_a.company_id, self.office_a)
        self.assertEqual(self.village_a1.company_id, self.office_a)
        self.assertEqual(self.commune_b1.company_id, self.office_b)
        self.assertEqual(self.office_a.parent_id, self.central)
        # a commune added later belongs to no office until the office is linked again,
        # and linking the office to another province moves every area
        prov_c, commune_c, _village = self._sp_province("X3", "Tỉnh Thử C")
        self.office_b.sp_area_id = prov_c
        self.assertEqual(commune_c.company_id, self.office_b)
        self.assertFalse(self.commune_b1.company_id)

    def test_create_office_action(self):
        prov_c, commune_c, _village = self._sp_province("X3", "Tỉnh Thử C")
        action = prov_c.action_create_province_office()
        office = self.env["res.company"].search(action["domain"])
        self.assertEqual(office.sp_area_id, prov_c)
        self.assertEqual(office.parent_id, self.central)
        self.assertEqual(commune_c.company_id, office)
        # a second click returns the same office, never a second one
        again = prov_c.action_create_province_office()
        self.assertEqual(self.env["res.company"].search(again["domain"]), office)
        with self.assertRaisesRegex(ValidationError, "Only a province"):
            commune_c.action_create_province_office()

    def test_succession(self):
        old_prov = self._sp_area("X9", "Tỉnh cũ", "province", scheme="legacy")
        old_district = self._sp_area("X901", "Huyện cũ", "district", old_prov, scheme="legacy")
        old_commune = self._sp_area("X90001", "Xã cũ", "commune", old_district, scheme="legacy")
        Succession = self.env["sp.area.succession"]
        Succession.create([
            {"old_area_id": old_prov.id, "new_area_id": self.prov_a.id, "date": "2025-07-01"},
            {"old_area_id": old_commune.id, "new_area_id": self.commune_a1.id,
             "date": "2025-07-01", "is_default": True},
        ])
        self.assertEqual(old_commune._sp_current_areas(), self.commune_a1)
        self.assertEqual(old_prov._sp_current_areas(), self.prov_a)
        # a district has no succession of its own: it follows its communes
        self.assertEqual(old_district._sp_current_areas(), self.commune_a1)
        self.prov_a._sp_propagate_company()
        self.assertEqual(old_commune.company_id, self.office_a)
        self.assertEqual(old_district.company_id, self.office_a)
        # the office leaves the province: former units lose it too, nothing stale remains
        self.office_a.sp_area_id = False
        self.assertFalse(self.commune_a1.company_id)
        self.assertFalse(old_commune.company_id)
        self.assertFalse(old_district.company_id)
        # an island district without communes may become a special-zone commune
        island = self._sp_area("X902", "Huyện đảo", "district", old_prov, scheme="legacy")
        Succession.create({"old_area_id": island.id, "new_area_id": self.commune_a2.id,
                           "date": "2025-07-01"})
        self.assertEqual(island._sp_current_areas(), self.commune_a2)
        with self.assertRaisesRegex(ValidationError, "same level"):
            Succession.create({"old_area_id": old_commune.id, "new_area_id": self.prov_a.id,
                               "date": "2025-07-01"})
        with self.assertRaisesRegex(ValidationError, "cannot succeed itself"):
            Succession.create({"old_area_id": self.prov_a.id, "new_area_id": self.prov_a.id,
                               "date": "2025-07-01"})

    def test_areas_readable_by_every_role_writable_by_admin(self):
        for user in (self.officer_a1, self.agent, self.auditor_a, self.collaborator_a1):
            self.assertTrue(self.commune_b1.with_user(user).read(["name"]))
            self.assertFalse(self.env["sp.area"].with_user(user).has_access("write"))
        admin = self._sp_user("sp_admin_t", "sp_base.group_admin", self.central)
        self.assertTrue(self.env["sp.area"].with_user(admin).has_access("create"))

    def test_role_hierarchy(self):
        self.assertTrue(self.central_officer.has_group("sp_base.group_province_manager"))
        self.assertTrue(self.central_officer.has_group("sp_base.group_commune_officer"))
        self.assertFalse(self.manager_a.has_group("sp_base.group_central_officer"))
        self.assertFalse(self.auditor_a.has_group("sp_base.group_commune_officer"))
        self.assertTrue(self.env.ref("base.user_admin").has_group("sp_base.group_admin"))

    def test_staff_menus_hidden_from_collaborators(self):
        # (a menu without any action below it is hidden from everyone: test one that has some)
        config_menu = self.env.ref("sp_base.sp_menu_config")
        Menu = self.env["ir.ui.menu"]
        self.assertNotIn(config_menu.id, Menu.with_user(self.collaborator_a1)._visible_menu_ids())
        for user in (self.officer_a1, self.auditor_a):
            self.assertIn(config_menu.id, Menu.with_user(user)._visible_menu_ids())
        self.assertEqual(
            self.env.ref("sp_base.sp_menu_registry").groups_id,
            self.env.ref("sp_base.group_commune_officer") | self.env.ref("sp_base.group_call_centre_agent")
            | self.env.ref("sp_base.group_auditor"),
        )
