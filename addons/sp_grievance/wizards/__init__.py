from . import sp_grievance_console
from . import sp_grievance_console_line
from . import sp_grievance_export
from . import sp_grievance_confidentiality_lift
