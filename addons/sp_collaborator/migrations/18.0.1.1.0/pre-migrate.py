"""18.0.1.1.0: allowance terms carry their collaborator's area (for the area rule), filled in
one statement before the ORM would compute it term by term; amounts outside the new bounds
(0 to 1,000,000,000, NaN included) are set to 0 so the new check constraint can be added."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE sp_collaborator_allowance_term ADD COLUMN IF NOT EXISTS area_id integer")
    cr.execute("""
        UPDATE sp_collaborator_allowance_term t
           SET area_id = c.area_id
          FROM sp_collaborator c
         WHERE c.id = t.collaborator_id AND t.area_id IS DISTINCT FROM c.area_id
    """)
    cr.execute("""
        UPDATE sp_collaborator_allowance_term
           SET monthly_base = CASE WHEN monthly_base BETWEEN 0 AND 1000000000
                                   THEN monthly_base ELSE 0 END,
               per_visit_amount = CASE WHEN per_visit_amount BETWEEN 0 AND 1000000000
                                       THEN per_visit_amount ELSE 0 END,
               cap_amount = CASE WHEN COALESCE(cap_amount, 0) BETWEEN 0 AND 1000000000
                                 THEN cap_amount ELSE 0 END
         WHERE NOT (monthly_base BETWEEN 0 AND 1000000000
                    AND per_visit_amount BETWEEN 0 AND 1000000000
                    AND COALESCE(cap_amount, 0) BETWEEN 0 AND 1000000000)
    """)
