"""Monthly entitlements: levels, bands, overlap rules, arrears, funeral support, transfers;
the set-based computation against the per-record one."""
from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged

from .common import ProgrammeFixtures, month, months


@freeze_time("2026-11-20")
@tagged("post_install", "-at_install")
class TestEntitlement(ProgrammeFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.elder_a = cls._person("Elder A", "1950-01-10", cls.hh_poor_a1)
        cls.elder_b = cls._person("Elder B", "1950-01-10", cls.hh_poor_b1)
        cls.turns_80_b = cls._person("Turns 80 B", "1946-03-15", cls.hh_poor_b1)

    def _check_same(self, enrolments, period):
        """The set-based rows of ``period`` equal the per-record computation."""
        for enrolment in enrolments:
            expected = enrolment._sp_entitlement(month(period))
            row = self._row(enrolment, period)
            with self.subTest(enrolment=enrolment.display_name, period=period):
                self.assertEqual(row.amount if row else 0.0, expected["amount"])
                self.assertEqual(row.arrears_amount if row else 0.0, expected["arrears_amount"])
                self.assertEqual(row.oneoff_amount if row else 0.0, expected["oneoff_amount"])
                if row:
                    lines = expected["lines"] if len(expected["lines"]) > 1 else []
                    self.assertEqual(row.category_id.id, expected["category_id"])
                    self.assertAlmostEqual(row.coefficient, expected["coefficient"])
                    self.assertEqual(row.standard_level, expected["standard_level"])
                    self.assertEqual(
                        [(line["code"], line["amount"], line["paid"])
                         for line in row.breakdown or []],
                        [(line["code"], line["amount"], line["paid"]) for line in lines])
                    self.assertEqual(sorted((a.period, a.amount) for a in row.arrear_ids),
                                     sorted((a["period"], a["amount"])
                                            for a in expected["arrears"]))

    def _compute(self, enrolments, period):
        self.Entitlement._sp_compute_period(month(period), enrolments=enrolments)
        self._check_same(enrolments, period)

    def test_levels_and_bands_by_month(self):
        """Standard levels around 1 Jul 2021, 1 Jul 2024 and the provincial level of 2026; an
        age band crossed at 80 (month after the birthday)."""
        enrol_a = self._enrol(self.elder_a, self.allowance, self.c5)
        enrol_b = self._enrol(self.elder_b, self.allowance, self.c5)
        enrol_80 = self._enrol(self.turns_80_b, self.allowance, self.c5)
        # (enrolment, month, amount)
        cases = [
            (enrol_a, "2015-01", 405000), (enrol_a, "2021-06", 405000),
            (enrol_a, "2021-07", 540000), (enrol_a, "2024-06", 540000),
            (enrol_a, "2024-07", 750000), (enrol_a, "2025-12", 750000),
            (enrol_a, "2026-01", 900000),  # province A: 600,000 > 500,000
            (enrol_b, "2026-01", 750000),  # province B: the national level
            (enrol_80, "2026-02", 750000), (enrol_80, "2026-03", 750000),  # birthday month
            (enrol_80, "2026-04", 1000000),  # the month after: 80+ band, 2.0
        ]
        for enrolment, period, amount in cases:
            with self.subTest(person=enrolment.individual_id.name, period=period):
                self.assertEqual(self._amount(enrolment, period), amount)
                self._compute(enrolment, period)
                self.assertEqual(self._row(enrolment, period).amount, amount)
        self.assertEqual(self._row(enrol_a, "2026-01").standard_level, 600000)

    def test_birthday_rules(self):
        """The programme's rule (month after the birthday) for C1; C5B starts in the month of
        the 75th birthday and ends in the month of the 80th (category rule)."""
        child = self._person("Child", "2020-05-20", self.hh_poor_a1)
        young = self._person("Turns 75", "1950-05-10", self.hh_near_a2)
        old = self._person("Turns 80", "1945-08-10", self.hh_near_a2)
        enrol_child = self._enrol(child, self.allowance, self.c1, application_date="2020-06-01",
                                  decision_date="2020-06-10")
        enrol_young = self._enrol(young, self.allowance, self.c5b, application_date="2025-05-02",
                                  decision_date="2025-05-08")
        enrol_old = self._enrol(old, self.allowance, self.c5b, application_date="2025-01-02",
                                decision_date="2025-01-08")
        cases = [
            (enrol_child, "2024-04", 900000), (enrol_child, "2024-05", 900000),
            (enrol_child, "2024-06", 540000), (enrol_child, "2024-07", 750000),
            (enrol_young, "2025-05", 500000),
            (enrol_old, "2025-07", 500000), (enrol_old, "2025-08", 0),
        ]
        for enrolment, period, amount in cases:
            with self.subTest(person=enrolment.individual_id.name, period=period):
                self.assertEqual(self._amount(enrolment, period), amount)
        self.allowance.age_rule = "birthday_month"
        self.assertEqual(self._amount(enrol_child, "2024-05"), 540000)

    def test_highest_of_and_single_parent(self):
        """Only the highest category is paid, except the single parent (C4, per child) who
        also receives their own elderly or disability benefit."""
        parent = self._person("Parent", "1960-06-01", self.hh_poor_a1, disability_level="severe",
                              disability_certificate_date="2020-01-10")
        self._person("Child 1", "2015-06-01", self.hh_poor_a1, relationship="child")
        self._person("Child 2", "2017-06-01", self.hh_poor_a1, relationship="child")
        enrolment = self._enrol(parent, self.allowance, self.c4 | self.c5 | self.c6,
                                application_date="2021-01-05", decision_date="2021-01-20",
                                dependant_count=2)
        result = enrolment._sp_entitlement(month("2021-01"))
        paid = {line["code"]: line["amount"] for line in result["lines"] if line["paid"]}
        self.assertEqual(paid, {"C4": 540000, "C6": 540000})  # C5 (405,000) is not paid
        self.assertEqual(result["amount"], 1080000)
        self.assertEqual(result["coefficient"], 4.0)
        self._compute(enrolment, "2021-01")
        self.assertEqual(self._row(enrolment, "2021-01").amount, 1080000)
        other = self._person("Elder", "1950-01-10", self.hh_poor_a1, disability_level="severe",
                             disability_certificate_date="2020-01-10")
        without_c4 = self._enrol(other, self.allowance, self.c5 | self.c6,
                                 application_date="2021-01-05", decision_date="2021-01-20")
        self.assertEqual(self._amount(without_c4, "2021-01"), 540000)  # C6 2.0 > C5 1.5

    def test_pension_and_allowance_pay_the_higher(self):
        poor_80 = self._person("Poor 80", "1944-02-10", self.hh_poor_b1)
        allowance = self._enrol(poor_80, self.allowance, self.c5)
        pension = self._enrol(poor_80, self.pension, self.p75, application_date="2025-07-02",
                              decision_date="2025-07-10")
        self.assertEqual(self._amount(allowance, "2025-07"), 1000000)
        self.assertEqual(self._amount(pension, "2025-07"), 0)
        self._compute(allowance | pension, "2025-07")
        self.assertFalse(self._row(pension, "2025-07"))
        # Near-poor, 76, in a difficult commune of province A: C5B 1.0 x level vs pension.
        near = self._person("Near 76", "1949-03-03", self.hh_near_a2)
        c5b = self._enrol(near, self.allowance, self.c5b, application_date="2025-07-02",
                          decision_date="2025-07-10")
        pension_near = self._enrol(near, self.pension, self.p75, application_date="2025-07-02",
                                   decision_date="2025-07-10")
        cases = [("2025-07", 0, 500000),  # tie: the pension (lower sequence) is paid
                 ("2026-01", 600000, 0)]  # province A raises the allowance above the pension
        for period, allowance_amount, pension_amount in cases:
            with self.subTest(period=period):
                self.assertEqual(self._amount(c5b, period), allowance_amount)
                self.assertEqual(self._amount(pension_near, period), pension_amount)
                self._compute(c5b | pension_near, period)

    def test_level_rise_published_late_pays_arrears(self):
        """1 Jul 2026: 540,000 published in October, applying from July: Jul-Sep are paid the
        difference with October. Province A (600,000) is above it: no arrears there."""
        enrol_b = self._enrol(self.elder_b, self.allowance, self.c5)
        enrol_a = self._enrol(self.elder_a, self.allowance, self.c5)
        both = enrol_a | enrol_b
        for period in months("2026-06", "2026-09"):
            self._compute(both, period)
        self.assertEqual(self._row(enrol_b, "2026-08").amount, 750000)
        self.env["sp.standard.level"].create({
            "programme_id": self.allowance.id, "date_from": "2026-07-01", "amount": 540000})
        self.assertEqual(enrol_b.arrears_from, month("2026-07"))
        self._compute(both, "2026-10")
        row = self._row(enrol_b, "2026-10")
        self.assertEqual(row.amount, 810000)
        self.assertEqual(row.arrears_amount, 3 * 60000)
        self.assertEqual(sorted(row.arrear_ids.mapped("period")),
                         [month("2026-07"), month("2026-08"), month("2026-09")])
        self.assertEqual(self._row(enrol_a, "2026-10").arrears_amount, 0)
        self.assertEqual(self._row(enrol_a, "2026-10").amount, 900000)
        self.assertFalse(enrol_b.arrears_from)
        # Recomputing October gives the same rows; November owes nothing more.
        self._compute(both, "2026-10")
        self.assertEqual(self._row(enrol_b, "2026-10").arrears_amount, 180000)
        self._compute(both, "2026-11")
        self.assertEqual(self._row(enrol_b, "2026-11").arrears_amount, 0)
        self.assertEqual(enrol_b.monthly_amount, 810000)

    def test_level_rise_of_july_2024_in_time(self):
        enrolment = self._enrol(self.elder_b, self.allowance, self.c5)
        for period in months("2024-05", "2024-08"):
            self._compute(enrolment, period)
        self.assertEqual(
            [self._row(enrolment, p).amount for p in months("2024-05", "2024-08")],
            [540000, 540000, 750000, 750000])
        self.assertFalse(self._row(enrolment, "2024-08").arrears_amount)

    def test_retroactive_decision_pays_arrears(self):
        person = self._person("Late decision", "1950-01-10", self.hh_poor_b1)
        enrolment = self._application(person, self.allowance, self.c5,
                                      application_date="2026-06-10")
        self._activate(enrolment, "2026-10-05", date_start=month("2026-07"))
        self.assertEqual(enrolment.date_start, month("2026-07"))
        self.assertEqual(enrolment.arrears_from, month("2026-07"))
        self._compute(enrolment, "2026-10")
        row = self._row(enrolment, "2026-10")
        self.assertEqual((row.amount, row.arrears_amount), (750000, 3 * 750000))
        self.assertEqual(row.total_amount, 4 * 750000)

    def test_pension_granted_retroactively_supersedes_allowance(self):
        """The pension (raised to 700,000) is granted in October from July; the allowance
        already paid for Jul-Sep offsets its arrears: no month is paid twice."""
        self.env["sp.standard.level"].create({
            "programme_id": self.pension.id, "date_from": "2025-08-01", "amount": 700000})
        near = self._person("Near 76", "1949-03-03", self.hh_near_a2)
        allowance = self._enrol(near, self.allowance, self.c5b, application_date="2025-07-02",
                                decision_date="2025-07-10")
        for period in months("2025-07", "2025-09"):
            self._compute(allowance, period)
        pension = self._application(near, self.pension, self.p75, application_date="2025-07-05")
        self._activate(pension, "2025-10-06", date_start=month("2025-07"))
        self._compute(allowance | pension, "2025-10")
        row = self._row(pension, "2025-10")
        # July: pension 500,000 ties with the allowance (already paid): nothing owed.
        # Aug, Sep: pension 700,000 minus the allowance's 500,000 already paid.
        self.assertEqual(row.amount, 700000)
        self.assertEqual(row.arrears_amount, 2 * 200000)
        self.assertFalse(self._row(allowance, "2025-10"))

    def test_suspension_and_resumption(self):
        enrolment = self._enrol(self.elder_b, self.allowance, self.c5)
        self._compute(enrolment, "2026-02")
        enrolment.action_suspend("not_collected", month("2026-03"))
        self.assertEqual(enrolment.state, "suspended")
        self._compute(enrolment, "2026-03")
        self.assertFalse(self._row(enrolment, "2026-03"))
        enrolment.action_resume(month("2026-05"), pay_back=True)
        self._compute(enrolment, "2026-05")
        row = self._row(enrolment, "2026-05")
        self.assertEqual((row.amount, row.arrears_amount), (750000, 2 * 750000))
        # Without paying back, the suspended months stay unpaid.
        enrolment.action_suspend("detention", month("2026-06"))
        enrolment.action_resume(month("2026-08"))
        self._compute(enrolment, "2026-08")
        self.assertEqual(self._row(enrolment, "2026-08").arrears_amount, 0)
        self.assertEqual(self._amount(enrolment, "2026-07"), 0)

    def test_death_stops_after_the_month_and_pays_funeral_once(self):
        person = self._person("Dies", "1944-02-10", self.hh_poor_b1)
        allowance = self._enrol(person, self.allowance, self.c5)
        pension = self._enrol(person, self.pension, self.p75, application_date="2025-07-02",
                              decision_date="2025-07-10")
        person.date_of_death = "2026-03-15"
        self.assertEqual((allowance.state, pension.state), ("terminated", "terminated"))
        self.assertEqual(allowance.termination_reason, "death")
        self.assertEqual(allowance.date_end.isoformat(), "2026-03-31")
        self.assertEqual(allowance.funeral_amount, 20 * 500000)
        self.assertFalse(pension.funeral_amount)
        self.assertEqual(allowance.funeral_period, month("2026-04"))
        both = allowance | pension
        self._compute(both, "2026-03")
        self.assertEqual(self._row(allowance, "2026-03").amount, 1000000)
        self._compute(both, "2026-04")
        row = self._row(allowance, "2026-04")
        self.assertEqual((row.amount, row.oneoff_amount), (0, 10000000))
        self._compute(both, "2026-04")
        self.assertEqual(self._row(allowance, "2026-04").oneoff_amount, 10000000)
        self._compute(both, "2026-05")
        self.assertFalse(self._row(allowance, "2026-05"))

    def test_transfer_no_gap_no_double(self):
        household = self._household(self.village_a1, "poor")
        person = self._person("Mover", "1950-01-10", household)
        old = self._enrol(person, self.allowance, self.c5)
        household.area_id = self.commune_b1  # the registry records the move first
        self.assertEqual(old.area_id, self.village_a1)
        with freeze_time("2026-04-02"):
            new = old.action_transfer(self.commune_b1, month("2026-03"))
        self.assertEqual(old.state, "terminated")
        self.assertEqual(old.date_end.isoformat(), "2026-03-31")
        self.assertEqual((new.state, new.date_start), ("approval", month("2026-04")))
        self.assertEqual(new.company_id, self.office_b)
        decision = self._decision(self.allowance, "2026-05-11", area=self.commune_b1)
        new.with_user(self.manager_b).action_approve(decision=decision)
        self.assertEqual(new.date_start, month("2026-04"))
        for period in months("2026-02", "2026-06"):
            self._compute(old | new, period)
        rows = self.Entitlement.search([("individual_id", "=", person.id)])
        paid = {}
        for row in rows:
            paid.setdefault(row.period, 0.0)
            paid[row.period] += row.amount
            for arrear in row.arrear_ids:
                paid.setdefault(arrear.period, 0.0)
                paid[arrear.period] += arrear.amount
        # Feb, Mar in A (900,000), Apr (arrears in May) and May, Jun in B (750,000).
        self.assertEqual(paid, {
            month("2026-02"): 900000, month("2026-03"): 900000, month("2026-04"): 750000,
            month("2026-05"): 750000, month("2026-06"): 750000})

    def test_adjustment_keeps_history(self):
        person = self._person("Adjusted", "1950-01-10", self.hh_poor_b1,
                              disability_level="particularly_severe",
                              disability_certificate_date="2026-01-15")
        enrolment = self._enrol(person, self.allowance, self.c5)
        self._compute(enrolment, "2026-01")
        enrolment.action_adjust(month("2026-02"), categories=self.c5 | self.c6,
                                disability_level="particularly_severe")
        self.assertEqual(enrolment.monthly_amount, 1250000)  # C6 2.5 > C5 1.5
        self.assertEqual(self._amount(enrolment, "2026-01"), 750000)
        self.assertEqual(self._amount(enrolment, "2026-02"), 1250000)
        # A retroactive rise recomputes January with the categories of January.
        self.env["sp.standard.level"].create({
            "programme_id": self.allowance.id, "date_from": "2026-01-01", "amount": 520000})
        self._compute(enrolment, "2026-02")
        row = self._row(enrolment, "2026-02")
        self.assertEqual((row.amount, row.arrears_amount), (1300000, 30000))

    def test_certificate_month(self):
        person = self._person("Certified", "1990-01-10", self.hh_poor_b1,
                              disability_level="severe", disability_certificate_date="2026-03-20")
        enrolment = self._application(person, self.allowance, self.c6,
                                      application_date="2026-02-10")
        self._activate(enrolment, "2026-05-04")
        self.assertEqual(enrolment.date_start, month("2026-03"))  # certificate month
        self.assertEqual(enrolment.arrears_from, month("2026-03"))
        self._compute(enrolment, "2026-05")
        self.assertEqual(self._row(enrolment, "2026-05").arrears_amount, 2 * 750000)

    def test_idempotent_and_confirmed_rows_stay(self):
        enrolments = self._enrol(self.elder_b, self.allowance, self.c5) | self._enrol(
            self.elder_a, self.allowance, self.c5)
        first = self.Entitlement._sp_compute_period(month("2026-09"), enrolments=enrolments)
        second = self.Entitlement._sp_compute_period(month("2026-09"), enrolments=enrolments)
        self.assertEqual((first["rows"], first["amount"]), (2, 1650000))
        self.assertEqual((second["rows"], second["amount"]), (2, 1650000))
        self.assertEqual(self.Entitlement.search_count([("period", "=", month("2026-09")),
                                                        ("enrolment_id", "in", enrolments.ids)]), 2)
        locked = self.Entitlement._sp_confirm_period(month("2026-09"),
                                                     [("enrolment_id", "in", enrolments.ids)])
        self.assertEqual(len(locked), 2)
        self.env["sp.standard.level"].create({
            "programme_id": self.allowance.id, "date_from": "2026-09-01", "amount": 540000})
        self.Entitlement._sp_compute_period(month("2026-09"), enrolments=enrolments)
        self.assertEqual(self._row(enrolments[0], "2026-09").amount, 750000)
        self._compute(enrolments, "2026-10")
        self.assertEqual(self._row(enrolments[0], "2026-10").arrears_amount, 60000)

    def test_orm_path_matches(self):
        """The per-record ORM path stores the same rows as the set-based one."""
        people = [self._person("P%s" % i, "19%s-0%s-10" % (40 + i * 3, 1 + i % 9),
                               self.hh_poor_b1 if i % 2 else self.hh_poor_a1) for i in range(6)]
        enrolments = self.Enrolment.browse()
        for person in people:
            enrolments |= self._enrol(person, self.allowance, self.c5,
                                      application_date="2021-01-05", decision_date="2021-01-20")
        enrolments |= self._enrol(people[0], self.pension, self.p75, application_date="2025-07-02",
                                  decision_date="2025-07-10")
        self.Entitlement._sp_compute_period(month("2026-05"), enrolments=enrolments)
        set_based = {(r.enrolment_id.id, r.amount, r.category_id.id, r.coefficient)
                     for r in self.Entitlement.search([("period", "=", month("2026-05"))])}
        self.Entitlement.search([("period", "=", month("2026-05"))]).unlink()
        self.Entitlement._sp_compute_period_orm(month("2026-05"), enrolments)
        orm = {(r.enrolment_id.id, r.amount, r.category_id.id, r.coefficient)
               for r in self.Entitlement.search([("period", "=", month("2026-05"))])}
        self.assertEqual(set_based, orm)
        self.assertEqual(len(orm), 6)
