from . import sp
