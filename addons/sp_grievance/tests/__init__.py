from . import test_deadlines
from . import test_vn_data
from . import test_grievance
from . import test_escalation
from . import test_console
from . import test_access
from . import test_report
from . import test_tour
