from . import sp_audit
