from . import test_vn_areas
from . import test_vn_offices
from . import test_vn_defaults
