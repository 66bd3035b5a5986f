from .id_number import (
    PROVINCE_ID_CODES,
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_legacy_id_number,
    validate_phone,
)
from .names import name_key
from . import sql
