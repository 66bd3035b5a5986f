from odoo.tests import TransactionCase, tagged

from .common import CollaboratorFixtures

STAFF_ACTIONS = (
    "sp_collaborator_action", "sp_collaborator_assignment_action", "sp_collaborator_activity_action",
    "sp_collaborator_activity_action_analysis", "sp_collaborator_activity_action_follow_up",
    "sp_collaborator_training_action", "sp_collaborator_training_attendance_action",
    "sp_collaborator_allowance_action", "sp_collaborator_allowance_term_action",
    "sp_collaborator_caseload_report_action", "sp_collaborator_training_report_action",
)
COLLABORATOR_ACTIONS = (
    "sp_collaborator_activity_action_my", "sp_household_action_collaborator",
    "sp_collaborator_caseload_report_action",
)


@tagged("post_install", "-at_install")
class TestViews(CollaboratorFixtures, TransactionCase):
    def _load(self, user, xmlid):
        action = self.env.ref("sp_collaborator." + xmlid)
        views = [tuple(view) for view in action.views] + [(False, "search")]
        model = self.env[action.res_model].with_user(user)
        result = model.get_views(views)
        self.assertTrue(result["views"])
        return model, result

    def test_staff_views_load(self):
        for user in (self.manager_a, self.auditor_a):
            for xmlid in STAFF_ACTIONS:
                with self.subTest(user=user.login, action=xmlid):
                    model, _result = self._load(user, xmlid)
                    model.search_read([], ["display_name"], limit=5)

    def test_collaborator_views_load_and_read(self):
        for xmlid in COLLABORATOR_ACTIONS:
            with self.subTest(action=xmlid):
                self._load(self.collaborator_a1, xmlid)
        _model, result = self._load(self.collaborator_a1, "sp_household_action_collaborator")
        self.assertIn("member_ids", result["views"]["form"]["arch"])
        household = self.hh_a1.with_user(self.collaborator_a1)
        data = household.web_read({
            "code": {}, "head_id": {"fields": {"display_name": {}}}, "area_id": {},
            "poverty_status": {}, "collaborator_id": {"fields": {"display_name": {}}},
            "last_visit_date": {},
            "member_ids": {"fields": {"name": {}, "birthdate": {}, "gender": {}, "relationship": {}}},
            "collaborator_activity_ids": {"fields": {"date": {}, "kind": {}, "topic": {}}},
        })
        self.assertEqual(data[0]["collaborator_id"]["id"], self.ctv_a1.id)
        self.assertEqual(len(data[0]["member_ids"]), 2)
        action = household.action_log_visit()
        self.assertEqual(action["context"]["default_household_id"], self.hh_a1.id)
        form = self.env["sp.collaborator.activity"].with_user(self.collaborator_a1).get_views(
            [(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn('name="collaborator_id"', form, "the collaborator is implied on the phone")
