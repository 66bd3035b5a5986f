import base64
import datetime

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.sp_base.tools import SpXlsxWriter

# Tickets listed on the last sheet, at most: the totals sheets cover every ticket.
MAX_LISTED = 100000


class SpGrievanceExport(models.TransientModel):
    """XLSX report of grievances: volume and service level by category, channel and province,
    ageing of open tickets, and the ticket list. Built from sp.grievance.report with the user's
    rights, so each office exports its own tickets."""

    _name = "sp.grievance.export"
    _description = "Grievance report export"

    date_from = fields.Date(
        "Received from", required=True,
        default=lambda self: fields.Date.context_today(self).replace(month=1, day=1),
    )
    date_to = fields.Date("Received until", required=True, default=fields.Date.context_today)
    file = fields.Binary(readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_to < wizard.date_from:
                raise UserError(_("The period ends before it starts."))

    def _sp_domain(self):
        return [
            ("date_received", ">=", fields.Datetime.to_datetime(self.date_from)),
            ("date_received", "<",
             fields.Datetime.to_datetime(self.date_to) + datetime.timedelta(days=1)),
        ]

    def _sp_totals(self, groupby):
        """Rows (group, tickets, open, overdue, resolved, resolved in time, % in time)."""
        Report = self.env["sp.grievance.report"]
        data = Report._read_group(
            self._sp_domain(), [groupby],
            ["ticket_count:sum", "open_count:sum", "overdue_count:sum", "resolved_count:sum",
             "in_sla_count:sum"],
            order=groupby)
        rows = []
        for group, total, open_, overdue, resolved, in_sla in data:
            if isinstance(group, models.BaseModel):
                label = group.display_name or _("Not set")
            else:
                selection = dict(Report._fields[groupby]._description_selection(self.env))
                label = selection.get(group, group) or _("Not set")
            rate = round(100.0 * in_sla / resolved, 1) if resolved else None
            rows.append((label, total, open_, overdue, resolved, in_sla, rate))
        return rows

    def _sp_totals_columns(self, first):
        return [
            (first, "text", 36),
            (_("Tickets"), "int", 10),
            (_("Open"), "int", 10),
            (_("Overdue"), "int", 10),
            (_("Resolved"), "int", 10),
            (_("Resolved in time"), "int", 12),
            (_("Resolved in time (%)"), "float", 12),
        ]

    def action_export(self):
        self.ensure_one()
        Report = self.env["sp.grievance.report"]
        period = _("Received %(start)s - %(end)s",
                   start=self.date_from.strftime("%d/%m/%Y"), end=self.date_to.strftime("%d/%m/%Y"))
        book = SpXlsxWriter()
        for groupby, sheet_name, first in (
            ("category_id", _("By category"), _("Category")),
            ("channel", _("By channel"), _("Channel")),
            ("company_id", _("By province"), _("Province office")),
            ("level", _("By level"), _("Level")),
        ):
            sheet = book.add_sheet(sheet_name, self._sp_totals_columns(first),
                                   title=_("Grievances by %(what)s. %(period)s.",
                                           what=first.lower(), period=period))
            sheet.write_rows(self._sp_totals(groupby))

        ageing = Report._read_group(
            self._sp_domain() + [("is_open", "=", True)], ["age_bucket", "level"],
            ["ticket_count:sum", "overdue_count:sum"], order="age_bucket, level")
        buckets = dict(Report._fields["age_bucket"]._description_selection(self.env))
        levels = dict(Report._fields["level"]._description_selection(self.env))
        sheet = book.add_sheet(_("Ageing"), [
            (_("Age"), "text", 18), (_("Level"), "text", 14),
            (_("Open tickets"), "int", 12), (_("Overdue"), "int", 12),
        ], title=_("Open tickets by age. %s.", period))
        sheet.write_rows((buckets.get(bucket, bucket), levels.get(level, level), total, overdue)
                         for bucket, level, total, overdue in ageing)

        states = dict(Report._fields["state"]._description_selection(self.env))
        channels = dict(Report._fields["channel"]._description_selection(self.env))
        sheet = book.add_sheet(_("Tickets"), [
            (_("Reference"), "text", 18), (_("Received"), "datetime", 17),
            (_("Channel"), "text", 14), (_("Category"), "text", 30),
            (_("Province office"), "text", 22), (_("Commune"), "text", 22),
            (_("Level"), "text", 12), (_("Stage"), "text", 14),
            (_("Resolve by"), "datetime", 17), (_("Resolved on"), "datetime", 17),
            (_("Resolved in time"), "text", 10), (_("Age (days)"), "int", 10),
        ], title=_("Tickets. %s.", period))
        tickets = self.env["sp.grievance"].search(
            self._sp_domain(), order="date_received, id", limit=MAX_LISTED)
        for ticket in tickets:
            sheet.write_row((
                ticket.name, self._sp_local(ticket.date_received),
                channels.get(ticket.channel), ticket.category_id.display_name,
                ticket.company_id.name, ticket.commune_id.name, levels.get(ticket.level),
                states.get(ticket.state), self._sp_local(ticket.date_deadline),
                self._sp_local(ticket.date_resolved),
                (_("Yes") if ticket.resolved_in_sla else _("No")) if ticket.date_resolved else "",
                ticket.age_days,
            ))
        book.close()
        self.write({
            "file": base64.b64encode(book.getvalue()),
            "file_name": "khieu-nai-%s-%s.xlsx" % (self.date_from.strftime("%Y%m%d"),
                                                   self.date_to.strftime("%Y%m%d")),
        })
        return {
            "type": "ir.actions.act_url",
            "url": "/web/content/sp.grievance.export/%s/file/%s?download=true"
            % (self.id, self.file_name),
            "target": "self",
        }

    def _sp_local(self, value):
        return fields.Datetime.context_timestamp(self, value).replace(tzinfo=None) if value else None
