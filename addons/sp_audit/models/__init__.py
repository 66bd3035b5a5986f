from . import audit_hook
from . import sp_audit_log
from . import sp_audit_rule
