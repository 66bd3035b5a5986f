"""Databases installed at 18.0.1.0.0 get what a new install of sp_vn sets: Vietnamese active
with every module's translation, the default language and time zone of new users."""
from odoo import SUPERUSER_ID, api

from odoo.addons.sp_vn.hooks import set_vietnamese_defaults


def migrate(cr, version):
    if version:
        set_vietnamese_defaults(api.Environment(cr, SUPERUSER_ID, {}))
