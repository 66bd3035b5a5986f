{
    "name": "Social Protection: Vietnam",
    "summary": "Vietnam localisation: 2025 and legacy administrative areas, their succession, "
    "central and province offices",
    "version": "18.0.1.1.0",
    "category": "Social Protection",
    "license": "LGPL-3",
    "author": "SP MIS",
    "website": "https://github.com/sp-mis/sp-mis",
    "depends": ["sp_base"],
    "external_dependencies": {"python": ["vietnam-provinces", "vietnamadminunits"]},
    "data": [
        "data/res_company_data.xml",
        "views/sp_area_views.xml",
    ],
    "post_init_hook": "post_init_hook",
    "installable": True,
}
