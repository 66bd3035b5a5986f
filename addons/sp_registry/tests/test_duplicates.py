from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from .common import RegistryFixtures


@tagged("post_install", "-at_install")
class TestDuplicates(RegistryFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Duplicate = cls.env["sp.registry.duplicate"]
        # same person typed twice without accents, no ID, same commune (another village)
        cls.twin = cls.Person.create({
            "name": "NGUYEN VAN AN", "gender": "male", "birthdate": "1985-01-01",
            "birthdate_precision": "year", "area_id": cls.commune_a1.id,
            "phone": "0912345678",
        })
        # same name and year in another commune: not a candidate
        cls.elsewhere = cls.Person.create({
            "name": "Nguyễn Văn An", "gender": "male", "birthdate": "1985-09-09",
            "area_id": cls.commune_a2.id,
        })
        # same commune, same name, another year: not a candidate
        cls.older = cls.Person.create({
            "name": "Nguyễn Văn An", "gender": "male", "birthdate": "1950-09-09",
            "area_id": cls.commune_a1.id,
        })
        # a typo of the name, same commune and year
        cls.typo = cls.Person.create({
            "name": "Nguyen Van Ann", "gender": "male", "birthdate": "1985-03-03",
            "area_id": cls.village_a1.id,
        })

    def _pairs(self):
        return self.Duplicate.search([("individual_a_id", "in", self.all_people.ids + [
            self.twin.id, self.elsewhere.id, self.older.id, self.typo.id])])

    def test_find_set_based(self):
        added = self.Duplicate._sp_find_duplicates()
        pairs = self._pairs()
        self.assertGreaterEqual(added, 3)
        found = {frozenset((p.individual_a_id | p.individual_b_id).ids) for p in pairs}
        self.assertIn(frozenset((self.head_a1 | self.twin).ids), found)
        self.assertIn(frozenset((self.twin | self.typo).ids), found)
        self.assertNotIn(frozenset((self.head_a1 | self.elsewhere).ids), found)
        self.assertNotIn(frozenset((self.head_a1 | self.older).ids), found)
        exact = pairs.filtered(lambda p: p.individual_b_id == self.twin)
        self.assertEqual(exact.score, 1.0)
        self.assertEqual(exact.company_id, self.office_a)
        self.assertEqual(exact.area_id, self.head_a1.area_id)
        # running again adds nothing; a dismissed pair stays dismissed
        exact.action_dismiss()
        self.assertEqual(self.Duplicate._sp_find_duplicates(), 0)
        self.assertEqual(exact.state, "dismissed")

    def test_two_people_with_ids_are_not_duplicates(self):
        self.twin.write({"id_number": "001085054321", "birthdate": "1985-01-01"})
        self.typo.id_number = "001085054322"
        self.Duplicate._sp_find_duplicates()
        found = {frozenset((p.individual_a_id | p.individual_b_id).ids) for p in self._pairs()}
        self.assertNotIn(frozenset((self.twin | self.typo).ids), found)
        self.assertNotIn(frozenset((self.head_a1 | self.twin).ids), found)

    def test_incremental_run(self):
        self.Duplicate._cron_find_duplicates()
        before = len(self._pairs())
        self.Person.create({"name": "Nguyễn Văn  An", "gender": "male",
                            "birthdate": "1985-12-12", "area_id": self.commune_a1.id})
        self.env.cr.execute("UPDATE ir_config_parameter SET value = '2000-01-01 00:00:00' "
                            "WHERE key = 'sp_registry.duplicate_last_run'")
        self.env["ir.config_parameter"].invalidate_model()
        self.Duplicate._cron_find_duplicates()
        self.assertGreater(len(self._pairs()), before)

    def test_merge_keeps_one_and_moves_links(self):
        self.Duplicate._sp_find_duplicates()
        pair = self._pairs().filtered(
            lambda p: (p.individual_a_id | p.individual_b_id) == (self.head_a1 | self.twin))
        event = self.env["sp.registry.event"].create({
            "type": "correction", "individual_id": self.twin.id, "person_name": "x"})
        keep_first = pair.individual_a_id == self.head_a1
        pair.with_user(self.officer_a1)._sp_merge(keep_first=keep_first)
        self.assertEqual(pair.state, "merged")
        self.assertEqual(pair.kept_id, self.head_a1)
        self.assertFalse(self.twin.active)
        self.assertTrue(self.head_a1.active)
        # the kept person gets what only the duplicate had; links now point to the kept person
        self.assertEqual(self.head_a1.phone, "0912345678")
        self.assertEqual(event.individual_id, self.head_a1)
        self.assertTrue(any("Merged with duplicate" in body
                            for body in self.head_a1.message_ids.mapped("body")))
        dedup = self.env["sp.registry.event"].search([("type", "=", "dedup"),
                                                      ("individual_id", "=", self.head_a1.id)])
        self.assertEqual(dedup.old_values["individual_id"], self.twin.id)
        with self.assertRaisesRegex(UserError, "already been reviewed"):
            pair.action_dismiss()

    def test_merge_refuses_two_ids(self):
        self.twin.write({"id_number": "001085054321", "birthdate": "1985-01-01"})
        with self.assertRaisesRegex(UserError, "two people"):
            self.head_a1._sp_merge_duplicate(self.twin)

    def test_review_queue_access(self):
        self.Duplicate._sp_find_duplicates()
        pairs = self._pairs()
        mine = self.Duplicate.with_user(self.officer_a1).search([("id", "in", pairs.ids)])
        self.assertTrue(mine)
        self.assertFalse(mine.filtered(lambda p: p.commune_id != self.commune_a1))
        with self.assertRaises(AccessError):
            pairs[:1].with_user(self.auditor_a).action_dismiss()
        outsider = self.Duplicate.with_user(self.officer_a1).search(
            [("commune_id", "=", self.commune_a2.id)])
        self.assertFalse(outsider)
