"""The officer's and the approver's screens, in a browser."""
from odoo.tests import HttpCase, tagged

from .common import ProgrammeFixtures


@tagged("post_install", "-at_install")
class TestScreens(ProgrammeFixtures, HttpCase):
    def test_officer_submits_and_approver_decides(self):
        person = self._person("Tour Elder", "1950-01-10", self.hh_poor_a1)
        enrolment = self._application(person, self.allowance, self.c5)
        url = "/odoo/action-sp_programme.sp_enrolment_action_applications/%s" % enrolment.id
        self.start_tour(url, "sp_programme_officer_submit", login=self.officer_a1.login)
        self.assertEqual(enrolment.state, "verification")
        self.assertEqual(enrolment.submitted_by_id, self.officer_a1)
        enrolment.popdb_status = "matched"
        enrolment.action_verify()
        self.start_tour(url, "sp_programme_approver_decision", login=self.manager_a.login)
        self.assertEqual(enrolment.state, "active")
        self.assertEqual(enrolment.decision_id.name, "99/QĐ-UBND")
        self.assertEqual(enrolment.approval_ids.user_id, self.manager_a)
