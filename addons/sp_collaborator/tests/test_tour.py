from odoo.tests import HttpCase, tagged

from .common import CollaboratorFixtures


@tagged("post_install", "-at_install")
class TestVisitTour(CollaboratorFixtures, HttpCase):
    """The collaborator's phone: a 375x667 touch screen, as Odoo's own mobile tests use."""

    browser_size = "375x667"
    touch_enabled = True

    def test_log_home_visit_on_a_phone(self):
        self.start_tour(
            "/odoo/action-sp_collaborator.sp_collaborator_activity_action_my",
            "sp_collaborator_log_visit", login=self.collaborator_a1.login,
        )
        visit = self.Activity.search([("collaborator_id", "=", self.ctv_a1.id)])
        self.assertRecordValues(visit, [{
            "household_id": self.hh_a1.id, "kind": "home_visit", "topic": "school",
            "outcome": "Hoa đã đi học lại; gia đình cần hỗ trợ sách vở.", "state": "done",
            "company_id": self.office_a.id,
        }])


@tagged("post_install", "-at_install")
class TestDashboardTour(CollaboratorFixtures, HttpCase):
    def test_overview_dashboard(self):
        self.start_tour(
            "/odoo/action-sp_collaborator.sp_collaborator_dashboard_action",
            "sp_collaborator_dashboard", login=self.manager_a.login,
        )
