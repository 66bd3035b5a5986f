from . import sp_area_reform_import
