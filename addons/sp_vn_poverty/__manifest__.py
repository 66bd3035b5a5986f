{
    "name": "Social Protection: Vietnam poverty standards",
    "summary": "Vietnam's multidimensional poverty standards as data: 2022-2026 (Decree 07/2021, "
    "kept through 2026 by Decree 351/2025) and 2027-2030 (Decree 351/2025), their deprivation "
    "indicators, and which unit types are urban",
    "version": "18.0.1.0.0",
    "category": "Social Protection",
    "license": "LGPL-3",
    "author": "SP MIS",
    "website": "https://github.com/sp-mis/sp-mis",
    "depends": ["sp_poverty", "sp_vn"],
    "data": [
        "data/sp_poverty_area_type_data.xml",
        "data/sp_poverty_indicator_data.xml",
        "data/sp_poverty_standard_data.xml",
    ],
    "installable": True,
    "auto_install": True,
}
