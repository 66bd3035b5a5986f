from . import test_suite_rules
