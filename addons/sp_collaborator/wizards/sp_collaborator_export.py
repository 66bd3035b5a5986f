from odoo import api, fields, models


class SpCollaboratorExport(models.TransientModel):
    """A generated file waiting to be downloaded (vacuumed with the other transient records)."""

    _name = "sp.collaborator.export"
    _description = "Collaborator file export"

    file_name = fields.Char("File name", required=True)
    file_data = fields.Binary("File", attachment=False, readonly=True)

    @api.model
    def _sp_download(self, file_name, content):
        export = self.create({"file_name": file_name, "file_data": content})
        return {
            "type": "ir.actions.act_url",
            "url": "/web/content?model=%s&id=%s&field=file_data&filename_field=file_name"
                   "&download=true" % (self._name, export.id),
            "target": "self",
        }
