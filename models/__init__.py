from . import service_history_type
from . import service_history
from . import service_followup_plan
from . import service_followup
from . import product_template
from . import res_partner
from . import sale_order
from . import sale_order_line
