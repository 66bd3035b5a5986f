from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from .common import CollaboratorFixtures


@tagged("post_install", "-at_install")
class TestActivity(CollaboratorFixtures, TransactionCase):
    def test_collaborator_logs_a_home_visit(self):
        Activity = self.Activity.with_user(self.collaborator_a1)
        visit = Activity.create({
            "household_id": self.hh_a1.id, "topic": "school",
            "date": self.today - relativedelta(days=1), "outcome": "Hoa goes back to school",
            "follow_up_date": self.today + relativedelta(days=14),
        })
        self.assertEqual(visit.collaborator_id, self.ctv_a1, "the collaborator is the user's")
        self.assertEqual(visit.kind, "home_visit")
        self.assertEqual(visit.area_id, self.village_a1)
        self.assertEqual(visit.company_id, self.office_a)
        self.assertEqual(visit.state, "done")
        self.assertFalse(visit.follow_up_overdue)
        self.assertEqual(self.hh_a1.last_visit_date, self.today - relativedelta(days=1))
        self.assertIn("Home visit", visit.display_name)

    def test_every_kind_and_topic(self):
        for kind in ("home_visit", "counselling", "application_help"):
            for topic in ("nutrition", "health_check", "school", "benefits_use", "application_help"):
                self._visit(self.ctv_a1, self.hh_a1, self.today - relativedelta(days=2),
                            kind=kind, topic=topic)
        self.assertEqual(self.ctv_a1.activity_count, 15)

    def test_future_visit_refused(self):
        for user in (self.collaborator_a1, self.officer_a1):
            with self.subTest(user=user.login), \
                    self.assertRaisesRegex(ValidationError, "cannot be dated in the future"):
                self.Activity.with_user(user).create({
                    "collaborator_id": self.ctv_a1.id, "household_id": self.hh_a1.id,
                    "topic": "nutrition", "date": self.today + relativedelta(days=2),
                })
        visit = self._visit(self.ctv_a1, self.hh_a1, self.today - relativedelta(days=1))
        with self.assertRaisesRegex(ValidationError, "cannot be dated in the future"):
            visit.date = self.today + relativedelta(days=3)

    def test_household_outside_caseload_refused(self):
        with self.assertRaisesRegex(
            ValidationError, r"Household .* is not in the caseload of Phạm Thị Lan"
        ):
            self._visit(self.ctv_a1, self.hh_a1b, self.today - relativedelta(days=1))
        # Another collaborator's household, in another province.
        with self.assertRaisesRegex(ValidationError, "is not in the caseload"):
            self._visit(self.ctv_a1, self.hh_b1, self.today - relativedelta(days=1))

    def test_caseload_is_checked_on_the_visit_date(self):
        self.asg_a1.date_to = self.today - relativedelta(days=10)
        # While the household was in the caseload: accepted.
        self._visit(self.ctv_a1, self.hh_a1, self.today - relativedelta(days=10))
        # After the assignment ended: refused.
        with self.assertRaisesRegex(ValidationError, "is not in the caseload"):
            self._visit(self.ctv_a1, self.hh_a1, self.today - relativedelta(days=9))
        # Before the assignment started: refused.
        with self.assertRaisesRegex(ValidationError, "is not in the caseload"):
            self._visit(self.ctv_a1, self.hh_a1, self.start - relativedelta(days=1))

    def test_user_without_collaborator_record(self):
        self.ctv_a1.user_id = False
        with self.assertRaisesRegex(UserError, "not linked to a collaborator"):
            self.Activity.with_user(self.officer_a1).create({
                "household_id": self.hh_a1.id, "topic": "school",
                "date": self.today - relativedelta(days=1)})

    def test_follow_up_before_visit_refused(self):
        with self.assertRaisesRegex(ValidationError, "follow-up date .* cannot come before"):
            self._visit(self.ctv_a1, self.hh_a1, self.today - relativedelta(days=1),
                        follow_up_date=self.today - relativedelta(days=5))

    def test_suspended_collaborator_cannot_log(self):
        self.ctv_a1.action_suspend()
        with self.assertRaisesRegex(ValidationError, "is suspended and cannot log"):
            self._visit(self.ctv_a1, self.hh_a1, self.today - relativedelta(days=1))

    def test_follow_up_overdue(self):
        due = self._visit(self.ctv_a1, self.hh_a1, self.today - relativedelta(days=20),
                          follow_up_date=self.today - relativedelta(days=5))
        later = self._visit(self.ctv_a1, self.hh_a1, self.today - relativedelta(days=20),
                            follow_up_date=self.today + relativedelta(days=5))
        self.assertTrue(due.follow_up_overdue)
        self.assertFalse(later.follow_up_overdue)
        overdue = self.Activity.search([("follow_up_overdue", "=", True)])
        self.assertIn(due, overdue)
        self.assertNotIn(later, overdue)
        self.assertIn(later, self.Activity.search([("follow_up_overdue", "=", False)]))
        due.with_user(self.collaborator_a1).action_mark_follow_up_done()
        self.assertFalse(due.follow_up_overdue)
        self.assertNotIn(due, self.Activity.search([("follow_up_overdue", "=", True)]))

    def test_only_staff_reject(self):
        visit = self._visit(self.ctv_a1, self.hh_a1, self.today - relativedelta(days=1))
        with self.assertRaisesRegex(AccessError, "Only commune or province staff"):
            visit.with_user(self.collaborator_a1).action_reject()
        visit.with_user(self.officer_a1).action_reject()
        self.assertEqual(visit.state, "rejected")
        visit.with_user(self.officer_a1).action_reset()
        self.assertEqual(visit.state, "done")
