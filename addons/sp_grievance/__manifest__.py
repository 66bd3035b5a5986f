{
    "name": "Social Protection: Grievances",
    "summary": "Hotline call-centre console, grievance tickets, service levels on working days, "
    "escalation commune -> province -> central",
    "version": "18.0.1.1.0",
    "category": "Social Protection",
    "license": "LGPL-3",
    "author": "SP MIS",
    "website": "https://github.com/sp-mis/sp-mis",
    "depends": ["sp_base", "sp_registry", "mail", "resource"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/sp_grievance_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/sp_grievance_category_data.xml",
        "data/mail_alias_data.xml",
        "data/ir_cron_data.xml",
        # Vietnam: working-day calendar with public holidays, Law on Complaints clocks and
        # service levels. To move to sp_vn (see README.md).
        "data/vn/resource_calendar_vn.xml",
        "data/vn/resource_calendar_leaves_vn.xml",
        "data/vn/sp_grievance_sla_vn.xml",
        "views/sp_grievance_category_views.xml",
        "views/sp_grievance_sla_views.xml",
        "views/sp_grievance_views.xml",
        "views/sp_grievance_call_views.xml",
        "views/sp_grievance_report_views.xml",
        "views/resource_calendar_views.xml",
        "wizards/sp_grievance_console_views.xml",
        "wizards/sp_grievance_export_views.xml",
        "wizards/sp_grievance_confidentiality_lift_views.xml",
        "report/sp_grievance_console_templates.xml",
        "views/sp_grievance_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "sp_grievance/static/src/scss/sp_grievance.scss",
        ],
        "web.assets_tests": [
            "sp_grievance/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
