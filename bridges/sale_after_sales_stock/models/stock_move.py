from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        moves._sync_after_sales_equipment()
        return moves

    def _sync_after_sales_equipment(self):
        """The customer's pieces follow the serial numbers these done moves carried:
        returns retire them, deliveries of sale lines create them."""
        moves = self.filtered(
            lambda m: m.state == "done" and m.product_id._is_equipment_from_delivery()
        )
        if not moves:
            return
        Equipment = self.env["service.equipment"]
        returns = moves.filtered(
            lambda m: m.location_usage == "customer" and m.location_dest_usage != "customer"
        )
        if returns:
            Equipment._retire_returned(returns)
        deliveries = moves.filtered(
            lambda m: (
                m.sale_line_id
                and m.location_dest_usage == "customer"
                and m.location_usage != "customer"
            )
        )
        if deliveries:
            Equipment._create_from_deliveries(deliveries)
