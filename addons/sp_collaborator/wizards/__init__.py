from . import sp_collaborator_export
from . import sp_collaborator_allowance_compute
from . import sp_collaborator_training_export
