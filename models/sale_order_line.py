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

    def _get_equipment_units(self):
        """How many pieces of equipment this line sold: whole units of the
        product's unit of measure (2.5 units are 2 pieces)."""
        self.ensure_one()
        quantity = self.product_uom_id._compute_quantity(
            self.product_uom_qty, self.product_id.uom_id, round=False
        )
        return max(int(quantity + 1e-6), 0)

    def _prepare_equipment_vals(self):
        """One piece of equipment of this line's product, at the order's customer."""
        self.ensure_one()
        order = self.order_id
        return {
            "name": self.product_id.name,
            "product_id": self.product_id.id,
            "partner_id": order.partner_id.id,
            "site_id": order.partner_shipping_id.id,
            "order_id": order.id,
            "order_line_id": self.id,
            "company_id": order.company_id.id,
            "date_start": order._get_equipment_start_date(),
        }
