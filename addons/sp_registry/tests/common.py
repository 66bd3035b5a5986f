"""Registry fixtures on top of sp_base's: households and people in communes A1, A2 (province A)
and B1 (province B), made through the ORM."""
import contextlib

from odoo.addons.sp_base.tests.common import SpFixtures


class RegistryFixtures(SpFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Household = cls.env["sp.household"]
        cls.Person = cls.env["sp.individual"]
        cls.kinh = cls.env.ref("sp_registry.sp_ethnicity_01")
        cls.hh_a1 = cls._sp_household(cls.village_a1, "Nguyễn Văn An", "001085012345")
        cls.hh_a2 = cls._sp_household(cls.commune_a2, "Trần Thị Bình", "001190012345",
                                      gender="female", birthdate="1990-03-04")
        cls.hh_b1 = cls._sp_household(cls.commune_b1, "Lê Văn Cường", "079075012345",
                                      birthdate="1975-07-08")
        cls.head_a1, cls.head_a2, cls.head_b1 = (
            cls.hh_a1.head_id, cls.hh_a2.head_id, cls.hh_b1.head_id)
        cls.child_a1 = cls.Person.create({
            "name": "Nguyễn Thị Hoa", "gender": "female", "birthdate": "2015-01-01",
            "birthdate_precision": "year", "relationship": "child", "household_id": cls.hh_a1.id,
        })
        cls.all_households = cls.hh_a1 | cls.hh_a2 | cls.hh_b1
        cls.all_people = cls.all_households.member_ids

    def assertRaisesRegex(self, exception, regex, *args, **kwargs):
        """Like Odoo's assertRaises: the failed operation is rolled back (savepoint), so the
        test goes on with a clean cache and database."""
        if args or kwargs:
            return super().assertRaisesRegex(exception, regex, *args, **kwargs)
        return self._sp_rolled_back(super().assertRaisesRegex(exception, regex))

    @contextlib.contextmanager
    def _sp_rolled_back(self, raises):
        with raises as cm, self.env.cr.savepoint():
            yield cm

    @classmethod
    def _sp_household(cls, area, head_name, id_number=False, gender="male",
                      birthdate="1985-05-02", **vals):
        household = cls.env["sp.household"].create({"area_id": area.id, **vals})
        cls.env["sp.individual"].create({
            "name": head_name, "gender": gender, "birthdate": birthdate,
            "id_number": id_number, "relationship": "head", "household_id": household.id,
            "ethnicity_id": cls.env.ref("sp_registry.sp_ethnicity_01").id,
        })
        return household
