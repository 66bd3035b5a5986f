from . import test_vn_standards
