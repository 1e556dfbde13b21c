from . import service_followup_done_wizard
from . import service_followup_apply_wizard
from . import service_handover_send_back_wizard
from . import service_handover_accept_wizard
from . import service_handover_customer_wizard
from . import service_handover_blocked_wizard
from . import service_partner_notes_wizard
