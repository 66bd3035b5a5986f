{
    "name": "Social Protection: 2025 Area Reform",
    "summary": "Re-point records still on legacy areas to their 2025 successors: dry run, "
               "decisions for split units, resumable set-based apply, audit",
    "version": "18.0.1.0.0",
    "category": "Social Protection",
    "license": "LGPL-3",
    "author": "SP MIS",
    "website": "https://github.com/sp-mis/sp-mis",
    "depends": ["sp_base"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/sp_area_reform_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "wizards/sp_area_reform_import_views.xml",
        "views/sp_area_reform_run_views.xml",
        "views/sp_area_reform_decision_views.xml",
        "views/sp_area_reform_move_views.xml",
        "views/sp_area_reform_menus.xml",
    ],
    "installable": True,
}
