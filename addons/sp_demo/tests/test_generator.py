import hashlib
from collections import Counter
from contextlib import closing

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.sp_registry.tools import validate_id_number

# One row per household and per person, without database ids (sequences do not roll back):
# the same seed must give the same text.
CANONICAL = """
    SELECT string_agg(line, E'\\n' ORDER BY line) FROM (
        SELECT concat_ws('|', 'H', h.code, a.code, h.street, h.poverty_status, h.member_count,
                         h.company_id = a.company_id, hd.name, h.active) AS line
          FROM sp_household h
          JOIN sp_area a ON a.id = h.area_id
          JOIN sp_individual hd ON hd.id = h.head_id
         WHERE h.id >= %(first_household)s
        UNION ALL
        SELECT concat_ws('|', 'I', h.code, i.id - h.head_id, i.name, i.relationship, i.gender,
                         i.birthdate, i.birthdate_precision, i.birth_year, i.age_band,
                         i.id_number, i.legacy_id_number, e.code, i.phone, i.disability_level,
                         i.disability_certificate_date, i.is_pregnant, i.in_school,
                         i.has_health_insurance, i.health_insurance_number,
                         i.health_insurance_expiry, i.poverty_status, i.area_id = h.area_id)
          FROM sp_individual i
          JOIN sp_household h ON h.id = i.household_id
          LEFT JOIN sp_ethnicity e ON e.id = i.ethnicity_id
         WHERE h.id >= %(first_household)s
        UNION ALL
        SELECT concat_ws('|', 'P', h.code, p.year, p.status, p.decision_ref, p.decision_date)
          FROM sp_household_poverty_history p
          JOIN sp_household h ON h.id = p.household_id
         WHERE h.id >= %(first_household)s
    ) lines
"""
# Enrolments, decisions and payment lines of the same households (when the modules are there).
CANONICAL_PROGRAMME = """
    SELECT string_agg(line, E'\n' ORDER BY line) FROM (
        SELECT concat_ws('|', 'E', h.code, i.id - h.head_id, p.code, e.state, e.date_start,
                         e.application_date, e.popdb_check_date, e.verified_date,
                         e.posting_date_end, e.monthly_amount, e.dependant_count,
                         e.disability_level, d.name, d.decision_date, d.signer, d.area_id,
                         (SELECT string_agg(c.code, ',' ORDER BY c.code)
                            FROM sp_benefit_category_sp_enrolment_rel r
                            JOIN sp_benefit_category c ON c.id = r.sp_benefit_category_id
                           WHERE r.sp_enrolment_id = e.id)) AS line
          FROM sp_enrolment e
          JOIN sp_programme p ON p.id = e.programme_id
          JOIN sp_individual i ON i.id = e.individual_id
          JOIN sp_household h ON h.id = i.household_id
          LEFT JOIN sp_decision d ON d.id = e.decision_id
         WHERE h.id >= %(first_household)s
    ) lines
"""
CANONICAL_PAYMENT = """
    SELECT string_agg(line, E'\n' ORDER BY line) FROM (
        SELECT concat_ws('|', 'L', h.code, i.id - h.head_id, l.period, l.category_code,
                         l.coefficient, l.standard_level, l.amount, l.arrears_amount,
                         l.carried_amount, l.total_amount, l.method, l.state, l.paid_date,
                         l.receipt_ref, b.name, b.state, cy.state) AS line
          FROM sp_payment_line l
          JOIN sp_payment_batch b ON b.id = l.batch_id
          JOIN sp_payment_cycle cy ON cy.id = l.cycle_id
          JOIN sp_enrolment e ON e.id = l.enrolment_id
          JOIN sp_individual i ON i.id = e.individual_id
          JOIN sp_household h ON h.id = i.household_id
         WHERE h.id >= %(first_household)s
    ) lines
"""


@tagged("post_install", "-at_install")
class TestGenerator(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.generator = cls.env["sp.demo.generator"]
        cls.cr.execute("SELECT last_value FROM sp_household_id_seq")
        cls.first = cls.cr.fetchone()[0] + 1
        cls.stats = cls.generator.generate(households=150, seed=11, provinces=["08", "86"])
        cls.households = cls.env["sp.household"].search([("id", ">=", cls.first)])
        cls.people = cls.households.member_ids

    def _checksum(self, **kwargs):
        """Generate in a savepoint that is rolled back; return the checksum of the data."""
        self.cr.execute("SELECT last_value FROM sp_household_id_seq")
        first = self.cr.fetchone()[0] + 1
        with closing(self.cr.savepoint()):
            stats = self.generator.generate(**kwargs)
            texts = []
            for query, model in ((CANONICAL, "sp.household"),
                                 (CANONICAL_PROGRAMME, "sp.enrolment"),
                                 (CANONICAL_PAYMENT, "sp.payment.line")):
                if model in self.env:
                    self.cr.execute(query, {"first_household": first})
                    texts.append(self.cr.fetchone()[0] or "")
        self.env.invalidate_all()
        stats["texts"] = texts
        return stats, hashlib.sha256("\n".join(texts).encode()).hexdigest()

    def test_same_seed_same_data(self):
        kwargs = {"households": 60, "seed": 5, "provinces": ["48"]}
        stats_a, first = self._checksum(**kwargs)
        stats_b, second = self._checksum(**kwargs)
        self.assertEqual(first, second, "the same seed must give the same data")
        self.assertEqual(stats_a["people"], stats_b["people"])
        if "sp.enrolment" in self.env and self._programme("TCXH"):
            # The checksum covers enrolments and (with sp_payment) payment history too.
            self.assertTrue(all(stats_a["texts"]), "every stage wrote rows for the new households")
            for stage in ("enrolments", "payments"):
                # what was written, not how long it took (wall and CPU seconds vary)
                figures_a, figures_b = (dict(stats["stages"].get(stage) or {}, seconds=0,
                                             cpu_seconds=0)
                                        for stats in (stats_a, stats_b))
                self.assertEqual(figures_a, figures_b, stage)
        _stats, other = self._checksum(**dict(kwargs, seed=6))
        self.assertNotEqual(first, other, "another seed must give other data")

    def test_ids_pass_registry_validation(self):
        with_id = self.people.filtered("id_number")
        self.assertTrue(with_id)
        for person in with_id:
            errors, warnings = validate_id_number(
                person.id_number, person.gender, person.birth_year or None)
            self.assertFalse(errors + warnings, "%s: %s" % (person.id_number, errors + warnings))
        # The registry's own constraint agrees.
        with_id._check_id_number()

    def test_households_are_believable(self):
        sizes = Counter(len(h.member_ids) for h in self.households)
        self.assertTrue(set(sizes) <= set(range(1, 9)), sizes)
        self.assertGreater(len(sizes), 4)
        for household in self.households:
            heads = household.member_ids.filtered(lambda p: p.relationship == "head")
            self.assertEqual(heads, household.head_id)
            self.assertEqual(household.member_count, len(household.member_ids))
            self.assertRegex(household.code, r"^%s-\d{6}$" % household.area_id.code)
            self.assertEqual(household.company_id, household.area_id.company_id)
            self.assertIn(household.province_id.code, ("08", "86"))
            spouses = household.member_ids.filtered(lambda p: p.relationship == "spouse")
            for spouse in spouses:
                self.assertNotEqual(spouse.gender, household.head_id.gender)
            for child in household.member_ids.filtered(lambda p: p.relationship == "child"):
                self.assertGreaterEqual(child.birth_year - household.head_id.birth_year, 15)
            if household.poverty_history_ids:
                latest = household.poverty_history_ids.sorted("year")[-1]
                self.assertEqual(latest.status, household.poverty_status)
        statuses = Counter(self.households.mapped("poverty_status"))
        self.assertTrue({"poor", "near_poor"} <= set(statuses), statuses)

    def test_people_are_believable(self):
        people = self.people
        self.assertEqual(len(people), self.stats["people"])
        self.assertEqual(set(people.mapped("gender")), {"male", "female"})
        self.assertTrue(people.filtered(lambda p: p.birthdate_precision == "year"))
        self.assertTrue(people.filtered(lambda p: not p.id_number))
        self.assertTrue(people.filtered("phone"))
        self.assertTrue(people.filtered(lambda p: p.disability_level != "none"))
        ages = people.mapped("age")
        self.assertLessEqual(max(ages), 105)
        self.assertTrue(any(age < 6 for age in ages) and any(age >= 60 for age in ages))
        for person in people.filtered("is_pregnant"):
            self.assertEqual(person.gender, "female")
            self.assertTrue(15 <= person.age <= 50)
        for person in people.filtered("birthdate"):
            self.assertEqual(person.birth_year, person.birthdate.year)
        # Tuyên Quang's households are of many peoples, Kinh among them.
        ethnicities = set(people.filtered(lambda p: p.province_id.code == "08")
                          .mapped("ethnicity_id.code"))
        self.assertIn("01", ethnicities)
        self.assertGreater(len(ethnicities), 2)
        names = people.mapped("name")
        self.assertTrue(all(len(name.split()) >= 2 for name in names))
        self.assertTrue(any("Nguyễn" in name for name in names))

    def test_columns_as_the_orm_fills_them(self):
        """Stored computed fields hold what the ORM computes; fields with a default have it."""
        sample = {"sp.household": self.households[:30], "sp.individual": self.people[:100],
                  "sp.household.poverty.history": self.households[:30].poverty_history_ids}
        for model, records in sample.items():
            self.assertTrue(records, model)
            Model = self.env[model]
            computed = [f for f in Model._fields.values()
                        if f.store and f.compute and f.column_type and f.name != "display_name"]
            stored = {rec.id: {f.name: rec[f.name] for f in computed} for rec in records}
            for field in computed:
                self.env.add_to_compute(field, records)
            Model.flush_model()
            records.invalidate_recordset()
            for rec in records:
                for field in computed:
                    self.assertEqual(rec[field.name], stored[rec.id][field.name],
                                     "%s.%s of %s" % (model, field.name, rec.id))
            defaults = Model.default_get(list(Model._fields))
            for name, value in defaults.items():
                field = Model._fields[name]
                if field.store and field.column_type and value not in (False, None):
                    self.assertFalse(records.filtered(lambda r, n=name: r[n] in (False, None)),
                                     "%s.%s must have its default" % (model, name))
            for rec in records:
                self.assertEqual(rec.create_uid, self.env.user)
                self.assertTrue(rec.create_date and rec.write_date)

    def test_registry_bulk_completion_changes_nothing(self):
        """sp_registry's own completion of SQL-loaded rows finds nothing left to fill."""
        self.cr.execute(CANONICAL, {"first_household": self.first})
        before = self.cr.fetchone()[0]
        self.env["sp.individual"]._sp_fill_derived(self.people.ids)
        self.env["sp.household"]._sp_fill_derived(self.households.ids)
        self.cr.execute(CANONICAL, {"first_household": self.first})
        self.assertEqual(self.cr.fetchone()[0], before)

    def test_people_count_exact(self):
        stats = self.generator.generate(people=333, seed=3, provinces=["68"])
        self.assertEqual(stats["people"], 333)
        new = self.env["sp.individual"].search([("household_id", ">", max(self.households.ids))])
        self.assertEqual(len(new), 333)
        self.assertEqual(set(new.mapped("province_id.code")), {"68"})

    def test_orm_continues_after_generation(self):
        """Records made by hand after a bulk load get the next household code of the commune."""
        household = self.households.sorted("code")[-1]
        area = household.area_id
        last = max(self.env["sp.household"].search([("area_id", "=", area.id)]).mapped("code"))
        new = self.env["sp.household"].create({"area_id": area.id})
        self.assertEqual(int(new.code.split("-")[1]), int(last.split("-")[1]) + 1)

    def test_narrowed_to_communes(self):
        commune = self.households[0].area_id
        self.generator.generate(households=12, seed=4, provinces=[commune.province_id.code],
                                communes=[commune.code])
        new = self.env["sp.household"].search([("id", ">", max(self.households.ids))])
        self.assertEqual(len(new), 12)
        self.assertEqual(new.area_id, commune)

    def test_collaborators_when_installed(self):
        if "sp.collaborator.assignment" not in self.env:
            self.skipTest("sp_collaborator is not installed")
        assignments = self.env["sp.collaborator.assignment"].search(
            [("household_id", "in", self.households.ids)])
        self.assertEqual(assignments.household_id, self.households)
        self.assertEqual(len(assignments), len(self.households), "one collaborator each")
        for assignment in assignments:
            self.assertTrue(assignment.is_current)
            self.assertEqual(assignment.collaborator_id.area_id, assignment.household_id.commune_id)
            self.assertEqual(assignment.company_id, assignment.household_id.company_id)
        self.assertFalse(self.generator.complete().get("collaborators"), "nothing left to do")

    def test_tickets_when_installed(self):
        if "sp.grievance" not in self.env:
            self.skipTest("sp_grievance is not installed")
        self.generator.generate(households=900, seed=12, provinces=["86"])
        tickets = self.env["sp.grievance"].search([("household_id.province_id.code", "=", "86")])
        self.assertGreaterEqual(len(tickets), 3)
        for ticket in tickets:
            self.assertEqual(ticket.individual_id, ticket.household_id.head_id)
            self.assertIn(ticket.state, ("new", "acknowledged", "resolved"))
            self.assertTrue(ticket.name and ticket.subject and ticket.category_id)
            self.assertLessEqual(ticket.date_received, fields.Datetime.now())
        self.assertFalse(self.generator.complete().get("tickets"), "nothing left to do")

    def _programme(self, code):
        if "sp.programme" not in self.env:
            return None
        return self.env["sp.programme"].search([("code", "=", code)], limit=1)

    def _enrolments(self):
        return self.env["sp.enrolment"].search([("individual_id", "in", self.people.ids)])

    def test_enrolments_when_installed(self):
        if not self._programme("TCXH"):
            self.skipTest("sp_programme and its Vietnam data (sp_vn_programme) are not installed")
        enrolments = self._enrolments()
        share = len(enrolments) / len(self.people)
        self.assertTrue(0.02 < share < 0.15, "a believable share enrolled: %s" % share)
        codes = Counter(enrolments.category_ids.mapped("code"))
        self.assertTrue({"K5c", "K6"} <= set(codes), codes)
        today = fields.Date.context_today(self.generator)
        for enrolment in enrolments:
            decision = enrolment.decision_id
            self.assertEqual(enrolment.state, "active")
            self.assertTrue(decision, "every enrolment has its decision")
            self.assertIn(enrolment, decision.enrolment_ids)
            self.assertEqual(decision.programme_id, enrolment.programme_id)
            self.assertEqual(decision.area_id, enrolment.commune_id)
            self.assertLessEqual(decision.decision_date, today)
            self.assertEqual(enrolment.date_start, decision.decision_date.replace(day=1))
            self.assertLessEqual(enrolment.application_date, decision.decision_date)
            self.assertEqual(enrolment.company_id, enrolment.individual_id.company_id)
            self.assertEqual(enrolment.category_ids.programme_id, enrolment.programme_id)
            self.assertGreater(enrolment.monthly_amount, 0)
            # What the registry can tell agrees with the categories, at the decision month.
            self.assertFalse(enrolment._sp_ineligibility(), enrolment.display_name)
        people = enrolments.individual_id
        self.assertEqual(len(people), len(enrolments), "one programme per person at most")
        # Computing the month again through the programme gives the same amounts.
        month = today.replace(day=1)
        amounts = {e.id: e.monthly_amount for e in enrolments}
        self.env["sp.entitlement"]._sp_refresh_monthly_amounts(enrolments, month)
        enrolments.invalidate_recordset()
        self.assertEqual({e.id: e.monthly_amount for e in enrolments}, amounts)
        self.assertFalse(self.generator.complete().get("enrolments"), "nothing left to do")

    def test_payments_when_installed(self):
        if "sp.payment.line" not in self.env or not self._programme("TCXH"):
            self.skipTest("sp_payment and sp_vn_programme are not installed")
        enrolments = self._enrolments()
        lines = self.env["sp.payment.line"].search([("enrolment_id", "in", enrolments.ids)])
        cycles = lines.cycle_id
        self.assertEqual(len(set(cycles.mapped("period"))), 3, "three past months")
        today = fields.Date.context_today(self.generator)
        last = max(cycles.mapped("period"))
        self.assertLess(last, today.replace(day=1))
        for cycle in cycles:
            self.assertEqual(cycle.state, "approved" if cycle.period == last else "closed")
            self.assertFalse(cycle._sp_closing_problems(), cycle.name)
            self.assertTrue(all(b.agency_id for b in cycle.batch_ids))
            result = self.env["sp.payment.result"].search([("cycle_id", "=", cycle.id)])
            self.assertEqual(result.state, "done")
            self.assertFalse(result.issue_count, "the agency's file matches its lines")
        states = Counter(lines.mapped("state"))
        self.assertEqual(set(states) - {"paid", "unpaid", "carried"}, set(), states)
        self.assertGreater(states["paid"], 10 * (states["unpaid"] + states["carried"]), states)
        for line in lines:
            entitled = line.enrolment_id.date_start <= line.period
            self.assertTrue(entitled, "a line only for a month the enrolment is paid")
            if line.state == "paid":
                self.assertTrue(line.paid_date and line.receipt_ref)
            if line.state == "carried":
                self.assertGreaterEqual(line.carried_to_id.carried_amount, line.total_amount)
        # Every enrolment decided before a month has its line in that month.
        for period in set(cycles.mapped("period")):
            due = enrolments.filtered(lambda e, p=period: e.date_start <= p)
            paid = lines.filtered(lambda line, p=period: line.period == p).enrolment_id
            self.assertEqual(paid, due)
        self.assertFalse(self.generator.complete().get("payments"), "nothing left to do")

    def test_bad_input(self):
        with self.assertRaises(UserError):
            self.generator.generate()
        with self.assertRaises(UserError):
            self.generator.generate(households=-3)
        with self.assertRaises(UserError):
            self.generator.generate(households=5, provinces=["99"])
        officer = self.env["res.users"].create({
            "name": "Officer", "login": "sp_demo_test_officer",
            "groups_id": [(6, 0, [self.env.ref("sp_base.group_province_manager").id])],
        })
        with self.assertRaises(UserError):
            self.generator.with_user(officer).generate(households=5)
        with self.assertRaises(UserError):
            self.generator.with_user(officer).create_demo_users()
