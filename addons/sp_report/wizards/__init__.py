from . import sp_report_wizard
