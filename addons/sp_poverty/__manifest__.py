{
    "name": "Social Protection: Poverty review",
    "summary": "Poverty standards as effective-dated data, the annual review campaign per commune, "
    "household assessments, set-based classification and the yearly poverty history",
    "version": "18.0.1.0.0",
    "category": "Social Protection",
    "license": "LGPL-3",
    "author": "SP MIS",
    "website": "https://github.com/sp-mis/sp-mis",
    "depends": ["sp_registry"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
        "security/sp_poverty_security.xml",
        "views/sp_poverty_indicator_views.xml",
        "views/sp_poverty_standard_views.xml",
        "views/sp_poverty_area_type_views.xml",
        "views/sp_poverty_assessment_views.xml",
        "views/sp_poverty_campaign_views.xml",
        "views/sp_poverty_report_views.xml",
        "views/sp_poverty_menus.xml",
    ],
    "installable": True,
}
