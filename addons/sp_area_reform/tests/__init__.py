from . import test_area_reform
