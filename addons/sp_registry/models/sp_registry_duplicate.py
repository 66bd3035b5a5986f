from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

DEFAULT_THRESHOLD = 0.8


class SpRegistryDuplicate(models.Model):
    """A pair of people who are probably the same person, waiting for an officer's review.

    Pairs are found set-based by ``_sp_find_duplicates``: same commune, same birth year, at least
    one of them without a personal ID, and accent-insensitive names at least ``threshold``
    similar (trigram similarity; 1.0 = same name once accents and case are removed).
    """

    _name = "sp.registry.duplicate"
    _description = "Possible duplicate person"
    _inherit = ["sp.step.mixin", "sp.input.mixin", "sp.access.mixin", "mail.thread"]
    _order = "state, score desc, id"
    _rec_name = "individual_a_id"

    # pairs are found by _sp_find_duplicates and resolved by the review buttons: every field
    # of the review is theirs
    individual_a_id = fields.Many2one(
        "sp.individual", string="Person", required=True, index=True, ondelete="cascade",
        sp_step=True,
    )
    individual_b_id = fields.Many2one(
        "sp.individual", string="Possible duplicate", required=True, index=True,
        ondelete="cascade", sp_step=True,
    )
    area_id = fields.Many2one(
        related="individual_a_id.area_id", store=True, readonly=True, precompute=True,
    )
    commune_id = fields.Many2one(related="individual_a_id.commune_id", store=True)
    score = fields.Float(digits=(3, 2), aggregator="avg", help="Name similarity, 0 to 1.",
                         sp_step=True)
    state = fields.Selection(
        [("new", "To review"), ("merged", "Merged"), ("dismissed", "Not a duplicate")],
        default="new", required=True, tracking=True, index=True, sp_step=True,
    )
    kept_id = fields.Many2one("sp.individual", string="Kept person", readonly=True, sp_step=True)
    reviewed_by = fields.Many2one("res.users", string="Reviewed by", readonly=True, sp_step=True)
    reviewed_date = fields.Datetime("Reviewed on", readonly=True, sp_step=True)
    # Side-by-side comparison in the review form.
    a_birthdate = fields.Date(related="individual_a_id.birthdate", string="Birth date (1)")
    b_birthdate = fields.Date(related="individual_b_id.birthdate", string="Birth date (2)")
    a_gender = fields.Selection(related="individual_a_id.gender", string="Sex (1)")
    b_gender = fields.Selection(related="individual_b_id.gender", string="Sex (2)")
    a_id_number = fields.Char(related="individual_a_id.id_number", string="Personal ID (1)")
    b_id_number = fields.Char(related="individual_b_id.id_number", string="Personal ID (2)")
    a_household_id = fields.Many2one(related="individual_a_id.household_id", string="Household (1)")
    b_household_id = fields.Many2one(related="individual_b_id.household_id", string="Household (2)")

    _sql_constraints = [
        ("pair_uniq", "unique(individual_a_id, individual_b_id)", "This pair is already listed."),
        ("pair_order", "CHECK(individual_a_id < individual_b_id)",
         "A pair lists the person with the smaller id first."),
    ]

    @api.depends("individual_a_id.name", "individual_b_id.name")
    def _compute_display_name(self):
        for pair in self:
            pair.display_name = "%s / %s" % (pair.individual_a_id.name, pair.individual_b_id.name)

    @api.model
    def _sp_find_duplicates(self, since=None, threshold=None):
        """Find likely duplicate pairs, set-based, and add the new ones to the review queue.

        :param since: only compare people created or changed since this datetime with their
            commune and birth-year block (the nightly run); None compares everybody;
        :param threshold: minimum name similarity (default: system parameter
            ``sp_registry.duplicate_threshold``, else 0.8).
        :return: number of pairs added.
        """
        if threshold is None:
            threshold = float(self.env["ir.config_parameter"].sudo().get_param(
                "sp_registry.duplicate_threshold", DEFAULT_THRESHOLD))
        self.env["sp.individual"].flush_model()
        changed = SQL("AND i.write_date >= %s", since) if since else SQL("")
        self.env.cr.execute(SQL(
            """
            WITH changed AS (
                SELECT i.id, i.commune_id, i.birth_year, i.id_number,
                       i.name_key AS k
                  FROM sp_individual i
                 WHERE i.active AND i.commune_id IS NOT NULL AND i.birth_year > 0 %(changed)s
            ), block AS (
                SELECT i.id, i.commune_id, i.birth_year, i.id_number, i.area_id, i.company_id,
                       i.name_key AS k
                  FROM sp_individual i
                  JOIN (SELECT DISTINCT commune_id, birth_year FROM changed) b
                    ON b.commune_id = i.commune_id AND b.birth_year = i.birth_year
                 WHERE i.active
            ), pairs AS (
                SELECT DISTINCT LEAST(c.id, o.id) AS a_id, GREATEST(c.id, o.id) AS b_id,
                       similarity(c.k, o.k) AS score
                  FROM changed c
                  JOIN block o ON o.commune_id = c.commune_id AND o.birth_year = c.birth_year
                              AND o.id <> c.id
                 WHERE (c.id_number IS NULL OR o.id_number IS NULL)
                   AND (c.k = o.k OR similarity(c.k, o.k) >= %(threshold)s)
            )
            INSERT INTO sp_registry_duplicate
                   (individual_a_id, individual_b_id, score, state, area_id, commune_id,
                    company_id, create_uid, write_uid, create_date, write_date)
            SELECT p.a_id, p.b_id, p.score, 'new', a.area_id, a.commune_id, a.company_id,
                   %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
              FROM pairs p JOIN sp_individual a ON a.id = p.a_id
            ON CONFLICT (individual_a_id, individual_b_id) DO NOTHING
            """,
            changed=changed, threshold=threshold, uid=self.env.uid,
        ))
        added = self.env.cr.rowcount
        self.invalidate_model()
        return added

    @api.model
    def _cron_find_duplicates(self):
        """Nightly: compare the people changed since the last run with their blocks."""
        params = self.env["ir.config_parameter"].sudo()
        last = params.get_param("sp_registry.duplicate_last_run")
        now = fields.Datetime.now()
        self._sp_find_duplicates(since=fields.Datetime.to_datetime(last) if last else None)
        params.set_param("sp_registry.duplicate_last_run", fields.Datetime.to_string(now))

    # ------------------------------------------------------------------ review
    def action_keep_a(self):
        return self._sp_merge(keep_first=True)

    def action_keep_b(self):
        return self._sp_merge(keep_first=False)

    def _sp_merge(self, keep_first):
        self.ensure_one()
        if self.state != "new":
            raise UserError(_("This pair has already been reviewed."))
        keep, drop = self.individual_a_id, self.individual_b_id
        if not keep_first:
            keep, drop = drop, keep
        keep._sp_merge_duplicate(drop)
        self._sp_step_write({"state": "merged", "kept_id": keep.id, "reviewed_by": self.env.uid,
                    "reviewed_date": fields.Datetime.now()})
        # Other pairs of the archived person are found again against the kept one if needed.
        self.sudo().search([("state", "=", "new"), "|", ("individual_a_id", "=", drop.id),
                            ("individual_b_id", "=", drop.id)]).unlink()
        return True

    def action_dismiss(self):
        if self.filtered(lambda p: p.state != "new"):
            raise UserError(_("This pair has already been reviewed."))
        self._sp_step_write({"state": "dismissed", "reviewed_by": self.env.uid,
                    "reviewed_date": fields.Datetime.now()})
        return True

    def action_reopen(self):
        self.filtered(lambda p: p.state == "dismissed")._sp_step_write({"state": "new"})
        return True
