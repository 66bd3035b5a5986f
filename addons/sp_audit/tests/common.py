from odoo.addons.sp_base.tests.common import SpFixtures


class SpAuditFixtures(SpFixtures):
    """The suite's fixture plus an audit rule on res.partner (name, email, reads of companies)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.env["sp.audit.rule"].create({
            "name": "Test partners", "model_name": "res.partner",
            "field_names": "name,email,category_id", "log_reads": True,
            "read_domain": "[('is_company', '=', True)]",
        })
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin.company_ids = [(4, cls.office_a.id), (4, cls.office_b.id)]
        Partner = cls.env["res.partner"]
        cls.partner_a = Partner.create({"name": "Đối tác A", "company_id": cls.office_a.id})
        cls.partner_b = Partner.create({"name": "Đối tác B", "company_id": cls.office_b.id})

    def _logs(self, records, action=None):
        domain = [("model", "=", records._name), ("res_id", "in", records.ids)]
        if action:
            domain.append(("action", "=", action))
        return self.env["sp.audit.log"].sudo().search(domain, order="id")
