"""Deadlines on working days and calendar days, across weekends and holidays, from receipt or
from acceptance, with the complex and remote-area variants."""
import datetime

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .common import GrievanceFixtures

# Friday 7 March 2025, 10:00 in Hanoi.
FRIDAY = "2025-03-07 03:00:00"
# Friday 29 August 2025, 10:00 in Hanoi: the next Monday and Tuesday are holidays.
BEFORE_HOLIDAYS = "2025-08-29 03:00:00"


@tagged("post_install", "-at_install")
class TestDeadlines(GrievanceFixtures, TransactionCase):
    def test_working_days_skip_the_weekend(self):
        self.assertUtc(self.calendar._sp_add_days(FRIDAY, 1), "2025-03-10 16:59:59")
        self.assertUtc(self.calendar._sp_add_days(FRIDAY, 5), "2025-03-14 16:59:59")
        self.assertUtc(self.calendar._sp_add_days(FRIDAY, 6), "2025-03-17 16:59:59")
        # 0 days: the end of the day of receipt
        self.assertUtc(self.calendar._sp_add_days(FRIDAY, 0), "2025-03-07 16:59:59")

    def test_day_of_receipt_is_local(self):
        # 20:00 UTC on Thursday is already Friday 03:00 in Hanoi: Friday is the day of receipt.
        self.assertUtc(self.calendar._sp_add_days("2025-03-06 20:00:00", 1),
                       "2025-03-10 16:59:59")

    def test_working_days_skip_holidays(self):
        # Mon 1 and Tue 2 Sep are holidays: one working day after Friday is Wednesday.
        self.assertUtc(self.calendar._sp_add_days(BEFORE_HOLIDAYS, 1), "2025-09-03 16:59:59")
        self.assertUtc(self.calendar._sp_add_days(BEFORE_HOLIDAYS, 5), "2025-09-09 16:59:59")
        dates = self.calendar._sp_working_dates(datetime.date(2025, 8, 29),
                                                datetime.date(2025, 9, 3))
        self.assertEqual(dates, [datetime.date(2025, 8, 29), datetime.date(2025, 9, 3)])

    def test_long_periods(self):
        # 60 working days: well past the first search window
        self.assertUtc(self.calendar._sp_add_days(FRIDAY, 60), "2025-05-30 16:59:59")

    def test_calendar_days_move_to_the_next_working_day(self):
        # 10 calendar days after Wednesday 20 Aug is Saturday 30 Aug; Mon 1 and Tue 2 Sep are
        # holidays, so the period ends on Wednesday 3 Sep (Civil Code art. 148).
        self.assertUtc(self.calendar._sp_add_days("2025-08-20 03:00:00", 10, "calendar"),
                       "2025-09-03 16:59:59")
        # ending on a working day: unchanged
        self.assertUtc(self.calendar._sp_add_days("2025-08-20 03:00:00", 9, "calendar"),
                       "2025-08-29 16:59:59")

    def test_ticket_deadlines_from_the_service_level(self):
        ticket = self._ticket(date_received=FRIDAY)
        self.assertEqual(ticket.sla_id, self.sla_commune)
        self.assertUtc(ticket.date_level_start, FRIDAY)
        self.assertUtc(ticket.date_ack_deadline, "2025-03-10 16:59:59")
        self.assertUtc(ticket.date_deadline, "2025-03-14 16:59:59")
        ticket.is_complex = True
        self.assertUtc(ticket.date_deadline, "2025-03-19 16:59:59")
        ticket.is_remote = True
        self.assertUtc(ticket.date_deadline, "2025-03-25 16:59:59")
        ticket.is_complex = False
        self.assertUtc(ticket.date_deadline, "2025-03-21 16:59:59")

    def test_formal_complaint_clock_runs_from_acceptance(self):
        ticket = self._ticket(date_received="2025-08-20 03:00:00", category_id=self.cat_other.id,
                              is_formal=True)
        self.assertEqual(ticket.sla_id, self.sla_formal)
        # not accepted yet: acceptance is assumed on the last allowed day (Wed 3 Sep), then
        # 30 calendar days: Fri 3 Oct
        self.assertUtc(ticket.date_ack_deadline, "2025-09-03 16:59:59")
        self.assertUtc(ticket.date_deadline, "2025-10-03 16:59:59")
        # accepted on Friday 22 Aug: 30 days is Sunday 21 Sep, moved to Monday 22 Sep
        ticket.date_acknowledged = "2025-08-22 03:00:00"
        self.assertUtc(ticket.date_deadline, "2025-09-22 16:59:59")
        ticket.write({"is_complex": True, "is_remote": True})
        self.assertUtc(ticket.date_deadline, "2025-10-21 16:59:59")

    def test_most_specific_service_level_wins(self):
        specific = self.Sla.create({
            "name": "Information", "level": "commune", "calendar_id": self.calendar.id,
            "category_ids": [(4, self.cat_information.id)], "ack_days": 0, "resolve_days": 2,
            "resolve_days_complex": 2, "resolve_days_remote": 2,
            "resolve_days_remote_complex": 2, "sequence": 99,
        })
        ticket = self._ticket(date_received=FRIDAY, category_id=self.cat_information.id)
        self.assertEqual(ticket.sla_id, specific)
        self.assertUtc(ticket.date_deadline, "2025-03-11 16:59:59")
        # a clock for the parent category applies to the sub-category
        specific.category_ids = self.env.ref("sp_grievance.category_misconduct")
        fraud = self._ticket(date_received=FRIDAY, category_id=self.cat_fraud.id)
        self.assertEqual(fraud.sla_id, specific)
        # out of its effective dates, the general clock applies again
        specific.date_from = "2026-01-01"
        fraud2 = self._ticket(date_received=FRIDAY, category_id=self.cat_fraud.id)
        self.assertEqual(fraud2.sla_id, self.sla_commune)

    def test_no_service_level_no_deadline(self):
        self.sla_commune.active = False
        ticket = self._ticket(date_received=FRIDAY)
        self.assertFalse(ticket.sla_id)
        self.assertFalse(ticket.date_deadline)
        self.assertFalse(ticket.is_overdue)

    def test_calendar_without_working_days(self):
        self.calendar.attendance_ids = [(5, 0, 0)]
        with self.assertRaisesRegex(UserError, "no working day"):
            self.calendar._sp_add_days(FRIDAY, 3)

    def test_inconsistent_service_level_is_refused(self):
        with self.assertRaisesRegex(Exception, "cannot get less time"):
            self.sla_commune.resolve_days_complex = 2
