"""The one check of client input and of where a record is placed (sp_base's sp.input.mixin):
a value the field cannot hold is a ValidationError naming the field, a record created or moved
outside the user's offices and areas an AccessError, through the ORM and over XML-RPC."""
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged

from odoo.addons.sp_base.models.sp_input_mixin import MAX_INTEGER, has_letter
from odoo.addons.sp_base.tests.common import SpCommon, SpFixtures, SpRpcMixin


@tagged("post_install", "-at_install")
class TestInputValues(SpCommon):
    def setUp(self):
        super().setUp()
        self.Record = self.env["sp.test.record"].with_user(self.officer_a1)
        self.rec = self.Record.create({"name": "A1", "area_id": self.commune_a1.id})

    def test_text(self):
        for value, pattern in ((12, "Name: a text is expected"), (["x"], "Name: a text"),
                               ("a\x00b", "Name contains a NUL character")):
            with self.subTest(value=value), self.assertRaisesRegex(ValidationError, pattern):
                self.rec.write({"name": value})
            with self.assertRaisesRegex(ValidationError, pattern):
                self.Record.create({"name": value, "area_id": self.commune_a1.id})
        self.assertEqual(self.rec.name, "A1")

    def test_ids_and_integers(self):
        for value in (2**40, -(2**40), "abc", "5", 1.5, True, [1]):
            with self.subTest(value=value), \
                    self.assertRaisesRegex(ValidationError, "Area: .* not a valid number"):
                self.rec.write({"area_id": value})
        self.rec.write({"area_id": self.village_a1.id})  # an id
        self.rec.write({"area_id": self.commune_a1})  # a record, from server code
        self.assertEqual(self.rec.area_id, self.commune_a1)
        self.assertEqual(MAX_INTEGER, 2**31 - 1)

    def test_selection(self):
        # checked before the step guard answers, even for the superuser
        with self.assertRaisesRegex(ValidationError, r"State: done is not one of the allowed "
                                                     r"values \(draft \(Draft\), approved"):
            self.rec.sudo().write({"state": "done"})

    def test_not_a_field_nor_a_dictionary(self):
        with self.assertRaisesRegex(ValidationError, "nickname is not a field of"):
            self.rec.write({"nickname": "x"})
        with self.assertRaisesRegex(ValidationError, "dictionary"):
            self.rec.write([("name", "x")])

    def test_dates(self):
        Record = self.env["sp.test.record"]
        for value in ("31/02/2020", "2020-02-31", "2020-13-01", "abc", 20200101, "1899-12-31",
                      "2101-01-01 00:00:00"):
            with self.subTest(value=value), \
                    self.assertRaisesRegex(ValidationError, "Created on: .*(not a valid date|"
                                                            "the year .* is outside 1900-2100)"):
                Record._sp_check_input({"create_date": value})
        Record._sp_check_input({"create_date": "2020-02-29 10:00:00"})

    def test_numbers(self):
        Record = self.env["sp.test.record"]
        for value in (float("nan"), float("inf"), -float("inf"), 1e308, "12", True):
            with self.subTest(value=value), self.assertRaises(ValidationError):
                Record._sp_check_number("name", value)
        with self.assertRaisesRegex(ValidationError, "outside"):
            Record._sp_check_number("name", 2e12)
        Record._sp_check_number("name", 1e12)

    def test_names_and_contacts(self):
        self.assertTrue(has_letter("Đỗ"))
        self.assertTrue(has_letter("X-1"))
        for text in ("", "   ", "12345", "-.-", None):
            self.assertFalse(has_letter(text))
            with self.subTest(text=text), self.assertRaisesRegex(ValidationError, "Name: .*not a name"):
                self.Record._sp_check_person_name("name", text)
        self.Record._sp_check_person_name("name", "Nguyễn Văn A")
        self.assertEqual(self.Record._sp_contact_for(self.office_a), self.office_a.name)
        self.assertNotIn(self.office_b.name, self.Record._sp_contact_for(self.office_b))
        self.assertIn("central office", self.Record._sp_contact_for(False))


@tagged("post_install", "-at_install")
class TestInputScope(SpCommon):
    def setUp(self):
        super().setUp()
        self.Record = self.env["sp.test.record"].with_user(self.officer_a1)
        self.rec = self.Record.create({"name": "A1", "area_id": self.commune_a1.id})

    def test_create_outside_the_users_office_or_areas(self):
        with self.assertRaisesRegex(AccessError, "outside the province offices you work for"):
            self.Record.create({"name": "x", "area_id": self.commune_b1.id})
        with self.assertRaisesRegex(AccessError, r"Xã Thử A2.*outside your work areas \(.*Xã "
                                                 r"Thử A 1"):
            self.Record.create({"name": "x", "area_id": self.commune_a2.id})
        with self.assertRaisesRegex(AccessError, "no area"):
            self.Record.create({"name": "x", "company_id": self.office_a.id})
        with self.assertRaisesRegex(AccessError, "outside the province offices"):
            self.env["sp.test.record"].with_user(self.manager_a).create(
                {"name": "x", "company_id": self.office_b.id})

    def test_move_outside_refused_inside_accepted(self):
        with self.assertRaisesRegex(AccessError, "outside your work areas"):
            self.rec.write({"area_id": self.commune_b1.id})
        with self.assertRaisesRegex(AccessError, "outside your work areas"):
            self.rec.write({"area_id": self.commune_a2.id})
        self.assertEqual(self.rec.area_id, self.commune_a1)
        self.rec.write({"area_id": self.village_a1.id})
        self.assertEqual(self.rec.area_id, self.village_a1)
        manager_rec = self.rec.with_user(self.manager_a)
        manager_rec.write({"area_id": self.commune_a2.id})  # the whole province is theirs
        with self.assertRaisesRegex(AccessError, "outside the province offices"):
            manager_rec.write({"area_id": self.commune_b1.id})
        self.assertEqual(self.rec.area_id, self.commune_a2)

    def test_superuser_and_steps_are_not_limited(self):
        other = self.env["sp.test.record"].create({"name": "B1", "area_id": self.commune_b1.id})
        self.assertEqual(other.company_id, self.office_b)
        self.rec.sudo().write({"area_id": self.commune_b1.id})
        self.assertEqual(self.rec.area_id, self.commune_b1)

    def test_the_area_is_named_only_to_who_may_read_it(self):
        record = self.rec.with_user(self.officer_a1)
        self.assertEqual(record._sp_area_name(self.commune_b1, "?"), self.commune_b1.display_name)
        portal = self.env["res.users"].create({
            "name": "Portal", "login": "sp_portal_input", "company_id": self.office_a.id,
            "company_ids": [(6, 0, self.office_a.ids)],
            "groups_id": [(6, 0, self.env.ref("base.group_portal").ids)]})
        self.assertEqual(record.with_user(portal)._sp_area_name(self.commune_b1, "?"), "?")

    def test_area_in_scope(self):
        Record = self.Record
        self.assertTrue(Record._sp_area_in_scope(self.village_a1))
        self.assertFalse(Record._sp_area_in_scope(self.commune_a2))
        self.assertFalse(Record._sp_area_in_scope(self.commune_b1))
        self.assertTrue(Record.sudo()._sp_area_in_scope(self.commune_b1))
        self.assertTrue(Record.with_user(self.manager_a)._sp_area_in_scope(self.commune_a2))


@tagged("post_install", "-at_install")
class TestInputGuardRpc(SpFixtures, SpRpcMixin, HttpCase):
    def test_forged_values_and_moves_over_rpc(self):
        rec = self.env["sp.test.record"].create({"name": "A1", "area_id": self.commune_a1.id})
        for vals, pattern in (({"name": 12}, "a text is expected"),
                              ({"area_id": "abc"}, "not a valid number"),
                              ({"area_id": self.commune_b1.id}, "outside")):
            with self.subTest(vals=vals), self.assertRaisesRegex(Exception, pattern):
                self._rpc(self.officer_a1, "sp.test.record", "write", [rec.id], vals)
        rec.invalidate_recordset()
        self.assertEqual((rec.name, rec.area_id), ("A1", self.commune_a1))
