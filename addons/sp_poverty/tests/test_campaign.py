import io

import openpyxl
import psycopg2

from odoo.exceptions import AccessError, UserError
from odoo.tools import mute_logger

from .common import PovertyCommon


class TestCampaign(PovertyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # hh_a1 is on the current list (poor in 2025); hh_a1b asks to be reviewed
        cls.env["sp.household.poverty.history"].create(
            {"household_id": cls.hh_a1.id, "year": 2025, "status": "poor"})
        cls.hh_a1b = cls._sp_household(cls.commune_a1, "Phạm Văn Dũng")
        cls.hh_a1c = cls._sp_household(cls.village_a1, "Hoàng Thị Em",
                                       gender="female")
        cls.env["sp.household.poverty.history"].create(
            {"household_id": cls.hh_a1c.id, "year": 2025, "status": "near_poor"})

    def _campaign(self, user=None):
        return self.Campaign.with_user(user or self.officer_a1).create(
            {"area_id": self.commune_a1.id, "year": 2026})

    def test_defaults(self):
        campaign = self._campaign()
        self.assertEqual((campaign.date_start.month, campaign.date_start.day), (9, 1))
        self.assertEqual((campaign.date_end.month, campaign.date_end.day), (12, 14))
        self.assertEqual(campaign.kind, "annual")
        self.assertEqual(campaign.company_id, self.office_a)
        self.assertEqual(campaign.province_id, self.prov_a)

    def test_full_review(self):
        officer, manager, collaborator = self.officer_a1, self.manager_a, self.collaborator_a1
        campaign = self._campaign()
        campaign.action_start_listing()
        self.assertEqual(campaign.state, "listing")
        self.assertEqual(campaign.assessment_ids.household_id, self.hh_a1 | self.hh_a1c)
        self.assertEqual(set(campaign.assessment_ids.mapped("origin")), {"current_list"})
        request = self.Assessment.with_user(officer).create({
            "campaign_id": campaign.id, "household_id": self.hh_a1b.id, "origin": "request",
            "request_date": "2026-09-05",
        })
        self.assertEqual(request.year, 2026)
        campaign.with_user(officer).action_start_survey()
        # the collaborator fills the forms of their village; the officer the other one
        by_household = {a.household_id: a for a in campaign.assessment_ids}
        form_a1 = by_household[self.hh_a1].with_user(collaborator)
        form_a1.write({"income_per_capita": 1900000,
                       "deprived_indicator_ids": [(6, 0, [self.ind[1].id])]})
        self.assertEqual(form_a1.result_status, "middle")
        form_a1.action_submit()
        form_c = by_household[self.hh_a1c].with_user(collaborator)
        form_c.write({"income_per_capita": 1200000,
                      "deprived_indicator_ids": [(6, 0, [self.ind[n].id for n in (1, 4)])]})
        form_c.action_submit()
        request = request.with_user(officer)
        request.write({"income_per_capita": 1000000,
                       "deprived_indicator_ids": [(6, 0, [self.ind[n].id for n in (1, 4, 7)])]})
        request.action_submit()
        with self.assertRaises(AccessError):
            form_a1.action_approve()
        with self.assertRaises(UserError):
            form_a1.income_per_capita = 1000
        campaign.assessment_ids.with_user(officer).action_approve()
        campaign = campaign.with_user(officer)
        self.assertEqual((campaign.household_count, campaign.approved_count, campaign.poor_count,
                          campaign.near_poor_count, campaign.exit_count), (3, 3, 1, 1, 1))
        campaign.action_start_meeting()
        with self.assertRaisesRegex(UserError, "meeting date"):
            campaign.action_start_posting()
        campaign.write({"meeting_date": "2026-11-10", "meeting_attendance": 42,
                        "meeting_minutes": "Họp thôn 1", "posting_date_from": "2026-11-12",
                        "posting_date_to": "2026-11-19", "objection_notes": "Không"})
        campaign.action_start_posting()
        self.assertEqual(campaign.preparer_id, officer)
        with self.assertRaises(AccessError):
            campaign.action_recognise()
        campaign = campaign.with_user(manager)
        with self.assertRaisesRegex(UserError, "decision number"):
            campaign.action_recognise()
        campaign.write({"decision_number": "123/QĐ-UBND", "decision_date": "2026-12-10"})
        campaign.action_recognise()
        self.assertEqual((campaign.state, campaign.recogniser_id), ("recognised", manager))
        History = self.env["sp.household.poverty.history"]
        rows = History.search([("year", "=", 2026),
                               ("household_id", "in", campaign.assessment_ids.household_id.ids)])
        self.assertEqual(len(rows), 3)
        self.assertEqual(set(rows.mapped("decision_ref")), {"123/QĐ-UBND"})
        self.assertEqual(
            (self.hh_a1.poverty_status, self.hh_a1c.poverty_status, self.hh_a1b.poverty_status),
            ("middle", "near_poor", "poor"))
        # written once: running it again changes nothing
        self.assertFalse(campaign._sp_write_history())
        self.assertEqual(History.search_count([("year", "=", 2026)]), 3)
        with self.assertRaisesRegex(UserError, "what was signed"):
            campaign.decision_number = "999"
        with self.assertRaises(UserError):
            form_a1.sudo(False).with_user(officer).action_reset_draft()
        # the public list: poor first, then near-poor
        book = openpyxl.load_workbook(io.BytesIO(campaign._sp_recognised_xlsx()), read_only=True)
        rows = list(book.active.iter_rows(values_only=True))
        self.assertEqual(rows[0][0], campaign.name)
        self.assertEqual(rows[2][:2], ("No.", "Household code"))
        self.assertEqual([r[1] for r in rows[3:]], [self.hh_a1b.code, self.hh_a1c.code])
        self.assertEqual(rows[3][5:], ("Poor", 1000000, 3))
        action = campaign.action_export_xlsx()
        self.assertIn("/web/content/", action["url"])
        campaign.action_close()
        self.assertEqual(campaign.state, "closed")
        report = self.env["sp.poverty.report"].search(
            [("area_id", "=", self.commune_a1.id), ("year", "=", 2026)])
        self.assertEqual((report.household_count, report.poor_count, report.near_poor_count),
                         (3, 1, 1))
        self.assertAlmostEqual(report.poor_rate, 33.33)

    def test_four_eyes(self):
        campaign = self._campaign(self.manager_a).with_user(self.manager_a)
        campaign.action_start_listing()
        campaign.assessment_ids.with_user(self.manager_a).write({"income_per_capita": 3000000})
        campaign.assessment_ids.action_submit()
        campaign.action_start_survey()
        campaign.assessment_ids.action_approve()
        campaign.action_start_meeting()
        campaign.write({"meeting_date": "2026-11-10", "decision_number": "1/QĐ",
                        "decision_date": "2026-12-01"})
        campaign.action_start_posting()
        with self.assertRaisesRegex(UserError, "four eyes"):
            campaign.action_recognise()
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError), \
                self.env.cr.savepoint():
            campaign.sudo().write({"recogniser_id": self.manager_a.id, "state": "recognised"})
            campaign.env.flush_all()

    def test_meeting_needs_submitted_forms(self):
        campaign = self._campaign()
        campaign.action_start_listing()
        campaign.action_start_survey()
        with self.assertRaisesRegex(UserError, "still drafts"):
            campaign.action_start_meeting()

    def test_one_annual_review_per_commune_and_year(self):
        self._campaign()
        self.Campaign.create({"area_id": self.commune_a1.id, "year": 2026, "kind": "interim"})
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError), \
                self.env.cr.savepoint():
            self._campaign()
            self.env.flush_all()

    def test_year_plausible(self):
        with self.assertRaisesRegex(Exception, "plausible year"):
            self.Campaign.create({"area_id": self.commune_a1.id, "year": 2099})

    def test_steps_in_order(self):
        campaign = self._campaign()
        with self.assertRaisesRegex(UserError, "not at the step"):
            campaign.action_start_survey()
