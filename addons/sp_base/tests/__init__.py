from . import test_area
from . import test_xlsx
from . import test_table_reader
