from . import test_suite_rules
from . import test_access_matrix
from . import test_module_descriptions
