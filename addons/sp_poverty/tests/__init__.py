from . import test_classification
from . import test_campaign
from . import test_access
from . import test_rpc
