"""A 100,000-row list (25,000 households) with a few faulty rows among them: every row is read
and checked, the faulty households are rejected with their row numbers, all the others are
imported set-based. A correctness test, not a timed one (figures are in tests/bench)."""
import logging
import os
import tempfile
import time

from odoo.tests import TransactionCase, tagged

from ..tools.import_template import synthetic_rows, write_synthetic_list
from .test_import_common import ImportFixtures

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestImportLarge(ImportFixtures, TransactionCase):
    def test_100000_rows(self):
        rows = list(synthetic_rows(25000, ["99001", "99002"], bad_every=5000))
        bad_rows = [number for number, row in enumerate(rows, 2)
                    if row["id_number"].endswith("X")]
        self.assertEqual(len(bad_rows), 5)
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "province_list.csv")
            write_synthetic_list(path, rows)
            with open(path, "rb") as f:
                data = f.read()
        before = self._registry_count()
        started = time.perf_counter()
        record = self._validate(data, "province_list.csv")
        validated = time.perf_counter()
        self.assertEqual((record.row_count, record.household_count), (100000, 25000))
        self.assertEqual((record.row_error_count, record.household_error_count), (5, 5))
        self.assertEqual(record.row_rejected_count, 15)
        self.assertEqual(record.warning_count, 0)
        errors = record.issue_ids.filtered(lambda i: i.severity == "error"
                                           and "12 digits" in i.message)
        self.assertEqual(sorted(errors.mapped("row")), bad_rows)
        record.action_import()
        _logger.info("100,000 rows: validated in %.1f s, imported in %.1f s",
                     validated - started, time.perf_counter() - validated)
        self.assertEqual((record.state, record.household_done_count, record.person_done_count),
                         ("done", 24995, 99980))
        self.assertEqual(self._registry_count(), (before[0] + 24995, before[1] + 99980))
        self.env.cr.execute("ANALYZE sp_household")
        self.env.cr.execute("ANALYZE sp_individual")
        self.env.cr.execute("""
            SELECT COUNT(*), COUNT(DISTINCT h.code),
                   COUNT(*) FILTER (WHERE h.member_count <> 4 OR h.head_id IS NULL
                                    OR h.company_id <> %s OR h.commune_id IS NULL)
              FROM sp_household h WHERE h.external_ref LIKE 'L%%'""", [self.office.id])
        self.assertEqual(self.env.cr.fetchone(), (24995, 24995, 0))
        self.env.cr.execute("""
            SELECT COUNT(*) FROM sp_individual i JOIN sp_household h ON h.id = i.household_id
             WHERE h.external_ref LIKE 'L%%'
               AND (i.area_id <> h.area_id OR i.company_id <> h.company_id
                    OR i.poverty_status <> h.poverty_status OR i.age_band IS NULL
                    OR i.birth_year = 0)""")
        self.assertEqual(self.env.cr.fetchone()[0], 0)
