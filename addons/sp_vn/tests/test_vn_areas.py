from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL


@tagged("sp_vn")
class TestVnAreas(TransactionCase):
    """The areas sp_vn loads on install, their succession and the reload."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Area = cls.env["sp.area"]

    def area(self, code, scheme="2025"):
        area = self.Area.search([("scheme", "=", scheme), ("code", "=", code)])
        self.assertEqual(len(area), 1, f"one {scheme} area with code {code}")
        return area

    def count(self, scheme, level):
        return self.Area.search_count([("scheme", "=", scheme), ("level", "=", level)])

    def successor_codes(self, area):
        return set(area.successor_ids.new_area_id.mapped("code"))

    def test_2025_scheme(self):
        self.assertEqual(self.count("2025", "province"), 34)
        self.assertEqual(self.count("2025", "commune"), 3321)
        self.assertEqual(self.count("2025", "district"), 0)
        communes = self.Area.search([("scheme", "=", "2025"), ("level", "=", "commune")])
        types = {t: communes.filtered(lambda a, t=t: a.division_type == t) for t in
                 ("xã", "phường", "đặc khu")}
        self.assertEqual({t: len(a) for t, a in types.items()},
                         {"xã": 2621, "phường": 687, "đặc khu": 13})
        self.assertEqual(set(communes.mapped(lambda a: len(a.code))), {5})
        provinces = self.Area.search([("scheme", "=", "2025"), ("level", "=", "province")])
        self.assertEqual(set(provinces.mapped(lambda a: len(a.code))), {2})
        self.assertTrue(all(code.isdigit() for code in communes.mapped("code")))
        self.assertEqual(set(communes.mapped("date_start")), {date(2025, 7, 1)})
        self.assertFalse(any(communes.mapped("date_end")))
        hanoi = self.area("01")
        self.assertEqual(hanoi.name, "Thành phố Hà Nội")
        self.assertEqual(hanoi.division_type, "thành phố trung ương")
        hoan_kiem = self.area("00070")
        self.assertEqual(hoan_kiem.name, "Phường Hoàn Kiếm")
        self.assertEqual(hoan_kiem.parent_id, hanoi)
        self.assertEqual(hoan_kiem.province_id, hanoi)
        self.assertEqual(hoan_kiem.parent_path, f"{hanoi.id}/{hoan_kiem.id}/")
        self.assertIn(hoan_kiem, self.Area.search([("id", "child_of", hanoi.id)]))

    def test_province_codes(self):
        for code, name in [("08", "Tuyên Quang"), ("15", "Lào Cai"), ("48", "Thành phố Đà Nẵng"),
                           ("52", "Gia Lai"), ("68", "Lâm Đồng"), ("86", "Vĩnh Long"),
                           ("91", "An Giang")]:
            self.assertEqual(self.area(code).name, name)

    def test_legacy_scheme(self):
        self.assertEqual(self.count("legacy", "province"), 63)
        self.assertEqual(self.count("legacy", "district"), 696)
        self.assertEqual(self.count("legacy", "commune"), 10035)
        code_lengths = self.env.execute_query(SQL(
            "SELECT level, MIN(LENGTH(code)), MAX(LENGTH(code)) FROM sp_area "
            "WHERE scheme = 'legacy' GROUP BY level ORDER BY level"))
        self.assertEqual(code_lengths, [("commune", 5, 5), ("district", 3, 3), ("province", 2, 2)])
        ha_giang = self.area("02", "legacy")
        self.assertEqual((ha_giang.name, ha_giang.date_end), ("Hà Giang", date(2025, 6, 30)))
        hang_ma = self.area("00043", "legacy")
        self.assertEqual(hang_ma.name, "Phường Hàng Mã")
        self.assertEqual(hang_ma.parent_id.name, "Quận Hoàn Kiếm")
        self.assertEqual(hang_ma.parent_id.code, "002")
        self.assertEqual(hang_ma.province_id.name, "Thành phố Hà Nội")

    def test_every_legacy_commune_has_one_default_successor(self):
        rows = self.env.execute_query(SQL("""
            SELECT COUNT(*) FILTER (WHERE n = 0), COUNT(*) FILTER (WHERE d <> 1),
                   COUNT(*) FILTER (WHERE n > 1), COUNT(*) FILTER (WHERE bad > 0)
              FROM (SELECT a.id, COUNT(s.id) AS n, COUNT(s.id) FILTER (WHERE s.is_default) AS d,
                           COUNT(s.id) FILTER (WHERE n.scheme <> '2025' OR n.level <> 'commune')
                               AS bad
                      FROM sp_area a
                      LEFT JOIN sp_area_succession s ON s.old_area_id = a.id
                      LEFT JOIN sp_area n ON n.id = s.new_area_id
                     WHERE a.scheme = 'legacy' AND a.level = 'commune'
                     GROUP BY a.id) x
        """))
        without, not_one_default, split, wrong_target = rows[0]
        self.assertEqual(without, 0, "every legacy commune has a 2025 successor")
        self.assertEqual(not_one_default, 0, "every legacy commune has one default successor")
        self.assertEqual(wrong_target, 0, "legacy communes go to 2025 communes")
        self.assertEqual(split, 471, "communes split between several 2025 communes")

    def test_province_succession(self):
        cases = {"02": "08", "49": "48", "84": "86", "52": "52",  # the four cases
                 "10": "15", "15": "15", "89": "91", "91": "91", "01": "01"}
        for old, new in cases.items():
            legacy = self.area(old, "legacy")
            self.assertEqual(self.successor_codes(legacy), {new}, legacy.name)
            succession = legacy.successor_ids
            self.assertEqual(succession.date, date(2025, 7, 1))
            self.assertTrue(succession.is_default)
            self.assertIn("202/2025/QH15", succession.legal_source)
        every = self.Area.search([("scheme", "=", "legacy"), ("level", "=", "province")])
        self.assertEqual(len(every.successor_ids), 63)
        self.assertEqual(len(every.successor_ids.new_area_id), 34)

    def test_commune_merger(self):
        hoan_kiem = self.area("00070")
        whole = {"Phường Hàng Mã", "Phường Hàng Buồm", "Phường Hàng Đào", "Phường Hàng Bồ",
                 "Phường Lý Thái Tổ", "Phường Hàng Bạc", "Phường Hàng Gai"}
        self.assertLessEqual(whole, set(hoan_kiem.predecessor_ids.old_area_id.mapped("name")))
        hang_bac = self.area("00061", "legacy")
        self.assertEqual(hang_bac._sp_current_areas(), hoan_kiem)
        self.assertIn("Ủy ban Thường vụ Quốc hội", hang_bac.successor_ids.legal_source)
        self.assertIn("Thành phố Hà Nội", hang_bac.successor_ids.legal_source)
        # Đà Nẵng's Hải Vân: 20194 in vietnamadminunits, 20195 in vietnam-provinces (kept).
        hai_van = self.area("20195")
        self.assertEqual(hai_van.name, "Phường Hải Vân")
        self.assertEqual(set(hai_van.predecessor_ids.old_area_id.mapped("name")),
                         {"Phường Hòa Hiệp Bắc", "Phường Hòa Hiệp Nam", "Xã Hòa Bắc",
                          "Xã Hòa Liên"})
        self.assertFalse(self.Area.search([("scheme", "=", "2025"), ("code", "=", "20194")]))

    def test_commune_split(self):
        hang_trong = self.area("00070", "legacy")
        self.assertEqual(hang_trong.name, "Phường Hàng Trống")
        self.assertEqual(self.successor_codes(hang_trong), {"00070", "00073"})
        default = hang_trong.successor_ids.filtered("is_default")
        self.assertEqual(default.new_area_id.name, "Phường Hoàn Kiếm")
        self.assertEqual(set(hang_trong._sp_current_areas().mapped("code")), {"00070", "00073"})

    def test_current_areas(self):
        legacy_commune = self.area("00043", "legacy")  # Hàng Mã
        self.assertEqual(legacy_commune._sp_current_areas(), self.area("00070"))
        legacy_province = self.area("02", "legacy")  # Hà Giang
        self.assertEqual(legacy_province._sp_current_areas(), self.area("08"))
        current = self.area("00070")
        self.assertEqual(current._sp_current_areas(), current)
        both = legacy_commune | self.area("00073", "legacy")
        self.assertEqual(set(both._sp_current_areas().mapped("code")),
                         {"00004", "00070", "00073", "00196"})

    def test_island_districts(self):
        islands = {"Huyện Bạch Long Vĩ": "11948", "Huyện Cồn Cỏ": "19742",
                   "Huyện Hoàng Sa": "20333", "Huyện Lý Sơn": "21548", "Huyện Côn Đảo": "26732"}
        for name, code in islands.items():
            district = self.Area.search([("scheme", "=", "legacy"), ("name", "=", name)])
            self.assertEqual(len(district), 1, name)
            self.assertEqual(district.level, "district")
            self.assertFalse(district.child_ids)
            zone = self.area(code)
            self.assertEqual(zone.division_type, "đặc khu")
            self.assertEqual(district._sp_current_areas(), zone)
        con_dao = self.area("26732")
        self.assertEqual(con_dao.parent_id.code, "79", "Côn Đảo now belongs to Hồ Chí Minh City")

    def _snapshot(self):
        return self.env.execute_query(SQL("""
            SELECT (SELECT COUNT(*) FROM sp_area),
                   (SELECT MD5(STRING_AGG(CONCAT_WS('|', id, scheme, code, name, level,
                                                    division_type, parent_id, parent_path,
                                                    province_id, company_id, date_start,
                                                    date_end, active, write_date), ',' ORDER BY id))
                      FROM sp_area),
                   (SELECT COUNT(*) FROM sp_area_succession),
                   (SELECT MD5(STRING_AGG(CONCAT_WS('|', id, old_area_id, new_area_id, level, date,
                                                    legal_source, is_default, write_date), ','
                                          ORDER BY id))
                      FROM sp_area_succession)
        """))[0]

    def test_reload_is_idempotent(self):
        before = self._snapshot()
        stats = self.Area._sp_vn_load_areas()
        self.assertEqual(
            {k: stats[k] for k in ("areas_created", "areas_updated", "successions_created",
                                   "successions_updated")},
            {"areas_created": 0, "areas_updated": 0, "successions_created": 0,
             "successions_updated": 0},
        )
        self.assertEqual((stats["areas"], stats["successions"]), (14149, 10665))
        self.assertEqual(self._snapshot(), before)

    def test_reload_repairs(self):
        hang_ma = self.area("00043", "legacy")
        hang_ma.successor_ids.unlink()
        hoan_kiem = self.area("00070")
        hoan_kiem.name = "Phường Hoàn Kiếm (sửa tay)"
        stats = self.Area._sp_vn_load_areas()
        self.assertEqual((stats["areas_created"], stats["areas_updated"],
                          stats["successions_created"], stats["successions_updated"]),
                         (0, 1, 1, 0))
        self.assertEqual(hoan_kiem.name, "Phường Hoàn Kiếm")
        self.assertEqual(hang_ma._sp_current_areas(), hoan_kiem)

    def test_reload_action_rights(self):
        reload_action = self.env.ref("sp_vn.sp_area_action_reload_vn")
        officer = new_test_user(self.env, "sp_vn_officer", groups="sp_base.group_commune_officer")
        with self.assertRaises(AccessError):
            self.Area.with_user(officer).action_sp_vn_reload_areas()
        with self.assertRaises(AccessError):
            reload_action.with_user(officer).run()
        admin = new_test_user(self.env, "sp_vn_admin", groups="sp_base.group_admin")
        action = reload_action.with_user(admin).run()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("14149", action["params"]["message"])
