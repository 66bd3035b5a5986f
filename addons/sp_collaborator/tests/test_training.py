import io

import openpyxl
from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import CollaboratorFixtures


@tagged("post_install", "-at_install")
class TestTraining(CollaboratorFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Training = cls.env["sp.collaborator.training"]
        day = cls.today - relativedelta(days=20)
        cls.class_a = Training.create({
            "name": "Tư vấn dinh dưỡng", "date_start": day, "date_end": day,
            "place": "Hội trường xã", "trainer": "BS. Lê Thị Hằng", "company_id": cls.office_a.id,
            "attendance_ids": [
                (0, 0, {"collaborator_id": cls.ctv_a1.id, "completed": True, "score": 85}),
                (0, 0, {"collaborator_id": cls.ctv_a1b.id, "attended": False}),
            ],
        })
        cls.class_a2 = Training.create({
            "name": "Hỗ trợ làm hồ sơ", "date_start": day, "date_end": day,
            "company_id": cls.office_a.id,
            "attendance_ids": [(0, 0, {"collaborator_id": cls.ctv_a1.id, "completed": True})],
        })
        cls.class_b = Training.create({
            "name": "Nutrition", "date_start": day, "date_end": day + relativedelta(days=1),
            "company_id": cls.office_b.id,
            "attendance_ids": [(0, 0, {"collaborator_id": cls.ctv_b1.id})],
        })
        cls.planned = Training.create({
            "name": "Next year", "date_start": day, "date_end": day, "company_id": cls.office_a.id,
        })
        (cls.class_a | cls.class_a2 | cls.class_b).action_done()

    def test_completion(self):
        self.assertEqual((self.class_a.participant_count, self.class_a.completed_count), (2, 1))
        self.assertEqual(self.ctv_a1.training_completed_count, 2)
        self.assertEqual(self.ctv_a1b.training_completed_count, 0)
        attendance = self.class_b.attendance_ids
        self.assertEqual(attendance.company_id, self.office_b)
        self.class_b.action_complete_attendees()
        self.assertTrue(attendance.completed)

    def test_completed_needs_attendance(self):
        absent = self.class_a.attendance_ids.filtered(lambda a: not a.attended)
        with self.assertRaisesRegex(ValidationError, "without attending"):
            absent.completed = True

    def test_bad_score_and_duplicate_refused(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), \
                self.env.cr.savepoint():
            self.class_a.attendance_ids[0].score = 120
            self.env.flush_all()
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), \
                self.env.cr.savepoint():
            self.class_a.attendance_ids = [(0, 0, {"collaborator_id": self.ctv_a1.id})]
            self.env.flush_all()

    def test_report_per_province(self):
        Report = self.env["sp.collaborator.training.report"]
        rows = Report.search([("training_id", "in", (self.class_a | self.class_a2 | self.class_b
                                                      | self.planned).ids)])
        self.assertEqual(rows.training_id, self.class_a | self.class_a2 | self.class_b,
                         "only classes held")
        groups = Report.read_group(
            [("id", "in", rows.ids)], ["participant_count:sum", "completed_count:sum"],
            ["company_id"],
        )
        by_office = {g["company_id"][0]: g for g in groups}
        self.assertEqual(by_office[self.office_a.id]["company_id_count"], 2, "classes held")
        self.assertEqual(by_office[self.office_a.id]["participant_count"], 3)
        self.assertEqual(by_office[self.office_a.id]["completed_count"], 2)
        self.assertEqual(by_office[self.office_b.id]["completed_count"], 0)

    def test_xlsx_per_province(self):
        wizard = self.env["sp.collaborator.training.export"].with_user(self.central_officer).create({
            "date_from": self.today - relativedelta(days=30), "date_to": self.today,
        })
        book = openpyxl.load_workbook(io.BytesIO(wizard._sp_xlsx()))
        rows = {row[0]: row[1:] for row in book.active.iter_rows(min_row=4, values_only=True)}
        # classes held, participants, attended, completed, people trained
        self.assertEqual(rows["Sở Thử A"], (2, 3, 2, 2, 1))
        self.assertEqual(rows["Sở Thử B"], (1, 1, 1, 0, 0))
        self.assertEqual(rows["Total"], (3, 4, 3, 2, 1))
        # A manager of province A counts only the classes of province A.
        wizard_a = wizard.with_user(self.manager_a)
        self.assertEqual([row[0] for row in wizard_a._sp_rows()], ["Sở Thử A", None])
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
