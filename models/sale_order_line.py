from odoo import fields, models
from odoo.tools import float_compare


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    order_date = fields.Datetime(related="order_id.date_order", string="Order Date")

    def _is_qty_over(self, quantity):
        """Whether ``quantity`` (invoiced) exceeds the ordered quantity."""
        self.ensure_one()
        rounding = self.product_uom_id.rounding or 0.01
        return float_compare(quantity, self.product_uom_qty, precision_rounding=rounding) > 0
