from . import test_access
from . import test_delivery
from . import test_portal
from . import test_returns
from . import test_tours
