"""18.0.1.1.0, after the module's tables are updated: fill the new stored columns, one
statement each, idempotent (only the rows still empty)."""


def migrate(cr, version):
    if not version:
        return
    # result rows: the area of their line, else the cycle's province (the area rule)
    cr.execute("""
        UPDATE sp_payment_result_line r SET area_id = s.area_id
          FROM (SELECT r2.id, COALESCE(l.area_id, res.area_id) AS area_id
                  FROM sp_payment_result_line r2
                  JOIN sp_payment_result res ON res.id = r2.result_id
                  LEFT JOIN sp_payment_line l ON l.id = r2.line_id
                 WHERE r2.area_id IS NULL) s
         WHERE r.id = s.id AND s.area_id IS NOT NULL
    """)
    # file logs: a list's batch commune, a result file's province
    cr.execute("""
        UPDATE sp_payment_file_log f SET area_id = COALESCE(b.area_id, res.area_id, cy.area_id)
          FROM sp_payment_file_log f2
          LEFT JOIN sp_payment_batch b ON b.id = f2.batch_id
          LEFT JOIN sp_payment_result res ON res.id = f2.result_id
          LEFT JOIN sp_payment_cycle cy ON cy.id = f2.cycle_id
         WHERE f.id = f2.id AND f.area_id IS NULL
    """)
    # a generation queued before the upgrade: the job runs it as the user who asked
    cr.execute("""
        UPDATE sp_payment_cycle SET generation_queued_by = generated_by
         WHERE generation_queued AND generation_queued_by IS NULL
    """)
    # batches: who generated them (their creator) and, for the approved ones, their cycle's
    # approval when it was another user's (four eyes, a database check)
    cr.execute("""
        UPDATE sp_payment_batch SET generated_by = create_uid
         WHERE generated_by IS NULL AND create_uid IS NOT NULL
    """)
    cr.execute("""
        UPDATE sp_payment_batch b SET approved_by = cy.approved_by, approved_date = cy.approved_date
          FROM sp_payment_cycle cy
         WHERE cy.id = b.cycle_id AND b.state <> 'draft' AND b.approved_by IS NULL
           AND cy.approved_by IS NOT NULL AND cy.approved_by IS DISTINCT FROM b.generated_by
    """)
