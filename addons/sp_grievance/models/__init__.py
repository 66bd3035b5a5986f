from . import resource_calendar
from . import sp_grievance_category
from . import sp_grievance_sla
from . import sp_grievance
from . import sp_grievance_call
from . import sp_grievance_report
