from .checks import check_scope, check_values
