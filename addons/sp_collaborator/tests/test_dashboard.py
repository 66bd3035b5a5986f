from dateutil.relativedelta import relativedelta

from odoo.tests import TransactionCase, tagged

from .common import CollaboratorFixtures


@tagged("post_install", "-at_install")
class TestDashboard(CollaboratorFixtures, TransactionCase):
    def _rows(self):
        self.env.flush_all()
        Report = self.env["sp.collaborator.caseload.report"]
        Report.invalidate_model()
        return {row.household_id: row for row in Report.search(self._mine())}

    def _mine(self):
        """The fixture's households only: the database may hold others (demo data)."""
        return [("household_id", "in", (self.all_households | self.hh_a1b).ids)]

    def test_households_not_visited(self):
        rows = self._rows()
        self.assertEqual(set(rows), {self.hh_a1, self.hh_b1}, "current caseloads only")
        row = rows[self.hh_a1]
        self.assertFalse(row.last_visit_date)
        self.assertGreaterEqual(row.days_since_visit, 85, "counted from the assignment")
        self.assertTrue(row.visit_overdue)
        self._visit(self.ctv_a1, self.hh_a1, self.today - relativedelta(days=12),
                    follow_up_date=self.today - relativedelta(days=2))
        row = self._rows()[self.hh_a1]
        self.assertEqual(row.last_visit_date, self.today - relativedelta(days=12))
        self.assertIn(row.days_since_visit, (12, 13), "the database's date may lag a day")
        self.assertFalse(row.visit_overdue, "within the office's 30 days")
        self.assertTrue(row.follow_up_overdue)
        self.office_a.sp_collaborator_visit_days = 10
        self.assertTrue(self._rows()[self.hh_a1].visit_overdue, "the office's interval applies")

    def test_filters_and_grouping(self):
        Report = self.env["sp.collaborator.caseload.report"]
        self._visit(self.ctv_b1, self.hh_b1, self.today - relativedelta(days=1))
        self.env.flush_all()
        Report.invalidate_model()
        not_visited = Report.search([*self._mine(), ("days_since_visit", ">=", 30)])
        self.assertEqual(not_visited.household_id, self.hh_a1)
        groups = Report.read_group(self._mine(), ["days_since_visit:max"], ["collaborator_id"])
        self.assertEqual({g["collaborator_id"][0] for g in groups}, {self.ctv_a1.id, self.ctv_b1.id})

    def test_visits_per_collaborator(self):
        for days in (1, 2, 3):
            self._visit(self.ctv_a1, self.hh_a1, self.today - relativedelta(days=days))
        self._visit(self.ctv_b1, self.hh_b1, self.today - relativedelta(days=1))
        groups = self.Activity.read_group(
            [("state", "=", "done"), ("household_id", "in", self.all_households.ids)], [],
            ["collaborator_id"])
        counts = {g["collaborator_id"][0]: g["collaborator_id_count"] for g in groups}
        self.assertEqual(counts, {self.ctv_a1.id: 3, self.ctv_b1.id: 1})

    def test_overview_figures_per_user(self):
        self.Activity.with_user(self.collaborator_a1).create({
            "household_id": self.hh_a1.id, "topic": "nutrition", "date": self.today,
            "follow_up_date": self.today,
        })
        data = self.Collaborator.with_user(self.manager_a).sp_dashboard_data()
        cards = {card["key"]: card["value"] for card in data["cards"]}
        self.assertEqual(cards, {"collaborators": 2, "visits": 1, "not_visited": 0,
                                 "never_visited": 0, "follow_ups": 0})
        self.assertEqual(data["collaborators"][0],
                         {"id": self.ctv_a1.id, "name": self.ctv_a1.display_name, "visits": 1,
                          "households": 1})
        central = self.Collaborator.with_user(self.central_officer).sp_dashboard_data()
        card = next(c for c in central["cards"] if c["key"] == "never_visited")
        found = self.env[card["model"]].with_user(self.central_officer).search(card["domain"])
        self.assertEqual(card["value"], len(found))
        self.assertEqual(found.household_id & self.all_households, self.hh_b1, "province B's")
        # The call-centre agent reads collaborators and activities, not the caseload figures.
        agent = self.Collaborator.with_user(self.agent).sp_dashboard_data()
        self.assertEqual({c["key"] for c in agent["cards"]}, {"collaborators", "visits", "follow_ups"})
