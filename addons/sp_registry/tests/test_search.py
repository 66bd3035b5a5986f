from odoo.exceptions import UserError
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

    def test_name_matches_word_starts(self):
        """What an officer expects: any word of the name, from its start, accents and case
        ignored; not the middle of a word."""
        Person = self.Person
        anh = Person.create({"name": "Lê Thị Ánh", "gender": "female", "birthdate": "1960-01-01",
                             "area_id": self.commune_a2.id})
        long_name = Person.create({"name": "Hoàng Thị Minh Ngọc Ân", "gender": "female",
                                   "area_id": self.commune_a2.id})
        scope = [("id", "in", (self.all_people | anh | long_name).ids)]

        def found(text):
            return Person.search(scope + [("name", "ilike", text)])
        self.assertEqual(found("an"), self.head_a1 | anh | long_name)
        self.assertEqual(found("  ÂN "), self.head_a1 | anh | long_name)
        self.assertEqual(found("an nguyen"), Person)
        self.assertEqual(found("guyen"), Person)
        self.assertEqual(found("thi"), self.head_a2 | self.child_a1 | anh | long_name)
        self.assertEqual(found("ngoc an"), long_name)
        self.assertEqual(found("thi h"), self.child_a1)
        self.assertEqual(found("nguyễn văn"), self.head_a1)
        # typed wildcards are not wildcards; without letters, any name matches the pattern
        self.assertEqual(found("ng%an"), Person)
        self.assertEqual(found("%"), Person.search(scope))
        self.assertEqual(Person.search(scope + [("name", "not ilike", "an")]),
                         self.head_a2 | self.head_b1 | self.child_a1)
        # =ilike keeps the pattern as typed, anywhere in the accent-free name
        self.assertEqual(Person.search(scope + [("name", "=ilike", "%guyen%")]),
                         self.head_a1 | self.child_a1)
        # a plain prefix is the range of the b-tree on the whole accent-free name
        self.assertEqual(Person.search(scope + [("name", "=ilike", "NGUYỄN T%")]),
                         self.child_a1)
        self.assertEqual(Person.search(scope + [("name", "=ilike", "nguyen t %")]), Person)
        code = Person._search([("name", "=ilike", "nguyen t%")]).where_clause.code
        self.assertIn("~<~", code)
        self.assertNotIn("LIKE", code)

    def test_name_search_uses_the_word_indexes(self):
        """The condition is the expressions of the b-tree indexes (the full accent-free name,
        and the same from each following word on), written as their ranges."""
        query = self.Person._search([("name", "ilike", "Văn An")])
        code = query.where_clause.code
        self.assertIn('"name_key"', code)
        self.assertNotIn("unaccent", code)
        self.assertEqual(code.count("sp_key_from_word"), 2 * 4)
        self.assertIn("~>=~", code)
        self.assertIn("van an", query.where_clause.params)
        self.assertIn("van ao", query.where_clause.params)
        self.env.cr.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'sp_individual' "
                            "AND indexname LIKE 'sp_individual_name_%%'")
        self.assertEqual({row[0] for row in self.env.cr.fetchall()}, {
            "sp_individual_name_key_prefix", "sp_individual_name_key_trgm",
            "sp_individual_name_word2_prefix", "sp_individual_name_word3_prefix",
            "sp_individual_name_word4_prefix", "sp_individual_name_word5_prefix"})
        # a person field's search (name or personal ID): no scan of the IDs for a name
        code = self.Person._search([("display_name", "ilike", "van an")]).where_clause.code
        self.assertIn("sp_key_from_word", code)
        self.assertNotIn("id_number", code)
        self.assertIn(self.head_b1.id, [r[0] for r in self.Person.name_search("079075")])
        self.env.cr.execute("SELECT sp_name_from_word(%s, 2), sp_name_from_word(%s, 4)",
                            ["  Nguyễn  Văn Ân ", "Nguyễn Văn Ân"])
        self.assertEqual(self.env.cr.fetchone(), ("van an", ""))
        # the stored key the indexes read is the same accent-free name
        self.env["sp.individual"].flush_model()
        self.env.cr.execute("SELECT name_key, sp_key_from_word(name_key, 2) FROM sp_individual "
                            "WHERE id = %s", [self.head_a1.id])
        self.assertEqual(self.env.cr.fetchone(), ("nguyen van an", "van an"))
        self.env.cr.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'sp_individual'")
        definitions = " ".join(row[0] for row in self.env.cr.fetchall())
        self.assertNotIn("unaccent", definitions)

    def test_interactive_reads_without_parallel_workers(self):
        """The People list, a person field's search and the finder run without parallel
        workers, and leave the transaction's setting as it was."""
        cr = self.env.cr

        def setting():
            cr.execute("SELECT current_setting('max_parallel_workers_per_gather')")
            return cr.fetchone()[0]

        cr.execute("SET LOCAL max_parallel_workers_per_gather = 3")
        with self.Person._sp_serial_reads():
            self.assertEqual(setting(), "0")
        self.assertEqual(setting(), "3")
        result = self.Person.web_search_read([("name", "ilike", "an")], {"name": {}},
                                             limit=80, count_limit=10001)
        self.assertIn(self.head_a1.id, [r["id"] for r in result["records"]])
        self.assertIn(self.head_a1.id, [r[0] for r in self.Person.name_search("van an")])
        self.assertIn(self.head_a1, self.Person._sp_find("Nguyen Van An")[0])
        self.assertEqual(setting(), "3")
        with self.assertRaises(UserError), self.Person._sp_serial_reads():
            self.Person._sp_find("")
        self.assertEqual(setting(), "3")

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


@tagged("post_install", "-at_install")
class TestFind(RegistryFixtures, TransactionCase):
    """sp.individual._sp_find: the one way to find a person from what a caller gives."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.head_a1.phone = "0399000101"
        cls.head_a2.legacy_id_number = "012345678"

    def test_find_by_phone_ids_and_household(self):
        Person = self.Person
        self.assertEqual(Person._sp_find("0399 000 101"), (self.head_a1, "phone"))
        self.assertEqual(Person._sp_find("+84399000101"), (self.head_a1, "phone"))
        self.assertEqual(Person._sp_find(self.head_b1.id_number), (self.head_b1, "id_number"))
        self.assertEqual(Person._sp_find("012.345.678"), (self.head_a2, "id_number"))
        self.assertEqual(Person._sp_find(self.hh_a1.code.lower()),
                         (self.head_a1 | self.child_a1, "household"))

    def test_find_by_name(self):
        Person = self.Person
        self.assertEqual(Person._sp_find("NGUYEN VAN AN"), (self.head_a1, "name"))
        self.assertEqual(Person._sp_find("le van cuong 1975"), (self.head_b1, "name"))
        self.assertEqual(Person._sp_find("le van cuong 1976"), (Person, "name"))
        # start of the full name first: 'nguyen' does not bring the people named after it
        self.assertEqual(Person._sp_find("nguyen")[0], self.head_a1 | self.child_a1)
        # then the start of any word, then anywhere
        self.assertEqual(Person._sp_find("thi hoa"), (self.child_a1, "name"))
        self.assertEqual(Person._sp_find("uong"), (self.head_b1, "name"))
        self.assertEqual(len(Person._sp_find("nguyen", limit=1)[0]), 1)

    def test_find_with_the_users_rights(self):
        officer = self.Person.with_user(self.officer_a1)
        self.assertFalse(officer._sp_find("le van cuong")[0])
        self.assertEqual(officer._sp_find("nguyen van an")[0], self.head_a1)

    def test_find_bad_input(self):
        Person = self.Person
        for text, message in (("   ", "Type a phone number"),
                              ("12345", "neither a phone number"),
                              ("an", "at least 3 letters"),
                              ("%_ a", "at least 3 letters"),
                              ("X1001-999999", "No household with the code X1001-999999")):
            with self.subTest(text=text), self.assertRaisesRegex(UserError, message):
                Person._sp_find(text)
