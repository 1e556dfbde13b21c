from . import test_service_history
from . import test_service_history_access
from . import test_followup_planning
