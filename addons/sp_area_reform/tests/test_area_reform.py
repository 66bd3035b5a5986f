"""A database filled in the legacy scheme comes out of the reform with no operational record on
a legacy area; the dry run matches what was applied; a second run changes nothing; the
ambiguous record follows its decision; a run stopped after one chunk resumes."""
import base64
import io

import openpyxl

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.sp_base.tests.common import SpCommon


@tagged("post_install", "-at_install")
class TestAreaReform(SpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Area = cls.env["sp.area"]
        legacy = {"scheme": "legacy"}
        cls.l_prov = Area.create(dict(legacy, code="LX1", name="Tỉnh Cũ X1", level="province"))
        cls.l_dist = Area.create(dict(legacy, code="LX1D1", name="Huyện Cũ", level="district",
                                      parent_id=cls.l_prov.id))
        cls.l_one = Area.create(dict(legacy, code="LX1001", name="Xã Cũ Một", level="commune",
                                     parent_id=cls.l_dist.id))
        cls.l_split = Area.create(dict(legacy, code="LX1002", name="Xã Cũ Chia", level="commune",
                                       parent_id=cls.l_dist.id))
        cls.l_village = Area.create(dict(legacy, code="LX1001-01", name="Thôn Cũ",
                                         level="village", parent_id=cls.l_one.id))
        Succ = cls.env["sp.area.succession"]
        date = "2025-07-01"
        Succ.create([
            {"old_area_id": cls.l_prov.id, "new_area_id": cls.prov_a.id, "date": date},
            {"old_area_id": cls.l_one.id, "new_area_id": cls.commune_a1.id, "date": date},
            {"old_area_id": cls.l_split.id, "new_area_id": cls.commune_a1.id, "date": date,
             "is_default": True},
            {"old_area_id": cls.l_split.id, "new_area_id": cls.commune_a2.id, "date": date},
        ])
        cls.prov_a._sp_propagate_company()
        cls.Run = cls.env["sp.area.reform.run"]
        cls.Model = cls._reform_model()
        cls.records = cls._legacy_records(cls.Model, [
            cls.l_one, cls.l_one, cls.l_one, cls.l_village, cls.l_split, cls.l_split])
        cls.split_decided, cls.split_default = cls.records[4], cls.records[5]

    @classmethod
    def _reform_model(cls):
        for name in ("sp.test.record", "sp.household"):
            if name in cls.env:
                return cls.env[name]
        return cls.env[sorted(cls.Run._sp_target_names())[0]]

    @classmethod
    def _legacy_records(cls, Model, areas):
        """Records as a database installed before the reform holds them: created on a 2025
        commune (what the forms allow today), then put on the legacy areas in SQL."""
        records = Model.browse()
        for i in range(len(areas)):
            records |= cls._create_record(Model, i)
        cls.env.flush_all()
        for rec, area in zip(records, areas, strict=True):
            commune = area.parent_id if area.level == "village" else area
            sets = [SQL("area_id = %s", area.id)]
            if "commune_id" in Model._fields:
                sets += [SQL("commune_id = %s", commune.id),
                         SQL("province_id = %s", area.province_id.id)]
            cls.env.cr.execute(SQL("UPDATE %s SET %s WHERE id = %s", SQL.identifier(Model._table),
                                   SQL(", ").join(sets), rec.id))
        Model.invalidate_model()
        return records

    @classmethod
    def _create_record(cls, Model, i):
        if Model._name == "sp.test.record":
            return Model.create({"name": "R%s" % i, "area_id": cls.commune_a1.id})
        if Model._name == "sp.household":
            return Model.create({"area_id": cls.commune_a1.id, "street": "Tổ %s" % i})
        raise AssertionError("no fixture for %s" % Model._name)

    def _legacy_count(self, Model=None):
        Model = Model or self.Model
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "SELECT count(*) FROM %s t JOIN sp_area a ON a.id = t.area_id "
            "WHERE a.scheme = 'legacy' AND t.id = ANY(%s)",
            SQL.identifier(Model._table), self.records.ids))
        return self.env.cr.fetchone()[0]

    def _lines(self, run):
        return {(line.model, line.old_area_id, line.status): (line.new_area_id, line.record_count)
                for line in run.line_ids if line.model == self.Model._name}

    def _read_xlsx(self, run):
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(run.report_file)))
        return book, [row for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)
                      if row[0]]

    # ------------------------------------------------------------------ tests
    def test_targets_found_in_registry(self):
        names = self.Run._sp_target_names()
        self.assertIn(self.Model._name, names)
        for name in ("sp.household", "sp.individual", "sp.enrolment", "sp.test.record"):
            if name in self.env:
                self.assertIn(name, names)
        self.assertNotIn("sp.area.reform.move", names)

    def test_candidates(self):
        cand = self.Run._sp_candidates()
        self.assertEqual(cand[self.l_one.id], {"all": [self.commune_a1.id],
                                               "default": self.commune_a1.id})
        self.assertEqual(sorted(cand[self.l_split.id]["all"]),
                         sorted((self.commune_a1 | self.commune_a2).ids))
        self.assertEqual(cand[self.l_split.id]["default"], self.commune_a1.id)
        self.assertEqual(cand[self.l_village.id]["all"], [self.commune_a1.id])
        self.assertEqual(sorted(cand[self.l_dist.id]["all"]),
                         sorted((self.commune_a1 | self.commune_a2).ids))

    def test_dry_run_decide_apply_rerun(self):
        run = self.Run.create({"record_all_moves": True})
        run.action_dry_run()
        lines = self._lines(run)
        name = self.Model._name
        self.assertEqual(lines[(name, self.l_one, "unique")], (self.commune_a1, 3))
        self.assertEqual(lines[(name, self.l_village, "unique")], (self.commune_a1, 1))
        self.assertEqual(lines[(name, self.l_split, "ambiguous")][1], 2)
        self.assertEqual(run.state, "reported")
        # the workbook: first sheet lists the two records to decide, in the import's columns
        book, rows = self._read_xlsx(run)
        mine = [row for row in rows if row[0] == name]
        self.assertEqual(sorted(row[1] for row in mine),
                         sorted((self.split_decided | self.split_default).ids))
        self.assertTrue(all(row[3] == "LX1002" and row[6] == self.commune_a1.code
                            for row in mine))
        self.assertIn(self.commune_a2.code, mine[0][5])
        self.assertEqual([ws.title for ws in book.worksheets][1:], ["Summary", "Split units"])
        # decide one record in the workbook and import it back
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(min_row=2):
            if row[0].value == name and row[1].value == self.split_decided.id:
                row[7].value = self.commune_a2.code
        out = io.BytesIO()
        book.save(out)
        wizard = self.env["sp.area.reform.import"].create({
            "run_id": run.id, "file": base64.b64encode(out.getvalue()),
            "file_name": "decisions.xlsx"})
        wizard.action_import()
        self.assertEqual(wizard.created_count, 1)
        self.assertEqual(wizard.skipped_count, len(rows) - 1)
        lines = self._lines(run)  # the import refreshed the dry run
        self.assertEqual(lines[(name, self.l_split, "decided")], (self.commune_a2, 1))
        self.assertEqual(lines[(name, self.l_split, "ambiguous")][1], 1)
        planned = {(old.id, new.id): count for (model, old, status), (new, count) in lines.items()
                   if status in ("unique", "decided", "default")}

        run.action_apply()
        self.assertEqual(run.state, "done")
        self.assertEqual(self._legacy_count(), 1)  # the undecided one waits for a decision
        self.assertEqual(self.split_decided.area_id, self.commune_a2)
        self.assertEqual(self.split_default.area_id, self.l_split)
        for rec in self.records - self.split_default:
            self.assertEqual(rec.area_id.scheme, "2025")
            self.assertEqual(rec.company_id, self.office_a)
            if "commune_id" in rec._fields:
                self.assertEqual(rec.commune_id, rec.area_id)
                self.assertEqual(rec.province_id, self.prov_a)
        self.assertEqual(self.records[3].area_id, self.commune_a1)  # the village's commune
        # the dry run matches what was applied, record by record
        moves = self.env["sp.area.reform.move"].search([("run_id", "=", run.id),
                                                         ("model", "=", name)])
        applied = {}
        for move in moves:
            key = (move.old_area_id.id, move.new_area_id.id)
            applied[key] = applied.get(key, 0) + 1
        self.assertEqual(applied, planned)
        self.assertEqual(
            sorted(moves.search([("old_commune_code", "=", "LX1001"), ("run_id", "=", run.id),
                                 ("model", "=", name)]).mapped("res_id")),
            sorted(self.records[:4].ids))
        self.assertIn("moved", run.message_ids[0].body)

        # a second run with the default for the rest moves only the undecided record
        second = self.Run.create({"apply_default": True, "record_all_moves": True})
        second.action_dry_run()
        self.assertEqual(self._lines(second),
                         {(name, self.l_split, "default"): (self.commune_a1, 1)})
        second.action_apply()
        self.assertEqual(self.split_default.area_id, self.commune_a1)
        self.assertEqual(self._legacy_count(), 0)
        # a third run changes nothing
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT id, area_id, write_date FROM %s WHERE id = ANY(%s) "
                                "ORDER BY id", SQL.identifier(self.Model._table),
                                self.records.ids))
        before = self.env.cr.fetchall()
        third = self.Run.create({"apply_default": True, "record_all_moves": True})
        third.action_dry_run()
        self.assertFalse(self._lines(third))
        third.action_apply()
        self.env.cr.execute(SQL("SELECT id, area_id, write_date FROM %s WHERE id = ANY(%s) "
                                "ORDER BY id", SQL.identifier(self.Model._table),
                                self.records.ids))
        self.assertEqual(self.env.cr.fetchall(), before)
        self.assertFalse(self.env["sp.area.reform.move"].search_count([("run_id", "=", third.id)]))

    def test_resume_after_one_chunk(self):
        """A run stopped after its first committed chunk (killed) goes on where it stopped."""
        ids = self.records.ids
        run = self.Run.create({"apply_default": True, "record_all_moves": True,
                               "chunk_size": max(ids[1] - ids[0], 1) * 2})
        run._sp_dry_run()
        self.assertFalse(run._sp_process(max_chunks=1))
        self.assertEqual(run.state, "running")
        moved_first = self._legacy_count()
        self.assertLess(moved_first, len(ids))
        self.assertGreater(moved_first, 0)
        # "killed": the process ends; the next call (a new cron run) builds its maps again
        self.env.cr.execute("DROP TABLE sp_reform_map")
        self.assertTrue(run._sp_process())
        self.assertEqual(run.state, "done")
        self.assertEqual(self._legacy_count(), 0)
        moves = self.env["sp.area.reform.move"].search([("run_id", "=", run.id),
                                                         ("model", "=", self.Model._name)])
        self.assertEqual(sorted(moves.mapped("res_id")), sorted(ids))  # each record once
        self.assertEqual(self.split_decided.area_id, self.commune_a1)  # the default

    def test_one_run_at_a_time(self):
        other = self.registry.cursor()
        try:
            other.execute("SELECT pg_try_advisory_lock(742018, 0)")
            self.assertTrue(other.fetchone()[0])
            run = self.Run.create({})
            run._sp_dry_run()
            with self.assertRaises(UserError):
                run.action_apply()
        finally:
            other.execute("SELECT pg_advisory_unlock(742018, 0)")
            other.close()

    def test_queue_runs_in_the_cron(self):
        run = self.Run.create({"apply_default": True})
        run.action_dry_run()
        run.action_queue()
        self.assertEqual(run.state, "queued")
        # the job commits per chunk; in a test the commit is refused, so call the method the
        # job calls, without commits
        run._sp_check_lock(session=False)
        self.assertTrue(run._sp_process())
        self.assertEqual(self._legacy_count(), 0)

    def test_decision_must_be_a_successor(self):
        Decision = self.env["sp.area.reform.decision"]
        with self.assertRaises(ValidationError) as caught:
            Decision.create({"model": self.Model._name, "res_id": self.split_decided.id,
                             "from_area_id": self.l_split.id, "to_area_id": self.prov_b.id})
        self.assertIn("not a successor", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            Decision.create({"model": "res.partner", "res_id": 1,
                             "from_area_id": self.l_split.id, "to_area_id": self.commune_a2.id})
        self.assertIn("carry an area", str(caught.exception))
        decision = Decision.create({"model": self.Model._name, "res_id": self.split_decided.id,
                                    "from_area_id": self.l_split.id,
                                    "to_area_id": self.commune_a2.id})
        self.assertTrue(decision)

    def test_import_errors_name_row_and_column(self):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["Model", "Record ID", "Record", "From area code", "From area",
                      "Successors", "Default", "To area code"])
        sheet.append([self.Model._name, self.split_decided.id, "", "LX1002", "", "", "",
                      "NOPE"])
        out = io.BytesIO()
        book.save(out)
        with self.assertRaisesRegex(UserError, "Row 2, column H"):
            self.env["sp.area.reform.import"]._sp_import(out.getvalue(), "d.xlsx")

    def test_admin_only(self):
        officer = self.officer_a1
        with self.assertRaises(AccessError):
            self.Run.with_user(officer).create({})
        run = self.Run.create({})
        with self.assertRaises(AccessError):
            run.with_user(officer).action_dry_run()
        with self.assertRaises(AccessError):
            self.env["sp.area.reform.decision"].with_user(officer).search([])
        admin = self._sp_user("sp_reform_admin", "sp_base.group_admin", self.central)
        run.with_user(admin).action_dry_run()
        self.assertEqual(run.state, "reported")

    def test_user_areas_follow(self):
        """A user limited to a legacy commune gets its successors."""
        self.officer_a1.sp_area_ids = self.l_split
        run = self.Run.create({"apply_default": True})
        run.action_dry_run()
        run.action_apply()
        self.assertEqual(self.officer_a1.sp_area_ids, self.commune_a1 | self.commune_a2)


@tagged("post_install", "-at_install")
class TestAreaReformHousehold(SpCommon):
    """The same on the registry's households and their members, when sp_registry is installed
    (the full test run installs every module)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "sp.household" not in cls.env:
            cls.skipTest(cls, "sp_registry is not installed")
        Area = cls.env["sp.area"]
        legacy = {"scheme": "legacy"}
        prov = Area.create(dict(legacy, code="LX1", name="Tỉnh Cũ X1", level="province"))
        dist = Area.create(dict(legacy, code="LX1D1", name="Huyện Cũ", level="district",
                                parent_id=prov.id))
        cls.l_one = Area.create(dict(legacy, code="LX1001", name="Xã Cũ Một", level="commune",
                                     parent_id=dist.id))
        cls.l_split = Area.create(dict(legacy, code="LX1002", name="Xã Cũ Chia",
                                       level="commune", parent_id=dist.id))
        date = "2025-07-01"
        cls.env["sp.area.succession"].create([
            {"old_area_id": prov.id, "new_area_id": cls.prov_a.id, "date": date},
            {"old_area_id": cls.l_one.id, "new_area_id": cls.commune_a1.id, "date": date},
            {"old_area_id": cls.l_split.id, "new_area_id": cls.commune_a1.id, "date": date,
             "is_default": True},
            {"old_area_id": cls.l_split.id, "new_area_id": cls.commune_a2.id, "date": date},
        ])
        cls.prov_a._sp_propagate_company()
        Household = cls.env["sp.household"]
        cls.households = Household.create([{"area_id": cls.commune_a1.id, "street": "Tổ %s" % i}
                                           for i in range(3)])
        cls.people = cls.env["sp.individual"].create([
            {"name": "Người %s" % i, "gender": "female", "household_id": hh.id,
             "area_id": cls.commune_a1.id}
            for i, hh in enumerate(cls.households)])
        cls.env.flush_all()
        cls.codes = cls.households.mapped("code")
        areas = [cls.l_one, cls.l_one, cls.l_split]
        for model, records in ((Household, cls.households), (cls.env["sp.individual"], cls.people)):
            for rec, area in zip(records, areas, strict=True):
                cls.env.cr.execute(SQL(
                    "UPDATE %s SET area_id = %s, commune_id = %s, province_id = %s WHERE id = %s",
                    SQL.identifier(model._table), area.id, area.id, prov.id, rec.id))
            model.invalidate_model()

    def test_households_and_people_move(self):
        Run = self.env["sp.area.reform.run"]
        # the household of the split commune is decided; its member follows the decision
        self.env["sp.area.reform.decision"].create({
            "model": "sp.household", "res_id": self.households[2].id,
            "from_area_id": self.l_split.id, "to_area_id": self.commune_a2.id})
        run = Run.create({"apply_default": True})
        run.action_dry_run()
        decided = run.line_ids.filtered(lambda line: line.status == "decided")
        self.assertEqual(sorted(decided.mapped("model")), ["sp.household", "sp.individual"])
        self.assertEqual(decided.new_area_id, self.commune_a2)
        planned = sum(line.record_count for line in run.line_ids
                      if line.model in ("sp.household", "sp.individual"))
        self.assertEqual(planned, 6)
        run.action_apply()
        for i, rec in enumerate(list(self.households) + list(self.people)):
            commune = self.commune_a2 if i % 3 == 2 else self.commune_a1
            self.assertEqual(rec.area_id, commune)
            self.assertEqual(rec.commune_id, commune)
            self.assertEqual(rec.province_id, self.prov_a)
            self.assertEqual(rec.company_id, self.office_a)
        self.assertEqual(self.households.mapped("code"), self.codes)  # identity kept
        moves = self.env["sp.area.reform.move"].search([("run_id", "=", run.id),
                                                         ("model", "=", "sp.household"),
                                                         ("old_commune_code", "=", "LX1001")])
        self.assertEqual(sorted(moves.mapped("res_code")), sorted(self.codes[:2]))
        self.assertEqual(set(moves.mapped("new_commune_code")), {self.commune_a1.code})
        self.assertEqual(self.people[2].area_id, self.households[2].area_id)
        if "sp.audit.log" in self.env:  # the audit trail holds one row per chunk
            self.assertTrue(self.env["sp.audit.log"].search_count([
                ("model", "=", "sp.household"), ("step", "=", "area_reform")]))
        again = Run.create({"apply_default": True})
        again.action_dry_run()
        self.assertFalse(again.line_ids.filtered(lambda line: line.model in (
            "sp.household", "sp.individual")))
