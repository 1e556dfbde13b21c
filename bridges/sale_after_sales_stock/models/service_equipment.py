from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import clean_context

from odoo.addons.sale_after_sales.models.service_equipment import (
    ServiceEquipment as AfterSalesEquipment,
)

# Inventory's documents: readable by Inventory users and salespeople (sale_stock).
STOCK_READERS = "stock.group_stock_user,sales_team.group_sale_salesman"


class ServiceEquipment(models.Model):
    _inherit = "service.equipment"
    # What Inventory tells: written by the deliveries and returns only
    # (service.workflow.mixin), never by hand.
    _workflow_fields = (
        *getattr(AfterSalesEquipment, "_workflow_fields", ()),
        "lot_id",
        "delivery_move_id",
        "delivery_picking_id",
        "delivery_reference",
        "date_delivered",
        "return_picking_id",
        "return_reference",
        "date_returned",
        "replaced_equipment_id",
    )

    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial Number",
        index="btree_not_null",
        readonly=True,
        copy=False,
        groups="stock.group_stock_user",
        help="The serial number delivered: the piece's serial is the lot's.",
    )
    delivery_move_id = fields.Many2one(
        "stock.move", readonly=True, copy=False, groups=STOCK_READERS, index="btree_not_null"
    )
    delivery_picking_id = fields.Many2one(
        "stock.picking", string="Delivery", readonly=True, copy=False, groups=STOCK_READERS
    )
    # What the customer and the service department read of the delivery and the
    # return, without rights on Inventory's documents: kept on the piece.
    delivery_reference = fields.Char(readonly=True, copy=False)
    date_delivered = fields.Date(string="Delivered On", readonly=True, copy=False)
    return_picking_id = fields.Many2one(
        "stock.picking", string="Return", readonly=True, copy=False, groups=STOCK_READERS
    )
    return_reference = fields.Char(readonly=True, copy=False)
    date_returned = fields.Date(string="Returned On", readonly=True, copy=False, tracking=True)
    replaced_equipment_id = fields.Many2one(
        "service.equipment",
        string="Replaces",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The returned piece this one was delivered for.",
    )
    replacement_ids = fields.One2many(
        "service.equipment", "replaced_equipment_id", string="Replaced By"
    )

    # === CRUD ===

    def write(self, vals):
        if "serial_number" in vals and not self._in_workflow() and self.sudo().filtered("lot_id"):
            raise UserError(
                self.env._(
                    "The serial number of a piece delivered is that of its lot: correct "
                    "the lot in Inventory."
                )
            )
        return super().write(vals)

    def _check_serial_free(self, serial, product, company):
        # Pieces from deliveries are checked per batch (_create_from_deliveries).
        if self.env.context.get("after_sales_serials_checked"):
            return
        return super()._check_serial_free(serial, product, company)

    # === BUSINESS METHODS ===

    @api.model
    def _create_from_deliveries(self, moves):
        """The pieces of the serial numbers that ``moves`` (done, to the customer,
        of sale lines, of products whose pieces come from their delivery) delivered:
        one per serial. A serial already known at the same customer keeps its piece
        (put back in service when it had been returned); a piece of the line without
        a serial yet (confirmed before Inventory tracked it) takes the serial;
        otherwise a new piece is created, replacing a returned piece of the line
        when there is one. Everything in a constant number of queries per batch.

        Equipment is a system record created for whoever validates: sudo (through
        sale.order._get_system_model)."""
        Equipment = self.env["sale.order"]._get_system_model("service.equipment")._workflow()
        move_lines = moves.move_line_ids.filtered(lambda ml: ml.lot_id and ml.quantity > 0)
        if not move_lines:
            return Equipment
        lines = moves.sale_line_id
        known = Equipment.search(
            [
                "|",
                "|",
                ("lot_id", "in", move_lines.lot_id.ids),
                ("order_line_id", "in", lines.ids),
                "&",
                ("product_id", "in", move_lines.product_id.ids),
                ("serial_number", "in", move_lines.lot_id.mapped("name")),
            ]
        )
        by_lot = defaultdict(lambda: Equipment)
        by_serial = defaultdict(lambda: Equipment)
        unserialized = defaultdict(list)  # sale line -> pieces waiting for a serial
        returned = defaultdict(list)  # sale line -> returned pieces not replaced yet
        for piece in known:
            if piece.lot_id:
                by_lot[piece.lot_id] |= piece
            elif piece.serial_number:
                by_serial[piece.product_id, piece.serial_number] |= piece
            elif piece.order_line_id and piece.state == "in_service":
                unserialized[piece.order_line_id].append(piece)
            if piece.order_line_id and piece.date_returned and not piece.replacement_ids:
                returned[piece.order_line_id].append(piece)

        back_in_service, freed, vals_list = Equipment, Equipment, []
        adopted = defaultdict(list)  # piece -> its delivery values
        for ml in move_lines:
            move, lot = ml.move_id, ml.lot_id
            line = move.sale_line_id
            customer = line.order_id.partner_id.commercial_partner_id
            delivery = self._prepare_delivery_vals(move, lot)
            pieces = by_lot[lot] or by_serial[ml.product_id, lot.name]
            mine = pieces.filtered(lambda p, c=customer: p.commercial_partner_id == c)[:1]
            if mine:
                if mine.state != "in_service" or mine.date_returned:
                    back_in_service |= mine
                adopted[mine] = delivery
                continue
            # The serial left another customer without a return: it is not theirs anymore.
            freed |= pieces.filtered("serial_number")
            if unserialized[line]:
                adopted[unserialized[line].pop(0)] = delivery
                continue
            vals = line._prepare_equipment_vals()
            vals.update(delivery)
            if returned[line]:
                vals["replaced_equipment_id"] = returned[line].pop(0).id
            vals_list.append(vals)

        if freed:
            freed.write({"serial_number": False, "state": "retired"})
            # Before the new pieces take the serial (the unique index).
            freed.flush_recordset(["serial_number"])
        for piece, vals in adopted.items():
            # One write per piece adopted: a serial delivered again, or a piece of
            # an order confirmed before its product was tracked by serial (rare).
            piece.with_context(after_sales_serials_checked=True).write(
                {**vals, "state": "in_service"}
                | (
                    {"date_returned": False, "return_reference": False, "return_picking_id": False}
                    if piece in back_in_service
                    else {}
                )
            )
        created = Equipment.with_context(
            clean_context(Equipment.env.context), after_sales_serials_checked=True
        ).create(vals_list)
        return created | Equipment.browse(piece.id for piece in adopted)

    @api.model
    def _prepare_delivery_vals(self, move, lot):
        """What a piece keeps of the delivery of serial ``lot`` by ``move``."""
        order = move.sale_line_id.order_id
        date_start = order._get_equipment_start_date()
        if order.company_id.equipment_start == "delivered":
            date_start = fields.Date.context_today(self, move.date)
        elif (
            order.company_id.equipment_start == "handover_accepted"
            and order.handover_state == "accepted"
        ):
            date_start = fields.Date.context_today(self)
        vals = {
            "lot_id": lot.id,
            "serial_number": lot.name,
            "delivery_move_id": move.id,
            "delivery_picking_id": move.picking_id.id,
            "delivery_reference": move.picking_id.name or move.reference,
            "date_delivered": fields.Date.context_today(self, move.date),
        }
        if date_start:
            vals["date_start"] = date_start
        return vals

    @api.model
    def _retire_returned(self, moves):
        """The pieces of the serial numbers that ``moves`` (done, from the
        customer) brought back: returned, so retired (which cancels their
        maintenance reminders). One write per return picking."""
        Equipment = self.env["sale.order"]._get_system_model("service.equipment")._workflow()
        move_lines = moves.move_line_ids.filtered(lambda ml: ml.lot_id and ml.quantity > 0)
        if not move_lines:
            return Equipment
        pieces = Equipment.search(
            [("lot_id", "in", move_lines.lot_id.ids), ("state", "=", "in_service")]
        )
        by_lot = defaultdict(lambda: Equipment)
        for piece in pieces:
            by_lot[piece.lot_id] |= piece
        by_move = defaultdict(lambda: Equipment)
        for ml in move_lines:
            by_move[ml.move_id] |= by_lot[ml.lot_id]
        by_vals = defaultdict(lambda: Equipment)
        for move, returned in by_move.items():
            if returned:
                vals = self._prepare_return_vals(move)
                by_vals[tuple(sorted(vals.items()))] |= returned
        for vals, returned in by_vals.items():
            returned.write(dict(vals))
        return pieces

    @api.model
    def _prepare_return_vals(self, move):
        return {
            "state": "retired",
            "return_picking_id": move.picking_id.id,
            "return_reference": move.picking_id.name or move.reference,
            "date_returned": fields.Date.context_today(self, move.date),
        }
