VN_LANG = "vi_VN"
VN_TZ = "Asia/Ho_Chi_Minh"


def post_init_hook(env):
    """Load Vietnam's administrative areas once the module's tables and data exist, and make
    Vietnamese and Vietnam's time the defaults."""
    env["sp.area"]._sp_vn_load_areas()
    set_vietnamese_defaults(env)


def set_vietnamese_defaults(env):
    """Vietnamese (dates dd/mm/yyyy) active with the translations of every installed module, the
    default language and time zone of new users; users still on no time zone get Vietnam's.
    Modules installed later load their Vietnamese translation because the language is active."""
    lang = env["res.lang"]._activate_lang(VN_LANG)
    lang.date_format = "%d/%m/%Y"
    env["ir.module.module"].search([("state", "=", "installed")])._update_translations(
        filter_lang=VN_LANG)
    Default = env["ir.default"]
    Default.set("res.partner", "lang", VN_LANG)
    Default.set("res.partner", "tz", VN_TZ)
    env["res.users"].with_context(active_test=False).search([("tz", "=", False)]).tz = VN_TZ
