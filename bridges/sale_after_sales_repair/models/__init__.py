from . import repair_order
from . import service_equipment
from . import service_history
