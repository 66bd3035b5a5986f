from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestVietnameseDefaults(TransactionCase):
    """Installing sp_vn makes Vietnamese and Vietnam's time the defaults of the suite."""

    def test_vietnamese_active_with_dates_day_first(self):
        lang = self.env["res.lang"]._lang_get("vi_VN")
        self.assertTrue(lang and lang.active)
        self.assertEqual(lang.date_format, "%d/%m/%Y")
        # the suite's own translations are loaded
        group = self.env.ref("sp_base.group_commune_officer").with_context(lang="vi_VN")
        self.assertNotEqual(group.name, self.env.ref("sp_base.group_commune_officer").name)

    def test_new_user_in_vietnamese_and_local_time(self):
        user = self.env["res.users"].with_context(no_reset_password=True).create(
            {"name": "Cán bộ mới", "login": "sp_vn_new_user"})
        self.assertEqual(user.lang, "vi_VN")
        self.assertEqual(user.tz, "Asia/Ho_Chi_Minh")
