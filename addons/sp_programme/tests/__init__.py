from . import test_rules
from . import test_entitlement
from . import test_enrolment
from . import test_screening
from . import test_access
from . import test_tour
from . import test_integrity
