{
    "name": "Social Protection: cross-module tests",
    "summary": "Test-only module: checks that hold across every installed suite module",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "license": "LGPL-3",
    "author": "SP MIS",
    "depends": ["sp_base"],
    "installable": True,
}
