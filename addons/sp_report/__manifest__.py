{
    "name": "Social Protection: Reports",
    "summary": "Printed decisions, payment lists and grievance letters in Vietnamese "
    "administrative layout (QWeb PDF), statutory XLSX reports for any area and period",
    "version": "18.0.1.0.0",
    "category": "Social Protection",
    "license": "LGPL-3",
    "author": "SP MIS",
    "website": "https://github.com/sp-mis/sp-mis",
    "depends": ["sp_base", "sp_registry", "sp_programme", "sp_payment", "sp_grievance", "web"],
    "external_dependencies": {"python": ["xlsxwriter"], "bin": ["wkhtmltopdf"]},
    "data": [
        "security/ir.model.access.csv",
        "report/sp_report_layout.xml",
        "report/sp_report_decision.xml",
        "report/sp_report_payment_list.xml",
        "report/sp_report_grievance.xml",
        "wizards/sp_report_wizard_views.xml",
    ],
    "installable": True,
}
