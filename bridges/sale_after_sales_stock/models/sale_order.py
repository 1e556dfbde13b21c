from odoo import models
from odoo.tools import format_list


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # === BUSINESS METHODS ===

    def _get_equipment_lines(self):
        """Products tracked by serial number get their pieces when delivered
        (stock.move._action_done), not at the confirmation."""
        return (
            super()
            ._get_equipment_lines()
            .filtered(lambda line: not line.product_id._is_equipment_from_delivery())
        )

    def _remove_or_retire_equipment(self):
        """A cancellation does not take back what was delivered: the pieces of
        serial numbers delivered stay in service until they are returned."""
        # A system clean-up (see sale.order._action_cancel): sudo.
        delivered = self.sudo().equipment_ids.filtered(
            lambda p: p.state == "in_service" and p.date_delivered and not p.date_returned
        )
        super()._remove_or_retire_equipment()
        if delivered:
            delivered.with_context(tracking_disable=True).state = "in_service"

    # Built-in handover check (service.handover.check.method "equipment_serials").

    def _handover_check_equipment_serials(self):
        """The pieces of products tracked by serial number are known from the
        delivery: the serial numbers chosen on its operations (validated or not)
        must cover every unit sold."""
        result = super()._handover_check_equipment_serials()
        lines = self.order_line.filtered(
            lambda line: not line.display_type and line.product_id._is_equipment_from_delivery()
        )
        if not lines:
            return result
        # Inventory's operations, which the salesperson running the check may
        # not read in full (a system check): sudo.
        move_lines = (
            self.env["stock.move.line"]
            .sudo()
            .search(
                [
                    ("move_id.sale_line_id", "in", lines.ids),
                    ("move_id.state", "!=", "cancel"),
                    ("location_dest_usage", "in", ("customer", "internal", "transit")),
                    ("lot_id", "!=", False),
                ]
            )
        )
        lots = {}
        for ml in move_lines:
            lots.setdefault(ml.move_id.sale_line_id.id, set()).add(ml.lot_id.id)
        for order in self:
            missing = lines.filtered(
                lambda line, order=order: (
                    line.order_id == order
                    and len(lots.get(line.id, ())) < line._get_equipment_units()
                )
            )
            if not missing:
                continue
            text = self.env._(
                "No serial number chosen on the delivery yet for %(products)s.",
                products=format_list(self.env, missing.product_id.mapped("display_name")),
            )
            result[order] = f"{result[order]} {text}" if result.get(order) else text
        return result
