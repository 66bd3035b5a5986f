"""The life of an enrolment: application to decision, segregation of duties, bad input,
suspension, termination and transfer driven by the registry, chatter."""
import base64

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger

from .common import ProgrammeFixtures, month


@freeze_time("2026-11-20")
@tagged("post_install", "-at_install")
class TestEnrolmentLifeCycle(ProgrammeFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.elder = cls._person("Nguyễn Văn Lão", "1950-01-10", cls.hh_poor_a1)

    def _messages(self, enrolment):
        return enrolment.message_ids.mapped("body")

    def test_full_flow_with_posting_and_two_stages(self):
        self.allowance.posting_days = 10
        self.env["sp.programme.stage"].create({
            "programme_id": self.allowance.id, "name": "Province check", "sequence": 20,
            "group_id": self.env.ref("sp_base.group_province_manager").id})
        enrolment = self._application(self.elder, self.allowance, self.c5,
                                      application_date="2026-09-01").with_user(self.officer_a1)
        enrolment.action_submit()
        self.assertEqual((enrolment.state, enrolment.submitted_by_id), ("verification",
                                                                        self.officer_a1))
        with self.assertRaisesRegex(UserError, "Population Database"):
            enrolment.action_verify()
        enrolment.popdb_status = "matched"
        with freeze_time("2026-09-10"):
            enrolment.action_verify()
            self.assertEqual(enrolment.state, "posting")
            self.assertEqual(enrolment.posting_date_end.isoformat(), "2026-09-20")
            with self.assertRaisesRegex(UserError, "stays posted until"):
                enrolment.action_close_posting()
        with freeze_time("2026-09-21"):
            enrolment.action_close_posting()
        self.assertEqual(enrolment.state, "approval")
        first, second = self.allowance.stage_ids
        self.assertEqual(enrolment.stage_id, first)
        enrolment.with_user(self.manager_a).action_approve()
        self.assertEqual(enrolment.stage_id, second)
        # The first approver cannot approve the next stage (four eyes).
        with self.assertRaisesRegex(UserError, "segregation of duties"):
            enrolment.with_user(self.manager_a).action_approve(
                decision=self._decision(self.allowance, "2026-10-02"))
        with self.assertRaisesRegex(UserError, "signed decision"):
            enrolment.with_user(self.manager_a2).action_approve()
        decision = self._decision(self.allowance, "2026-10-02", "12/QĐ-UBND")
        decision.scan = base64.b64encode(b"%PDF-1.4 scan")
        enrolment.with_user(self.manager_a2).action_approve(decision=decision)
        self.assertEqual(enrolment.state, "active")
        self.assertEqual(enrolment.date_start, month("2026-10"))
        self.assertEqual(enrolment.decision_number, "12/QĐ-UBND")
        self.assertEqual(enrolment.monthly_amount, 900000)
        self.assertEqual(enrolment.approval_ids.user_id, self.manager_a | self.manager_a2)
        self.assertIn(enrolment, decision.enrolment_ids)
        bodies = " ".join(self._messages(enrolment))
        for text in ("submitted for verification", "posted publicly", "posting closed",
                     "Approved at stage", "Decision 12/QĐ-UBND"):
            self.assertIn(text, bodies)

    def test_nobody_approves_what_they_submitted(self):
        enrolment = self._application(self.elder, self.allowance, self.c5)
        enrolment.with_user(self.manager_a).action_submit()
        enrolment.popdb_status = "matched"
        enrolment.action_verify()
        decision = self._decision(self.allowance, "2015-02-01")
        with self.assertRaisesRegex(UserError, "segregation of duties"):
            enrolment.with_user(self.manager_a).action_approve(decision=decision)
        with self.assertRaisesRegex(UserError, "segregation of duties"):
            enrolment.with_user(self.manager_a).action_reject("no")
        with self.assertRaisesRegex(UserError, "approve at stage"):
            enrolment.with_user(self.officer_a1).action_approve(decision=decision)
        enrolment.with_user(self.manager_a2).action_approve(decision=decision)
        self.assertEqual(enrolment.state, "active")

    def test_mass_steps_are_set_based(self):
        people = [self._person("Elder %s" % i, "1950-0%s-10" % (i + 1), self.hh_poor_a1)
                  for i in range(5)]
        enrolments = self.Enrolment.browse()
        for person in people:
            enrolments |= self._application(person, self.allowance, self.c5,
                                             application_date="2026-09-01")
        enrolments.with_user(self.officer_a1).action_submit()
        enrolments.write({"popdb_status": "matched"})
        enrolments.with_user(self.officer_a1).action_verify()
        def approve(batch, number):
            wizard = self.env["sp.enrolment.action.wizard"].with_user(self.manager_a) \
                .with_context(active_ids=batch.ids, default_action="approve").create({
                    "decision_number": number, "decision_date": "2026-10-15",
                    "decision_signer": "Chủ tịch"})
            self.assertEqual(wizard.enrolment_count, len(batch))
            self.assertTrue(wizard.needs_decision)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            wizard.action_confirm()
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        # Set-based: approving 4 records costs (almost) the same queries as approving 1.
        few, many = approve(enrolments[:1], "20/QĐ-UBND"), approve(enrolments[1:], "21/QĐ-UBND")
        self.assertLess(many - few, 15, (few, many))
        self.assertEqual(set(enrolments.mapped("state")), {"active"})
        self.assertEqual(len(enrolments.decision_id), 2)
        self.assertEqual(enrolments[1:].decision_id.enrolment_count, 4)
        suspend = self.env["sp.enrolment.action.wizard"].with_user(self.manager_a).with_context(
            active_ids=enrolments[:3].ids).create({
                "action": "suspend", "suspension_reason": "not_collected", "date": "2026-11-01"})
        suspend.action_confirm()
        self.assertEqual(enrolments.mapped("state").count("suspended"), 3)

    def test_bad_input(self):
        dead = self._person("Đã mất", "1940-01-01", self.hh_poor_a1, date_of_death="2020-01-01")
        with self.assertRaisesRegex(ValidationError, r"died on .* cannot be enrolled"):
            self._application(dead, self.allowance, self.c5)
        enrolment = self._enrol(self.elder, self.allowance, self.c5)
        with self.assertRaisesRegex(ValidationError, "already has an enrolment in Test allowance"):
            self._application(self.elder, self.allowance, self.c5)
        # ... also through the database's own guard.
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), \
                self.env.cr.savepoint():
            self.env.cr.execute(
                "INSERT INTO sp_enrolment (programme_id, individual_id, state, area_id, "
                "company_id, application_date, popdb_status, dependant_count) "
                "VALUES (%s, %s, 'draft', %s, %s, '2026-01-01', 'not_checked', 1)",
                [self.allowance.id, self.elder.id, self.village_a1.id, self.office_a.id])
        self.assertEqual(enrolment.state, "active")
        late = self._application(self._person("Late", "1950-02-02", self.hh_poor_a1),
                                 self.allowance, self.c5, application_date="2026-05-10")
        late.action_submit()
        late.popdb_status = "matched"
        late.action_verify()
        with self.assertRaisesRegex(ValidationError, "before the application"):
            late.with_user(self.manager_a).action_approve(
                decision=self._decision(self.allowance, "2026-05-01"))
        young = self._person("Young", "1990-01-01", self.hh_none_b1)
        cases = [
            (young, self.c5, r"C5: Young is 36 in 11/2026; the category covers ages 60-80, 80\+"),
            (self._person("Not poor", "1950-01-01", self.hh_none_b1), self.c5,
             "the household must be Poor household; it is Not classified"),
            (self._person("Mild", "1980-01-01", self.hh_poor_a1, disability_level="mild"),
             self.c6, "requires a disability level of Particularly severe, Severe"),
            (self._person("Town", "1949-01-01", self.hh_poor_a1), self.c5b,
             "is not of type Difficult"),
            (self._person("Alone", "1970-01-01", self.hh_none_b1), self.c4,
             "no other member under 16"),
        ]
        for person, category, message in cases:
            with self.subTest(person=person.name):
                application = self._application(person, self.allowance, category,
                                                 application_date="2026-11-02")
                with self.assertRaisesRegex(ValidationError, message):
                    application.action_submit()
        with self.assertRaisesRegex(ValidationError, "does not belong to Test allowance"):
            self._application(self._person("Other", "1940-01-01", self.hh_none_b1),
                              self.allowance, self.p75)

    def test_levels_refused(self):
        Level = self.env["sp.standard.level"]
        for amount in (0, -500000):
            with self.subTest(amount=amount), self.assertRaisesRegex(
                    ValidationError, "must be a positive amount"):
                Level.create({"programme_id": self.allowance.id, "date_from": "2027-01-01",
                              "amount": amount})
        with self.assertRaisesRegex(ValidationError, "already has a national level from"):
            Level.create({"programme_id": self.allowance.id, "date_from": "2024-07-01",
                          "amount": 510000})
        with self.assertRaisesRegex(ValidationError, "overlap"):
            self.env["sp.benefit.band"].create({
                "category_id": self.c5.id, "date_from": "2020-01-01", "age_min": 70,
                "age_max": 90, "coefficient": 1.8})
        with self.assertRaisesRegex(ValidationError, "coefficient must be positive"):
            self.env["sp.benefit.band"].create({
                "category_id": self.c1.id, "date_from": "2030-01-01", "coefficient": 0})

    def test_death_recorded_by_registry_event(self):
        enrolment = self._enrol(self.elder, self.allowance, self.c5)
        application = self._application(self._person("Applicant", "1951-01-01", self.hh_poor_a1),
                                        self.allowance, self.c5)
        event = self.env["sp.registry.event"].create({
            "type": "death", "individual_id": self.elder.id, "date": "2026-06-12"})
        event.action_apply()
        self.assertEqual(enrolment.state, "terminated")
        self.assertEqual(enrolment.date_end.isoformat(), "2026-06-30")
        self.assertEqual(enrolment.funeral_amount, 20 * 600000)
        self.assertIn("Terminated (Death", " ".join(self._messages(enrolment)))
        application.individual_id.date_of_death = "2026-07-01"
        self.assertEqual(application.state, "rejected")

    def test_move_event_transfers(self):
        household = self._household(self.village_a1, "poor")
        person = self._person("Mover", "1950-01-10", household)
        enrolment = self._enrol(person, self.allowance, self.c5)
        event = self.env["sp.registry.event"].create({
            "type": "move", "household_id": household.id, "to_area_id": self.commune_b1.id,
            "date": "2026-08-20"})
        event.action_apply()
        self.assertEqual(enrolment.state, "terminated")
        self.assertEqual(enrolment.termination_reason, "transfer")
        self.assertEqual(enrolment.date_end.isoformat(), "2026-08-31")
        successor = enrolment.transferred_to_id
        self.assertEqual((successor.state, successor.area_id, successor.date_start),
                         ("approval", self.commune_b1, month("2026-09")))
        self.assertEqual(successor.category_ids, self.c5)

    def test_new_application_after_termination(self):
        old = self._enrol(self.elder, self.allowance, self.c5)
        old.action_terminate("ineligible", month("2025-03"))
        again = self._application(self.elder, self.allowance, self.c5,
                                  application_date="2026-01-10")
        again.action_submit()
        again.popdb_status = "matched"
        again.action_verify()
        with self.assertRaisesRegex(ValidationError, "already has an enrolment"):
            again.with_user(self.manager_a).action_approve(
                decision=self._decision(self.allowance, "2026-02-02"), date_start="2025-01-01")
        again.with_user(self.manager_a).action_approve(
            decision=self._decision(self.allowance, "2026-02-02"))
        self.assertEqual((again.state, again.date_start), ("active", month("2026-02")))
        with self.assertRaisesRegex(UserError, "instead of deleting"):
            again.unlink()

    def test_wizard_form_and_reject(self):
        enrolment = self._application(self.elder, self.allowance, self.c5)
        enrolment.action_submit()
        with Form(self.env["sp.enrolment.action.wizard"].with_context(
                active_ids=enrolment.ids, default_action="reject")) as form:
            form.reason = "Has a pension"
        form.save().action_confirm()
        self.assertEqual(enrolment.state, "rejected")
        self.assertEqual(enrolment.rejection_reason, "Has a pension")
        again = self._application(self.elder, self.allowance, self.c5)
        self.assertEqual(again.state, "draft")

    def test_adjust_terminate_wizards(self):
        enrolment = self._enrol(self.elder, self.allowance, self.c5)
        wizard = self.env["sp.enrolment.action.wizard"].with_context(
            active_ids=enrolment.ids).create({
                "action": "terminate", "termination_reason": "ineligible", "date": "2026-04-10",
                "decision_number": "7/QĐ", "decision_signer": "Chủ tịch",
                "decision_date": "2026-04-12"})
        wizard.action_confirm()
        self.assertEqual((enrolment.state, enrolment.date_end.isoformat()),
                         ("terminated", "2026-04-30"))
        self.assertEqual(sorted(enrolment.decision_ids.mapped("decision_type")),
                         ["grant", "terminate"])
        with self.assertRaisesRegex(UserError, "not in the right state"):
            enrolment.action_suspend("other", month("2026-05"))

    def test_household_programme(self):
        support = self.env["sp.programme"].create({
            "name": "Household support", "code": "THS", "beneficiary_type": "household"})
        category = self._category(support, "H1", 10, [(0, 0, 1.0)], exclusivity_group=False,
                                  poverty_requirement="poor")
        self.env["sp.standard.level"].create({
            "programme_id": support.id, "date_from": "2020-01-01", "amount": 100000})
        enrolment = self.Enrolment.create({
            "programme_id": support.id, "household_id": self.hh_poor_b1.id,
            "category_ids": [Command.set(category.ids)], "application_date": "2026-01-05"})
        self._activate(enrolment, "2026-01-10")
        self.assertEqual(enrolment.monthly_amount, 100000)
        with self.assertRaisesRegex(ValidationError, "enrols households"):
            self.Enrolment.create({"programme_id": support.id, "individual_id": self.elder.id,
                                   "category_ids": [Command.set(category.ids)]})
