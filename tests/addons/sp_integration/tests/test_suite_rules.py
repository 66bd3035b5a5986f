"""Rules every module of the suite must keep, checked on whatever suite modules are installed:
access rights and company/area rules on every model, and a Vietnamese translation of every
user-facing string."""
import os

import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

COMPANY_RULE = "[('company_id', 'child_of', company_ids)]"
AREA_RULE = "user.sp_area_ids and [('area_id', 'child_of', user.sp_area_ids.ids)] or []"
# Test-only modules live in tests/addons and are not shipped to users.
TEST_MODULES = {"sp_test_access", "sp_integration"}


@tagged("post_install", "-at_install")
class TestSuiteRules(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.modules = cls.env["ir.module.module"].search(
            [("name", "=like", "sp\\_%"), ("state", "=", "installed")]
        ).filtered(lambda m: m.name not in TEST_MODULES)
        cls.models = cls.env["ir.model"].search([
            ("model", "=like", "sp.%"), ("transient", "=", False),
        ]).filtered(lambda m: not cls.env[m.model]._abstract)

    def test_every_model_has_access_rights(self):
        auditor = self.env.ref("sp_base.group_auditor")
        for model in self.models:
            with self.subTest(model=model.model):
                acls = model.access_ids
                self.assertTrue(acls, "no access rights")
                writers = acls.filtered(lambda a: a.perm_write or a.perm_create or a.perm_unlink)
                self.assertNotIn(auditor, writers.group_id, "the auditor must never write")

    def test_operational_models_have_company_and_area_rules(self):
        operational = set(self.env["sp.access.mixin"]._inherit_children)
        self.assertTrue(operational)
        for model in self.models.filtered(lambda m: m.model in operational):
            with self.subTest(model=model.model):
                rules = self.env["ir.rule"].search([("model_id", "=", model.id), ("global", "=", True)])
                domains = {" ".join(r.domain_force.split()) for r in rules}
                self.assertIn(COMPANY_RULE, domains, "company rule missing")
                self.assertIn(AREA_RULE, domains, "area rule missing")

    def test_every_string_has_a_vietnamese_translation(self):
        for module in self.modules:
            with self.subTest(module=module.name):
                path = os.path.join(get_module_path(module.name), "i18n", "vi.po")
                self.assertTrue(os.path.isfile(path), "i18n/vi.po missing")
                translated = {e.msgid for e in polib.pofile(path) if e.msgstr.strip()}
                terms = {
                    source for _mod, _type, _name, _res, source, _value, _comments
                    in TranslationModuleReader(self.env.cr, modules=[module.name])
                }
                self.assertTrue(terms, "no translatable term found")
                missing = sorted(terms - translated)
                self.assertFalse(missing, "untranslated: %s" % missing[:20])
