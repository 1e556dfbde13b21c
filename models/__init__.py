from . import service_history_type
from . import service_history
from . import res_partner
from . import sale_order
from . import sale_order_line
