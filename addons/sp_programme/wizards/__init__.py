from . import sp_enrolment_action_wizard
from . import sp_entitlement_compute_wizard
