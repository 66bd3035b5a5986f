"""The rule functions, table-driven: no database."""
from odoo.tests import BaseCase, tagged

from ..tools.rules import (
    BIRTHDAY_MONTH,
    MONTH_AFTER,
    Band,
    Level,
    Line,
    Outstanding,
    add_months,
    age_in_month,
    allocate_arrears,
    amount_of,
    band_for,
    level_for,
    month_end,
    resolve,
)
from .common import D, month


@tagged("post_install", "-at_install")
class TestRules(BaseCase):
    def test_months(self):
        for day, months, expected in (
                ("2024-01-31", 1, "2024-02-01"), ("2024-12-15", 1, "2025-01-01"),
                ("2024-03-01", -3, "2023-12-01"), ("2026-07-09", 0, "2026-07-01"),
                ("2026-10-01", -3, "2026-07-01")):
            with self.subTest(day=day, months=months):
                self.assertEqual(add_months(D(day), months), D(expected))
        self.assertEqual(month_end(D("2024-02-10")), D("2024-02-29"))
        self.assertEqual(month_end(D("2026-12-01")), D("2026-12-31"))

    def test_age_in_month(self):
        # (birthdate, month paid, rule, age that counts)
        cases = [
            ("1950-03-15", "2025-02", MONTH_AFTER, 74),
            ("1950-03-15", "2025-03", MONTH_AFTER, 74),   # birthday month: not yet
            ("1950-03-15", "2025-04", MONTH_AFTER, 75),   # month after the birthday
            ("1950-03-15", "2025-02", BIRTHDAY_MONTH, 74),
            ("1950-03-15", "2025-03", BIRTHDAY_MONTH, 75),  # K5b/K5c: from the birthday month
            ("1950-03-01", "2025-03", MONTH_AFTER, 74),   # the day does not matter
            ("1950-03-31", "2025-03", BIRTHDAY_MONTH, 75),
            ("1945-12-31", "2025-12", BIRTHDAY_MONTH, 80),
            ("1945-12-31", "2026-01", MONTH_AFTER, 80),
            ("2020-01-10", "2024-01", MONTH_AFTER, 3),
            ("2020-01-10", "2024-02", MONTH_AFTER, 4),
            ("2024-05-05", "2024-05", BIRTHDAY_MONTH, 0),
        ]
        for birth, paid, rule, age in cases:
            with self.subTest(birth=birth, paid=paid, rule=rule):
                self.assertEqual(age_in_month(D(birth), month(paid), rule), age)
        self.assertIsNone(age_in_month(None, month("2025-01")))

    def test_band_for(self):
        bands = [
            Band(1, 2.5, D("2021-07-01"), None, 0, 4),
            Band(1, 1.5, D("2021-07-01"), None, 4, 16),
            Band(1, 9.0, D("2015-01-01"), D("2021-06-30"), 0, 16),
            Band(2, 2.0, D("2015-01-01"), None, 16, 60, "particularly_severe"),
            Band(2, 1.5, D("2015-01-01"), None, 16, 60, "severe"),
        ]
        # (month, age, disability, coefficient or None)
        cases = [
            ("2021-06", 2, "none", 9.0), ("2021-07", 2, "none", 2.5), ("2021-07", 4, "none", 1.5),
            ("2021-07", 15, "none", 1.5), ("2021-07", 16, "none", None),
            ("2021-07", None, "none", None),
            ("2024-01", 30, "severe", 1.5), ("2024-01", 30, "particularly_severe", 2.0),
            ("2024-01", 30, "mild", None), ("2024-01", 60, "severe", None),
        ]
        for paid, age, disability, coefficient in cases:
            with self.subTest(paid=paid, age=age, disability=disability):
                band = band_for(bands, month(paid), age, disability)
                self.assertEqual(band.coefficient if band else None, coefficient)
        self.assertEqual(band_for([Band(3, 1.0, D("2015-01-01"))], month("2020-01"), None,
                                  "none").coefficient, 1.0)

    def test_level_for(self):
        levels = [Level(270000, D("2015-01-01")), Level(360000, D("2021-07-01")),
                  Level(500000, D("2024-07-01")), Level(540000, D("2026-07-01")),
                  Level(650000, D("2026-01-01"), 1), Level(400000, D("2021-01-01"), 2)]
        # (month, province, level): the higher of the national and the province's own
        cases = [
            ("2014-12", None, 0), ("2015-01", None, 270000), ("2021-06", None, 270000),
            ("2021-07", None, 360000), ("2024-06", None, 360000), ("2024-07", None, 500000),
            ("2026-06", None, 500000), ("2026-07", None, 540000),
            ("2025-12", 1, 500000), ("2026-01", 1, 650000), ("2026-07", 1, 650000),
            ("2021-01", 2, 400000), ("2021-07", 2, 400000), ("2024-07", 2, 500000),
            ("2026-01", 3, 500000),
        ]
        for paid, province, expected in cases:
            with self.subTest(paid=paid, province=province):
                self.assertEqual(level_for(levels, month(paid), province), expected)

    def test_amount_rounding(self):
        self.assertEqual(amount_of(1.5, 1, 270000), 405000)
        self.assertEqual(amount_of(2.5, 1, 650000), 1625000)
        self.assertEqual(amount_of(1.0, 3, 540000), 1620000)
        self.assertEqual(amount_of(1.25, 1, 2), 3)  # half away from zero, like SQL ROUND

    def test_resolve(self):
        pairs = {frozenset((4, 5)), frozenset((4, 6)), frozenset((4, 8))}

        def line(cat, amount, group="g", enrolment=1, seq=None):
            return Line(enrolment, cat, amount, group, seq if seq is not None else cat)

        # (lines, categories paid)
        cases = [
            ([line(5, 750), line(6, 1000)], {6}),                           # highest only
            ([line(5, 750), line(6, 750)], {5}),                            # tie: lower sequence
            ([line(4, 1000), line(5, 750), line(6, 1000)], {4, 6}),          # K4 + own best
            ([line(4, 500), line(5, 750)], {4, 5}),                         # K4 exception
            ([line(4, 500), line(1, 1250)], {1}),                           # not cumulative
            ([line(4, 500), line(9, 600, enrolment=2), line(5, 750)], {4, 5}),  # pension loses
            ([line(4, 500), line(9, 1300, enrolment=2), line(5, 750)], {9}),
            ([line(5, 750), line(7, 150, group=None)], {5, 7}),             # no group: paid too
            ([line(7, 150, group=None)], {7}),
            ([line(5, 750, group="a"), line(6, 1000, group="b")], {5, 6}),  # different groups
        ]
        for lines, expected in cases:
            with self.subTest(lines=lines):
                self.assertEqual({p.category_id for p in resolve(lines, pairs)}, expected)

    def test_allocate_arrears(self):
        # (rows (enrolment, due, settled), arrears per enrolment)
        cases = [
            ([(1, 500, 360)], {1: 140}),
            ([(1, 500, 0), (2, 0, 360)], {1: 140, 2: 0}),    # superseded allowance offsets
            ([(1, 500, 0), (2, 0, 600)], {1: 0, 2: 0}),      # net overpayment: no arrears
            ([(1, 300, 0), (2, 200, 0), (3, 0, 400)], {1: 0, 2: 100, 3: 0}),
            ([(1, 100, 100)], {1: 0}),
        ]
        for rows, expected in cases:
            with self.subTest(rows=rows):
                result = allocate_arrears([Outstanding(*row) for row in rows])
                self.assertEqual({r.enrolment_id: r.arrears for r in result}, expected)
