"""Attack regressions of issue 13 on collaborators: allowance amounts and states, activity and
collaborator states, the exclusive flag and areas forged by a plain write; messages naming
households and collaborators outside the user's scope; records moved out of scope; the area rule
of allowance terms; bad input. Through the ORM as each role and over XML-RPC."""
import xmlrpc.client

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.sp_base.tests.common import SpRpcMixin

from .common import CollaboratorFixtures


class IntegrityFixture(CollaboratorFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Term = cls.env["sp.collaborator.allowance.term"]
        cls.Allowance = cls.env["sp.collaborator.allowance"]
        cls.yesterday = cls.today - relativedelta(days=1)
        cls.visit = cls._visit(cls.ctv_a1, cls.hh_a1, cls.yesterday)
        cls.month = cls.today.replace(day=1)
        cls.Allowance._sp_compute(cls.month, cls.ctv_a1 | cls.ctv_a1b)
        cls.allowance = cls.Allowance.search(
            [("collaborator_id", "=", cls.ctv_a1.id), ("period", "=", cls.month)])
        cls.amount = cls.allowance.amount
        # A collaborator living in commune A2 who also serves commune A1 (outside the commune
        # officer's reach), holding household A1b exclusively.
        cls.office_a.sp_collaborator_one_per_household = True
        cls.ctv_a2 = cls.Collaborator.create({
            "name": "Kiều Thị Hạnh", "area_id": cls.commune_a2.id, "date_start": cls.start,
            "commune_ids": [Command.set((cls.commune_a1 | cls.commune_a2).ids)],
        })
        cls.asg_a2 = cls.Assignment.create({
            "collaborator_id": cls.ctv_a2.id, "household_id": cls.hh_a1b.id,
            "date_from": cls.start,
        })
        cls.term_a2 = cls.Term.create({
            "collaborator_id": cls.ctv_a2.id, "date_from": cls.start, "monthly_base": 600000,
        })


@tagged("post_install", "-at_install")
class TestCollaboratorIntegrity(IntegrityFixture, TransactionCase):
    def test_allowance_figures_and_states_refused_to_a_plain_write(self):
        forged = [{"amount": 50_000_000}, {"state": "paid"}, {"date_paid": "2020-01-01"},
                  {"base_amount": 1}, {"visit_count": 99}, {"collaborator_id": self.ctv_a1b.id},
                  {"period": "2020-01-01"}, {"term_id": False}, {"area_id": self.village_b1.id}]
        for vals in forged:
            for context in ({}, {"sp_step": True}):
                with self.subTest(vals=vals, context=context), \
                        self.assertRaisesRegex(AccessError, "steps"):
                    self.allowance.with_user(self.manager_a).with_context(**context).write(vals)
        with self.assertRaisesRegex(AccessError, "steps"):
            self.Allowance.with_user(self.manager_a).create({
                "collaborator_id": self.ctv_a1b.id, "period": "2020-01-01",
                "amount": 9_000_000, "area_id": self.village_a1.id})
        self.assertEqual(self.allowance.state, "draft")
        self.assertEqual(self.allowance.amount, self.amount)
        allowance = self.allowance.with_user(self.manager_a)
        allowance.action_confirm()
        allowance.action_mark_paid()
        self.assertEqual(self.allowance.state, "paid")
        self.assertTrue(self.allowance.date_paid)

    def test_allowances_computed_in_scope_only(self):
        wizard = self.env["sp.collaborator.allowance.compute"].with_user(self.manager_a).create({
            "period": self.month, "collaborator_ids": [Command.set([self.ctv_b1.id])]})
        with self.assertRaisesRegex(AccessError, "own office"):
            wizard.action_compute()
        self.assertFalse(self.Allowance.search([("collaborator_id", "=", self.ctv_b1.id)]))

    def test_officer_cannot_confirm_allowances(self):
        with self.assertRaisesRegex(AccessError, "province manager"):
            self.allowance.with_user(self.officer_a1).action_confirm()
        self.assertEqual(self.allowance.state, "draft")

    def test_activity_state_only_by_its_step(self):
        visit = self.visit.with_user(self.collaborator_a1)
        with self.assertRaisesRegex(AccessError, "steps"):
            visit.with_context(sp_step=True).write({"state": "rejected"})
        with self.assertRaisesRegex(AccessError, "steps"):
            visit.write({"area_id": self.village_b1.id})
        with self.assertRaisesRegex(AccessError, "Only commune or province staff"):
            visit.action_reject()
        with self.assertRaisesRegex(AccessError, "steps"):
            self.visit.with_user(self.officer_a1).write({"state": "rejected"})
        self.visit.with_user(self.officer_a1).action_reject()
        self.assertEqual(self.visit.state, "rejected")

    def test_collaborator_state_exclusive_and_contact_refused(self):
        officer = self.officer_a1
        with self.assertRaisesRegex(AccessError, "steps"):
            self.ctv_a1.with_user(officer).write({"state": "suspended"})
        self.ctv_a1.with_user(officer).action_suspend()
        self.assertEqual(self.ctv_a1.state, "suspended")
        with self.assertRaisesRegex(AccessError, "steps"):
            self.asg_a1.with_user(officer).write({"exclusive": False})
        with self.assertRaisesRegex(AccessError, "steps"):
            self.asg_a1.with_user(officer).write({"area_id": self.village_b1.id})
        admin_partner = self.env.ref("base.user_admin").partner_id
        with self.assertRaisesRegex(AccessError, "contact of a collaborator"):
            self.ctv_a1b.with_user(officer).write({"partner_id": admin_partner.id,
                                                   "name": "Đổi tên"})
        with self.assertRaisesRegex(AccessError, "contact of a collaborator"):
            self.Collaborator.with_user(officer).create({
                "name": "X", "area_id": self.village_a1.id, "partner_id": admin_partner.id})
        self.assertNotEqual(admin_partner.name, "Đổi tên")

    def test_messages_name_nobody_outside_the_scope(self):
        # a household of another province in an officer's caseload
        with self.assertRaises(AccessError) as caught:
            self.Assignment.with_user(self.officer_a1).create({
                "collaborator_id": self.ctv_a1.id, "household_id": self.hh_b1.id})
        self.assertIn("registered outside", str(caught.exception))
        checks = [(str(caught.exception), [self.hh_b1.code, self.head_b1.name])]
        # a household (which the officer may read) held by a collaborator they may not read
        with self.assertRaises(ValidationError) as caught:
            self.Assignment.with_user(self.officer_a1).create({
                "collaborator_id": self.ctv_a1b.id, "household_id": self.hh_a1b.id})
        self.assertIn("outside your work areas", str(caught.exception))
        self.assertIn(self.hh_a1b.code, str(caught.exception))
        checks.append((str(caught.exception), [self.ctv_a2.name]))
        # a collaborator logging a visit to a household outside their caseload
        with self.assertRaises(ValidationError) as caught:
            self._visit_as(self.collaborator_a1, self.ctv_a1, self.hh_a1b)
        self.assertIn("outside the areas you work in", str(caught.exception))
        checks.append((str(caught.exception), [self.hh_a1b.code, "Vũ Văn Bảo", self.ctv_a2.name]))
        for message, secrets in checks:
            for secret in secrets:
                with self.subTest(message=message, secret=secret):
                    self.assertNotIn(secret, message)

    def _visit_as(self, user, collaborator, household):
        return self.Activity.with_user(user).create({
            "collaborator_id": collaborator.id, "household_id": household.id,
            "date": self.yesterday, "topic": "nutrition"})

    def test_records_cannot_leave_the_users_scope(self):
        officer = self.officer_a1
        with self.assertRaisesRegex(AccessError, "outside"):
            self.ctv_a1b.with_user(officer).write({"area_id": self.village_b1.id})
        with self.assertRaisesRegex(AccessError, "outside your work areas"):
            self.ctv_a1b.with_user(officer).write({"area_id": self.commune_a2.id})
        training = self.env["sp.collaborator.training"].with_user(officer).create(
            {"name": "Dinh dưỡng", "area_id": self.commune_a1.id})
        with self.assertRaisesRegex(AccessError, "outside"):
            training.write({"area_id": self.commune_b1.id})
        with self.assertRaisesRegex(AccessError, "outside"):
            self.Term.with_user(self.manager_a).create(
                {"company_id": self.office_b.id, "date_from": self.start, "monthly_base": 1})
        self.assertEqual(self.ctv_a1b.area_id, self.village_a1)

    def test_allowance_terms_follow_the_area_rule(self):
        self.assertEqual(self.term_a2.area_id, self.commune_a2)
        Term = self.Term.with_user(self.officer_a1)
        self.assertEqual(Term.search([("id", "in", (self.term_a | self.term_a2).ids)]),
                         self.term_a)
        with self.assertRaises(AccessError):
            self.term_a2.with_user(self.officer_a1).read(["monthly_base"])
        self.assertEqual(self.Term.with_user(self.manager_a).search(
            [("id", "in", (self.term_a | self.term_a2).ids)]), self.term_a | self.term_a2)

    def test_agent_reads_no_citizen_id_nor_bank_account(self):
        self.ctv_a1.write({"id_number": "001085099999", "bank_account": "0123456789"})
        with self.assertRaises(AccessError):
            self.ctv_a1.with_user(self.agent).read(["id_number"])
        with self.assertRaises(AccessError):
            self.ctv_a1.with_user(self.agent).read(["bank_account"])
        self.assertTrue(self.ctv_a1.with_user(self.agent).name)
        self.assertEqual(self.ctv_a1.with_user(self.manager_a).id_number, "001085099999")

    def test_bad_amounts_and_dates(self):
        Term = self.Term.with_user(self.manager_a)
        for amount in (float("nan"), float("inf"), 1e308, -1, 2e9):
            with self.subTest(amount=amount), self.assertRaises(ValidationError):
                Term.create({"company_id": self.office_a.id, "date_from": "2030-01-01",
                             "monthly_base": amount})
        for vals in ({"date_from": "31/02/2020"}, {"date_from": "2020-02-31"},
                     {"per_visit_amount": "much"}, {"cap_amount": float("nan")}):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                self.term_a.with_user(self.manager_a).write(vals)
        attendance = self.env["sp.collaborator.training.attendance"].create({
            "training_id": self.env["sp.collaborator.training"].create(
                {"name": "Dinh dưỡng", "area_id": self.commune_a1.id}).id,
            "collaborator_id": self.ctv_a1.id})
        # (150 is refused by the database's check, which XML-RPC answers with its message)
        for score in (float("nan"), float("inf")):
            with self.subTest(score=score), self.assertRaises(ValidationError):
                attendance.with_user(self.officer_a1).write({"score": score})
        for vals in ({"date": "2020-13-01"}, {"topic": "gossip"}, {"outcome": "a\x00b"},
                     {"household_id": "abc"}):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                self.visit.with_user(self.collaborator_a1).write(vals)


@tagged("post_install", "-at_install")
class TestCollaboratorIntegrityRpc(IntegrityFixture, SpRpcMixin, HttpCase):
    def assertFault(self, regex, user, model, *args, **kwargs):
        with self.assertRaises(xmlrpc.client.Fault) as caught, \
                mute_logger("odoo.http", "odoo.sql_db"):
            self._rpc(user, model, *args, **kwargs)
        self.assertNotIn("Traceback", caught.exception.faultString)
        self.assertRegex(caught.exception.faultString, regex)
        return caught.exception.faultString

    def test_forged_allowance_over_rpc(self):
        for context in ({}, {"sp_step": True}):
            self.assertFault("steps", self.manager_a, "sp.collaborator.allowance", "write",
                             [self.allowance.id], {"amount": 50_000_000, "state": "paid"},
                             context=context)
        self.allowance.invalidate_recordset()
        self.assertEqual((self.allowance.state, self.allowance.amount), ("draft", self.amount))

    def test_forged_activity_state_over_rpc(self):
        self.assertFault("steps", self.collaborator_a1, "sp.collaborator.activity", "write",
                         [self.visit.id], {"state": "rejected"}, context={"sp_step": True})

    def test_messages_over_rpc(self):
        message = self.assertFault(
            "registered outside", self.officer_a1, "sp.collaborator.assignment", "create",
            {"collaborator_id": self.ctv_a1.id, "household_id": self.hh_b1.id})
        self.assertNotIn(self.head_b1.name, message)
        message = self.assertFault(
            "outside your work areas", self.officer_a1, "sp.collaborator.assignment", "create",
            {"collaborator_id": self.ctv_a1b.id, "household_id": self.hh_a1b.id})
        self.assertNotIn(self.ctv_a2.name, message)

    def test_moved_out_of_scope_over_rpc(self):
        self.assertFault("outside", self.officer_a1, "sp.collaborator", "write",
                         [self.ctv_a1b.id], {"area_id": self.village_b1.id})

    def test_bad_input_over_rpc(self):
        for amount in (float("nan"), float("inf"), 1e308, -1):
            with self.subTest(amount=amount):
                self.assertFault(".", self.manager_a, "sp.collaborator.allowance.term", "write",
                                 [self.term_a.id], {"monthly_base": amount})
        attendance = self.env["sp.collaborator.training.attendance"].create({
            "training_id": self.env["sp.collaborator.training"].create(
                {"name": "Dinh dưỡng", "area_id": self.commune_a1.id}).id,
            "collaborator_id": self.ctv_a1.id})
        self.assertFault("between 0 and 100", self.officer_a1,
                         "sp.collaborator.training.attendance", "write", [attendance.id],
                         {"score": 150})
        self.assertFault("valid date", self.manager_a, "sp.collaborator.allowance.term",
                         "write", [self.term_a.id], {"date_from": "31/02/2020"})
        self.term_a.invalidate_recordset()
        self.assertEqual(self.term_a.monthly_base, 500000)
