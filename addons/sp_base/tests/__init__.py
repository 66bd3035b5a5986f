from . import test_area
from . import test_xlsx
