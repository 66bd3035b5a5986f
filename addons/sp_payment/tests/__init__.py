from . import test_access
from . import test_carry_forward
from . import test_export
from . import test_generation
from . import test_reconciliation
from . import test_xlsx_reader
from . import test_integrity
