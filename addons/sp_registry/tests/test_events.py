import datetime

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from .common import RegistryFixtures


@tagged("post_install", "-at_install")
class TestRegistryEvents(RegistryFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Event = cls.env["sp.registry.event"]
        cls.spouse_a1 = cls.Person.create({
            "name": "Phạm Thị Lan", "gender": "female", "birthdate": "1987-01-01",
            "relationship": "spouse", "household_id": cls.hh_a1.id,
        })

    def _apply(self, user=None, **vals):
        Event = self.Event.with_user(user) if user else self.Event
        event = Event.create({"decision_ref": "01/QĐ", "reason": "test", **vals})
        event.action_apply()
        self.assertEqual(event.state, "done")
        return event

    def test_birth(self):
        event = self._apply(type="birth", household_id=self.hh_a1.id, person_name="Nguyễn Văn Bé",
                            person_gender="male", date=datetime.date.today())
        baby = event.individual_id
        self.assertEqual(baby.household_id, self.hh_a1)
        self.assertEqual(baby.relationship, "child")
        self.assertEqual(baby.birthdate, datetime.date.today())
        self.assertEqual(baby.area_id, self.village_a1)
        self.assertEqual(baby.age_band, "0_2")

    def test_death_of_head_hands_over(self):
        event = self._apply(type="death", individual_id=self.head_a1.id,
                            remaining_head_id=self.spouse_a1.id, date="2025-03-01")
        self.assertEqual(str(self.head_a1.date_of_death), "2025-03-01")
        self.assertTrue(self.head_a1.is_deceased)
        self.assertEqual(self.hh_a1.head_id, self.spouse_a1)
        self.assertEqual(self.head_a1.relationship, "other")
        self.assertEqual(event.new_values, {"date_of_death": "2025-03-01"})
        with self.assertRaisesRegex(UserError, "already recorded"):
            self._apply(type="death", individual_id=self.head_a1.id)
        with self.assertRaisesRegex(ValidationError, "before being born"):
            self._apply(type="death", individual_id=self.child_a1.id, date="2010-01-01")

    def test_member_out_and_in(self):
        self._apply(type="member_out", individual_id=self.child_a1.id,
                    other_household_id=self.hh_a2.id)
        self.assertEqual(self.child_a1.household_id, self.hh_a2)
        self.assertEqual(self.child_a1.area_id, self.commune_a2)
        self.assertEqual(self.hh_a1.member_count, 2)
        event = self._apply(type="member_in", household_id=self.hh_a1.id,
                            individual_id=self.child_a1.id, person_relationship="child")
        self.assertEqual(event.other_household_id, self.hh_a2)
        self.assertEqual(self.child_a1.household_id, self.hh_a1)
        self.assertEqual(self.child_a1.relationship, "child")
        # the head cannot leave without a successor while others remain
        with self.assertRaisesRegex(UserError, "choose the new head"):
            self._apply(type="member_out", individual_id=self.head_a1.id)
        self._apply(type="member_out", individual_id=self.head_a1.id,
                    remaining_head_id=self.spouse_a1.id)
        self.assertFalse(self.head_a1.household_id)
        self.assertEqual(self.hh_a1.head_id, self.spouse_a1)
        self.assertEqual(self.head_a1.area_id, self.village_a1)

    def test_split(self):
        event = self._apply(type="split", household_id=self.hh_a1.id,
                            member_ids=[(6, 0, self.child_a1.ids)], new_head_id=self.child_a1.id,
                            to_area_id=self.commune_a1.id, street="Xóm Mới")
        new = event.other_household_id
        self.assertTrue(new.code.startswith("X1001-"))
        self.assertEqual(new.member_ids, self.child_a1)
        self.assertEqual(new.head_id, self.child_a1)
        self.assertEqual(new.street, "Xóm Mới")
        self.assertEqual(self.hh_a1.member_ids, self.head_a1 | self.spouse_a1)
        with self.assertRaisesRegex(UserError, "at least one member"):
            self._apply(type="split", household_id=self.hh_a1.id,
                        member_ids=[(6, 0, (self.head_a1 | self.spouse_a1).ids)])
        with self.assertRaisesRegex(UserError, "new head among the members who stay"):
            self._apply(type="split", household_id=self.hh_a1.id,
                        member_ids=[(6, 0, self.head_a1.ids)])

    def test_merge(self):
        self._apply(type="merge", household_id=self.hh_a2.id, other_household_id=self.hh_a1.id)
        self.assertFalse(self.hh_a2.active)
        self.assertIn(self.head_a2, self.hh_a1.member_ids)
        self.assertEqual(self.head_a2.relationship, "other")
        self.assertEqual(self.hh_a1.head_id, self.head_a1)
        self.assertEqual(self.head_a2.area_id, self.village_a1)
        with self.assertRaisesRegex(UserError, "into itself"):
            self._apply(type="merge", household_id=self.hh_a1.id,
                        other_household_id=self.hh_a1.id)

    def test_move_to_another_province_by_the_old_commune_officer(self):
        officer = self.officer_a1
        event = self._apply(user=officer, type="move", household_id=self.hh_a1.id,
                            to_area_id=self.village_b1.id, street="Tổ 5")
        self.assertEqual(self.hh_a1.area_id, self.village_b1)
        self.assertEqual(self.hh_a1.company_id, self.office_b)
        self.assertEqual(self.hh_a1.street, "Tổ 5")
        for person in self.hh_a1.member_ids:
            self.assertEqual(person.area_id, self.village_b1)
            self.assertEqual(person.company_id, self.office_b)
        self.assertEqual(event.from_area_id, self.village_a1)
        self.assertEqual(event.from_company_id, self.office_a)
        self.assertEqual(event.to_company_id, self.office_b)
        # the officer keeps the event of record but no longer sees the household
        self.assertEqual(event.with_user(officer).company_id, self.office_a)
        self.assertFalse(self.Household.with_user(officer).search([("id", "=", self.hh_a1.id)]))
        # the new province sees it
        officer_b = self._sp_user("sp_officer_b1", "sp_base.group_commune_officer",
                                  self.office_b, areas=self.commune_b1)
        self.assertTrue(self.Household.with_user(officer_b).search([("id", "=", self.hh_a1.id)]))

    def test_member_out_to_a_household_the_officer_cannot_see(self):
        with self.assertRaises(AccessError):
            self._apply(user=self.officer_a1, type="member_out", individual_id=self.child_a1.id,
                        other_household_id=self.hh_b1.id)
        self._apply(user=self.officer_a1, type="member_out", individual_id=self.child_a1.id)
        self.assertFalse(self.child_a1.household_id)

    def test_move_needs_write_access_to_the_source(self):
        with self.assertRaises(AccessError):
            self._apply(user=self.officer_a1, type="move", household_id=self.hh_a2.id,
                        to_area_id=self.commune_a1.id)
        with self.assertRaises(AccessError):
            self._apply(user=self.auditor_a, type="move", household_id=self.hh_a1.id,
                        to_area_id=self.commune_a2.id)

    def test_correction(self):
        event = self._apply(type="correction", individual_id=self.child_a1.id,
                            person_name="Nguyễn Thị Hoà", person_id_number="001315012345",
                            person_birthdate="2015-06-07", person_birthdate_precision="day")
        self.assertEqual(self.child_a1.name, "Nguyễn Thị Hoà")
        self.assertEqual(self.child_a1.id_number, "001315012345")
        self.assertEqual(event.old_values["name"], "Nguyễn Thị Hoa")
        self.assertEqual(event.old_values["id_number"], False)
        self.assertEqual(event.new_values["birthdate"], "2015-06-07")
        self.assertIn("name: Nguyễn Thị Hoa -> Nguyễn Thị Hoà", event.changes)
        with self.assertRaisesRegex(ValidationError, "female person"):
            self._apply(type="correction", individual_id=self.child_a1.id, person_gender="male")
        with self.assertRaisesRegex(UserError, "at least one corrected value"):
            self._apply(type="correction", individual_id=self.child_a1.id)

    def test_events_are_reportable_and_frozen(self):
        event = self._apply(type="death", individual_id=self.child_a1.id)
        groups = self.Event._read_group([("state", "=", "done")], ["type"], ["__count"])
        self.assertIn(("death", 1), [(t, c) for t, c in groups])
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            event.reason = "rewrite history"
        with self.assertRaisesRegex(UserError, "already been applied"):
            event.action_apply()
        with self.assertRaisesRegex(ValidationError, "future"):
            self.Event.create({"type": "death", "individual_id": self.head_a1.id,
                               "date": datetime.date.today() + datetime.timedelta(days=2)})
        with self.assertRaisesRegex(UserError, "fill in"):
            self.Event.create({"type": "birth", "household_id": self.hh_a1.id}).action_apply()

    def test_form_buttons_open_the_event(self):
        action = self.hh_a1.action_event_move()
        self.assertEqual(action["context"]["default_type"], "move")
        action = self.head_a1.action_event_correction()
        self.assertEqual(action["context"]["default_individual_id"], self.head_a1.id)
        domain = self.hh_a1.action_view_events()["domain"]
        self.assertEqual(self.env["sp.registry.event"].search(domain), self.env["sp.registry.event"])
