from . import test_documents, test_beneficiaries
