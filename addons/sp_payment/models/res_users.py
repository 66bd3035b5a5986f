from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    sp_payment_agency_id = fields.Many2one(
        "sp.payment.agency", string="Payment agency",
        help="For users of a payment agency: they see only the approved batches of this agency, "
        "their lines and their result files.",
    )

    def write(self, vals):
        res = super().write(vals)
        if "sp_payment_agency_id" in vals:
            # the agency record rules read this field; their domains are cached per user
            self.env.registry.clear_cache()
        return res

    def _sp_is_payment_agency(self):
        """Staff of a payment agency (and not of the social-protection offices)."""
        self.ensure_one()
        return self.has_group("sp_payment.group_payment_agency") and not self.has_group(
            "sp_base.group_commune_officer")

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["sp_payment_agency_id"]
