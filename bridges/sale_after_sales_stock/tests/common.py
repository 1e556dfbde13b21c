from odoo import Command
from odoo.tests import Form

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


class AfterSalesStockCommon(AfterSalesCommon):
    """The module's shared data, with Inventory: a product tracked at the
    customer's and by serial number, one tracked by lot, serials in stock, and
    deliveries and returns through Odoo's own flow."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.product_serial, cls.product_lot = cls.env["product.product"].create(
            [
                {
                    "name": "Dual Boiler Espresso Machine",
                    "type": "consu",
                    "is_storable": True,
                    "tracking": "serial",
                    "list_price": 3900.0,
                },
                {
                    "name": "Water Filter Cartridge",
                    "type": "consu",
                    "is_storable": True,
                    "tracking": "lot",
                    "list_price": 49.0,
                },
            ]
        )
        cls._track_equipment(cls.product_serial)
        cls._track_equipment(cls.product_lot)
        cls.stock_user = cls.env["res.users"].create(
            {
                "name": "Stella Stock",
                "login": "saa_stock_user",
                "group_ids": [Command.set([cls.env.ref("stock.group_stock_user").id])],
            }
        )

    @classmethod
    def _add_serials(cls, product, *names):
        """Serial numbers (or lots of 10) of ``product`` in stock."""
        lots = cls.env["stock.lot"].create(
            [
                {"name": name, "product_id": product.id, "company_id": cls.company.id}
                for name in names
            ]
        )
        for lot in lots:
            cls.env["stock.quant"]._update_available_quantity(
                product, cls.stock_location, 1 if product.tracking == "serial" else 10, lot_id=lot
            )
        return lots

    @classmethod
    def _assign_lots(cls, picking, lots):
        """The operations of ``picking`` carry ``lots`` (one unit of each serial,
        all the quantity of a lot), picked, as a warehouse worker enters them."""
        for move in picking.move_ids:
            mine = lots.filtered(lambda lot, move=move: lot.product_id == move.product_id)
            quantity = 1 if move.product_id.tracking == "serial" else move.product_uom_qty
            move.move_line_ids = [Command.clear()] + [
                Command.create(
                    {
                        "product_id": move.product_id.id,
                        "lot_id": lot.id,
                        "quantity": quantity,
                        "location_id": move.location_id.id,
                        "location_dest_id": move.location_dest_id.id,
                        "picking_id": picking.id,
                    }
                )
                for lot in mine
            ]
            move.picked = True

    @classmethod
    def _validate(cls, picking, lots, backorder=True):
        """Validate ``picking`` with ``lots``, as the button does: what is not
        delivered goes to a backorder (or is cancelled: ``backorder=False``)."""
        cls._assign_lots(picking, lots)
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
            wizard = Form.from_action(cls.env, result).save()
            if backorder:
                wizard.process()
            else:
                wizard.process_cancel_backorder()
        return picking

    @classmethod
    def _deliver(cls, order, lots, backorder=True):
        """Validate the order's open delivery with ``lots``."""
        picking = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state not in ("done", "cancel")
        )
        return cls._validate(picking, lots, backorder=backorder)

    @classmethod
    def _return(cls, picking, lots, exchange=False):
        """Return ``lots`` of ``picking`` through Odoo's return wizard (or
        return them for an exchange); the return validated."""
        wizard = Form(
            cls.env["stock.return.picking"].with_context(
                active_id=picking.id, active_ids=picking.ids, active_model="stock.picking"
            )
        ).save()
        for line in wizard.product_return_moves:
            line.quantity = len(
                lots.filtered(lambda lot, line=line: lot.product_id == line.product_id)
            )
        action = wizard.action_create_exchanges() if exchange else wizard.action_create_returns()
        returned = cls.env["stock.picking"].browse(action["res_id"])
        return cls._validate(returned, lots)
