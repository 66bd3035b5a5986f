"""Collaborator fixtures on top of the registry's: collaborator Ctv A1 (the user
sp_collaborator_a1) with household hh_a1 in the caseload, a second collaborator of village A1
without a user, one collaborator in province B, and the office A's allowance terms."""
from dateutil.relativedelta import relativedelta

from odoo import fields

from odoo.addons.sp_registry.tests.common import RegistryFixtures


class CollaboratorFixtures(RegistryFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["sp.collaborator"].with_user(cls.collaborator_a1))
        cls.Collaborator = cls.env["sp.collaborator"]
        cls.Assignment = cls.env["sp.collaborator.assignment"]
        cls.Activity = cls.env["sp.collaborator.activity"]
        cls.start = cls.today - relativedelta(months=3)
        cls.ctv_a1 = cls.Collaborator.create({
            "name": "Phạm Thị Lan", "phone": "0912000001", "area_id": cls.village_a1.id,
            "user_id": cls.collaborator_a1.id, "date_start": cls.start,
        })
        cls.ctv_a1b = cls.Collaborator.create({
            "name": "Đỗ Văn Minh", "area_id": cls.village_a1.id, "date_start": cls.start,
        })
        cls.ctv_b1 = cls.Collaborator.create({
            "name": "Hoàng Văn Nam", "area_id": cls.village_b1.id, "date_start": cls.start,
        })
        # A second household in village A1, not in anyone's caseload.
        cls.hh_a1b = cls._sp_household(cls.village_a1, "Vũ Văn Bảo", "001085054321")
        cls.asg_a1 = cls.Assignment.create({
            "collaborator_id": cls.ctv_a1.id, "household_id": cls.hh_a1.id, "date_from": cls.start,
        })
        cls.asg_b1 = cls.Assignment.create({
            "collaborator_id": cls.ctv_b1.id, "household_id": cls.hh_b1.id, "date_from": cls.start,
        })
        cls.term_a = cls.env["sp.collaborator.allowance.term"].create({
            "company_id": cls.office_a.id, "date_from": cls.start - relativedelta(years=1),
            "monthly_base": 500000, "per_visit_amount": 20000, "cap_amount": 1000000,
        })

    @classmethod
    def _visit(cls, collaborator, household, date, **vals):
        return cls.env["sp.collaborator.activity"].create({
            "collaborator_id": collaborator.id, "household_id": household.id, "date": date,
            "topic": "nutrition", **vals,
        })
