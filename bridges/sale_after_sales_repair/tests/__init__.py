from . import test_repair_order
from . import test_repair_history
from . import test_repair_access
from . import test_repair_portal
from . import test_tours
