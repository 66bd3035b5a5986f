from . import sp_area
from . import sp_area_succession
from . import sp_access_mixin
from . import res_company
from . import res_users
from . import sp_commune_mixin
from . import sp_step_mixin
from . import sp_input_mixin
