"""Attack regressions of issue 13 on tickets: workflow fields forged by a plain write, the
assignee lifting confidentiality, is_repeat revealing a confidential ticket, a ticket moved to
another province, the agent's buttons and the console's sensitive data, and bad input, through
the ORM as each role and over XML-RPC."""
import xmlrpc.client

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.sp_base.tests.common import SpRpcMixin

from .common import GrievanceFixtures

# A plain write of each of these is refused to every role but the system administrator.
STEP_VALUES = {
    "state": "resolved",
    "level": "central",
    "is_confidential": False,
    "date_acknowledged": "2020-01-01 00:00:00",
    "date_resolved": "2020-01-01 00:00:00",
    "date_closed": "2020-01-01 00:00:00",
    "date_escalated": "2020-01-01 00:00:00",
    "date_level_start": "2030-01-01 00:00:00",
    "date_deadline": "2030-01-01 00:00:00",
    "date_ack_deadline": "2030-01-01 00:00:00",
    "is_sla_breached": False,
    "resolved_in_sla": True,
}


class IntegrityFixture(GrievanceFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._ticket(household_id=cls.hh_a1.id)
        # A fraud report about household A1, assigned to the commune officer.
        cls.fraud = cls._ticket(category_id=cls.cat_fraud.id, household_id=cls.hh_a1.id,
                                user_id=cls.officer_a1.id)


@tagged("post_install", "-at_install")
class TestGrievanceIntegrity(IntegrityFixture, TransactionCase):
    def test_workflow_fields_refused_to_a_plain_write(self):
        for user in (self.officer_a1, self.manager_a, self.inspector, self.suite_admin):
            for name, value in STEP_VALUES.items():
                for context in ({}, {"sp_step": True}):
                    with self.subTest(user=user.login, field=name, context=context), \
                            self.assertRaisesRegex(AccessError, "steps"):
                        self.ticket.with_user(user).with_context(**context).write({name: value})
        self.assertEqual(self.ticket.state, "new")
        self.assertEqual(self.ticket.level, "commune")
        with self.assertRaisesRegex(AccessError, "steps"):
            self.Ticket.with_user(self.officer_a1).create({
                "category_id": self.cat_payment.id, "description": "x",
                "household_id": self.hh_a1.id, "state": "closed"})

    def test_steps_still_work(self):
        ticket = self.ticket.with_user(self.officer_a1)
        ticket.action_acknowledge()
        ticket.action_escalate()
        self.assertEqual((self.ticket.state, self.ticket.level), ("escalated", "province"))
        self.assertEqual(self.ticket.write_uid, self.officer_a1)

    def test_decision_frozen_once_closed(self):
        ticket = self.ticket.with_user(self.officer_a1)
        ticket.write({"resolution": "<p>Đã chi trả bổ sung.</p>"})
        ticket.action_close()
        with self.assertRaisesRegex(UserError, "reopen"):
            ticket.write({"resolution": "<p>Sửa lại.</p>"})
        ticket.write({"satisfaction": "satisfied"})
        ticket.action_reopen()
        ticket.write({"resolution": "<p>Sửa lại.</p>"})

    def test_assignee_cannot_lift_confidentiality(self):
        fraud = self.fraud.with_user(self.officer_a1)
        self.assertTrue(fraud.is_confidential)
        with self.assertRaisesRegex(AccessError, "steps"):
            fraud.write({"is_confidential": False})
        with self.assertRaises(AccessError):
            fraud.action_lift_confidential()
        with self.assertRaises(AccessError):
            fraud._sp_lift_confidential("Báo cáo nhầm loại, không phải gian lận.")
        # nor hand it to the manager, which would open it to them
        with self.assertRaisesRegex(AccessError, "inspector"):
            fraud.write({"user_id": self.manager_a.id})
        # a new category does not lower the flag either
        fraud.write({"category_id": self.cat_payment.id})
        self.assertTrue(self.fraud.is_confidential)
        with self.assertRaises(AccessError):
            self.fraud.with_user(self.manager_a).read(["description"])

    def test_inspector_lifts_with_a_reason(self):
        action = self.fraud.with_user(self.inspector).action_lift_confidential()
        wizard = self.env[action["res_model"]].with_user(self.inspector).with_context(
            **action["context"]).create({"reason": "ngắn"})
        with self.assertRaisesRegex(ValidationError, "Reason"):
            wizard.action_confirm()
        wizard.reason = "Phân loại nhầm: đây là khiếu nại về chi trả."
        wizard.action_confirm()
        self.assertFalse(self.fraud.is_confidential)
        self.assertTrue(any("Phân loại nhầm" in body for body in self.fraud.message_ids.mapped("body")))
        self.assertTrue(self.fraud.with_user(self.manager_a).description)

    def test_marking_confidential_seals_the_ticket(self):
        self.ticket.with_user(self.manager_a).action_mark_confidential()
        self.assertTrue(self.ticket.is_confidential)
        with self.assertRaises(AccessError):
            self.ticket.with_user(self.officer_a1).read(["description"])

    def test_is_repeat_never_reveals_a_hidden_ticket(self):
        later = self._ticket(household_id=self.hh_a1.id, category_id=self.cat_other.id)
        self.assertIn(self.fraud, later.earlier_ticket_ids)
        # the manager may not read the fraud report: the earlier ticket they see is the first one
        later.invalidate_recordset()
        self.assertEqual(later.with_user(self.manager_a).earlier_ticket_ids, self.ticket)
        lone = self._ticket(household_id=self.hh_a2.id)
        fraud_a2 = self._ticket(category_id=self.cat_fraud.id, household_id=self.hh_a2.id)
        after_fraud = self._ticket(household_id=self.hh_a2.id)
        self.assertEqual(after_fraud.earlier_ticket_ids, lone | fraud_a2)
        only_fraud = self._ticket(household_id=False, complainant_phone="0399000555",
                                  category_id=self.cat_fraud.id, area_id=self.commune_a2.id)
        after_only_fraud = self._ticket(household_id=False, complainant_phone="0399000555",
                                        area_id=self.commune_a2.id)
        self.assertTrue(after_only_fraud.is_repeat)
        for user, expected in ((self.manager_a, False), (self.inspector, True)):
            with self.subTest(user=user.login):
                ticket = after_only_fraud.with_user(user)
                self.assertEqual(ticket.is_repeat, expected)
                found = self.Ticket.with_user(user).search(
                    [("id", "=", ticket.id), ("is_repeat", "=", True)])
                self.assertEqual(bool(found), expected)
        self.assertFalse(only_fraud.with_user(self.manager_a).search(
            [("id", "=", only_fraud.id)]))
        report = self.env["sp.grievance.report"].with_user(self.manager_a).search(
            [("ticket_id", "=", after_only_fraud.id)])
        self.assertFalse(report.is_repeat)

    def test_ticket_cannot_leave_the_users_scope(self):
        ticket = self.ticket.with_user(self.officer_a1)
        for vals in ({"area_id": self.commune_b1.id}, {"area_id": self.commune_a2.id},
                     {"household_id": self.hh_b1.id}, {"household_ref": self.hh_b1.code},
                     {"individual_id": self.head_b1.id}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                ticket.write(vals)
        self.assertEqual(self.ticket.area_id, self.village_a1)
        # the manager works on the whole province, not on another one
        ticket = self.ticket.with_user(self.manager_a)
        ticket.write({"area_id": self.commune_a2.id, "household_id": False})
        with self.assertRaisesRegex(AccessError, "outside the province offices"):
            ticket.write({"area_id": self.commune_b1.id})
        self.assertEqual(self.ticket.area_id, self.commune_a2)

    def test_call_cannot_unflag_nor_leave_the_scope(self):
        call = self.env["sp.grievance.call"].create({
            "ticket_id": self.fraud.id, "outcome": "ticket", "household_id": self.hh_a1.id})
        self.assertTrue(call.is_confidential)
        with self.assertRaises(AccessError):
            call.with_user(self.officer_a1).write({"is_confidential": False})
        self.assertTrue(self.fraud.is_confidential)
        plain = self.env["sp.grievance.call"].create(
            {"outcome": "information", "household_id": self.hh_a1.id})
        with self.assertRaisesRegex(AccessError, "outside"):
            plain.with_user(self.officer_a1).write({"area_id": self.commune_b1.id,
                                                    "household_id": False})

    def test_out_of_scope_person_is_not_copied_into_a_ticket(self):
        with self.assertRaisesRegex(AccessError, "registered outside"):
            self._ticket(user=self.officer_a1, household_id=False, area_id=self.commune_a1.id,
                         individual_id=self.head_b1.id)

    def test_agent_buttons_hidden_and_refused(self):
        arch = self.Ticket.with_user(self.agent).get_views([(False, "form")])["views"]["form"][
            "arch"]
        for button in ("action_acknowledge", "action_resolve", "action_escalate",
                       "action_lift_confidential"):
            self.assertNotIn(button, arch)
        officer_arch = self.Ticket.with_user(self.officer_a1).get_views(
            [(False, "form")])["views"]["form"]["arch"]
        self.assertIn("action_acknowledge", officer_arch)
        ticket = self.ticket.with_user(self.agent)
        for step in ("action_acknowledge", "action_resolve", "action_escalate",
                     "action_mark_confidential"):
            with self.subTest(step=step), self.assertRaisesRegex(AccessError, "handling it"):
                getattr(ticket, step)()
        self.assertEqual(self.ticket.state, "new")

    def test_agent_reads_the_complainant_id_masked(self):
        ticket = self._ticket(individual_id=self.head_a1.id).with_user(self.agent)
        self.assertEqual(ticket.complainant_id_number_masked,
                         "*" * 8 + self.head_a1.id_number[-4:])
        with self.assertRaises(AccessError):
            ticket.read(["complainant_id_number"])
        self.assertEqual(ticket.with_user(self.officer_a1).complainant_id_number,
                         self.head_a1.id_number)

    def test_bad_input_answers_with_a_message(self):
        ticket = self.ticket.with_user(self.officer_a1)
        cases = [
            {"date_received": "31/02/2020"},
            {"date_received": "2020-02-31 00:00:00"},
            {"date_received": "9999-01-01 00:00:00"},
            {"date_feedback": 12},
            {"priority": "9"},
            {"channel": "pigeon"},
            {"subject": "a\x00b"},
            {"subject": 12},
            {"area_id": "abc"},
            {"area_id": 2**40},
            {"is_complex": "yes"},
            {"no_such_field": 1},
        ]
        for vals in cases:
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                ticket.write(vals)

    def test_console_summary_shows_no_categories(self):
        console = self.env["sp.grievance.console"].with_user(self.agent).create(
            {"query": self.head_a1.phone})
        console.action_search()
        self.assertEqual(console.individual_id, self.head_a1)
        full = self.head_a1.id_number
        self.assertEqual(console.line_ids.id_number, "*" * 8 + full[-4:])
        self.assertFalse(console.caller_id_number)
        values = console._sp_summary_values()
        self.assertNotIn(full, str(values))
        self.assertNotIn(full, console.household_summary)
        for enrolment in values["enrolments"]:
            self.assertEqual(set(enrolment), {"programme", "person", "state", "start", "amount"})
        self.assertNotIn("Categories", console.household_summary or "")


@tagged("post_install", "-at_install")
class TestGrievanceIntegrityRpc(IntegrityFixture, SpRpcMixin, HttpCase):
    def assertFault(self, regex, user, *args, **kwargs):
        with self.assertRaises(xmlrpc.client.Fault) as caught, \
                mute_logger("odoo.http", "odoo.sql_db"):
            self._rpc(user, "sp.grievance", *args, **kwargs)
        self.assertNotIn("Traceback", caught.exception.faultString)
        self.assertRegex(caught.exception.faultString, regex)

    def test_forged_workflow_over_rpc(self):
        for context in ({}, {"sp_step": True}):
            self.assertFault("steps", self.officer_a1, "write", [self.ticket.id],
                             {"state": "closed", "level": "central"}, context=context)
        self.assertFault("rivate", self.officer_a1, "_sp_step_write", [self.ticket.id],
                         {"state": "closed"})
        self.assertFault("rivate", self.officer_a1, "_sp_lift_confidential", [self.fraud.id],
                         "Lý do đủ dài cho kiểm tra.")
        self.ticket.invalidate_recordset()
        self.assertEqual(self.ticket.state, "new")

    def test_assignee_unflag_then_manager_read_over_rpc(self):
        self.assertFault("steps", self.officer_a1, "write", [self.fraud.id],
                         {"is_confidential": False})
        self.assertFault("Only a grievance inspector", self.officer_a1,
                         "action_lift_confidential", [self.fraud.id])
        self.assertFault(".", self.manager_a, "read", [self.fraud.id], ["description"])

    def test_moved_to_another_province_over_rpc(self):
        self.assertFault("outside", self.officer_a1, "write", [self.ticket.id],
                         {"area_id": self.commune_b1.id})
        self.ticket.invalidate_recordset()
        self.assertEqual(self.ticket.area_id, self.village_a1)

    def test_agent_steps_over_rpc(self):
        self.assertFault("handling it", self.agent, "action_acknowledge", [self.ticket.id])

    def test_bad_input_over_rpc(self):
        # (a NUL byte cannot travel in XML-RPC: the ORM test covers it)
        for vals in ({"date_received": "31/02/2020"}, {"priority": "9"}, {"area_id": "abc"},
                     {"date_received": "2020-02-31 00:00:00"}):
            with self.subTest(vals=vals):
                self.assertFault(".", self.officer_a1, "write", [self.ticket.id], vals)
