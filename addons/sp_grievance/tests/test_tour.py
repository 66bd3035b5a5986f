"""The call-centre flow in a real browser: find the caller, view the household, create a
ticket, see the reference number."""
from odoo.tests import HttpCase, tagged

from .common import GrievanceFixtures


@tagged("post_install", "-at_install")
class TestConsoleTour(GrievanceFixtures, HttpCase):
    def test_call_centre_tour(self):
        self.start_tour("/odoo/action-sp_grievance.sp_grievance_console_action",
                        "sp_grievance_console_tour", login=self.agent.login)
        ticket = self.Ticket.search([("create_uid", "=", self.agent.id)])
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.household_id, self.hh_a1)
        self.assertEqual(ticket.category_id, self.cat_payment)
        self.assertEqual(ticket.call_ids.user_id, self.agent)
