import io

import openpyxl
from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from .common import CollaboratorFixtures


@tagged("post_install", "-at_install")
class TestAllowance(CollaboratorFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.month = (cls.today - relativedelta(months=1)).replace(day=1)
        cls.Allowance = cls.env["sp.collaborator.allowance"]
        cls.Term = cls.env["sp.collaborator.allowance.term"]
        cls.asg_a1b = cls.Assignment.create({
            "collaborator_id": cls.ctv_a1.id, "household_id": cls.hh_a1b.id,
            "date_from": cls.start,
        })

    def _day(self, day):
        return self.month + relativedelta(days=day - 1)

    def _compute(self, collaborators=None):
        self.Allowance._sp_compute(self.month, collaborators or self.ctv_a1 | self.ctv_a1b | self.ctv_b1)
        return self.Allowance.search([("period", "=", self.month)])

    def _log_visits(self):
        self._visit(self.ctv_a1, self.hh_a1, self._day(2))
        # Two activities with one household on one day count once.
        self._visit(self.ctv_a1, self.hh_a1, self._day(5), kind="home_visit")
        self._visit(self.ctv_a1, self.hh_a1, self._day(5), kind="counselling", topic="health_check")
        self._visit(self.ctv_a1, self.hh_a1b, self._day(5), kind="application_help",
                    topic="application_help")
        # A rejected activity is not paid; nor is one of another month.
        self._visit(self.ctv_a1, self.hh_a1b, self._day(9)).action_reject()
        self._visit(self.ctv_a1, self.hh_a1, self.month - relativedelta(days=1))

    def test_base_plus_visits(self):
        self._log_visits()
        allowances = self._compute()
        mine = allowances.filtered(lambda a: a.collaborator_id == self.ctv_a1)
        self.assertRecordValues(mine, [{
            "term_id": self.term_a.id, "base_amount": 500000, "visit_count": 3,
            "per_visit_amount": 20000, "visit_amount": 60000, "cap_amount": 1000000,
            "amount": 560000, "state": "draft", "company_id": self.office_a.id,
            "area_id": self.village_a1.id,
        }])
        # Ctv A1b has no visit: the base amount. Ctv B1's office has no terms: no allowance.
        self.assertEqual(allowances.collaborator_id, self.ctv_a1 | self.ctv_a1b)
        self.assertEqual(
            allowances.filtered(lambda a: a.collaborator_id == self.ctv_a1b).amount, 500000
        )

    def test_cap(self):
        self.term_a.cap_amount = 540000
        self._log_visits()
        mine = self._compute().filtered(lambda a: a.collaborator_id == self.ctv_a1)
        self.assertEqual(mine.visit_amount, 60000)
        self.assertEqual(mine.amount, 540000)
        self.term_a.cap_amount = 0
        mine = self._compute().filtered(lambda a: a.collaborator_id == self.ctv_a1)
        self.assertEqual(mine.amount, 560000, "no cap when the cap is 0")

    def test_terms_are_effective_dated_and_personal_terms_win(self):
        # Office terms raised from next month: not this month's.
        self.Term.create({
            "company_id": self.office_a.id, "date_from": self.month + relativedelta(months=1),
            "monthly_base": 900000, "per_visit_amount": 50000,
        })
        personal = self.Term.create({
            "collaborator_id": self.ctv_a1.id, "date_from": self.month - relativedelta(years=2),
            "monthly_base": 300000, "per_visit_amount": 30000, "cap_amount": 0,
        })
        self.assertEqual(personal.company_id, self.office_a)
        self._log_visits()
        allowances = self._compute()
        mine = allowances.filtered(lambda a: a.collaborator_id == self.ctv_a1)
        self.assertEqual((mine.term_id, mine.amount), (personal, 300000 + 3 * 30000))
        other = allowances.filtered(lambda a: a.collaborator_id == self.ctv_a1b)
        self.assertEqual((other.term_id, other.amount), (self.term_a, 500000))
        # Personal terms that ended before the month no longer apply.
        personal.date_to = self.month - relativedelta(days=1)
        mine = self._compute().filtered(lambda a: a.collaborator_id == self.ctv_a1)
        self.assertEqual((mine.term_id, mine.amount), (self.term_a, 560000))

    def test_recompute_is_idempotent_and_keeps_confirmed(self):
        self._log_visits()
        first = self._compute()
        self.assertEqual(self._compute(), first, "computing twice makes no new rows")
        mine = first.filtered(lambda a: a.collaborator_id == self.ctv_a1)
        mine.action_confirm()
        # The confirmed month is frozen: no new, moved or deleted activity.
        with self.assertRaisesRegex(UserError, "already confirmed"):
            self._visit(self.ctv_a1, self.hh_a1, self._day(12))
        visit = self.Activity.search([("collaborator_id", "=", self.ctv_a1.id),
                                      ("date", "=", self._day(2))])
        with self.assertRaisesRegex(UserError, "already confirmed"):
            visit.date = self._day(3)
        with self.assertRaisesRegex(UserError, "already confirmed"):
            visit.unlink()
        visit.outcome = "Notes may still be completed"
        self.term_a.monthly_base = 700000
        self._compute()
        self.assertEqual(mine.amount, 560000, "a confirmed allowance never changes")
        other = first.filtered(lambda a: a.collaborator_id == self.ctv_a1b)
        self.assertEqual(other.amount, 700000, "drafts follow the terms")
        with self.assertRaisesRegex(UserError, "Only draft"):
            mine.action_confirm()
        mine.action_mark_paid()
        self.assertEqual(mine.state, "paid")
        self.assertEqual(mine.date_paid, self.today)

    def test_ineligible_drafts_removed(self):
        self._compute()
        self.ctv_a1b.action_suspend()
        allowances = self._compute()
        self.assertNotIn(self.ctv_a1b, allowances.collaborator_id)
        # Service ended before the month: nothing either.
        self.ctv_a1b.write({"state": "ended", "date_end": self.month - relativedelta(days=1)})
        self.assertNotIn(self.ctv_a1b, self._compute().collaborator_id)

    def test_payment_list_xlsx(self):
        self.ctv_a1.write({"bank_name": "Agribank", "bank_account": "=1+1"})
        self._log_visits()
        allowances = self._compute()
        book = openpyxl.load_workbook(io.BytesIO(allowances._sp_payment_list_xlsx()))
        sheet = book.active
        rows = [row for row in sheet.iter_rows(min_row=4, values_only=True) if any(row)]
        self.assertEqual(len(rows), 3, "two collaborators and the total")
        by_name = {row[6]: row for row in rows}
        lan = by_name["Phạm Thị Lan"]
        self.assertEqual(lan[1], self.month.strftime("%m/%Y"))
        self.assertEqual(lan[4], "Thôn 1")
        self.assertEqual(lan[10], "=1+1", "text stays text, never a formula")
        self.assertEqual((lan[11], lan[12], lan[14], lan[16]), (500000, 3, 60000, 560000))
        self.assertEqual(by_name["Total"][16], 560000 + 500000)
        action = allowances.action_export_xlsx()
        self.assertIn("/web/content?model=sp.collaborator.export", action["url"])

    def test_wizard_as_manager(self):
        self._log_visits()
        wizard = self.env["sp.collaborator.allowance.compute"].with_user(self.manager_a).create({
            "period": self._day(17),
        })
        action = wizard.action_compute()
        allowances = self.Allowance.with_user(self.manager_a).search(action["domain"])
        self.assertEqual(allowances.collaborator_id, self.ctv_a1 | self.ctv_a1b)
        self.assertEqual(set(allowances.mapped("period")), {self.month})
        export = wizard.action_export()
        self.assertEqual(export["type"], "ir.actions.act_url")

    def test_officer_cannot_compute(self):
        with self.assertRaises(AccessError):
            self.Allowance.with_user(self.officer_a1)._sp_compute(self.month, self.ctv_a1)
        with self.assertRaises(AccessError):
            self.env["sp.collaborator.allowance.compute"].with_user(self.officer_a1).create({})

    def test_empty_export_refused(self):
        with self.assertRaisesRegex(UserError, "Select the allowances"):
            self.Allowance.action_export_xlsx()
