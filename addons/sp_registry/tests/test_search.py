from odoo.tests import TransactionCase, tagged

from .common import RegistryFixtures


@tagged("post_install", "-at_install")
class TestSearch(RegistryFixtures, TransactionCase):
    def test_accent_insensitive_name(self):
        Person = self.Person
        for query in ("nguyen van an", "NGUYỄN VĂN AN", "Nguyễn  Văn", "van an", "nguyễn văn ân"):
            with self.subTest(query=query):
                self.assertIn(self.head_a1, Person.search([("name", "ilike", query)]))
        self.assertNotIn(self.head_a1, Person.search([("name", "not ilike", "nguyen van")]))
        self.assertIn(self.head_a2, Person.search([("name", "not ilike", "nguyen van")]))
        self.assertEqual(Person.search([("name", "=ilike", "tran thi binh")]), self.head_a2)
        ids = [r[0] for r in Person.name_search("dang thi")] + \
            [r[0] for r in Person.name_search("le van cuong")]
        self.assertIn(self.head_b1.id, ids)

    def test_uses_the_trigram_index_expression(self):
        query = self.Person._search([("name", "ilike", "nguyen van an")])
        self.assertIn("sp_unaccent_lower", query.where_clause.code)

    def test_other_keys(self):
        Person = self.Person
        self.head_a1.phone = "0912345678"
        self.assertEqual(Person.search([("phone", "=", "+84 912 345 678")]), self.head_a1)
        self.assertEqual(Person.search([("id_number", "=", "001 085 012 345")]), self.head_a1)
        self.assertEqual(Person.search([("household_id.code", "=", self.hh_b1.code)]), self.head_b1)
        self.assertEqual(self.Household.search([("code", "ilike", self.hh_a2.code)]), self.hh_a2)
        self.assertEqual(
            self.Household.search([("member_ids.name", "ilike", "tran thi")]), self.hh_a2)
        found = self.Household.browse([r[0] for r in self.Household.name_search(self.hh_b1.code)])
        self.assertIn(self.hh_b1, found)
        self.assertEqual(
            Person.search([("commune_id", "child_of", self.commune_a1.id),
                           ("id", "in", self.all_people.ids)]),
            self.head_a1 | self.child_a1)

    def test_reporting_groups(self):
        groups = self.Person._read_group(
            [("id", "in", self.all_people.ids)],
            ["province_id", "gender", "age_band", "ethnicity_id", "poverty_status"], ["__count"])
        self.assertEqual(sum(count for *_g, count in groups), 4)
        views = self.env["ir.ui.view"].search([("model", "=", "sp.individual"),
                                               ("type", "in", ("pivot", "graph"))])
        self.assertEqual(len(views), 2)
        self.Person.get_views([(False, "pivot"), (False, "graph"), (False, "kanban"),
                               (False, "list"), (False, "form"), (False, "search")])
        self.Household.get_views([(False, "pivot"), (False, "graph"), (False, "kanban"),
                                  (False, "list"), (False, "form"), (False, "search")])
        self.env["sp.registry.event"].get_views([(False, "pivot"), (False, "graph"),
                                                 (False, "list"), (False, "form")])
        self.env["sp.registry.duplicate"].get_views([(False, "list"), (False, "form"),
                                                     (False, "search")])
