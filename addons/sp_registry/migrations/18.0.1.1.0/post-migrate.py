"""18.0.1.1.0: workflow fields written by their steps only (issue 13).

Set-based and idempotent:

- the author of an import is the user who created it: the field was writable before, and the
  households and people an import writes are created in its author's name, so an author
  changed by hand is set back to the import's creator;
- a commune's code counter pushed past the last number (999999) by a squatted code is brought
  back: the reservation now skips numbers in use and never goes past 999999 (see
  sp.household._sp_reserve_codes), and starts again from the lowest free range.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        UPDATE sp_registry_import
           SET user_id = create_uid
         WHERE create_uid IS NOT NULL AND user_id IS DISTINCT FROM create_uid
           AND create_uid <> 1
    """)
    cr.execute("""
        UPDATE sp_household_code_counter SET last_value = 0
         WHERE last_value > 999999 OR last_value < 0
    """)
