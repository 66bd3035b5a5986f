{
    "name": "Social Protection: access mechanism test model",
    "summary": "Test-only module: a small operational model that proves sp_base's company/area rules",
    "version": "18.0.1.1.0",
    "category": "Hidden/Tests",
    "license": "LGPL-3",
    "author": "SP MIS",
    "depends": ["sp_base"],
    "data": [
        "security/ir.model.access.csv",
        "security/sp_test_access_security.xml",
    ],
    "installable": True,
}
