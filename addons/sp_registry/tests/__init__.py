from . import test_id_number
from . import test_household
from . import test_events
from . import test_duplicates
from . import test_search
from . import test_access
