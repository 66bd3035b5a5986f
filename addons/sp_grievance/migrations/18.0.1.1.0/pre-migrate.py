"""18.0.1.1.0: ``is_repeat`` is no longer stored (it is computed over the earlier tickets the
reader may read). The report view that read the column is rebuilt by the module's init."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("DROP VIEW IF EXISTS sp_grievance_report")
    cr.execute("ALTER TABLE sp_grievance DROP COLUMN IF EXISTS is_repeat")
