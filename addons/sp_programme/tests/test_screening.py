"""Screening: the set-based candidate list agrees with the per-record eligibility check;
candidates become applications in one statement."""
from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, tagged

from .common import ProgrammeFixtures, month


@freeze_time("2026-11-20")
@tagged("post_install", "-at_install")
class TestScreening(ProgrammeFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        P = cls._person
        cls.people = (
            P("Poor elder", "1950-03-03", cls.hh_poor_a1)
            | P("Poor 85", "1941-03-03", cls.hh_poor_a1, disability_level="severe",
                disability_certificate_date="2020-01-01")
            | P("Single parent", "1985-03-03", cls.hh_poor_a1, gender="female")
            | P("Child", "2022-03-03", cls.hh_poor_a1, relationship="child")
            | P("Near 76", "1950-03-03", cls.hh_near_a2)
            | P("Near 74", "1952-11-03", cls.hh_near_a2)
            | P("Rich elder", "1950-03-03", cls.hh_none_b1)
            | P("Disabled", "1995-03-03", cls.hh_none_b1, disability_level="particularly_severe")
            | P("Dead", "1940-01-01", cls.hh_poor_b1, date_of_death="2024-01-01")
            | P("Pupil", "2015-03-03", cls.hh_poor_b1, in_school=True)
        )

    def _screen(self, programme, area=None, user=None, **vals):
        Screening = self.env["sp.screening"].with_user(user) if user else self.env["sp.screening"]
        screening = Screening.create({"programme_id": programme.id,
                                      "area_id": area.id if area else False,
                                      "reference_date": "2026-11-05", **vals})
        screening.action_run()
        return screening

    def _found(self, screening):
        return {(c.individual_id.name, code) for c in screening.candidate_ids
                for code in c.category_codes.split(", ")}

    def test_candidates_match_the_per_record_check(self):
        found = self._found(self._screen(self.allowance, company_id=self.office_a.id))
        found |= self._found(self._screen(self.allowance, company_id=self.office_b.id))
        expected, reasons = set(), {}
        for person in self.people.filtered(lambda p: not p.date_of_death):
            for category in self.allowance.category_ids:
                probe = self.Enrolment.new({
                    "programme_id": self.allowance.id, "individual_id": person.id,
                    "category_ids": [Command.set(category.ids)], "application_date": "2026-11-05",
                    "disability_level": person.disability_level})
                reasons[person.name, category.code] = probe._sp_ineligibility(month("2026-11"))
                if not reasons[person.name, category.code]:
                    expected.add((person.name, category.code))
        self.assertEqual(found, expected, {key: reasons.get(key) for key in found ^ expected})
        self.assertTrue({("Poor elder", "C5"), ("Poor 85", "C5"), ("Poor 85", "C6"),
                         ("Single parent", "C4"), ("Child", "C1"), ("Near 76", "C5B"),
                         ("Disabled", "C6"), ("Pupil", "C1")} <= found)
        self.assertNotIn(("Near 74", "C5B"), found)
        self.assertNotIn(("Rich elder", "C5"), found)
        self.assertFalse({name for name, _code in found} & {"Dead"})

    def test_scope_domain_and_applications(self):
        screening = self._screen(self.allowance, area=self.commune_a1, user=self.officer_a1)
        self.assertEqual(screening.company_id, self.office_a)
        names = {c.individual_id.name for c in screening.candidate_ids}
        self.assertNotIn("Near 76", names)  # commune A2 is outside the screened area
        parent = screening.candidate_ids.filtered(lambda c: c.individual_id.name == "Single parent")
        self.assertEqual((parent.category_codes, parent.dependant_count), ("C4", 1))
        poor_85 = screening.candidate_ids.filtered(lambda c: c.individual_id.name == "Poor 85")
        self.assertEqual((poor_85.category_id, poor_85.category_codes), (self.c5, "C4, C5, C6"))
        enrolments = screening.with_user(self.officer_a1).candidate_ids._sp_create_applications()
        self.assertEqual(len(enrolments), len(names))
        poor_85 = enrolments.filtered(lambda e: e.individual_id.name == "Poor 85")
        self.assertEqual(poor_85.category_ids, self.c4 | self.c5 | self.c6)
        self.assertEqual((poor_85.state, poor_85.area_id), ("draft", self.village_a1))
        self.assertEqual(poor_85.commune_id, self.commune_a1)
        self.assertIn("Application created from screening", poor_85.message_ids[:1].body)
        self.assertEqual(set(screening.candidate_ids.mapped("state")), {"applied"})
        screening.action_run()
        self.assertFalse(screening.candidate_ids.filtered(lambda c: c.state == "new"))
        # Conditions on the person as a domain: pupils in school only.
        self.e1.individual_domain = "[('in_school', '=', True)]"
        found = self._found(self._screen(self.education, company_id=self.office_b.id))
        self.assertEqual(found, {("Pupil", "E1")})
