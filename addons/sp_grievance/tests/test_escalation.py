"""The scheduled action escalates overdue tickets commune -> province -> central."""
import datetime

from odoo import fields
from odoo.tests import TransactionCase, tagged

from .common import GrievanceFixtures

LONG_AGO = "2025-03-07 03:00:00"


@tagged("post_install", "-at_install")
class TestEscalation(GrievanceFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("sp_grievance.ir_cron_escalate_overdue")

    def _run_cron(self):
        self.cron.method_direct_trigger()

    def test_overdue_ticket_climbs_one_level_per_run(self):
        ticket = self._ticket(date_received=LONG_AGO, user_id=self.officer_a1.id)
        fresh = self._ticket()
        self.assertTrue(ticket.is_overdue)
        self.assertIn(ticket, self.Ticket.search([("is_overdue", "=", True)]))
        self.assertNotIn(fresh, self.Ticket.search([("is_overdue", "=", True)]))
        before = fields.Datetime.now()
        self._run_cron()
        self.assertEqual(ticket.level, "province")
        self.assertEqual(ticket.state, "escalated")
        self.assertEqual(ticket.sla_id, self.sla_province)
        self.assertFalse(ticket.user_id)
        self.assertTrue(ticket.is_sla_breached)
        self.assertGreaterEqual(ticket.date_level_start, before - datetime.timedelta(seconds=1))
        self.assertGreater(ticket.date_deadline, fields.Datetime.now())
        self.assertFalse(ticket.is_overdue)
        self.assertIn("Escalated automatically", ticket.message_ids[0].body)
        self.assertEqual(fresh.level, "commune")
        self.assertFalse(fresh.is_sla_breached)

        # a second run does nothing: the province's clock has just started
        self._run_cron()
        self.assertEqual(ticket.level, "province")

        # the province lets its clock run out too
        ticket.date_level_start = LONG_AGO
        self.assertTrue(ticket.is_overdue)
        self._run_cron()
        self.assertEqual(ticket.level, "central")
        self.assertEqual(ticket.sla_id, self.sla_central)

        # central is the last level: overdue, but nowhere to go
        ticket.date_level_start = LONG_AGO
        self._run_cron()
        self.assertEqual(ticket.level, "central")
        self.assertTrue(ticket.is_overdue)

    def test_unacknowledged_ticket_escalates_on_the_acknowledgement_deadline(self):
        ticket = self._ticket()
        # received two weeks ago, resolution deadline still ahead (complex, remote: 12 days)
        ticket.write({"is_complex": True, "is_remote": True,
                      "date_received": fields.Datetime.now() - datetime.timedelta(days=7),
                      "date_level_start": fields.Datetime.now() - datetime.timedelta(days=7)})
        self.assertTrue(ticket.is_ack_overdue)
        self.assertFalse(ticket.is_overdue)
        acknowledged = self._ticket(is_complex=True, is_remote=True)
        acknowledged.write({"date_level_start": ticket.date_level_start})
        acknowledged.action_acknowledge()
        self._run_cron()
        self.assertEqual(ticket.level, "province")
        self.assertEqual(acknowledged.level, "commune")

    def test_closed_and_non_escalating_tickets_stay(self):
        closed = self._ticket(date_received=LONG_AGO, resolution="Đã xử lý")
        closed.action_close()
        self.sla_commune.auto_escalate = False
        kept = self._ticket(date_received=LONG_AGO)
        self._run_cron()
        self.assertEqual(closed.level, "commune")
        self.assertEqual(kept.level, "commune")
        self.assertTrue(kept.is_sla_breached, "overdue tickets are marked even when kept")
        self.assertFalse(closed.is_sla_breached)

    def test_batches_report_progress(self):
        tickets = self._ticket(date_received=LONG_AGO) | self._ticket(date_received=LONG_AGO) \
            | self._ticket(date_received=LONG_AGO)
        done = self.Ticket._cron_escalate_overdue(batch_size=2)
        self.assertEqual(len(done), 2)
        self.Ticket._cron_escalate_overdue(batch_size=2)
        self.assertEqual(set(tickets.mapped("level")), {"province"})

    def test_manual_escalation(self):
        ticket = self._ticket()
        ticket.with_user(self.officer_a1).action_escalate()
        self.assertEqual(ticket.level, "province")
        self.assertFalse(ticket.is_sla_breached)
        self.assertIn("Escalated by", ticket.message_ids[0].body)
        # the commune officer still sees it (same area) and the province takes it
        ticket.with_user(self.manager_a).action_acknowledge()
        self.assertEqual(ticket.state, "acknowledged")
