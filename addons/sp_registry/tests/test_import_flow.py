"""The pipeline as a whole: legacy lists through the area succession, importing the same list
again, background processing with progress, a crash in the middle of an import, and records
written by SQL identical to records created through the ORM."""
import datetime

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, file_open, mute_logger

from .test_import_common import ImportFixtures, csv_bytes, person
from .test_import_rows import pid

LEGACY_AREAS = [
    # scheme, code, name, level, parent code
    ("2025", "08", "Tuyên Quang", "province", None),
    ("2025", "00832", "Xã Bạch Đích", "commune", "08"),
    ("2025", "00820", "Xã Yên Minh", "commune", "08"),
    ("2025", "00967", "Xã Việt Lâm", "commune", "08"),
    ("2025", "00913", "Xã Vị Xuyên", "commune", "08"),
    ("2025", "00691", "Phường Hà Giang 2", "commune", "08"),
    ("2025", "00694", "Phường Hà Giang 1", "commune", "08"),
    ("legacy", "02", "Hà Giang", "province", None),
    ("legacy", "024", "Thành phố Hà Giang", "district", "02"),
    ("legacy", "028", "Huyện Yên Minh", "district", "02"),
    ("legacy", "030", "Huyện Vị Xuyên", "district", "02"),
    ("legacy", "00688", "Phường Quang Trung", "commune", "024"),
    ("legacy", "00820", "Thị trấn Yên Minh", "commune", "028"),
    ("legacy", "00835", "Xã Na Khê", "commune", "028"),
    ("legacy", "00967", "Xã Việt Lâm", "commune", "030"),
]
LEGACY_SUCCESSIONS = [("02", "08", True), ("00688", "00694", False), ("00688", "00691", True),
                      ("00820", "00820", True), ("00835", "00832", True),
                      ("00967", "00967", True), ("00967", "00913", False)]


@tagged("post_install", "-at_install")
class TestImportFlow(ImportFixtures, TransactionCase):
    # ------------------------------------------------------------------ legacy
    def _ensure_ha_giang(self):
        """The real units of the legacy sample; created here unless sp_vn loaded them."""
        Area = self.env["sp.area"].with_context(active_test=False)
        areas = {}
        for scheme, code, name, level, parent in LEGACY_AREAS:
            area = Area.search([("scheme", "=", scheme), ("code", "=", code)])
            if not area:
                area = Area.create({"scheme": scheme, "code": code, "name": name, "level": level,
                                    "parent_id": areas[scheme, parent].id if parent else False})
            areas[scheme, code] = area
        Succession = self.env["sp.area.succession"]
        for old, new, default in LEGACY_SUCCESSIONS:
            pair = [("old_area_id", "=", areas["legacy", old].id),
                    ("new_area_id", "=", areas["2025", new].id)]
            if not Succession.search(pair):
                Succession.create({"old_area_id": areas["legacy", old].id,
                                   "new_area_id": areas["2025", new].id,
                                   "date": "2025-07-01", "is_default": default})
        province = areas["2025", "08"]
        if not province.company_id:
            self.env["res.company"].create({"name": "Sở Tuyên Quang", "sp_area_id": province.id,
                                            "parent_id": self.central.id})
        province._sp_propagate_company()
        return areas

    def test_legacy_sample_list(self):
        areas = self._ensure_ha_giang()
        with file_open("sp_registry/data/import/sp_registry_import_legacy_sample.xlsx", "rb") as f:
            data = f.read()
        record = self._upload(data, "legacy.xlsx", company_id=self.central.id)
        self.assertEqual(record.layout, "legacy", "a district column means a legacy list")
        self.assertEqual((record.header_row, record.row_estimate), (4, 12))
        targets = record.column_ids.filtered("target").mapped("target")
        self.assertIn("birth_year_male", targets, "two-row header: Năm sinh / Nam")
        self.assertIn("birth_year_female", targets)
        record.action_validate()
        self.assertEqual(record.household_new_count, 4, record.issue_ids.mapped("message"))
        self.assertEqual((record.row_count, record.row_error_count), (10, 0))
        warnings = " ".join(self._messages(record, severity="warning"))
        self.assertIn("Xã Việt Lâm, Huyện Vị Xuyên, Hà Giang was split in 2025 among", warnings)
        self.assertIn("the household goes to Xã Việt Lâm, the default successor", warnings)
        self.assertIn("the household goes to Phường Hà Giang 2", warnings)
        record.action_import()
        people = self.Person.search([("name", "in", ["Vàng Seo Páo", "Giàng Thị Mỷ",
                                                     "Hoàng Thị Lan", "Trần Văn Bình"])])
        self.assertEqual(len(people), 4)
        by_name = {p.name: p for p in people}
        pao = by_name["Vàng Seo Páo"]
        self.assertEqual(pao.commune_id, areas["2025", "00832"], "Na Khê became Bạch Đích")
        self.assertEqual((pao.gender, pao.birth_year, pao.birthdate_precision),
                         ("male", 1968, "year"))
        self.assertEqual(pao.legacy_id_number, "073012345")
        self.assertEqual(pao.ethnicity_id.name, "Mông", "H'Mông is another name of Mông")
        self.assertEqual(pao.household_id.poverty_status, "poor")
        self.assertEqual(pao.household_id.member_count, 3)
        self.assertEqual(pao.household_id.external_ref, "1")
        self.assertEqual(by_name["Giàng Thị Mỷ"].gender, "female")
        self.assertEqual(by_name["Hoàng Thị Lan"].commune_id, areas["2025", "00967"])
        self.assertEqual(by_name["Trần Văn Bình"].commune_id, areas["2025", "00691"])
        self.assertEqual(by_name["Trần Văn Bình"].household_id.street, "Tổ 7",
                         "an unknown village is kept in the address")
        # the same legacy list again: updates, nothing new
        again = self._import(data, "legacy.xlsx", company_id=self.central.id)
        self.assertEqual((again.household_update_count, again.household_new_count), (4, 0))
        self.assertEqual(again.person_new_count, 0)

    def test_legacy_layout_own_fixtures(self):
        rows = [
            {"province_name": "Tỉnh Thử Nghiệm", "district_name": "huyen cu",
             "commune_name": "Xã Tân Lập", "name": "Bế Văn Cũ", "gender": "Nam",
             "birthdate": "1950", "relationship": "Chủ hộ", "household_ref": "7"},
            {"province_name": "Thử Nghiệm", "district_name": "Huyện Cũ",
             "commune_name": "Hoà Bình", "name": "Bế Văn Tách", "gender": "Nam",
             "birthdate": "1951", "relationship": "Chủ hộ", "household_ref": "8"},
            {"province_name": "Thử Nghiệm", "district_name": "Huyện Cũ",
             "commune_name": "Xã Không Có", "name": "Bế Văn Lạc", "gender": "Nam",
             "birthdate": "1952", "relationship": "Chủ hộ", "household_ref": "9"},
        ]
        headers = ["household_ref", "province_name", "district_name", "commune_name", "name",
                   "gender", "birthdate", "relationship"]
        names = {"province_name": "Tỉnh", "district_name": "Huyện", "commune_name": "Xã"}
        data = csv_bytes(rows, headers).decode("utf-8-sig")
        for key, header in names.items():
            data = data.replace(key, header, 1)
        record = self._import(data.encode(), "legacy.csv")
        self.assertEqual(record.layout, "legacy")
        self.assertEqual(record.household_done_count, 2)
        self.assertEqual(self.Person.search([("name", "=", "Bế Văn Cũ")]).commune_id, self.c1)
        self.assertEqual(self.Person.search([("name", "=", "Bế Văn Tách")]).commune_id, self.c2,
                         "a split commune goes to its default successor")
        self.assertIn("was split in 2025", " ".join(self._messages(record, 3, "warning")))
        self.assertRowError(record, 4, "Unknown commune Xã Không Có in Huyện Cũ")

    # ------------------------------------------------------------------ re-import
    def test_reimport_updates_instead_of_duplicating(self):
        rows = [
            person("R1", "Nguyen Van Sua", "Chủ hộ", "Nam", "14/02/1975", pid("male", 1975, 11),
                   poverty_status="Nghèo"),
            person("R1", "Lê Thị Vợ", "Vợ", "Nữ", "1978"),
            person("R1", "Nguyễn Văn Con", "Con", "Nam", "2005"),
            person("R2", "Đinh Văn Đơn", "Chủ hộ", "Nam", "1960"),
        ]
        first = self._import(csv_bytes(rows))
        self.assertEqual((first.household_done_count, first.person_done_count), (2, 4))
        counts = self._registry_count()
        household = self.Person.search([("id_number", "=", pid("male", 1975, 11))]).household_id
        self.assertEqual(household.external_ref, "R1")
        # the same file again: every row matched, nothing changed, nothing added
        same = self._import(csv_bytes(rows))
        self.assertEqual((same.household_update_count, same.person_update_count,
                          same.person_new_count), (2, 4, 0))
        self.assertEqual(self._registry_count(), counts)
        # corrections: a name with its accents, a phone, a year-only date that must not
        # overwrite the full birth date, a new member, a new poverty status
        rows[0].update(name="Nguyễn Văn Sửa", phone="0912000111", birthdate="1975",
                       poverty_status="Cận nghèo")
        rows[1].update(name="Lê Thị Vợ", birthdate="03/04/1978")
        rows.append(person("R1", "Nguyễn Thị Út", "Con", "Nữ", "2020"))
        fixed = self._import(csv_bytes(rows))
        self.assertEqual((fixed.household_update_count, fixed.household_new_count), (2, 0))
        self.assertEqual((fixed.person_update_count, fixed.person_new_count), (4, 1))
        self.assertEqual(self._registry_count(), (counts[0], counts[1] + 1))
        household.invalidate_recordset()
        head = household.head_id
        self.assertEqual((head.name, head.phone), ("Nguyễn Văn Sửa", "0912000111"))
        self.assertEqual((head.birthdate, head.birthdate_precision),
                         (datetime.date(1975, 2, 14), "day"))
        wife = self.Person.search([("name", "=", "Lê Thị Vợ")])
        self.assertEqual((wife.birthdate, wife.birthdate_precision),
                         (datetime.date(1978, 4, 3), "day"), "a more precise date replaces")
        self.assertEqual(household.member_count, 4)
        self.assertEqual(household.poverty_status, "near_poor")
        self.assertEqual(set(household.member_ids.mapped("poverty_status")), {"near_poor"})
        # by registry code, without the list's reference
        by_code = [dict(r, household_ref="", household_code=household.code)
                   for r in rows if r["household_ref"] == "R1"]
        record = self._import(csv_bytes(by_code))
        self.assertEqual((record.household_update_count, record.person_new_count), (1, 0))
        # by the members' personal IDs, without code or reference
        by_id = [dict(rows[0], household_ref="")]
        record = self._import(csv_bytes(by_id))
        self.assertEqual((record.household_update_count, record.person_new_count), (1, 0))
        self.assertEqual(self._registry_count(), (counts[0], counts[1] + 1))

    # ------------------------------------------------------------------ background
    def _run_cron(self):
        cron = self.env.ref("sp_registry.ir_cron_sp_registry_import")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id})
        self.Import.with_context(ir_cron_progress_id=progress.id)._cron_process_imports()
        self.env.invalidate_all()
        return progress

    def _background_rows(self, households=5, crash_in=None):
        rows = []
        for index in range(households):
            ref = "K%s" % index
            head = "Crash Here" if index == crash_in else "Kha Văn Số %s" % "ABCDEFGHIJ"[index]
            rows += [person(ref, head, "Chủ hộ", "Nam", "1970"),
                     person(ref, "Kha Thị Vợ %s" % "ABCDEFGHIJ"[index], "Vợ", "Nữ", "1972")]
        return rows

    def test_background_import_with_progress(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("sp_registry.import_sync_rows", 4)
        params.set_param("sp_registry.import_chunk_households", 2)
        cron = self.env.ref("sp_registry.ir_cron_sp_registry_import")
        record = self._upload(csv_bytes(self._background_rows(5)))
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        record.action_validate()
        self.assertEqual((record.state, record.background), ("validating", True))
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
                         triggers + 1, "queuing a file wakes the scheduled action up")
        self.assertFalse(record.line_ids, "nothing is read before the scheduled action runs")
        progress = self._run_cron()
        self.assertEqual(record.state, "validated")
        self.assertEqual(record.household_new_count, 5)
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        record.action_import()
        self.assertEqual(record.state, "importing")
        self.assertEqual(record.household_done_count, 0, "large files are not imported at once")
        progress = self._run_cron()
        self.assertEqual((record.state, record.household_done_count), ("importing", 2))
        self.assertAlmostEqual(record.progress, 40.0)
        self.assertEqual((progress.done, progress.remaining), (2, 1),
                         "the scheduler is told to call again")
        self._run_cron()
        self.assertAlmostEqual(record.progress, 80.0)
        self._run_cron()
        self._run_cron()
        self.assertEqual((record.state, record.household_done_count, record.person_done_count),
                         ("done", 5, 10))
        self.assertEqual(self.Household.search_count([("external_ref", "=like", "K%"),
                                                      ("commune_id", "=", self.c1.id)]), 5)
        self.assertIn("Imported 5 households and 10 people", record.message_ids[0].body)
        progress = self._run_cron()
        self.assertEqual((progress.done, progress.remaining), (0, 0), "nothing left to do")

    def test_crash_leaves_nothing_half_written(self):
        """A database error in the second chunk: the first chunk stays imported, nothing of the
        second is written; once the cause is removed, running again finishes without
        duplicating anything."""
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("sp_registry.import_sync_rows", 4)
        params.set_param("sp_registry.import_chunk_households", 2)
        self.env.cr.execute("""
            CREATE FUNCTION sp_test_crash() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.name = 'Crash Here' THEN RAISE EXCEPTION 'disk full (test)'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER sp_test_crash BEFORE INSERT ON sp_individual
                FOR EACH ROW EXECUTE FUNCTION sp_test_crash();
        """)
        record = self._upload(csv_bytes(self._background_rows(5, crash_in=2)))
        record.action_validate()
        self._run_cron()
        record.action_import()
        self._run_cron()
        self.assertEqual(record.household_done_count, 2)
        with mute_logger("odoo.sql_db", "odoo.addons.sp_registry.models.sp_registry_import"):
            self._run_cron()
        self.assertEqual(record.state, "failed")
        self.assertIn("nothing of the failing chunk was written", record.message)
        self.assertIn("disk full (test)", record.message)
        imported = self.Household.search([("external_ref", "=like", "K%"),
                                          ("commune_id", "=", self.c1.id)])
        self.assertEqual(sorted(imported.mapped("external_ref")), ["K0", "K1"])
        self.assertFalse(self.Person.search([("name", "in", ("Crash Here", "Kha Văn Số D",
                                                             "Kha Thị Vợ C"))]))
        self.env.cr.execute("DROP TRIGGER sp_test_crash ON sp_individual")
        record.action_retry()
        self.assertEqual(record.state, "importing")
        for _attempt in range(3):
            self._run_cron()
        self.assertEqual((record.state, record.household_done_count, record.person_done_count),
                         ("done", 5, 10))
        imported = self.Household.search([("external_ref", "=like", "K%"),
                                          ("commune_id", "=", self.c1.id)])
        self.assertEqual(len(imported), 5)
        self.assertEqual(sum(imported.mapped("member_count")), 10)

    # ------------------------------------------------------------------ SQL = ORM
    def test_sql_rows_equal_orm_rows(self):
        """Every stored column of a household and a person written by the import's SQL equals
        what the ORM stores for the same data (a new field of the registry with a default or
        a stored computation shows up here)."""
        self._import(csv_bytes([
            person("Q1", "Mạc Văn Sql", "Chủ hộ", "Nam", "05/06/1980", pid("male", 1980, 21),
                   village="Thôn Đông", street="Số 1", poverty_status="Nghèo", phone="0912345678",
                   ethnicity="Kinh", disability_level="Nặng", legacy_id_number="012345678"),
        ]))
        sql_person = self.Person.search([("name", "=", "Mạc Văn Sql")])
        orm_household = self.Household.create({
            "area_id": self.v1.id, "street": "Số 1", "poverty_status": "poor",
            "external_ref": "Q1"})
        orm_person = self.Person.create({
            "name": "Mạc Văn Orm", "gender": "male", "birthdate": "1980-06-05",
            "birthdate_precision": "day", "id_number": pid("male", 1980, 22),
            "legacy_id_number": "012345679", "relationship": "head",
            "household_id": orm_household.id, "phone": "0912345678",
            "ethnicity_id": self.env.ref("sp_registry.sp_ethnicity_01").id,
            "disability_level": "severe"})
        self.env.flush_all()
        skip = {"id", "name", "name_key", "code", "id_number", "legacy_id_number",
                "household_id", "head_id", "create_date", "write_date", "create_uid",
                "write_uid"}
        for model, sql_id, orm_id in (
            ("sp.household", sql_person.household_id.id, orm_household.id),
            ("sp.individual", sql_person.id, orm_person.id),
        ):
            table = self.env[model]._table
            self.env.cr.execute(SQL("SELECT * FROM %s WHERE id IN %s ORDER BY id = %s",
                                    SQL.identifier(table), (sql_id, orm_id), orm_id))
            columns = [c.name for c in self.env.cr.description]
            sql_row, orm_row = (dict(zip(columns, row, strict=True))
                                for row in self.env.cr.fetchall())
            differences = {c: (sql_row[c], orm_row[c]) for c in columns
                           if c not in skip and sql_row[c] != orm_row[c]}
            self.assertFalse(differences, "%s: SQL vs ORM %s" % (model, differences))
            if "name_key" in columns:
                # the accent-free name (differs with the name): the database's own, both ways
                self.assertEqual((sql_row["name_key"], orm_row["name_key"]),
                                 ("mac van sql", "mac van orm"))
