from . import test_generator
from . import test_demo_users
