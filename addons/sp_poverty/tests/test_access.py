from odoo.exceptions import AccessError, UserError, ValidationError

from .common import PovertyCommon


class TestAccess(PovertyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.campaign_a1 = cls.Campaign.create({"area_id": cls.commune_a1.id, "year": 2026})
        cls.campaign_a2 = cls.Campaign.create({"area_id": cls.commune_a2.id, "year": 2026})
        cls.campaign_b1 = cls.Campaign.create({"area_id": cls.commune_b1.id, "year": 2026})
        cls.form_a1 = cls._assess(cls.hh_a1, 1000000, (1, 2, 3), campaign_id=cls.campaign_a1.id)
        cls.form_a2 = cls._assess(cls.hh_a2, 1000000, (1,), campaign_id=cls.campaign_a2.id)
        cls.form_b1 = cls._assess(cls.hh_b1, 1000000, (1,), campaign_id=cls.campaign_b1.id)
        cls.forms = cls.form_a1 | cls.form_a2 | cls.form_b1

    def _visible(self, user, records):
        return records.with_user(user).search([("id", "in", records.ids)])

    def test_commune_officer_runs_own_commune(self):
        officer = self.officer_a1
        self.assertEqual(self._visible(officer, self.forms), self.form_a1)
        campaigns = self.campaign_a1 | self.campaign_a2 | self.campaign_b1
        self.assertEqual(self._visible(officer, campaigns), self.campaign_a1)
        with self.assertRaises(AccessError):
            self.Campaign.with_user(officer).create({"area_id": self.commune_a2.id, "year": 2027})
        with self.assertRaises(AccessError):
            self.campaign_b1.with_user(officer).action_start_listing()
        with self.assertRaises(AccessError):
            self.form_a2.with_user(officer).income_per_capita = 5
        self.campaign_a1.with_user(officer).action_start_listing()
        self.assertEqual(self.campaign_a1.state, "listing")

    def test_no_move_out_of_scope(self):
        officer = self.officer_a1
        with self.assertRaises(AccessError):
            self.campaign_a1.with_user(officer).write(
                {"area_id": self.commune_b1.id, "kind": "interim"})
        with self.assertRaises(ValidationError):
            self.form_a1.with_user(officer).household_id = self.hh_b1
        loose = self._assess(self.hh_a1, 1000000)
        with self.assertRaises(AccessError):
            loose.with_user(officer).household_id = self.hh_b1
        self.assertEqual(loose.household_id, self.hh_a1)
        # the area and office follow the household: no client writes them
        with self.assertRaises(AccessError):
            loose.with_user(officer).write({"area_id": self.commune_a1.id})
        # refused by sp_base's area/office check (whose message reads the other office)
        with self.assertRaises(Exception) as refused, self.env.cr.savepoint():
            loose.with_user(officer).write({"company_id": self.office_b.id})
        self.assertIsInstance(refused.exception, (AccessError, ValidationError))
        self.assertEqual((loose.area_id, self.hh_a1.area_id), (self.village_a1, self.village_a1))
        self.assertEqual(self.campaign_a1.area_id, self.commune_a1)
        self.assertEqual(self.form_a1.household_id, self.hh_a1)
        override = self.env["sp.poverty.standard.province"].create(
            {"standard_id": self.std_2026.id, "area_id": self.prov_a.id})
        with self.assertRaises(AccessError):
            override.with_user(self.manager_a).area_id = self.prov_b

    def test_province_manager_sees_province(self):
        manager = self.manager_a
        self.assertEqual(self._visible(manager, self.forms), self.form_a1 | self.form_a2)
        with self.assertRaises(AccessError):
            self.campaign_b1.with_user(manager).write({"meeting_minutes": "x"})

    def test_collaborator_own_area_only(self):
        collaborator = self.collaborator_a1
        self.assertEqual(self._visible(collaborator, self.forms), self.form_a1)
        self.form_a1.with_user(collaborator).income_per_capita = 1600000
        self.assertEqual(self.form_a1.result_status, "middle")
        with self.assertRaises(AccessError):
            self.Assessment.with_user(collaborator).create(
                {"household_id": self.hh_a2.id, "year": 2027})
        with self.assertRaisesRegex(ValidationError, "campaign's commune"):
            self.Assessment.with_user(collaborator).create(
                {"household_id": self.hh_a1.id, "campaign_id": self.campaign_a2.id})
        with self.assertRaises(AccessError):
            self.campaign_a1.with_user(collaborator).write({"meeting_minutes": "x"})
        with self.assertRaises(AccessError):
            self.campaign_a1.with_user(collaborator).action_start_listing()
        with self.assertRaises(AccessError):
            self.Standard.with_user(collaborator).search([], limit=1).threshold_rural = 1

    def test_auditor_reads_only(self):
        auditor = self.auditor_a
        self.assertEqual(self._visible(auditor, self.forms), self.form_a1 | self.form_a2)
        with self.assertRaises(AccessError):
            self.form_a1.with_user(auditor).income_per_capita = 1
        with self.assertRaises(AccessError):
            self.form_a1.with_user(auditor).action_submit()
        self.assertTrue(self.env["sp.poverty.report"].with_user(auditor).search_count([]) >= 0)

    def test_forged_results_and_states(self):
        for user in (self.officer_a1, self.collaborator_a1, self.manager_a):
            form = self.form_a1.with_user(user)
            for vals in ({"result_status": "poor"}, {"state": "approved"},
                         {"deprivation_count": 9}, {"standard_id": self.std_2027.id},
                         {"approved_by": user.id}):
                with self.subTest(user=user.login, vals=vals), self.assertRaises(AccessError):
                    form.write(vals)
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Assessment.with_user(user).create({
                    "household_id": self.hh_a1.id, "year": 2025, "result_status": "poor"})
            campaign = self.campaign_a1.with_user(user)
            for vals in ({"state": "recognised"}, {"recogniser_id": user.id},
                         {"preparer_id": False}):
                with self.subTest(user=user.login, vals=vals), self.assertRaises(AccessError):
                    campaign.write(vals)

    def test_submitted_form_is_locked(self):
        form = self.form_a1.with_user(self.officer_a1)
        form.action_submit()
        with self.assertRaisesRegex(UserError, "return it to draft"):
            form.deprived_indicator_ids = [(5, 0, 0)]
        form.action_reset_draft()
        form.deprived_indicator_ids = [(5, 0, 0)]
        self.assertEqual(form.result_status, "near_poor")
