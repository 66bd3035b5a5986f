from . import test_assignment
from . import test_activity
from . import test_allowance
from . import test_training
from . import test_dashboard
from . import test_access
from . import test_views
from . import test_tour
