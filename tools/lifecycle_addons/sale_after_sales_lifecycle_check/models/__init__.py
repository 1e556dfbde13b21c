from . import handover_check
