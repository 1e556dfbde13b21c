from . import service_report_mixin
from . import service_followup_report
from . import service_handover_report
from . import service_satisfaction_report
from . import service_equipment_report
from . import service_case_report
from . import service_revenue_report
