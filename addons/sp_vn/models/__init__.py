from . import sp_area
