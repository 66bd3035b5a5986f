from . import sp_report_layout, sp_report_documents, sp_report_beneficiaries
