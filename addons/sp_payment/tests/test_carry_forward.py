from odoo.tests import TransactionCase, tagged

from .common import LEVEL, PaymentFixtures


@tagged("post_install", "-at_install")
class TestCarryForward(PaymentFixtures, TransactionCase):
    """Unpaid amounts move to the next month's line, once; three months not collected
    suspend the enrolment (or propose it)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.people = cls._sp_people(3, cls.village_a1)
        cls.e1, cls.e2, cls.e3 = cls._sp_enrol(cls.people, cls.m1)

    def _month(self, month, unpaid=()):
        """Generate, approve (another manager) and report a month."""
        cycle = self._sp_generate(self._sp_cycle(month))
        self._sp_approve(cycle)
        self._sp_pay_all(cycle, unpaid=unpaid)
        return cycle

    def _line(self, cycle, enrolment):
        return cycle.line_ids.filtered(lambda x: x.enrolment_id == enrolment)

    def test_carry_forward_over_several_months_then_suspension(self):
        c1 = self._month(self.m1, unpaid=self.e1)
        self.assertRecordValues(c1, [{"paid_amount": 2 * LEVEL, "unpaid_amount": LEVEL,
                                      "pending_count": 0}])
        self.assertEqual(set(c1.batch_ids.mapped("state")), {"reported"})
        c2 = self._month(self.m2, unpaid=self.e1 | self.e2)
        l1, l2 = self._line(c1, self.e1), self._line(c2, self.e1)
        self.assertEqual(l1.state, "carried")
        self.assertEqual(l1.carried_to_id, l2)
        self.assertRecordValues(l2, [{"amount": LEVEL, "carried_amount": LEVEL,
                                      "total_amount": 2 * LEVEL, "state": "unpaid"}])
        self.assertEqual(c2.carried_total, LEVEL)
        c3 = self._month(self.m3, unpaid=self.e1)
        l3 = self._line(c3, self.e1)
        self.assertRecordValues(l3, [{"carried_amount": 2 * LEVEL, "total_amount": 3 * LEVEL,
                                      "state": "unpaid"}])
        self.assertEqual(l2.state, "carried")
        # e2 collected its own month and the month carried from m2
        self.assertRecordValues(self._line(c3, self.e2), [
            {"carried_amount": LEVEL, "total_amount": 2 * LEVEL, "state": "paid"}])
        # three consecutive months not collected: suspended from the next month, with its trail
        self.assertEqual(self.e1.state, "suspended")
        self.assertEqual((self.e2.state, self.e3.state), ("active", "active"))
        suspension = self.e1.suspension_ids
        self.assertRecordValues(suspension, [{"reason": "not_collected", "date_from": self.m4,
                                              "date_to": False}])
        self.assertIn(self.m1.strftime("%m/%Y"), suspension.note)
        self.assertIn("Suspended from %s" % self.m4.strftime("%m/%Y"),
                      self.e1.message_ids[0].body)
        self.assertEqual(c3.line_ids.result_line_id.result_id.suspended_count, 1)
        # the next month pays nobody suspended; the 3 months owed stay on the unpaid line
        c4 = self._sp_generate(self._sp_cycle(self.m4))
        self.assertEqual(c4.line_ids.enrolment_id, self.e2 | self.e3)
        self.assertEqual(l3.state, "unpaid")
        self.assertEqual(c4.carried_total, 0)
        # resumed: the next line carries what was owed, once
        self.e1.with_user(self.officer_a).action_resume(self.m4)
        self._sp_generate(c4)
        l4 = self._line(c4, self.e1)
        self.assertRecordValues(l4, [{"amount": LEVEL, "carried_amount": 3 * LEVEL,
                                      "total_amount": 4 * LEVEL}])
        self.assertEqual(l3.state, "carried")
        self._sp_generate(c4)
        self.assertEqual(l4.total_amount, 4 * LEVEL, "carried once")

    def test_unpaid_reported_late_is_carried_into_a_draft_month(self):
        c1 = self._sp_generate(self._sp_cycle(self.m1))
        self._sp_approve(c1)
        c2 = self._sp_generate(self._sp_cycle(self.m2))
        self.assertEqual(c2.carried_total, 0)
        self._sp_pay_all(c1, unpaid=self.e3)
        self._sp_generate(c2)
        self.assertEqual(self._line(c2, self.e3).carried_amount, LEVEL)
        self.assertEqual(c2.carried_total, LEVEL)
        self.assertEqual(self._line(c1, self.e3).carried_to_id, self._line(c2, self.e3))

    def test_not_carried_into_an_approved_batch(self):
        """An approved month is never changed: the amount goes to the next draft month."""
        c1 = self._sp_generate(self._sp_cycle(self.m1))
        self._sp_approve(c1)
        c2 = self._sp_generate(self._sp_cycle(self.m2))
        self._sp_approve(c2)
        self._sp_pay_all(c1, unpaid=self.e3)
        self._sp_generate(c2)
        self.assertEqual(self._line(c2, self.e3).carried_amount, 0)
        self.assertEqual(self._line(c1, self.e3).state, "unpaid")
        c3 = self._sp_generate(self._sp_cycle(self.m3))
        self.assertEqual(self._line(c3, self.e3).carried_amount, LEVEL)

    def test_three_months_proposed_instead_of_suspended(self):
        self.env["ir.config_parameter"].set_param("sp_payment.non_collection_action", "propose")
        self._month(self.m1, unpaid=self.e1)
        self._month(self.m2, unpaid=self.e1)
        c3 = self._month(self.m3, unpaid=self.e1)
        self.assertEqual(self.e1.state, "active")
        activity = self.e1.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id,
                         self.env.ref("sp_payment.mail_activity_type_not_collected"))
        self.assertEqual(activity.user_id, self.manager_a)
        self.assertIn(self.m3.strftime("%m/%Y"), str(activity.note))
        self.assertFalse(self.e2.activity_ids)
        # another file of the same month proposes nothing twice
        late = self._sp_enrol(self._sp_people(1, self.village_a1, start=9), self.m3)
        self._sp_generate(c3)
        self._sp_approve(c3, self.manager_a2)
        self._sp_pay_all(c3, unpaid=self.e1 | late)
        self.assertEqual(len(self.e1.activity_ids), 1)
        # the manager decides: the programme's suspension
        self.e1.with_user(self.manager_a).action_suspend("not_collected", self.m4)
        self.assertEqual(self.e1.state, "suspended")
