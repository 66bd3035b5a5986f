from . import area_reform
