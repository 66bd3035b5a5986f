"""Accent-insensitive name keys, the same in Python and in SQL.

The database side is the SQL function ``sp_unaccent_lower(text)`` created by sp_registry
(see ``sql.py``): lower case, accents removed (``đ`` -> ``d``), runs of white space collapsed,
trimmed. ``name_key`` gives the same result in Python for Vietnamese names.
"""
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def name_key(name):
    """'  Nguyễn  Văn Ân ' -> 'nguyen van an'."""
    if not name:
        return ""
    text = unicodedata.normalize("NFD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", text).strip().lower()
