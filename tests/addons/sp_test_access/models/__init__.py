from . import sp_test_record
