from . import sp_ethnicity
from . import sp_household
from . import sp_individual
from . import sp_household_poverty_history
from . import sp_registry_event
from . import sp_registry_duplicate
