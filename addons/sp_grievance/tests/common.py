"""Grievance fixtures on top of the registry's: a test working calendar with two holidays, the
shipped service levels replaced by test clocks, one ticket helper, and the extra roles."""
from odoo import fields

from odoo.addons.sp_registry.tests.common import RegistryFixtures


class GrievanceFixtures(RegistryFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Ticket = cls.env["sp.grievance"]
        cls.Sla = cls.env["sp.grievance.sla"]
        # Monday to Friday (the default attendance), holidays Mon 1 and Tue 2 Sep 2025.
        cls.calendar = cls.env["resource.calendar"].create({
            "name": "Test calendar", "tz": "Asia/Ho_Chi_Minh", "company_id": False,
        })
        cls.env["resource.calendar.leaves"].create([{
            "name": "Test holiday", "calendar_id": cls.calendar.id,
            "date_from": "2025-08-31 17:00:00", "date_to": "2025-09-02 16:59:59",
        }])
        # The generic tests use their own clocks; Vietnam's are tested in test_vn_data.
        cls.Sla.search([]).active = False
        common = {"calendar_id": cls.calendar.id}
        cls.sla_commune = cls.Sla.create(dict(
            common, name="Test commune", level="commune", ack_days=1, resolve_days=5,
            resolve_days_complex=8, resolve_days_remote=10, resolve_days_remote_complex=12))
        cls.sla_province = cls.Sla.create(dict(
            common, name="Test province", level="province", ack_days=2, resolve_days=10,
            resolve_days_complex=10, resolve_days_remote=10, resolve_days_remote_complex=10))
        cls.sla_central = cls.Sla.create(dict(
            common, name="Test central", level="central", ack_days=2, resolve_days=15,
            resolve_days_complex=15, resolve_days_remote=15, resolve_days_remote_complex=15,
            auto_escalate=False))
        cls.sla_formal = cls.Sla.create(dict(
            common, name="Test law", level="commune", is_formal=True, day_type="calendar",
            ack_days=10, resolve_days=30, resolve_days_complex=45, resolve_days_remote=45,
            resolve_days_remote_complex=60, resolution_from="acknowledged"))
        cls.cat_payment = cls.env.ref("sp_grievance.category_payment")
        cls.cat_fraud = cls.env.ref("sp_grievance.category_misconduct_fraud")
        cls.cat_other = cls.env.ref("sp_grievance.category_other")
        cls.cat_information = cls.env.ref("sp_grievance.category_information")
        offices = cls.central | cls.office_a | cls.office_b
        cls.inspector = cls._sp_user("sp_inspector", "sp_grievance.group_inspector", cls.central,
                                     offices)
        cls.suite_admin = cls._sp_user("sp_suite_admin", "sp_base.group_admin", cls.central,
                                       offices)
        cls.head_a1.phone = "0399000101"
        cls.head_b1.phone = "+84 399 000 202"
        cls.head_a2.legacy_id_number = "012345678"

    @classmethod
    def _ticket(cls, user=None, **vals):
        values = {
            "category_id": cls.cat_payment.id,
            "description": "Chưa nhận được tiền trợ cấp tháng này.",
            "household_id": cls.hh_a1.id,
        }
        values.update(vals)
        values = {key: value for key, value in values.items() if value is not None}
        Ticket = cls.Ticket.with_user(user) if user else cls.Ticket
        return Ticket.create(values)

    def assertUtc(self, value, expected):
        self.assertEqual(fields.Datetime.to_string(value), expected)

