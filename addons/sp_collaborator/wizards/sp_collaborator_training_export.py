from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.sp_base.tools import SpXlsxWriter


class SpCollaboratorTrainingExport(models.TransientModel):
    _name = "sp.collaborator.training.export"
    _description = "Training report per province"

    date_from = fields.Date(
        "From", required=True,
        default=lambda self: fields.Date.context_today(self).replace(month=1, day=1),
    )
    date_to = fields.Date("To", required=True, default=fields.Date.context_today)

    def _sp_rows(self):
        """Classes held and people trained per province office, then the total, among the classes
        the user may read (the record rules choose the classes; SQL counts them)."""
        trainings = self.env["sp.collaborator.training"].search([
            ("state", "=", "done"),
            ("date_start", ">=", self.date_from), ("date_start", "<=", self.date_to),
        ])
        if not trainings:
            return []
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT co.name,
                   COUNT(DISTINCT t.id),
                   COUNT(a.id),
                   COUNT(a.id) FILTER (WHERE a.attended),
                   COUNT(a.id) FILTER (WHERE a.completed),
                   COUNT(DISTINCT a.collaborator_id) FILTER (WHERE a.completed)
              FROM sp_collaborator_training t
              JOIN res_company co ON co.id = t.company_id
              LEFT JOIN sp_collaborator_training_attendance a ON a.training_id = t.id
             WHERE t.id = ANY(%s)
             GROUP BY GROUPING SETS ((co.name), ())
             ORDER BY co.name NULLS LAST
            """, trainings.ids,
        ))
        return self.env.cr.fetchall()

    def _sp_xlsx(self):
        rows = self._sp_rows()
        book = SpXlsxWriter()
        sheet = book.add_sheet(_("Trainings"), [
            (_("Province office"), "text", 28),
            (_("Classes held"), "int", 12),
            (_("Participants"), "int", 12),
            (_("Attended"), "int", 12),
            (_("Completed"), "int", 12),
            (_("People trained"), "int", 14),
        ], title=_("Collaborator trainings from %(start)s to %(stop)s",
                   start=self.date_from.strftime("%d/%m/%Y"),
                   stop=self.date_to.strftime("%d/%m/%Y")))
        # The grouping-set total (name NULL) counts each person once across provinces.
        total = _("Total")
        sheet.write_rows([row if row[0] is not None else (total, *row[1:]) for row in rows])
        book.close()
        return book.getvalue()

    def action_export(self):
        self.ensure_one()
        if self.date_to < self.date_from:
            raise UserError(_("The report cannot end before it starts."))
        return self.env["sp.collaborator.export"]._sp_download(
            "ctv_trainings_%s_%s.xlsx" % (self.date_from, self.date_to), self._sp_xlsx()
        )
