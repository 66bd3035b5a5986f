"""The call-centre console: lookup by phone, ID, household code and name (accents ignored),
household summary, ticket creation with the reference read back, call logging, repeat callers."""
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from .common import GrievanceFixtures


@tagged("post_install", "-at_install")
class TestConsole(GrievanceFixtures, TransactionCase):
    def _console(self, user=None, **vals):
        return self.env["sp.grievance.console"].with_user(user or self.agent).create(vals)

    def _lookup(self, query, user=None):
        return self.env["sp.grievance.console"].with_user(user or self.agent)._sp_lookup(query)

    def test_lookup_by_phone_id_and_household(self):
        self.assertEqual(self._lookup("0399 000 101"), (self.head_a1, "phone"))
        self.assertEqual(self._lookup("+84399000101"), (self.head_a1, "phone"))
        self.assertEqual(self._lookup("84399000202"), (self.head_b1, "phone"))
        self.assertEqual(self._lookup(self.head_b1.id_number), (self.head_b1, "id_number"))
        self.assertEqual(self._lookup("012.345.678"), (self.head_a2, "id_number"))
        people, kind = self._lookup(self.hh_a1.code.lower())
        self.assertEqual((people, kind), (self.hh_a1.member_ids, "household"))

    def test_lookup_by_name_ignores_accents_and_case(self):
        people, kind = self._lookup("nguyen van an")
        self.assertEqual(kind, "name")
        self.assertIn(self.head_a1, people)
        self.assertNotIn(self.child_a1, people)
        self.assertIn(self.head_b1, self._lookup("LÊ VĂN CƯỜNG")[0])
        self.assertIn(self.head_b1, self._lookup("le van cuong 1975")[0])
        self.assertFalse(self._lookup("le van cuong 1976")[0])
        self.assertIn(self.child_a1, self._lookup("thi hoa")[0])

    def test_lookup_follows_access_rules(self):
        self.assertFalse(self._lookup("le van cuong", user=self.officer_a1)[0])
        self.assertFalse(self._lookup("0399000202", user=self.officer_a1)[0])

    def test_lookup_bad_input(self):
        with self.assertRaisesRegex(UserError, "Type a phone number"):
            self._lookup("   ")
        with self.assertRaisesRegex(UserError, "neither a phone number"):
            self._lookup("12345")
        with self.assertRaisesRegex(UserError, "at least 3 letters"):
            self._lookup("an")
        with self.assertRaisesRegex(UserError, "No household with the code X1001-999999"):
            self._lookup("X1001-999999")

    def test_caller_found_summary_and_ticket(self):
        console = self._console(query="0399000101")
        console.action_search()
        self.assertEqual(console.individual_id, self.head_a1)
        self.assertEqual(console.household_id, self.hh_a1)
        self.assertIn("1 found by phone number", console.lookup_message)
        summary = console.household_summary
        self.assertIn(self.hh_a1.code, summary)
        self.assertIn("Nguyễn Thị Hoa", summary)
        console.write({"category_id": self.cat_payment.id,
                       "description": "Bà chưa nhận tiền tháng 2.", "duration": 4.5,
                       "notes": "Gọi từ số của con trai."})
        console.action_create_ticket()
        ticket = console.ticket_id
        self.assertRegex(console.reference, r"^KN-\d{4}-\d{6}$")
        self.assertEqual(console.reference, ticket.name)
        self.assertEqual(ticket.channel, "hotline")
        self.assertEqual(ticket.individual_id, self.head_a1)
        self.assertEqual(ticket.household_id, self.hh_a1)
        self.assertEqual(ticket.company_id, self.office_a)
        self.assertEqual(ticket.create_uid, self.agent)
        call = console.call_id
        self.assertEqual((call.outcome, call.ticket_id, call.duration), ("ticket", ticket, 4.5))
        self.assertEqual(call.user_id, self.agent)
        self.assertEqual(call.company_id, self.office_a)
        self.assertEqual(ticket.call_count, 1)
        with self.assertRaisesRegex(UserError, "already created"):
            console.action_create_ticket()

        # the same caller calls again: the console shows the ticket, the new one links to it
        again = self._console(query="nguyen van an 1985")
        again.action_search()
        self.assertEqual(again.line_ids.individual_id, self.head_a1)
        self.assertEqual(again.line_ids.ticket_count, 1)
        self.assertEqual(again.history_ticket_ids, ticket)
        again.write({"category_id": self.cat_information.id, "description": "Hỏi lịch chi trả."})
        again.action_create_ticket()
        self.assertEqual(again.ticket_id.earlier_ticket_ids, ticket)

    def test_several_people_found_then_selected(self):
        console = self._console(query="nguyen")
        console.action_search()
        self.assertGreater(len(console.line_ids), 1)
        self.assertFalse(console.individual_id)
        line = console.line_ids.filtered(lambda r: r.individual_id == self.child_a1)
        line.action_select()
        self.assertEqual(console.individual_id, self.child_a1)
        self.assertEqual(console.household_id, self.hh_a1)
        console.action_clear_caller()
        self.assertFalse(console.household_id)

    def test_unknown_caller(self):
        console = self._console(query="0909 111 222")
        console.action_search()
        self.assertFalse(console.line_ids)
        self.assertIn("Nobody found", console.lookup_message)
        self.assertEqual(console.caller_phone, "0909111222")
        console.write({"caller_name": "Đỗ Văn Tâm", "area_id": self.commune_b1.id,
                       "category_id": self.cat_other.id, "description": "Hỏi thủ tục."})
        console.action_create_ticket()
        ticket = console.ticket_id
        self.assertEqual(ticket.company_id, self.office_b)
        self.assertEqual(ticket.complainant_phone, "0909111222")
        self.assertFalse(ticket.household_id)

    def test_console_bad_input(self):
        console = self._console(caller_name="X", description="Nội dung")
        with self.assertRaisesRegex(UserError, "Choose the category"):
            console.action_create_ticket()
        console.category_id = self.cat_payment
        console.description = "  "
        with self.assertRaisesRegex(UserError, "description is empty"):
            console.action_create_ticket()
        console.write({"description": "Nội dung", "caller_phone": "0123"})
        with self.assertRaisesRegex(UserError, "not a Vietnamese mobile number"):
            console.action_create_ticket()
        console.write({"caller_phone": False, "caller_id_number": "123"})
        with self.assertRaisesRegex(UserError, "exactly 12 digits"):
            console.action_create_ticket()
        self.assertFalse(console.ticket_id)

    def test_confidential_report_is_sealed_from_the_agent(self):
        console = self._console(query=self.head_a2.id_number)
        console.action_search()
        console.write({"category_id": self.cat_fraud.id,
                       "description": "Cán bộ xã đòi tiền để xét duyệt hồ sơ."})
        console.action_create_ticket()
        self.assertTrue(console.ticket_confidential)
        self.assertRegex(console.reference, r"^KN-")
        ticket = console.ticket_id.sudo()
        self.assertTrue(ticket.is_confidential)
        with self.assertRaises(AccessError):
            ticket.with_user(self.agent).read(["description"])
        self.assertFalse(self.Ticket.with_user(self.agent).search([("id", "=", ticket.id)]))
        self.assertFalse(self.env["sp.grievance.call"].with_user(self.agent).search(
            [("ticket_id", "=", ticket.id)]))
        self.assertTrue(ticket.with_user(self.inspector).description)

    def test_log_call_without_ticket_and_follow_up(self):
        earlier = self._ticket(individual_id=self.head_a1.id)
        console = self._console(query="0399000101", outcome="information",
                                notes="Hỏi ngày chi trả.")
        console.action_search()
        console.action_log_call()
        self.assertEqual(console.call_id.outcome, "information")
        self.assertFalse(console.call_id.ticket_id)
        self.assertFalse(console.ticket_id)
        follow = self._console(query="0399000101", outcome="follow_up")
        follow.action_search()
        with self.assertRaisesRegex(UserError, "earlier ticket"):
            follow.action_log_call()
        follow.write({"followup_ticket_id": earlier.id, "notes": "Hỏi tiến độ."})
        follow.action_log_call()
        self.assertEqual(follow.call_id.ticket_id, earlier)
        self.assertIn("Hỏi tiến độ.", earlier.message_ids[0].body)

    def test_new_call_action(self):
        action = self._console().action_new_call()
        self.assertEqual(action["res_model"], "sp.grievance.console")
