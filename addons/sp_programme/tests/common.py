"""Fixtures of sp_programme's tests: three generic programmes built like the Vietnamese ones
(an allowance with age, poverty, disability and single-parent categories, a pension sharing its
exclusivity group, a cumulative education benefit), on sp_base's offices, areas and users.

The Vietnamese programme data itself is tested in sp_vn_programme."""
import contextlib
import datetime

from odoo import Command, fields

from odoo.addons.sp_base.tests.common import SpFixtures

D = fields.Date.to_date


def month(text):
    """'2024-07' -> date(2024, 7, 1)."""
    return D(text + "-01")


class ProgrammeFixtures(SpFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Enrolment = env["sp.enrolment"]
        cls.Entitlement = env["sp.entitlement"]
        cls.difficult = env["sp.area.type"].create({"code": "T-DBKK", "name": "Difficult"})
        cls.commune_a2.sp_area_type_ids = cls.difficult
        cls.manager_a2 = cls._sp_user("sp_manager_a2", "sp_base.group_province_manager",
                                      cls.office_a)
        cls.manager_b = cls._sp_user("sp_manager_b", "sp_base.group_province_manager",
                                     cls.office_b)
        cls.officer_b1 = cls._sp_user("sp_officer_b1", "sp_base.group_commune_officer",
                                      cls.office_b, areas=cls.commune_b1)
        cls.admin_user = cls._sp_user("sp_admin", "sp_base.group_admin", cls.central,
                                      cls.central | cls.office_a | cls.office_b)
        Programme = env["sp.programme"]
        cls.allowance = Programme.create({
            "name": "Test allowance", "code": "TA", "funeral_coefficient": 20})
        cls.pension = Programme.create({
            "name": "Test pension", "code": "TP", "funeral_coefficient": 20})
        cls.education = Programme.create({"name": "Test education", "code": "TE"})
        cls.c1 = cls._category(cls.allowance, "C1", 10, [(0, 4, 2.5), (4, 16, 1.5)])
        cls.c4 = cls._category(cls.allowance, "C4", 40, [(0, 0, 1.0)], per_dependant=True,
                               household_member_age_max=16, poverty_requirement="poor_near_poor")
        cls.c5 = cls._category(cls.allowance, "C5", 50, [(60, 80, 1.5), (80, 0, 2.0)],
                               poverty_requirement="poor")
        cls.c5b = cls._category(cls.allowance, "C5B", 51, [(75, 80, 1.0)],
                                age_rule="birthday_month", start_rule="age",
                                poverty_requirement="poor_near_poor",
                                area_type_ids=[Command.set(cls.difficult.ids)])
        cls.c6 = cls._category(cls.allowance, "C6", 60, [
            (0, 16, 2.0, "severe"), (16, 60, 1.5, "severe"), (60, 0, 2.0, "severe"),
            (0, 16, 2.5, "particularly_severe"), (16, 60, 2.0, "particularly_severe"),
            (60, 0, 2.5, "particularly_severe")], start_rule="certificate")
        cls.c4.cumulative_with_ids = cls.c5 | cls.c5b | cls.c6
        cls.p75 = cls._category(cls.pension, "P75", 5, [(75, 0, 1.0)],
                                age_rule="birthday_month", start_rule="age")
        cls.e1 = cls._category(cls.education, "E1", 10, [(6, 16, 1.0)], exclusivity_group=False)
        Level = env["sp.standard.level"]
        for programme, date, amount, province in (
                (cls.allowance, "2015-01-01", 270000, None),
                (cls.allowance, "2021-07-01", 360000, None),
                (cls.allowance, "2024-07-01", 500000, None),
                (cls.allowance, "2026-01-01", 600000, cls.prov_a),
                (cls.pension, "2025-07-01", 500000, None),
                (cls.education, "2021-01-01", 150000, None)):
            Level.create({"programme_id": programme.id, "date_from": date, "amount": amount,
                          "scope": "province" if province else "national",
                          "province_id": province.id if province else False})
        cls.hh_poor_a1 = cls._household(cls.village_a1, "poor")
        cls.hh_near_a2 = cls._household(cls.commune_a2, "near_poor")
        cls.hh_none_b1 = cls._household(cls.commune_b1, "none")
        cls.hh_poor_b1 = cls._household(cls.commune_b1, "poor")

    # ------------------------------------------------------------------ builders
    @classmethod
    def _category(cls, programme, code, sequence, bands, exclusivity_group="social", **vals):
        category = cls.env["sp.benefit.category"].create({
            "programme_id": programme.id, "code": code, "name": "Category " + code,
            "sequence": sequence, "exclusivity_group": exclusivity_group, **vals})
        cls.env["sp.benefit.band"].create([{
            "category_id": category.id, "date_from": "2015-01-01", "age_min": band[0],
            "age_max": band[1], "coefficient": band[2],
            "disability_level": band[3] if len(band) > 3 else False,
        } for band in bands])
        return category

    @classmethod
    def _household(cls, area, poverty_status):
        return cls.env["sp.household"].create({"area_id": area.id,
                                               "poverty_status": poverty_status})

    @classmethod
    def _person(cls, name, birthdate, household, gender="male", relationship="other", **vals):
        return cls.env["sp.individual"].create({
            "name": name, "birthdate": birthdate, "gender": gender,
            "household_id": household.id, "relationship": relationship, **vals})

    def _application(self, person, programme, categories, **vals):
        return self.Enrolment.create({
            "programme_id": programme.id, "individual_id": person.id,
            "category_ids": [Command.set(categories.ids)],
            "application_date": vals.pop("application_date", "2015-01-05"), **vals})

    def _decision(self, programme, date, number="QĐ-1", decision_type="grant", area=None):
        return self.env["sp.decision"].create({
            "name": number, "decision_date": date, "signer": "Chủ tịch UBND xã",
            "programme_id": programme.id, "decision_type": decision_type,
            "area_id": area.id if area else False})

    def _activate(self, enrolments, decision_date, date_start=None, approver=None):
        """Submit, verify and approve (one stage) with a decision of ``decision_date``."""
        enrolments.action_submit()
        enrolments.write({"popdb_status": "matched"})
        enrolments.action_verify()
        approver = approver or self.central_officer
        decision = self._decision(enrolments.programme_id[:1], decision_date)
        enrolments.with_user(approver).action_approve(
            decision=decision.with_user(approver), date_start=date_start)
        return enrolments

    def _enrol(self, person, programme, categories, decision_date="2015-01-20", start=None,
               **vals):
        enrolment = self._application(person, programme, categories, **vals)
        return self._activate(enrolment, decision_date, date_start=start)

    # ------------------------------------------------------------------ checks
    def _amount(self, enrolment, text):
        return enrolment._sp_entitlement(month(text))["amount"]

    def _row(self, enrolment, text):
        return self.Entitlement.search([("enrolment_id", "=", enrolment.id),
                                        ("period", "=", month(text))])

    def assertRaisesRegex(self, exception, regex, *args, **kwargs):
        """The failed operation is rolled back (savepoint): the test goes on cleanly."""
        if args or kwargs:
            return super().assertRaisesRegex(exception, regex, *args, **kwargs)
        return self._sp_in_savepoint(super().assertRaisesRegex(exception, regex))

    @contextlib.contextmanager
    def _sp_in_savepoint(self, checker):
        with checker as cm, self.env.cr.savepoint():
            yield cm


def months(start, stop):
    """['2024-05', '2024-06', ...] from start to stop included."""
    out, day = [], month(start)
    while day <= month(stop):
        out.append(day.strftime("%Y-%m"))
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return out
