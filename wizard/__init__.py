from . import service_followup_done_wizard
from . import service_followup_apply_wizard
