import psycopg2

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import RegistryFixtures


@tagged("post_install", "-at_install")
class TestHousehold(RegistryFixtures, TransactionCase):
    def test_codes_per_commune(self):
        # the household of village A1 is numbered in commune A1
        self.assertRegex(self.hh_a1.code, r"^X1001-\d{6}$")
        self.assertRegex(self.hh_a2.code, r"^X1002-\d{6}$")
        more = self.Household.create([{"area_id": self.commune_a1.id},
                                      {"area_id": self.village_a1.id},
                                      {"area_id": self.commune_b1.id}])
        numbers = [int(code.split("-")[1]) for code in more[:2].mapped("code")]
        first = int(self.hh_a1.code.split("-")[1])
        self.assertEqual(numbers, [first + 1, first + 2])
        self.assertTrue(more[2].code.startswith("X2001-"))
        self.assertEqual(len(set((self.all_households | more).mapped("code"))), 6)

    def test_codes_set_based_for_bulk_loads(self):
        """Rows inserted by SQL without a code get one in a single statement."""
        self.env.cr.execute(
            """INSERT INTO sp_household (area_id, commune_id, province_id, company_id,
                                          poverty_status, active)
               SELECT %s, %s, %s, %s, 'none', true FROM generate_series(1, 50)""",
            [self.commune_a2.id, self.commune_a2.id, self.prov_a.id, self.office_a.id])
        done = self.Household._sp_assign_codes()
        self.assertEqual(len(done), 50)
        codes = self.Household.browse(done).mapped("code")
        self.assertEqual(len(set(codes)), 50)
        self.assertTrue(all(code.startswith("X1002-") for code in codes))
        # a code loaded as it was is never given again
        self.env.cr.execute("UPDATE sp_household SET code = 'X2001-000900' WHERE id = %s",
                            [self.hh_b1.id])
        self.env.cr.execute("DELETE FROM sp_household_code_counter WHERE commune_id = %s",
                            [self.commune_b1.id])
        self.Household.invalidate_model(["code"])
        new = self.Household.create({"area_id": self.commune_b1.id})
        self.assertEqual(new.code, "X2001-000901")
        # loaders that write codes themselves reserve ranges first
        reserved = self.Household._sp_reserve_codes({self.commune_b1.id: 10,
                                                     self.commune_a1.id: 0})
        self.assertEqual(reserved, {self.commune_b1.id: ("X2001", 901)})
        self.assertEqual(self.Household.create({"area_id": self.commune_b1.id}).code,
                         "X2001-000912")

    def test_company_and_areas_follow(self):
        self.assertEqual(self.hh_a1.company_id, self.office_a)
        self.assertEqual(self.hh_a1.commune_id, self.commune_a1)
        self.assertEqual(self.hh_a1.province_id, self.prov_a)
        self.assertEqual(self.child_a1.area_id, self.village_a1)
        self.assertEqual(self.child_a1.company_id, self.office_a)
        self.assertEqual(self.hh_b1.company_id, self.office_b)

    def test_head_and_members(self):
        self.assertEqual(self.hh_a1.head_id, self.head_a1)
        self.assertTrue(self.head_a1.is_head)
        self.assertEqual(self.hh_a1.member_count, 2)
        with self.assertRaisesRegex(ValidationError, "two heads"):
            self.child_a1.relationship = "head"
        with self.assertRaisesRegex(ValidationError, "not one of its members"):
            self.hh_a1.head_id = self.head_b1
        # changing the relationship of the head frees the role
        self.head_a1.relationship = "spouse"
        self.assertFalse(self.hh_a1.head_id)
        self.child_a1.relationship = "head"
        self.assertEqual(self.hh_a1.head_id, self.child_a1)

    def test_household_in_province_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "commune or a village"):
            self.Household.create({"area_id": self.prov_a.id})

    def test_person_needs_an_area(self):
        with self.assertRaisesRegex(ValidationError, "needs a household or a commune"):
            self.Person.create({"name": "Nobody", "gender": "male"})

    def test_poverty_history(self):
        History = self.env["sp.household.poverty.history"]
        History.create({"household_id": self.hh_a1.id, "year": 2023, "status": "near_poor"})
        self.assertEqual(self.hh_a1.poverty_status, "near_poor")
        History.create({"household_id": self.hh_a1.id, "year": 2024, "status": "poor",
                        "decision_ref": "123/QĐ-UBND"})
        self.assertEqual(self.hh_a1.poverty_status, "poor")
        self.assertEqual(self.head_a1.poverty_status, "poor")
        # an older year does not change the current status
        History.create({"household_id": self.hh_a1.id, "year": 2022, "status": "none"})
        self.assertEqual(self.hh_a1.poverty_status, "poor")
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.UniqueViolation), \
                self.env.cr.savepoint():
            History.create({"household_id": self.hh_a1.id, "year": 2024, "status": "none"})
        with self.assertRaisesRegex(ValidationError, "plausible year"):
            History.create({"household_id": self.hh_a1.id, "year": 1900, "status": "none"})
        self.assertEqual(History.search([("household_id", "=", self.hh_a1.id)])[:1].area_id,
                         self.village_a1)

    def test_age_band_refresh(self):
        self.assertEqual(self.child_a1.age_band, "6_15")
        self.env.cr.execute("UPDATE sp_individual SET age_band = '80' WHERE id = %s",
                            [self.child_a1.id])
        self.Person.invalidate_model(["age_band"])
        self.Person._cron_refresh_age_band()
        self.assertEqual(self.child_a1.age_band, "6_15")
        self.assertEqual(self.head_a1.age_band, "23_59")

    def test_tracking_in_chatter(self):
        self.env.flush_all()
        self.env.cr.precommit.clear()  # values created in this transaction are not tracked
        person = self.head_a1.with_context(tracking_disable=False)
        person.phone = "0912345678"
        self.env.flush_all()
        self.env.cr.precommit.run()
        values = person.message_ids.tracking_value_ids
        self.assertIn("phone", values.field_id.mapped("name"))

    def test_bulk_sql_load_is_completed_set_based(self):
        """What a bulk loader inserts, and what _sp_fill_derived completes in a few statements."""
        cr = self.env.cr
        cr.execute("""INSERT INTO sp_household (area_id, poverty_status, active, company_id)
                      SELECT %s, 'poor', true, %s FROM generate_series(1, 3) RETURNING id""",
                   [self.village_b1.id, self.env.company.id])
        household_ids = [row[0] for row in cr.fetchall()]
        cr.execute("""INSERT INTO sp_individual (name, gender, birthdate, birthdate_precision,
                                                 household_id, relationship, disability_level,
                                                 active, company_id)
                      SELECT 'Hà Văn ' || h.id || '-' || n, 'male', DATE '1950-01-01', 'year',
                             h.id, CASE WHEN n = 1 THEN 'head' ELSE 'child' END, 'none', true, %s
                        FROM unnest(%s) h(id), generate_series(1, 2) n
                   RETURNING id""", [self.env.company.id, household_ids])
        person_ids = [row[0] for row in cr.fetchall()]
        self.Person._sp_fill_derived(person_ids)
        self.Household._sp_fill_derived(household_ids)
        households = self.Household.browse(household_ids)
        people = self.Person.browse(person_ids)
        self.assertEqual(set(households.mapped("company_id")), {self.office_b})
        self.assertEqual(set(households.mapped("commune_id")), {self.commune_b1})
        self.assertEqual(households.mapped("member_count"), [2, 2, 2])
        self.assertTrue(all(h.head_id.relationship == "head" for h in households))
        self.assertTrue(all(code.startswith("X2001-") for code in households.mapped("code")))
        self.assertEqual(set(people.mapped("area_id")), {self.village_b1})
        self.assertEqual(set(people.mapped("company_id")), {self.office_b})
        self.assertEqual(set(people.mapped("province_id")), {self.prov_b})
        self.assertEqual(set(people.mapped("birth_year")), {1950})
        self.assertEqual(set(people.mapped("age_band")), {"75_79"}
                         if people[0].age < 80 else {"80"})
        self.assertEqual(set(people.mapped("poverty_status")), {"poor"})
        self.assertEqual(self.Person.search([("name", "ilike", "ha van")]), people)
