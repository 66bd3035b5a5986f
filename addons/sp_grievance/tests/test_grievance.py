"""The ticket: reference, complainant and routing, stages, bad input, repeat complainants,
email intake, links to enrolments and payments."""
from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import GrievanceFixtures

EMAIL = """Return-Path: <dan@example.com>
To: khieunai@example.com
From: Nguyen Van Dan <dan@example.com>
Subject: Chua nhan tien tro cap
Message-ID: <grievance-test-1@example.com>
Date: Mon, 2 Mar 2026 09:00:00 +0700
Content-Type: text/plain; charset="utf-8"

Toi chua nhan duoc tien tro cap thang 2.
"""


@tagged("post_install", "-at_install")
class TestGrievance(GrievanceFixtures, TransactionCase):
    def test_reference_and_routing_from_the_household(self):
        ticket = self._ticket(individual_id=self.head_a1.id, household_id=None)
        self.assertRegex(ticket.name, r"^KN-\d{4}-\d{6}$")
        self.assertEqual(ticket.household_id, self.hh_a1)
        self.assertEqual(ticket.area_id, self.village_a1)
        self.assertEqual(ticket.commune_id, self.commune_a1)
        self.assertEqual(ticket.province_id, self.prov_a)
        self.assertEqual(ticket.company_id, self.office_a)
        self.assertEqual(ticket.complainant_name, self.head_a1.name)
        self.assertEqual(ticket.complainant_phone, "0399000101")
        self.assertEqual(ticket.complainant_id_number, self.head_a1.id_number)
        self.assertEqual(ticket.level, "commune")
        other = self._ticket()
        self.assertNotEqual(other.name, ticket.name)
        self.assertIn(ticket.name, ticket.display_name)

    def test_unknown_caller_routed_by_commune(self):
        ticket = self._ticket(household_id=False, area_id=self.commune_b1.id,
                              complainant_name="  Phạm   Thị  Lan ",
                              complainant_phone="+84 912 000 111",
                              complainant_id_number="079 190 000 111")
        self.assertEqual(ticket.company_id, self.office_b)
        self.assertEqual(ticket.complainant_name, "Phạm Thị Lan")
        self.assertEqual(ticket.complainant_phone, "0912000111")
        self.assertEqual(ticket.complainant_id_number, "079190000111")

    def test_household_code_links_the_household(self):
        ticket = self._ticket(household_id=False, household_ref=self.hh_b1.code)
        self.assertEqual(ticket.household_id, self.hh_b1)
        self.assertEqual(ticket.company_id, self.office_b)
        self.assertEqual(ticket.household_ref, self.hh_b1.code)

    def test_bad_input_messages(self):
        with self.assertRaisesRegex(UserError, "No household with the code X1001-999999"):
            self._ticket(household_id=False, household_ref="X1001-999999")
        with self.assertRaisesRegex(ValidationError, "description .* is empty"):
            self._ticket(description="<p>  </p>")
        with self.assertRaisesRegex(ValidationError, "description .* is empty"):
            self._ticket(description=False)
        with self.assertRaisesRegex(ValidationError, "not a Vietnamese mobile number"):
            self._ticket(complainant_phone="12345")
        with self.assertRaisesRegex(ValidationError, "must have exactly 12 digits"):
            self._ticket(complainant_id_number="0791900001")
        with self.assertRaisesRegex(ValidationError, "fourth digit"):
            self._ticket(complainant_id_number="079990000111")
        with self.assertRaisesRegex(ValidationError, "belongs to household"):
            self._ticket(individual_id=self.head_b1.id, household_id=self.hh_a1.id)

    def test_closing_needs_a_resolution(self):
        ticket = self._ticket()
        ticket.action_acknowledge()
        with self.assertRaisesRegex(ValidationError, "without a resolution"):
            ticket.action_close()
        with self.assertRaisesRegex(ValidationError, "without a resolution"):
            ticket.action_resolve()
        with self.assertRaisesRegex(ValidationError, "without a resolution"):
            ticket.action_reject()
        with self.assertRaisesRegex(ValidationError, "without a resolution"):
            ticket.write({"state": "closed"})
        self.assertEqual(ticket.state, "acknowledged")

    def test_stages(self):
        ticket = self._ticket(date_received="2026-03-02 02:00:00")
        self.assertEqual(ticket.state, "new")
        ticket.action_acknowledge()
        self.assertEqual(ticket.state, "acknowledged")
        self.assertTrue(ticket.date_acknowledged)
        with self.assertRaisesRegex(UserError, "cannot be acknowledged"):
            ticket.action_acknowledge()
        ticket.action_investigate()
        ticket.resolution = "<p>Đã chi trả bổ sung.</p>"
        ticket.action_resolve()
        self.assertEqual(ticket.state, "resolved")
        self.assertTrue(ticket.date_resolved)
        ticket.write({"feedback": "Đã gọi điện báo cho bà.", "satisfaction": "satisfied"})
        ticket.action_close()
        self.assertEqual(ticket.state, "closed")
        with self.assertRaisesRegex(UserError, "cannot be escalated"):
            ticket.action_escalate()
        ticket.action_reopen()
        self.assertEqual(ticket.state, "investigating")
        self.assertFalse(ticket.date_resolved)
        withdrawn = self._ticket()
        withdrawn.action_withdraw()
        self.assertEqual(withdrawn.state, "withdrawn")

    def test_resolved_within_service_level(self):
        late = self._ticket(date_received="2025-03-07 03:00:00", resolution="Xong")
        late.action_resolve()
        self.assertFalse(late.resolved_in_sla)
        on_time = self._ticket(resolution="Xong")
        on_time.action_resolve()
        self.assertTrue(on_time.resolved_in_sla)

    def test_confidential_and_formal_come_from_the_category(self):
        fraud = self._ticket(category_id=self.cat_fraud.id)
        self.assertTrue(fraud.is_confidential)
        self.assertNotIn("Chưa", fraud.display_name)
        appeal = self._ticket(category_id=self.env.ref("sp_grievance.category_appeal").id)
        self.assertTrue(appeal.is_formal)
        self.assertFalse(appeal.is_confidential)

    def test_repeat_complainants_are_linked(self):
        first = self._ticket(individual_id=self.head_a1.id)
        by_phone = self._ticket(household_id=False, area_id=self.commune_a1.id,
                                complainant_phone="0399 000 101")
        by_household = self._ticket()
        elsewhere = self._ticket(household_id=self.hh_b1.id)
        self.assertFalse(first.is_repeat)
        self.assertEqual(by_phone.earlier_ticket_ids, first)
        self.assertEqual(by_household.earlier_ticket_ids, first)
        self.assertTrue(by_household.is_repeat)
        self.assertFalse(elsewhere.earlier_ticket_ids)
        again = self._ticket(individual_id=self.head_a1.id)
        self.assertEqual(again.earlier_ticket_ids, first | by_phone | by_household)

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_email_intake(self):
        thread_id = self.env["mail.thread"].message_process("sp.grievance", EMAIL)
        ticket = self.Ticket.browse(thread_id)
        self.assertEqual(ticket.channel, "email")
        self.assertEqual(ticket.category_id, self.cat_other)
        self.assertEqual(ticket.complainant_email, "dan@example.com")
        self.assertEqual(ticket.complainant_name, "Nguyen Van Dan")
        self.assertEqual(ticket.subject, "Chua nhan tien tro cap")
        self.assertIn("thang 2", ticket.description)
        self.assertRegex(ticket.name, r"^KN-")
        self.assertEqual(ticket.company_id, self.env.company)
        self.assertTrue(any("thang 2" in str(m.body) for m in ticket.message_ids))

    def test_email_alias_routes_to_tickets(self):
        alias = self.env.ref("sp_grievance.mail_alias_sp_grievance")
        self.assertEqual(alias.alias_model_id.model, "sp.grievance")

    def test_enrolment_and_payment_links_follow_installed_modules(self):
        selection = dict(self.Ticket._selection_enrolment_ref())
        self.assertEqual("sp.enrolment" in selection, "sp.enrolment" in self.env)
        selection = dict(self.Ticket._selection_payment_line_ref())
        self.assertEqual("sp.payment.line" in selection, "sp.payment.line" in self.env)
