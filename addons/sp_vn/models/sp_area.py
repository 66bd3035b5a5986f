import logging
import time

from odoo import _, api, models
from odoo.tools import SQL

from ..tools.area_sources import DATE_2025, read_sources

_logger = logging.getLogger(__name__)

_LOADED_SCHEMES = ("2025", "legacy")


def _columns(rows):
    """Rows as one list per column: the arrays that UNNEST turns back into rows in SQL."""
    return [list(col) for col in zip(*rows, strict=True)]


class SpArea(models.Model):
    _inherit = "sp.area"

    @api.model
    def action_sp_vn_reload_areas(self):
        """Reload Vietnam's areas from the installed packages (menu of the suite administrator)."""
        self.check_access("create")
        self.check_access("write")
        stats = self.sudo()._sp_vn_load_areas()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Vietnam areas reloaded"),
                "message": _(
                    "%(areas)s areas and %(successions)s successions checked: %(created)s areas "
                    "created, %(updated)s updated, %(succ_created)s successions created, "
                    "%(succ_updated)s updated.",
                    areas=stats["areas"], successions=stats["successions"],
                    created=stats["areas_created"], updated=stats["areas_updated"],
                    succ_created=stats["successions_created"],
                    succ_updated=stats["successions_updated"],
                ),
                "type": "success",
                "sticky": False,
            },
        }

    @api.model
    def _sp_vn_load_areas(self):
        """Load or refresh the 2025 and legacy schemes and their succession, set-based.

        Idempotent: areas are keyed by (scheme, code) and successions by (old, new); rows that
        already hold the package's values are not written again, so a second run changes nothing.
        Nothing is deleted: areas and successions added by hand stay.
        """
        started = time.perf_counter()
        sources = read_sources()
        if sources.unmatched:
            _logger.warning("sp_vn: %s units could not be matched between the packages: %s",
                            len(sources.unmatched), "; ".join(sources.unmatched))
        if sources.disagreements:
            _logger.info(
                "sp_vn: %s communes have different 2025 codes in vietnamadminunits and "
                "vietnam-provinces; matched by name, vietnam-provinces codes kept",
                len(sources.disagreements),
            )
            _logger.debug("sp_vn: code disagreements: %s", "; ".join(sources.disagreements))
        self.env.flush_all()
        stats = {"areas": len(sources.areas), "successions": len(sources.successions)}
        stats["areas_created"], stats["areas_updated"] = self._sp_vn_upsert_areas(sources.areas)
        self._sp_vn_link_parents(sources.areas)
        self._sp_vn_compute_paths()
        stats["successions_created"], stats["successions_updated"] = (
            self._sp_vn_upsert_successions(sources.successions)
        )
        self.invalidate_model()
        self.env["sp.area.succession"].invalidate_model()
        offices = self.search([("level", "=", "province"), ("scheme", "=", "2025"),
                               ("company_id", "!=", False)])
        if offices:
            offices._sp_propagate_company()
        stats["seconds"] = round(time.perf_counter() - started, 2)
        _logger.info("sp_vn: loaded %s areas in %.2f s (%s created, %s updated; %s successions: "
                     "%s created, %s updated)",
                     stats["areas"], stats["seconds"], stats["areas_created"],
                     stats["areas_updated"], stats["successions"],
                     stats["successions_created"], stats["successions_updated"])
        return stats

    def _sp_vn_upsert_areas(self, rows):
        """Insert the new areas level by level, then update those whose values changed.

        A new area gets its parent, parent_path and province_id in the same INSERT, so a first
        load writes each row once.
        """
        created = 0
        for level in ("province", "district", "commune"):
            level_rows = [row for row in rows if row[3] == level]
            if level_rows:
                created += self._sp_vn_insert_areas(level_rows)
        return created, self._sp_vn_update_areas(rows)

    def _sp_vn_insert_areas(self, rows):
        scheme, code, name, level, dtype, parent, start, end = _columns(rows)
        self.env.cr.execute(SQL("""
            WITH src AS MATERIALIZED (
                SELECT NEXTVAL('sp_area_id_seq') AS id, s.*, p.id AS parent_id,
                       p.parent_path AS parent_path, p.province_id AS parent_province_id
                  FROM UNNEST(%(scheme)s::varchar[], %(code)s::varchar[], %(name)s::varchar[],
                              %(level)s::varchar[], %(dtype)s::varchar[], %(parent)s::varchar[],
                              %(start)s::date[], %(end)s::date[])
                       AS s(scheme, code, name, level, division_type, parent, date_start, date_end)
                  LEFT JOIN sp_area p ON p.scheme = s.scheme AND p.code = s.parent
                 WHERE NOT EXISTS (
                       SELECT 1 FROM sp_area a WHERE a.scheme = s.scheme AND a.code = s.code)
            )
            INSERT INTO sp_area (id, scheme, code, name, level, division_type, parent_id,
                                 parent_path, province_id, date_start, date_end, active,
                                 create_uid, create_date, write_uid, write_date)
            SELECT id, scheme, code, name, level, division_type, parent_id,
                   COALESCE(parent_path, '') || id || '/',
                   CASE WHEN level = 'province' THEN id ELSE parent_province_id END,
                   date_start, date_end, TRUE,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM src
        """, uid=self.env.uid, scheme=scheme, code=code, name=name, level=level, dtype=dtype,
            parent=parent, start=start, end=end))
        return self.env.cr.rowcount

    def _sp_vn_update_areas(self, rows):
        scheme, code, name, level, dtype, _parent, start, end = _columns(rows)
        self.env.cr.execute(SQL("""
            UPDATE sp_area a
               SET name = s.name, level = s.level, division_type = s.division_type,
                   date_start = s.date_start, date_end = s.date_end,
                   write_uid = %(uid)s, write_date = NOW() AT TIME ZONE 'UTC'
              FROM UNNEST(%(scheme)s::varchar[], %(code)s::varchar[], %(name)s::varchar[],
                          %(level)s::varchar[], %(dtype)s::varchar[], %(start)s::date[],
                          %(end)s::date[])
                   AS s(scheme, code, name, level, division_type, date_start, date_end)
             WHERE a.scheme = s.scheme AND a.code = s.code
               AND (a.name, a.level, a.division_type, a.date_start, a.date_end)
                   IS DISTINCT FROM (s.name, s.level, s.division_type, s.date_start, s.date_end)
        """, uid=self.env.uid, scheme=scheme, code=code, name=name, level=level, dtype=dtype,
            start=start, end=end))
        return self.env.cr.rowcount

    def _sp_vn_link_parents(self, rows):
        children = [(r[0], r[1], r[5]) for r in rows if r[5]]
        scheme, code, parent = _columns(children)
        self.env.cr.execute(SQL("""
            UPDATE sp_area a
               SET parent_id = p.id
              FROM UNNEST(%s::varchar[], %s::varchar[], %s::varchar[]) AS s(scheme, code, parent)
              JOIN sp_area p ON p.scheme = s.scheme AND p.code = s.parent
             WHERE a.scheme = s.scheme AND a.code = s.code AND a.parent_id IS DISTINCT FROM p.id
        """, scheme, code, parent))

    def _sp_vn_compute_paths(self):
        """parent_path and province_id of both schemes, top-down, only where they changed."""
        self.env.cr.execute(SQL("""
            UPDATE sp_area SET parent_path = id || '/'
             WHERE scheme IN %s AND parent_id IS NULL AND parent_path IS DISTINCT FROM id || '/'
        """, _LOADED_SCHEMES))
        for level in ("district", "commune", "village"):
            self.env.cr.execute(SQL("""
                UPDATE sp_area a SET parent_path = p.parent_path || a.id || '/'
                  FROM sp_area p
                 WHERE a.parent_id = p.id AND a.level = %s AND a.scheme IN %s
                   AND a.parent_path IS DISTINCT FROM p.parent_path || a.id || '/'
            """, level, _LOADED_SCHEMES))
        self.env.cr.execute(SQL("""
            UPDATE sp_area a SET province_id = r.id
              FROM sp_area r
             WHERE r.id = SPLIT_PART(a.parent_path, '/', 1)::int AND r.level = 'province'
               AND a.scheme IN %s AND a.province_id IS DISTINCT FROM r.id
        """, _LOADED_SCHEMES))

    def _sp_vn_upsert_successions(self, rows):
        old, new, is_default, legal = _columns(rows)
        result = self.env.execute_query(SQL("""
            INSERT INTO sp_area_succession (old_area_id, new_area_id, level, date, legal_source,
                                            is_default, create_uid, create_date, write_uid,
                                            write_date)
            SELECT o.id, n.id, o.level, %(date)s, s.legal_source, s.is_default,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM UNNEST(%(old)s::varchar[], %(new)s::varchar[], %(is_default)s::boolean[],
                          %(legal)s::varchar[]) AS s(old_code, new_code, is_default, legal_source)
              JOIN sp_area o ON o.scheme = 'legacy' AND o.code = s.old_code
              JOIN sp_area n ON n.scheme = '2025' AND n.code = s.new_code
            ON CONFLICT (old_area_id, new_area_id) DO UPDATE
               SET level = EXCLUDED.level, date = EXCLUDED.date,
                   legal_source = EXCLUDED.legal_source, is_default = EXCLUDED.is_default,
                   write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
             WHERE (sp_area_succession.level, sp_area_succession.date,
                    sp_area_succession.legal_source, sp_area_succession.is_default)
                   IS DISTINCT FROM (EXCLUDED.level, EXCLUDED.date, EXCLUDED.legal_source,
                                     EXCLUDED.is_default)
            RETURNING (xmax = 0)
        """, date=DATE_2025, uid=self.env.uid, old=old, new=new, is_default=is_default,
            legal=legal))
        created = sum(1 for (inserted,) in result if inserted)
        return created, len(result) - created
