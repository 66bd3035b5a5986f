import datetime

import pytz

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..tools import holiday_bounds, holiday_days

DAY_END = datetime.time(23, 59, 59)
# How far ahead to look for working days before deciding a calendar has none.
SEARCH_WINDOW_DAYS = 366


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    sp_holiday_country = fields.Char(
        "Public holidays of",
        size=2,
        help="ISO country code whose public holidays the 'Load public holidays' button adds "
        "to this calendar (from the holidays package), e.g. VN.",
    )

    # ------------------------------------------------------------------ deadlines
    def _sp_working_dates(self, date_from, date_to):
        """Local dates in [date_from, date_to] on which the calendar has working time left once
        public holidays are removed. Read as superuser: a deadline must not depend on which
        office's holidays the current user may read."""
        self.ensure_one()
        calendar = self.sudo()
        tz = pytz.timezone(calendar.tz or "UTC")
        start = tz.localize(datetime.datetime.combine(date_from, datetime.time.min))
        end = tz.localize(datetime.datetime.combine(date_to, DAY_END))
        intervals = calendar._work_intervals_batch(start, end)[False]
        return sorted({begin.astimezone(tz).date() for begin, _end, _meta in intervals})

    def _sp_add_days(self, start_dt, days, day_type="working"):
        """The deadline ``days`` days after ``start_dt`` (naive UTC), as naive UTC: the end of
        the last day, local time.

        The day of receipt is not counted (Civil Code 2015, art. 147). ``working``: the
        ``days``-th working day after it. ``calendar``: ``days`` calendar days after it, moved to
        the next working day when it falls on a day off (Civil Code 2015, art. 148).
        """
        self.ensure_one()
        tz = pytz.timezone(self.tz or "UTC")
        start = pytz.utc.localize(fields.Datetime.to_datetime(start_dt)).astimezone(tz).date()
        if days <= 0:
            target = start
        elif day_type == "calendar":
            target = start + datetime.timedelta(days=days)
            target = self._sp_next_working_date(target, inclusive=True)
        else:
            target, window_start, left = None, start, days
            while target is None:
                window_end = window_start + datetime.timedelta(days=2 * left + 30)
                dates = self._sp_working_dates(window_start + datetime.timedelta(days=1), window_end)
                if not dates and (window_end - start).days > SEARCH_WINDOW_DAYS:
                    raise UserError(_("The working calendar %s has no working day: deadlines "
                                      "cannot be computed.", self.name))
                if len(dates) >= left:
                    target = dates[left - 1]
                else:
                    left -= len(dates)
                    window_start = window_end
        end = tz.localize(datetime.datetime.combine(target, DAY_END))
        return end.astimezone(pytz.utc).replace(tzinfo=None)

    def _sp_next_working_date(self, day, inclusive=True):
        """The first working date on or after ``day`` (after, when not ``inclusive``)."""
        first = day if inclusive else day + datetime.timedelta(days=1)
        dates = self._sp_working_dates(first, first + datetime.timedelta(days=SEARCH_WINDOW_DAYS))
        if not dates:
            raise UserError(_("The working calendar %s has no working day: deadlines cannot be "
                              "computed.", self.name))
        return dates[0]

    # ------------------------------------------------------------------ public holidays
    def _sp_load_public_holidays(self, years, language=None):
        """Add the public holidays of ``sp_holiday_country`` in ``years`` as time off of this
        calendar; days already present are left as they are (an administrator may have edited
        them). Returns the created leaves."""
        self.ensure_one()
        if not self.sp_holiday_country:
            raise UserError(_("Set the country whose public holidays %s follows first.", self.name))
        try:
            days = holiday_days(self.sp_holiday_country.upper(), years, language)
        except ImportError:
            raise UserError(_("The Python package 'holidays' is not installed on the server."))
        except NotImplementedError:
            raise UserError(_("The holidays package does not know the country %s.",
                              self.sp_holiday_country))
        tz_name = self.tz or "UTC"
        Leaves = self.env["resource.calendar.leaves"]
        existing = set(Leaves.search([
            ("calendar_id", "=", self.id), ("resource_id", "=", False),
        ]).mapped("date_from"))
        vals_list = []
        for day, name in days:
            start, end = holiday_bounds(day, tz_name)
            if start not in existing:
                vals_list.append({"name": name, "calendar_id": self.id, "date_from": start,
                                  "date_to": end, "time_type": "leave"})
        return Leaves.create(vals_list)

    def action_sp_load_public_holidays(self):
        """Load this year's and the next two years' public holidays."""
        year = fields.Date.context_today(self).year
        lang = (self.env.lang or "en_US").split("_")[0]
        created = self.env["resource.calendar.leaves"]
        for calendar in self:
            created |= calendar._sp_load_public_holidays(range(year, year + 3), language=lang)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("%s public holidays added.", len(created)),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
