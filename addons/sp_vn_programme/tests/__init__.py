from . import test_vn_rules
