from . import rules
from . import sql
