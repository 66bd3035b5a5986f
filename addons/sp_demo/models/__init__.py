from . import sp_demo_generator
