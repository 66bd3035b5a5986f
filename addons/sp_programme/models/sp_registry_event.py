from odoo import models

MOVING_EVENTS = ("move", "member_in", "member_out", "split", "merge")


class SpRegistryEvent(models.Model):
    _inherit = "sp.registry.event"

    def action_apply(self):
        res = super().action_apply()
        # A person whose household moved to another commune is transferred: the old commune
        # pays the month of the event, the new one decides and pays from the next month.
        for event in self.filtered(lambda e: e.type in MOVING_EVENTS):
            people = (event.individual_id | event.member_ids | event.household_id.member_ids
                      | event.other_household_id.member_ids)
            self.env["sp.enrolment"]._sp_transfer_moved(people, event.date)
        return res
