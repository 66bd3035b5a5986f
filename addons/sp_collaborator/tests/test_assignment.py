from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError
from psycopg2.errors import ExclusionViolation

from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

from .common import CollaboratorFixtures


@tagged("post_install", "-at_install")
class TestAssignment(CollaboratorFixtures, TransactionCase):
    def test_caseload(self):
        self.assertTrue(self.asg_a1.is_current)
        self.assertEqual(self.asg_a1.area_id, self.village_a1)
        self.assertEqual(self.asg_a1.company_id, self.office_a)
        self.assertTrue(self.asg_a1.exclusive)
        self.assertEqual(self.ctv_a1.household_count, 1)
        self.assertEqual(self.hh_a1.collaborator_id, self.ctv_a1)
        self.assertEqual(self.hh_a1.caseload_user_ids, self.collaborator_a1)
        found = self.Household.search([("caseload_user_ids", "in", [self.collaborator_a1.id])])
        self.assertEqual(found, self.hh_a1)
        self.assertIn(self.asg_a1, self.Assignment.search([("is_current", "=", True)]))
        self.assertNotIn(self.asg_a1, self.Assignment.search([("is_current", "=", False)]))

    def test_collaborator_defaults(self):
        self.assertTrue(self.ctv_a1.code.startswith("CTV"))
        self.assertEqual(self.ctv_a1.partner_id.name, "Phạm Thị Lan")
        self.assertEqual(self.ctv_a1.commune_ids, self.commune_a1)
        self.assertEqual(self.ctv_a1.company_id, self.office_a)
        self.assertEqual(self.ctv_b1.company_id, self.office_b)

    def test_overlap_with_another_collaborator_refused(self):
        with self.assertRaisesRegex(
            ValidationError, r"already assigned to Phạm Thị Lan .* only one collaborator per household"
        ):
            self.Assignment.create({
                "collaborator_id": self.ctv_a1b.id, "household_id": self.hh_a1.id,
                "date_from": self.today - relativedelta(days=10),
            })

    def test_overlap_with_a_closed_period_refused(self):
        self.asg_a1.date_to = self.today - relativedelta(days=5)
        with self.assertRaisesRegex(ValidationError, "already assigned to Phạm Thị Lan"):
            self.Assignment.create({
                "collaborator_id": self.ctv_a1b.id, "household_id": self.hh_a1.id,
                "date_from": self.today - relativedelta(days=5),
            })
        # The day after the first assignment ends, the household may change hands.
        handover = self.Assignment.create({
            "collaborator_id": self.ctv_a1b.id, "household_id": self.hh_a1.id,
            "date_from": self.today - relativedelta(days=4),
        })
        self.assertEqual(self.hh_a1.collaborator_id, self.ctv_a1b)
        self.assertTrue(handover.exclusive)

    def test_same_collaborator_twice_refused(self):
        with self.assertRaisesRegex(ValidationError, "already in the caseload of Phạm Thị Lan"):
            self.Assignment.create({
                "collaborator_id": self.ctv_a1.id, "household_id": self.hh_a1.id,
                "date_from": self.today,
            })

    def test_overlap_allowed_when_setting_off(self):
        self.office_a.sp_collaborator_one_per_household = False
        second = self.Assignment.create({
            "collaborator_id": self.ctv_a1b.id, "household_id": self.hh_a1.id,
            "date_from": self.today - relativedelta(days=10),
        })
        self.assertFalse(second.exclusive)
        self.assertEqual(self.hh_a1.caseload_user_ids, self.collaborator_a1)
        self.assertEqual(self.ctv_a1b.household_count, 1)
        # Switched back on, the office refuses new overlaps again, whatever the old rows say.
        self.office_a.sp_collaborator_one_per_household = True
        with self.assertRaisesRegex(ValidationError, "only one collaborator per household"):
            self.Assignment.create({
                "collaborator_id": self.ctv_a1b.id, "household_id": self.hh_a1.id,
                "date_from": self.today + relativedelta(days=30),
            })

    def test_database_refuses_overlap_the_orm_did_not_check(self):
        """Concurrent transactions and bulk SQL bypass the Python check: the exclusion
        constraint still refuses the second exclusive assignment."""
        self.env.flush_all()
        with self.assertRaises(ExclusionViolation), mute_logger("odoo.sql_db"), \
                self.env.cr.savepoint():
            self.env.cr.execute(SQL(
                """
                INSERT INTO sp_collaborator_assignment
                       (collaborator_id, household_id, company_id, area_id, date_from, exclusive)
                VALUES (%s, %s, %s, %s, %s, TRUE)
                """, self.ctv_a1b.id, self.hh_a1.id, self.office_a.id, self.village_a1.id,
                self.today,
            ))
        messages = {key: message for key, _sql, message in self.Assignment._sql_constraints}
        self.assertIn("only one collaborator per household", messages["household_overlap_excl"])

    def test_end_before_start_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot end .* before it starts"):
            self.asg_a1.date_to = self.start - relativedelta(days=1)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), \
                self.env.cr.savepoint():
            self.env.cr.execute(SQL(
                "UPDATE sp_collaborator_assignment SET date_to = date_from - 1 WHERE id = %s",
                self.asg_a1.id))

    def test_household_outside_served_area_refused(self):
        with self.assertRaisesRegex(ValidationError, "outside the village and communes"):
            self.Assignment.create({
                "collaborator_id": self.ctv_a1b.id, "household_id": self.hh_a2.id,
                "date_from": self.today,
            })
        self.ctv_a1b.commune_ids |= self.commune_a2
        self.Assignment.create({
            "collaborator_id": self.ctv_a1b.id, "household_id": self.hh_a2.id,
            "date_from": self.today,
        })

    def test_only_active_collaborators_take_households(self):
        self.ctv_a1b.action_suspend()
        self.assertEqual(self.ctv_a1b.state, "suspended")
        with self.assertRaisesRegex(ValidationError, "only an active collaborator"):
            self.Assignment.create({
                "collaborator_id": self.ctv_a1b.id, "household_id": self.hh_a1b.id,
            })
        self.ctv_a1b.action_reactivate()
        self.ctv_a1b.action_end()
        with self.assertRaisesRegex(UserError, "ended their service"):
            self.ctv_a1b.action_reactivate()

    def test_ending_service_closes_the_caseload(self):
        self.ctv_a1.action_end()
        self.assertEqual(self.ctv_a1.state, "ended")
        self.assertEqual(self.ctv_a1.date_end, self.today)
        self.assertEqual(self.asg_a1.date_to, self.today)
        # From tomorrow the household is free for another collaborator.
        self.Assignment.create({
            "collaborator_id": self.ctv_a1b.id, "household_id": self.hh_a1.id,
            "date_from": self.today + relativedelta(days=1),
        })

    def test_assign_village_households_set_based(self):
        hh_new = self._sp_household(self.village_a1, "Ngô Thị Cúc")
        self.ctv_a1b.action_assign_area_households()
        caseload = self.Assignment.search([("collaborator_id", "=", self.ctv_a1b.id)])
        # hh_a1 already belongs to Ctv A1; the two free households of the village are taken.
        self.assertEqual(caseload.household_id, self.hh_a1b | hh_new)
        self.assertEqual(set(caseload.mapped("company_id")), {self.office_a})
        self.assertEqual(set(caseload.mapped("area_id")), {self.village_a1})
        self.assertTrue(all(caseload.mapped("exclusive")))
        result = self.ctv_a1b.action_assign_area_households()
        self.assertIn("0 households", result["params"]["message"])
        self.assertEqual(self.Assignment.search_count([("collaborator_id", "=", self.ctv_a1b.id)]), 2)

    def test_user_must_be_a_collaborator(self):
        with self.assertRaisesRegex(ValidationError, "Village collaborator role"):
            self.ctv_a1b.user_id = self.officer_a1

    def test_create_user(self):
        self.ctv_a1b.email = "minh.ctv@example.com"
        self.ctv_a1b.action_create_user()
        user = self.ctv_a1b.user_id
        self.assertEqual(user.login, "minh.ctv@example.com")
        self.assertTrue(user.has_group("sp_base.group_collaborator"))
        self.assertFalse(user.has_group("sp_base.group_commune_officer"))
        self.assertEqual(user.partner_id, self.ctv_a1b.partner_id)
        self.assertEqual(user.company_id, self.office_a)
