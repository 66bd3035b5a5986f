from . import sp_area_reform_decision
from . import sp_area_reform_move
from . import sp_area_reform_run
