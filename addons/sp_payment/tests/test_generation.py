from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged

from .common import LEVEL, PaymentFixtures


@tagged("post_install", "-at_install")
class TestGeneration(PaymentFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.people_a1 = cls._sp_people(3, cls.village_a1)
        cls.people_a2 = cls._sp_people(2, cls.village_a2, start=10)
        cls.enrol_a1 = cls._sp_enrol(cls.people_a1, cls.m1)
        cls.enrol_a2 = cls._sp_enrol(cls.people_a2, cls.m1, categories=cls.cat_k6)
        cls.people_b = cls._sp_people(2, cls.commune_b1, start=20)
        cls.enrol_b = cls._sp_enrol(cls.people_b, cls.m1, officer=cls._sp_user(
            "sp_officer_b", "sp_base.group_commune_officer", cls.office_b),
            manager=cls.manager_b)

    def test_generation_one_line_per_enrolment_in_batches(self):
        cycle = self._sp_generate(self._sp_cycle(self.m1))
        self.assertEqual(cycle.state, "generated")
        lines = cycle.line_ids
        self.assertEqual(lines.enrolment_id, self.enrol_a1 | self.enrol_a2,
                         "only the office's enrolments")
        self.assertEqual(len(lines), 5)
        line = lines.filtered(lambda x: x.enrolment_id == self.enrol_a1[0])
        person = self.people_a1[0]
        self.assertRecordValues(line, [{
            "reference": "%s-%010d" % (self.m1.strftime("%Y%m"), self.enrol_a1[0].id),
            "beneficiary_name": person.name, "id_number": person.id_number,
            "birthdate": person.birthdate, "gender": "male", "category_code": "K5c",
            "coefficient": 1.0, "standard_level": LEVEL, "amount": LEVEL, "arrears_amount": 0,
            "one_off_amount": 0, "carried_amount": 0, "total_amount": LEVEL, "state": "pending",
            "area_id": self.village_a1.id, "method": "cash_point", "agency_id": self.vnpost.id,
        }])
        self.assertEqual(set(lines.filtered(lambda x: x.category_code == "K6").mapped("amount")),
                         {1.5 * LEVEL})
        # one batch per commune (and pay point, method): commune A1 through its pay point,
        # commune A2 through the province contract
        batches = cycle.batch_ids
        self.assertEqual(len(batches), 2)
        batch_a1 = batches.filtered(lambda b: b.area_id == self.commune_a1)
        self.assertEqual(batch_a1.point_id, self.point_a1)
        self.assertEqual(batch_a1.line_ids.enrolment_id, self.enrol_a1)
        self.assertEqual(batch_a1.line_count, 3)
        self.assertEqual(batch_a1.total_amount, 3 * LEVEL)
        batch_a2 = batches - batch_a1
        self.assertFalse(batch_a2.point_id)
        self.assertEqual((batch_a2.contract_id, batch_a2.agency_id), (self.contract_a, self.vnpost))
        self.assertEqual(batch_a1.name, "%s-X1001-P01-1" % self.m1.strftime("%Y%m"))
        self.assertRecordValues(cycle, [{
            "line_count": 5, "batch_count": 2, "amount_total": 6 * LEVEL,
            "total_amount": 6 * LEVEL, "pending_count": 5, "paid_amount": 0,
        }])
        # the entitlements turned into lines are confirmed: recomputing leaves them alone
        entitlements = self.env["sp.entitlement"].search([
            ("period", "=", self.m1), ("enrolment_id", "in", lines.enrolment_id.ids)])
        self.assertEqual(set(entitlements.mapped("state")), {"confirmed"})
        self.assertIn("5 lines added", cycle.message_ids[0].body)

    def test_search_by_reference(self):
        cycle = self._sp_generate(self._sp_cycle(self.m1))
        line = cycle.line_ids[0]
        Line = self.env["sp.payment.line"]
        self.assertEqual(Line.search([("reference", "=", line.reference)]), line)
        self.assertEqual(Line.search([("reference", "in", [line.reference, "x"])]), line)
        self.assertEqual(Line.name_search(line.reference)[0][0], line.id)
        self.assertEqual(Line.search([("reference", "ilike", self.m1.strftime("%Y%m"))]),
                         cycle.line_ids)
        self.assertFalse(Line.search([("reference", "=", "202699-0000000001")]))
        self.assertFalse(Line.search([("reference", "=", "nonsense")]))

    def test_generate_again_adds_nothing(self):
        cycle = self._sp_generate(self._sp_cycle(self.m1))
        before = cycle.line_ids
        self._sp_generate(cycle)
        self.assertEqual(cycle.line_ids, before)
        self.assertEqual(len(cycle.batch_ids), 2)
        self.assertEqual(cycle.line_count, 5)

    def test_one_line_per_enrolment_and_month_is_a_database_rule(self):
        cycle = self._sp_generate(self._sp_cycle(self.m1))
        line = cycle.line_ids[0]
        with self.assertRaises(IntegrityError), self.assertLogs("odoo.sql_db", "ERROR"):
            self.env.cr.execute(
                "INSERT INTO sp_payment_line (cycle_id, period, company_id, "
                "enrolment_id, amount, arrears_amount, one_off_amount, carried_amount, "
                "total_amount, state) SELECT cycle_id, period, company_id, enrolment_id, "
                "0, 0, 0, 0, 0, 'pending' FROM sp_payment_line WHERE id = %s", [line.id])
        with self.assertRaises(IntegrityError), self.assertLogs("odoo.sql_db", "ERROR"):
            self.env.cr.execute("UPDATE sp_payment_line SET total_amount = total_amount + 1 "
                                "WHERE id = %s", [line.id])

    def test_orm_path_gives_the_same_lines(self):
        cycle = self._sp_generate(self._sp_cycle(self.m1))
        fields_ = ["reference", "batch_id", "area_id", "beneficiary_name", "id_number",
                   "birthdate", "gender", "category_code", "coefficient", "standard_level",
                   "method", "amount", "arrears_amount", "one_off_amount", "total_amount",
                   "state"]
        expected = {line.enrolment_id.id: line.read(fields_)[0] for line in cycle.line_ids}
        self.env.cr.execute("DELETE FROM sp_payment_line WHERE cycle_id = %s", [cycle.id])
        self.env.invalidate_all()
        created = cycle._sp_generate_lines_orm(self.enrol_a1 | self.enrol_a2)
        self.assertEqual(len(created), 5)
        for line in created:
            got = line.read(fields_)[0]
            want = expected[line.enrolment_id.id]
            self.assertEqual({k: got[k] for k in fields_}, {k: want[k] for k in fields_})

    def test_late_decision_adds_only_its_lines_in_a_new_draft_batch(self):
        cycle = self._sp_generate(self._sp_cycle(self.m1))
        self._sp_approve(cycle)
        self.assertEqual(cycle.state, "approved")
        approved = cycle.batch_ids
        self.assertEqual(set(approved.mapped("state")), {"approved"})
        # a decision signed after approval, retroactive to the month before: arrears
        late_person = self._sp_people(1, self.village_a1, start=30)
        late = self._sp_enrol(late_person, self.m1)
        self._sp_generate(cycle)
        self.assertEqual(cycle.state, "generated", "the new batch needs approval")
        new_line = cycle.line_ids.filtered(lambda x: x.enrolment_id == late)
        self.assertEqual(len(cycle.line_ids), 6)
        self.assertEqual(new_line.batch_id.state, "draft")
        self.assertNotIn(new_line.batch_id, approved)
        self.assertEqual(new_line.batch_id.area_id, self.commune_a1)
        self.assertEqual(new_line.batch_id.name, "%s-X1001-P01-2" % self.m1.strftime("%Y%m"))
        self.assertEqual(approved.mapped("line_count"), [3, 2], "approved batches unchanged")
        # the manager who generated cannot approve; another one approves the late batch
        self._sp_generate(cycle, self.manager_a)
        with self.assertRaisesRegex(UserError, "another manager must approve"):
            self._sp_approve(cycle, self.manager_a)
        self._sp_approve(cycle, self.manager_a2)
        self.assertEqual(set(cycle.batch_ids.mapped("state")), {"approved"})

    def test_retroactive_decision_pays_arrears(self):
        person = self._sp_people(1, self.village_a1, start=40)
        late = self._sp_enrol(person, self.m3, start=self.m1)
        cycle = self._sp_generate(self._sp_cycle(self.m3))
        line = cycle.line_ids.filtered(lambda x: x.enrolment_id == late)
        self.assertEqual((line.amount, line.arrears_amount, line.total_amount),
                         (LEVEL, 2 * LEVEL, 3 * LEVEL))
        self.assertEqual(cycle.arrears_total, 2 * LEVEL)

    def test_approval_rules(self):
        cycle = self._sp_cycle(self.m1)
        with self.assertRaisesRegex(UserError, "Generate the lines"):
            self._sp_approve(cycle)
        self._sp_generate(cycle, self.manager_a)
        with self.assertRaisesRegex(UserError, "Only a province manager"):
            cycle.with_user(self.officer_a).action_approve()
        with self.assertRaisesRegex(UserError, "another manager must approve"):
            self._sp_approve(cycle, self.manager_a)
        self._sp_approve(cycle, self.manager_a2)
        self.assertEqual(cycle.approved_by, self.manager_a2)
        line = cycle.line_ids[0]
        with self.assertRaisesRegex(UserError, "locked"):
            line.with_user(self.officer_a).recipient_name = "Nguyễn Văn Con"
        with self.assertRaisesRegex(UserError, "only the authorised recipient"):
            line.with_user(self.manager_a).amount = 1

    def test_batch_without_agency_cannot_be_approved(self):
        # the office's only contract is commune A1's: commune A2's batch has no agency (an
        # office with no contract in force at all cannot generate: test_integrity)
        self.contract_a.area_id = self.commune_a1
        cycle = self._sp_generate(self._sp_cycle(self.m1))
        orphan = cycle.batch_ids.filtered(lambda b: b.area_id == self.commune_a2)
        self.assertTrue(orphan)
        self.assertFalse(orphan.agency_id)
        with self.assertRaisesRegex(UserError, "has no payment agency"):
            self._sp_approve(cycle)

    def test_payment_method_of_the_enrolment(self):
        self.enrol_a1[0].write({"payment_method": "bank", "payment_account": "0123456789",
                                "payment_recipient": "Nguyễn Văn Con"})
        cycle = self._sp_generate(self._sp_cycle(self.m1))
        line = cycle.line_ids.filtered(lambda x: x.enrolment_id == self.enrol_a1[0])
        self.assertRecordValues(line, [{"method": "bank", "account_number": "0123456789",
                                        "recipient_name": "Nguyễn Văn Con"}])
        self.assertFalse(line.batch_id.point_id, "bank payments go through no pay point")
        self.assertEqual(len(cycle.batch_ids), 3)

    def test_cycle_rules(self):
        cycle = self._sp_cycle(self.m1.replace(day=17))
        self.assertEqual(cycle.period, self.m1)
        with self.assertRaises(IntegrityError), self.assertLogs("odoo.sql_db", "ERROR"):
            self._sp_cycle(self.m1)
        with self.assertRaisesRegex(ValidationError, "province office"):
            self._sp_cycle(self.m2, office=self.central)
        self._sp_generate(cycle)
        with self.assertRaisesRegex(UserError, "cannot change"):
            cycle.period = self.m2
        with self.assertRaisesRegex(UserError, "Only a draft cycle without lines"):
            cycle.unlink()

    def test_second_manager_at_once_gets_a_clear_message(self):
        cycle = self._sp_cycle(self.m1)
        # another connection (another manager's request) holds the cycle's lock
        with db_connect(self.env.cr.dbname).cursor() as other:
            other.execute("SELECT pg_try_advisory_xact_lock(742001, %s)", [cycle.id])
            self.assertTrue(other.fetchone()[0])
            with self.assertRaisesRegex(UserError, "being generated or updated by another user"):
                self._sp_generate(cycle, self.manager_a2)
            other.rollback()
        self._sp_generate(cycle, self.manager_a2)
        self.assertEqual(cycle.line_count, 5)

    def test_closing_rules(self):
        cycle = self._sp_generate(self._sp_cycle(self.m1))
        with self.assertRaisesRegex(UserError, "Only an approved cycle"):
            cycle.with_user(self.manager_a).action_close()
        self._sp_approve(cycle)
        with self.assertRaisesRegex(UserError, "5 lines have no result"):
            cycle.with_user(self.manager_a).action_close()
        self._sp_pay_all(cycle)
        self.assertEqual(cycle.pending_count, 0)
        # a late decision makes a draft batch: no closing until it is approved and reported
        late = self._sp_enrol(self._sp_people(1, self.village_a2, start=50), self.m1)
        self._sp_generate(cycle)
        cycle.state = "approved"  # as if someone forced it: the closing check still refuses
        with self.assertRaisesRegex(UserError, "1 batches are not approved"):
            cycle.with_user(self.manager_a).action_close()
        cycle.state = "generated"
        self._sp_approve(cycle, self.manager_a2)
        self._sp_pay_all(cycle, user=self.manager_a2)
        self.assertEqual(cycle.line_ids.filtered(lambda x: x.enrolment_id == late).state, "paid")
        # totals that disagree with the lines block the closing
        self.env.cr.execute("UPDATE sp_payment_batch SET total_amount = total_amount + 1 "
                            "WHERE id = %s", [cycle.batch_ids[0].id])
        self.env.cr.execute("UPDATE sp_payment_cycle SET paid_amount = paid_amount - 1 "
                            "WHERE id = %s", [cycle.id])
        self.env.invalidate_all()
        with self.assertRaisesRegex(UserError, "Batch totals .* differ") as err:
            cycle.with_user(self.manager_a).action_close()
        self.assertIn("Cycle totals", str(err.exception))
        cycle.with_user(self.manager_a).action_update_totals()
        cycle.with_user(self.manager_a).action_close()
        self.assertEqual(cycle.state, "closed")
        self.assertEqual(set(cycle.batch_ids.mapped("state")), {"closed"})
        self.assertEqual(cycle.paid_amount, 7 * LEVEL)
        self.assertEqual(cycle.fee_amount, round(7 * LEVEL * 0.01))
        with self.assertRaisesRegex(UserError, "is closed"):
            self._sp_generate(cycle)
