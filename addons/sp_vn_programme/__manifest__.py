{
    "name": "Social Protection: Vietnam programmes",
    "summary": "Vietnam's programmes as data: Decree 20 monthly social allowance (K1-K8 and "
    "their coefficient bands), social pension (Decree 176/2025), Cơ hội supplementary "
    "benefits, learning cost support, standard levels (national and Hà Nội)",
    "version": "18.0.1.0.0",
    "category": "Social Protection",
    "license": "LGPL-3",
    "author": "SP MIS",
    "website": "https://github.com/sp-mis/sp-mis",
    "depends": ["sp_programme", "sp_vn"],
    "data": [
        "data/sp_area_type_data.xml",
        "data/sp_programme_decree20_data.xml",
        "data/sp_programme_pension_data.xml",
        "data/sp_programme_cohoi_data.xml",
        "data/sp_programme_education_data.xml",
    ],
    "installable": True,
    "auto_install": True,
}
