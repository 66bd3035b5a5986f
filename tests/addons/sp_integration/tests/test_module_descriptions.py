from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestModuleDescriptions(TransactionCase):
    """Each suite module describes itself in static/description/index.html, so Odoo never renders
    its Markdown README as reStructuredText (docutils errors in the install log)."""

    def test_descriptions_render_without_docutils_messages(self):
        modules = self.env["ir.module.module"].search(
            [("name", "=like", "sp\\_%"), ("state", "=", "installed")])
        self.assertGreater(len(modules), 5)
        with self.assertNoLogs("odoo.addons.base.models.ir_module", "WARNING"):
            for module in modules:
                with self.subTest(module=module.name):
                    self.assertTrue(module.description_html, module.name)
