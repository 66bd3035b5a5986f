from . import test_access
from . import test_step_guard
from . import test_input_guard
