from . import res_company
from . import product_product
from . import service_equipment
from . import sale_order
from . import stock_lot
from . import stock_move
