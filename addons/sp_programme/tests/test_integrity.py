"""Attack regression tests (issue 13): forged workflow fields, four eyes on the decision, death
needs a death, messages that leak nothing, bad input, what the call-centre agent reads.

Each observed attack is tried as its role through the ORM (with the context keys an RPC
client could send) and over XML-RPC."""
import psycopg2
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.sp_base.tests.common import SpRpcMixin

from .test_access import AccessFixture

FORGED_CONTEXTS = ({}, {"sp_step": True}, {"sp_step": "1", "tracking_disable": True})
SECRET_NAME = "Trần Thị Bí Mật"


class IntegrityFixture(AccessFixture):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A person of province B, enrolled there: officers of province A must learn nothing
        # about them from a message.
        cls.secret = cls._person(SECRET_NAME, "1950-01-10", cls.hh_poor_b1)
        cls.enr_secret = cls._enrol_cls(cls.secret)


@freeze_time("2026-11-20")
@tagged("post_install", "-at_install")
class TestIntegrityOrm(IntegrityFixture, TransactionCase):
    # ------------------------------------------------------------------ 1. forged steps
    def test_forged_active_enrolment_refused(self):
        """Observed: a commune officer created an active enrolment with no decision."""
        person = self._person("Forger", "1950-01-10", self.hh_poor_a1)
        Enrolment = self.Enrolment.with_user(self.officer_a1)
        for context in FORGED_CONTEXTS:
            for vals in ({"state": "active"}, {"decision_id": self.enr_a1.decision_id.id},
                         {"funeral_amount": 50_000_000}, {"date_start": "2021-01-01"},
                         {"approved_by_id": self.manager_a.id}, {"monthly_amount": 1}):
                with self.subTest(context=context, vals=vals), self.assertRaises(AccessError):
                    Enrolment.with_context(**context).create({
                        "programme_id": self.allowance.id, "individual_id": person.id,
                        "category_ids": [(6, 0, self.c5.ids)], **vals})
        self.assertFalse(self.Enrolment.search([("individual_id", "=", person.id)]))

    def test_forged_funeral_and_start_refused(self):
        """Observed: funeral_amount=50,000,000 and date_start=2021-01-01 written on an active
        enrolment (the next cycle paid them)."""
        before = self.enr_a1.read(["funeral_amount", "date_start", "state", "arrears_from"])[0]
        for user in (self.officer_a1, self.manager_a, self.central_officer, self.admin_user):
            for context in FORGED_CONTEXTS:
                for vals in ({"funeral_amount": 50_000_000}, {"date_start": "2021-01-01"},
                             {"funeral_period": "2026-12-01"}, {"arrears_from": "2021-01-01"},
                             {"state": "approval"}, {"date_end": False},
                             {"approved_by_id": user.id}, {"decision_ids": [(5,)]}):
                    with self.subTest(user=user.login, context=context, vals=vals), \
                            self.assertRaises(AccessError):
                        self.enr_a1.with_user(user).with_context(**context).write(vals)
        self.assertEqual(self.enr_a1.read(list(before))[0], before)

    def test_forged_child_records_refused(self):
        """Suspensions, adjustments, approvals and decision links are written by the steps."""
        officer = self.officer_a1
        with self.assertRaises(AccessError):
            self.env["sp.enrolment.suspension"].with_user(officer).with_context(
                sp_step=True).create({"enrolment_id": self.enr_a1.id, "reason": "other",
                                      "date_from": "2026-11-01"})
        with self.assertRaises(AccessError):
            self.env["sp.enrolment.adjustment"].with_user(officer).create({
                "enrolment_id": self.enr_a1.id, "date": "2015-01-01",
                "old_category_ids": [(6, 0, self.c6.ids)]})
        with self.assertRaises(AccessError):
            self.env["sp.enrolment.approval"].with_user(self.manager_a).create({
                "enrolment_id": self.enr_a1.id, "user_id": self.manager_a2.id,
                "result": "approved"})
        with self.assertRaises(AccessError):
            self.enr_a1.decision_id.with_user(officer).enrolment_ids = [(5,)]
        # The steps still write them.
        self.enr_a1.with_user(officer).action_suspend("other", "2026-11-01")
        self.enr_a1.with_user(officer).action_resume("2026-12-01")
        self.assertEqual(self.enr_a1.suspension_ids.date_to.isoformat(), "2026-11-30")
        self.assertEqual(self.enr_a1.suspension_ids.write_uid, officer)

    def test_application_not_moved_out_of_scope(self):
        application = self._application(self._person("Mover", "1950-01-10", self.hh_poor_a1),
                                         self.allowance, self.c5)
        with self.assertRaises(AccessError):
            application.with_user(self.officer_a1).write({
                "area_id": self.commune_b1.id, "company_id": self.office_b.id})
        application.with_user(self.officer_a1).area_id = self.village_a1
        self.assertEqual(application.area_id, self.village_a1)

    def test_signed_decision_not_rewritten(self):
        decision = self.enr_a1.decision_id.with_user(self.manager_a)
        for vals in ({"decision_date": "2014-01-01"}, {"name": "QĐ-forged"},
                     {"area_id": self.commune_b1.id}):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "has decided"):
                decision.write(vals)
        decision.note = "A remark stays editable."

    def test_forged_screening_results_refused(self):
        screening = self.env["sp.screening"].with_user(self.officer_a1).create({
            "programme_id": self.allowance.id, "area_id": self.commune_a1.id,
            "reference_date": "2026-11-01"})
        with self.assertRaises(AccessError):
            screening.write({"state": "done"})
        with self.assertRaises(AccessError):
            self.env["sp.screening.candidate"].with_user(self.officer_a1).create({
                "screening_id": screening.id, "individual_id": self.enr_a1.individual_id.id,
                "category_id": self.c6.id, "coefficient": 2.5})
        screening.action_run()
        self.assertEqual(screening.state, "done")

    # ------------------------------------------------------------------ 2. four eyes
    def test_four_eyes_on_the_decision(self):
        person = self._person("Four eyes", "1950-01-10", self.hh_poor_a1)
        application = self._application(person, self.allowance, self.c5,
                                         application_date="2026-11-02")
        application.with_user(self.manager_a).action_submit()
        application.popdb_status = "matched"
        application.action_verify()
        decision = self._decision(self.allowance, "2026-11-10", area=self.commune_a1)
        with self.assertRaisesRegex(UserError, "segregation of duties"):
            application.with_user(self.manager_a).action_approve(decision=decision)
        application.with_user(self.manager_a2).action_approve(decision=decision)
        self.assertEqual((application.state, application.approved_by_id,
                          application.submitted_by_id),
                         ("active", self.manager_a2, self.manager_a))
        self.assertEqual(application.approval_ids.prepared_by_id, self.manager_a)
        # The database refuses what the code refuses.
        for query in ("UPDATE sp_enrolment SET approved_by_id = submitted_by_id WHERE id = %s",
                      "UPDATE sp_enrolment_approval SET user_id = prepared_by_id "
                      "WHERE enrolment_id = %s"):
            with self.subTest(query=query), mute_logger("odoo.sql_db"), \
                    self.assertRaises(psycopg2.errors.CheckViolation), self.env.cr.savepoint():
                self.env.cr.execute(query, [application.id])

    # ------------------------------------------------------------------ 3. death
    def test_death_needs_a_death(self):
        """Observed: a commune officer got 10,800,000 VND of funeral support for a living
        person by terminating for death."""
        with self.assertRaisesRegex(UserError, "no date of death"):
            self.enr_a1.with_user(self.officer_a1).action_terminate("death", "2026-10-05")
        self.assertEqual((self.enr_a1.state, self.enr_a1.funeral_amount), ("active", 0))
        # Recorded in the registry (a death event): the enrolment ends, funeral support once.
        self.enr_a1.individual_id.date_of_death = "2026-10-05"
        self.assertEqual(self.enr_a1.state, "terminated")
        self.assertEqual(self.enr_a1.termination_date.isoformat(), "2026-10-05")
        self.assertGreater(self.enr_a1.funeral_amount, 0)
        self.enr_a1.sudo()._sp_grant_funeral(self.enr_a1.termination_date)
        self.assertEqual(self.Enrolment.search_count([
            ("individual_id", "=", self.enr_a1.individual_id.id), ("funeral_amount", ">", 0)]), 1)

    def test_death_date_is_the_registry_one(self):
        # A death loaded in the registry without the sweep yet: the step uses its date.
        person = self.enr_a2.individual_id
        self.env.cr.execute("UPDATE sp_individual SET date_of_death = '2026-09-12' WHERE id = %s",
                            [person.id])
        person.invalidate_recordset(["date_of_death"])
        self.enr_a2.with_user(self.manager_a).action_terminate("death", "2026-11-15")
        self.assertEqual((self.enr_a2.termination_date.isoformat(),
                          self.enr_a2.date_end.isoformat()), ("2026-09-12", "2026-09-30"))

    # ------------------------------------------------------------------ 4. messages
    def test_duplicate_message_outside_scope_names_nobody(self):
        with self.assertRaises(ValidationError) as err, self.env.cr.savepoint():
            self.Enrolment.with_user(self.officer_a1).create({
                "programme_id": self.allowance.id, "individual_id": self.secret.id,
                "category_ids": [(6, 0, self.c5.ids)]})
        message = str(err.exception)
        self.assertIn("another office", message)
        for secret in (SECRET_NAME, self.hh_poor_b1.display_name, self.office_b.name,
                       str(self.enr_secret.id)):
            self.assertNotIn(secret, message)
        # In scope, the message stays precise.
        with self.assertRaises(ValidationError) as err, self.env.cr.savepoint():
            self.Enrolment.with_user(self.officer_b1).create({
                "programme_id": self.allowance.id, "individual_id": self.secret.id,
                "category_ids": [(6, 0, self.c5.ids)]})
        self.assertIn(SECRET_NAME, str(err.exception))

    def test_overlap_message_outside_scope_names_nobody(self):
        # The person's months in province B overlap those of a new enrolment in province A.
        person = self._person("Moved", "1950-01-10", self.hh_poor_a1)
        in_b = self._enrol(person, self.allowance, self.c5)
        self.env.cr.execute("UPDATE sp_enrolment SET area_id = %s, commune_id = %s, "
                            "province_id = %s, company_id = %s, state = 'terminated', "
                            "date_end = '2026-10-31' WHERE id = %s",
                            [self.commune_b1.id, self.commune_b1.id, self.prov_b.id,
                             self.office_b.id, in_b.id])
        in_a = self._enrol(person, self.allowance, self.c5, decision_date="2026-11-10")
        self.env.cr.execute("UPDATE sp_enrolment SET date_start = '2026-01-01' WHERE id = %s",
                            [in_a.id])
        self.env.invalidate_all()
        with self.assertRaises(ValidationError) as err:
            in_a.with_user(self.officer_a1)._check_overlap()
        message = str(err.exception)
        self.assertIn("another office", message)
        self.assertNotIn(self.office_b.name, message)
        self.assertNotIn(str(in_b.id), message)

    # ------------------------------------------------------------------ 5. bad input
    def test_amounts_finite_and_within_bounds(self):
        Level = self.env["sp.standard.level"].with_user(self.admin_user)
        for value in (float("nan"), float("inf"), -float("inf"), 1e308, -5, "abc", "nan"):
            with self.subTest(value=value), \
                    self.assertRaisesRegex(ValidationError, r"Amount \(VND\)|positive amount"):
                Level.create({"programme_id": self.allowance.id, "date_from": "2027-01-01",
                              "amount": value})
        with self.assertRaisesRegex(ValidationError, "Funeral support"):
            self.allowance.with_user(self.admin_user).write({"funeral_coefficient": float("nan")})
        application = self._application(self._person("Bad", "1950-01-10", self.hh_poor_a1),
                                         self.allowance, self.c5)
        for value in (10**10, -1, 1.5):
            with self.subTest(value=value), self.assertRaisesRegex(ValidationError, "Dependants"):
                application.with_user(self.officer_a1).write({"dependant_count": value})
        # The database holds the same bounds (rows loaded by SQL).
        for query in ("UPDATE sp_standard_level SET amount = 'NaN' WHERE programme_id = %s",
                      "UPDATE sp_enrolment SET funeral_amount = 1e308 WHERE id = %s",
                      "UPDATE sp_entitlement SET amount = -1 WHERE enrolment_id = %s"):
            with self.subTest(query=query), mute_logger("odoo.sql_db"), \
                    self.assertRaises(psycopg2.errors.CheckViolation), self.env.cr.savepoint():
                self.env.cr.execute(query, [self.enr_a1.id if "enrolment" in query
                                            else self.allowance.id])

    def test_step_arguments_checked(self):
        """Observed: action_transfer(int) answered with a traceback."""
        enrolment = self.enr_a1.with_user(self.officer_a1)
        calls = [
            ("action_transfer", (self.commune_a2.id * 1000 + 7, "2026-11-01")),
            ("action_transfer", ("commune", "2026-11-01")),
            ("action_transfer", (self.prov_a.id, "2026-11-01")),
            ("action_transfer", (self.commune_a2.id, "31/02/2020")),
            ("action_terminate", ("bogus", "2026-11-01")),
            ("action_terminate", ("ineligible", "2020-02-31")),
            ("action_terminate", ("ineligible", 12)),
            ("action_terminate", ("ineligible", "2026-11-01", "nul\x00byte")),
            ("action_suspend", ("other", None)),
            ("action_suspend", ("not_a_reason", "2026-11-01")),
            ("action_resume", ("2026-11-01", "yes")),
            ("action_adjust", ("2026-11-01", [10**9])),
            ("action_adjust", ("2026-11-01", None, 10**10)),
            ("action_adjust", ("2026-11-01", None, None, "extreme")),
            ("action_approve", ("QĐ-1",)),
        ]
        for method, args in calls:
            with self.subTest(method=method, args=args), \
                    self.assertRaises(UserError), self.env.cr.savepoint():
                getattr(enrolment, method)(*args)
        self.assertEqual(self.enr_a1.state, "active")
        # A correct id is accepted (over RPC the client sends ids).
        new = enrolment.action_transfer(self.commune_a2.id, "2026-11-01")
        self.assertEqual((new.area_id, new.state), (self.commune_a2, "approval"))

    # ------------------------------------------------------------------ 6. call-centre agent
    def test_agent_reads_summaries_not_categories(self):
        agent_enrolment = self.enr_a1.with_user(self.agent)
        summary = agent_enrolment.read(["programme_id", "state", "monthly_amount", "date_start"])
        self.assertEqual(summary[0]["state"], "active")
        for field in ("category_ids", "disability_level", "certificate_date"):
            with self.subTest(field=field), self.assertRaises(AccessError):
                agent_enrolment.read([field])
        with self.assertRaises(AccessError):
            self.all_rows[:1].with_user(self.agent).read(["category_id"])
        with self.assertRaises(AccessError):
            self.Enrolment.with_user(self.agent).search([("category_ids.code", "=", "C5")])
        with self.assertRaises(AccessError):
            self.env["sp.screening.candidate"].with_user(self.agent).search([])
        self.assertNotIn("category_ids", self.Enrolment.with_user(self.agent).fields_get())
        # Case workers still read them.
        self.assertEqual(self.enr_a1.with_user(self.officer_a1).category_ids, self.c5)


@freeze_time("2026-11-20")
@tagged("post_install", "-at_install")
class TestIntegrityRpc(SpRpcMixin, IntegrityFixture, HttpCase):
    def _refused(self, user, model, method, *args, **kwargs):
        """The call fails with a message (never a traceback); returns the message."""
        with self.assertRaises(Exception) as err, mute_logger("odoo.http"):
            self._rpc(user, model, method, *args, **kwargs)
        message = str(err.exception)
        self.assertNotIn("Traceback", message)
        return message

    def test_rpc_forged_enrolment_and_amounts(self):
        person = self._person("Forger", "1950-01-10", self.hh_poor_a1)
        for context in ({}, {"sp_step": True}):
            message = self._refused(self.officer_a1, "sp.enrolment", "create", {
                "programme_id": self.allowance.id, "individual_id": person.id,
                "category_ids": [(6, 0, self.c5.ids)], "state": "active"}, context=context)
            self.assertIn("starts as an application", message)
            for vals in ({"funeral_amount": 50_000_000}, {"date_start": "2021-01-01"}):
                message = self._refused(self.officer_a1, "sp.enrolment", "write",
                                        self.enr_a1.ids, vals, context=context)
                self.assertIn("set by the enrolment's steps", message)
        message = self._refused(self.officer_a1, "sp.enrolment", "_sp_update", self.enr_a1.ids,
                                {"funeral_amount": 50_000_000})
        self.assertRegex(message, "(?i)private")
        self.enr_a1.invalidate_recordset()
        self.assertEqual((self.enr_a1.funeral_amount, self.enr_a1.date_start.isoformat()),
                         (0, "2015-01-01"))
        self.assertFalse(self.Enrolment.search([("individual_id", "=", person.id)]))

    def test_rpc_forged_approval(self):
        message = self._refused(self.manager_a, "sp.enrolment.approval", "create", {
            "enrolment_id": self.enr_a1.id, "user_id": self.manager_a2.id, "result": "approved"})
        self.assertIn("steps", message)
        message = self._refused(self.manager_a, "sp.enrolment", "write", self.enr_a1.ids,
                                {"approved_by_id": self.manager_a2.id})
        self.assertIn("steps", message)

    def test_rpc_death_needs_a_death(self):
        message = self._refused(self.officer_a1, "sp.enrolment", "action_terminate",
                                self.enr_a1.ids, "death", "2026-10-05")
        self.assertIn("no date of death", message)
        self.enr_a1.invalidate_recordset()
        self.assertEqual((self.enr_a1.state, self.enr_a1.funeral_amount), ("active", 0))

    def test_rpc_duplicate_message_leaks_nothing(self):
        message = self._refused(self.officer_a1, "sp.enrolment", "create", {
            "programme_id": self.allowance.id, "individual_id": self.secret.id,
            "category_ids": [(6, 0, self.c5.ids)]})
        self.assertIn("another office", message)
        self.assertNotIn(SECRET_NAME, message)
        self.assertNotIn(self.office_b.name, message)

    def test_rpc_bad_input(self):
        message = self._refused(self.officer_a1, "sp.enrolment", "action_transfer",
                                self.enr_a1.ids, 987654321, "2026-11-01")
        self.assertIn("does not exist", message)
        message = self._refused(self.officer_a1, "sp.enrolment", "action_transfer",
                                self.enr_a1.ids, "abc", "2026-11-01")
        self.assertIn("expected a record", message)
        message = self._refused(self.officer_a1, "sp.enrolment", "action_terminate",
                                self.enr_a1.ids, "ineligible", "31/02/2020")
        self.assertIn("not a valid date", message)
        for value in (float("nan"), float("inf"), 1e308, -1.0):
            with self.subTest(value=value):
                message = self._refused(self.admin_user, "sp.standard.level", "create", {
                    "programme_id": self.allowance.id, "date_from": "2027-01-01",
                    "amount": value})
                self.assertRegex(message, r"Amount \(VND\)|positive amount")
        self.enr_a1.invalidate_recordset()
        self.assertEqual(self.enr_a1.state, "active")

    def test_rpc_agent_reads_no_category(self):
        rows = self._rpc(self.agent, "sp.enrolment", "read", self.enr_a1.ids,
                         ["programme_id", "state", "monthly_amount"])
        self.assertEqual(rows[0]["state"], "active")
        self._refused(self.agent, "sp.enrolment", "read", self.enr_a1.ids, ["category_ids"])
        self._refused(self.agent, "sp.entitlement", "search_read",
                      [("id", "in", self.all_rows.ids)], ["category_id"])
