"""Fixtures shared by the suite's tests: two province offices under the central office, their
areas, and one user per role. Other modules' tests inherit SpCommon or call its helpers."""
from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class SpFixtures:
    """Mixin for TransactionCase and HttpCase: builds the fixture in setUpClass."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, no_reset_password=True))
        cls.central = cls.env.ref("base.main_company")
        cls.prov_a, cls.commune_a1, cls.village_a1 = cls._sp_province("X1", "Tỉnh Thử A")
        cls.prov_b, cls.commune_b1, cls.village_b1 = cls._sp_province("X2", "Tỉnh Thử B")
        cls.commune_a2 = cls._sp_area("X1002", "Xã Thử A2", "commune", cls.prov_a)
        Company = cls.env["res.company"]
        cls.office_a = Company.create(
            {"name": "Sở Thử A", "sp_area_id": cls.prov_a.id, "parent_id": cls.central.id}
        )
        cls.office_b = Company.create(
            {"name": "Sở Thử B", "sp_area_id": cls.prov_b.id, "parent_id": cls.central.id}
        )
        offices = cls.central | cls.office_a | cls.office_b
        cls.officer_a1 = cls._sp_user(
            "sp_officer_a1", "sp_base.group_commune_officer", cls.office_a, areas=cls.commune_a1
        )
        cls.manager_a = cls._sp_user("sp_manager_a", "sp_base.group_province_manager", cls.office_a)
        cls.central_officer = cls._sp_user(
            "sp_central", "sp_base.group_central_officer", cls.central, offices
        )
        cls.agent = cls._sp_user("sp_agent", "sp_base.group_call_centre_agent", cls.central, offices)
        cls.auditor_a = cls._sp_user("sp_auditor_a", "sp_base.group_auditor", cls.office_a)
        cls.collaborator_a1 = cls._sp_user(
            "sp_collaborator_a1", "sp_base.group_collaborator", cls.office_a, areas=cls.village_a1
        )

    @classmethod
    def _sp_area(cls, code, name, level, parent=None, scheme="2025"):
        return cls.env["sp.area"].create({
            "code": code, "name": name, "level": level, "scheme": scheme,
            "parent_id": parent.id if parent else False,
        })

    @classmethod
    def _sp_province(cls, code, name):
        province = cls._sp_area(code, name, "province")
        commune = cls._sp_area(code + "001", "Xã " + name[5:] + " 1", "commune", province)
        village = cls._sp_area(code + "001-01", "Thôn 1", "village", commune)
        return province, commune, village

    @classmethod
    def _sp_user(cls, login, groups, company, companies=None, areas=None):
        """A user of one role; the password is the login (tests log in over HTTP with it). In
        English, so that messages read back over RPC do not depend on sp_vn's default language."""
        user = new_test_user(
            cls.env, login=login, password=login, groups=groups,
            company_id=company.id, company_ids=[Command.set((companies or company).ids)],
            tz="Asia/Ho_Chi_Minh", lang="en_US",
        )
        if areas:
            user.sp_area_ids = areas
        return user


class SpCommon(SpFixtures, TransactionCase):
    pass


class SpRpcMixin:
    """For an HttpCase: ``_rpc(user, model, method, *args, **kwargs)`` calls the model over
    XML-RPC as ``user`` (logged in with its password, which the fixtures set to the login)."""

    def _rpc(self, user, model, method, *args, **kwargs):
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, user.login, user.login, {})
        self.assertEqual(uid, user.id)
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, uid, user.login, model, method, list(args), kwargs)
