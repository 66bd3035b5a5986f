{
    "name": "Social Protection: Programmes",
    "summary": "Programmes, benefit categories and coefficient bands, standard levels, "
    "applications and enrolments with decisions, suspension and termination, monthly "
    "entitlements and arrears, screening",
    "version": "18.0.1.1.0",
    "category": "Social Protection",
    "license": "LGPL-3",
    "author": "SP MIS",
    "website": "https://github.com/sp-mis/sp-mis",
    "depends": ["sp_base", "sp_registry", "mail"],
    "data": [
        "security/sp_programme_security.xml",
        "security/ir.model.access.csv",
        "data/sp_programme_data.xml",
        "views/sp_programme_views.xml",
        "views/sp_benefit_category_views.xml",
        "views/sp_standard_level_views.xml",
        "views/sp_area_type_views.xml",
        "views/sp_decision_views.xml",
        "wizards/sp_enrolment_action_wizard_views.xml",
        "views/sp_enrolment_views.xml",
        "views/sp_entitlement_views.xml",
        "views/sp_screening_views.xml",
        "views/sp_programme_menus.xml",
    ],
    "assets": {
        "web.assets_tests": ["sp_programme/static/tests/tours/*.js"],
    },
    "installable": True,
}
