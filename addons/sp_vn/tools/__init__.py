from . import area_sources
