"""Poverty fixtures: two test standards (2022-2026 and 2027-2030 shapes, with the thresholds of
Vietnam's decrees) on test indicators, the other standards archived so that the tests do not
depend on the Vietnam data being installed; commune A1 rural (xã), A2 urban (phường)."""
from odoo.tests import TransactionCase

from odoo.addons.sp_registry.tests.common import RegistryFixtures


class PovertyFixtures(RegistryFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Standard = cls.env["sp.poverty.standard"]
        cls.Assessment = cls.env["sp.poverty.assessment"]
        cls.Campaign = cls.env["sp.poverty.campaign"]
        cls.Standard.search([]).active = False
        for division_type, area_type in (("xã", "rural"), ("phường", "urban")):
            mapping = cls.env["sp.poverty.area.type"].search(
                [("division_type", "=", division_type)])
            if mapping:
                mapping.area_type = area_type
            else:
                mapping.create({"division_type": division_type, "area_type": area_type})
        (cls.commune_a1 | cls.commune_b1).division_type = "xã"
        cls.commune_a2.division_type = "phường"
        cls.ind = {
            n: cls.env["sp.poverty.indicator"].create({
                "code": "T%02d" % n, "name": "Test indicator %s" % n,
                "dimension": "information" if n in (11, 12, 13) else "housing",
            }) for n in range(1, 15)
        }
        cls.std_2026 = cls.Standard.create({
            "name": "Test 2022-2026", "date_from": "2022-01-01", "date_to": "2026-12-31",
            "threshold_rural": 1500000, "threshold_urban": 2000000,
            "middle_rural": 2250000, "middle_urban": 3000000, "min_deprivations": 3,
            "indicator_ids": [(6, 0, [cls.ind[n].id for n in range(1, 13)])],
        })
        cls.std_2027 = cls.Standard.create({
            "name": "Test 2027-2030", "date_from": "2027-01-01", "date_to": "2030-12-31",
            "threshold_rural": 2200000, "threshold_urban": 2800000, "min_deprivations": 3,
            "indicator_ids": [(6, 0, [cls.ind[n].id for n in (*range(1, 12), 13, 14)])],
        })

    @classmethod
    def _assess(cls, household, income, deprived=(), year=2026, **vals):
        return cls.env["sp.poverty.assessment"].create({
            "household_id": household.id, "year": year, "income_per_capita": income,
            "deprived_indicator_ids": [(6, 0, [cls.ind[n].id for n in deprived])], **vals,
        })


class PovertyCommon(PovertyFixtures, TransactionCase):
    pass
