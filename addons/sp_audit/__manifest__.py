{
    "name": "Social Protection: Audit trail",
    "summary": "Who changed, read and exported what: configurable rules, monthly partitions, "
    "hash chain, auditor's views",
    "version": "18.0.1.0.0",
    "category": "Social Protection",
    "license": "LGPL-3",
    "author": "SP MIS",
    "website": "https://github.com/sp-mis/sp-mis",
    "depends": ["sp_base"],
    "data": [
        "security/sp_audit_security.xml",
        "security/ir.model.access.csv",
        "data/sp_audit_rule_data.xml",
        "data/ir_cron_data.xml",
        "views/sp_audit_log_views.xml",
        "views/sp_audit_rule_views.xml",
        "views/sp_audit_menus.xml",
    ],
    "installable": True,
}
