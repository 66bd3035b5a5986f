{
    "name": "Social Protection: Demo data and scale",
    "summary": "Synthetic households and people at any scale (seeded), demo users for every role, "
    "the `sp` command line",
    "version": "18.0.1.1.0",
    "category": "Social Protection",
    "license": "LGPL-3",
    "author": "SP MIS",
    "website": "https://github.com/sp-mis/sp-mis",
    # Every module whose demo story it tells: the stages run whatever the install order.
    "depends": ["sp_base", "sp_vn", "sp_registry", "sp_programme", "sp_vn_programme",
                "sp_payment", "sp_grievance", "sp_collaborator"],
    "external_dependencies": {"python": ["faker"]},
    "demo": ["demo/sp_demo_demo.xml"],
    "installable": True,
}
