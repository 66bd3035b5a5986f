from . import sp_poverty_indicator
from . import sp_poverty_area_type
from . import sp_poverty_standard
from . import sp_poverty_standard_province
from . import sp_poverty_assessment
from . import sp_poverty_campaign
from . import sp_poverty_report
