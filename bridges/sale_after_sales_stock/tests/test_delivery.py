import inspect
from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.stock.models.stock_move import StockMove

from .common import AfterSalesStockCommon


@tagged("post_install", "-at_install")
class TestDelivery(AfterSalesStockCommon):
    def _pieces(self, order):
        return self.env["service.equipment"].search([("order_id", "=", order.id)])

    def test_confirmation_creates_no_piece_for_serial_products(self):
        order = self._create_order(self.customer, [(self.product_serial, 2)], confirm=True)
        self.assertFalse(self._pieces(order), "the serials are chosen at the delivery")
        self.assertEqual(len(order.picking_ids), 1)

    def test_delivered_serials_become_pieces_linked_to_their_lot(self):
        lots = self._add_serials(self.product_serial, "EM-1001", "EM-1002")
        order = self._create_order(self.customer, [(self.product_serial, 2)], confirm=True)
        picking = self._deliver(order, lots)
        self.assertEqual(picking.state, "done")
        pieces = self._pieces(order)
        self.assertEqual(len(pieces), 2)
        self.assertEqual(pieces.lot_id, lots)
        self.assertEqual(sorted(pieces.mapped("serial_number")), ["EM-1001", "EM-1002"])
        for piece in pieces:
            self.assertEqual(piece.serial_number, piece.lot_id.name, "the serial is the lot's")
            self.assertEqual(piece.delivery_picking_id, picking)
            self.assertEqual(piece.delivery_reference, picking.name)
            self.assertEqual(piece.date_delivered, picking.date_done.date())
            self.assertEqual(piece.partner_id, self.customer)
            self.assertEqual(piece.order_line_id, order.order_line)
            self.assertEqual(piece.state, "in_service")
        self.assertEqual(lots.mapped("equipment_count"), [1, 1])

    def test_warranty_counts_from_the_delivery_when_the_company_says_so(self):
        self.company.equipment_start = "delivered"
        lots = self._add_serials(self.product_serial, "EM-2001")
        with freeze_time("2031-03-01 10:00:00"):
            order = self._create_order(self.customer, [(self.product_serial, 1)], confirm=True)
        with freeze_time("2031-03-15 10:00:00"):
            self._deliver(order, lots)
        piece = self._pieces(order)
        self.assertEqual(piece.date_start, date(2031, 3, 15))
        self.assertEqual(piece.warranty_end, date(2033, 3, 15), "24 months from the delivery")

    def test_warranty_from_the_confirmation_by_default(self):
        lots = self._add_serials(self.product_serial, "EM-2101")
        with freeze_time("2031-02-01 10:00:00"):
            order = self._create_order(self.customer, [(self.product_serial, 1)], confirm=True)
        with freeze_time("2031-02-20 10:00:00"):
            self._deliver(order, lots)
        self.assertEqual(self._pieces(order).date_start, date(2031, 2, 1))

    def test_partial_delivery_then_backorder_never_duplicates(self):
        lots = self._add_serials(self.product_serial, "EM-3001", "EM-3002", "EM-3003")
        order = self._create_order(self.customer, [(self.product_serial, 3)], confirm=True)
        first = self._deliver(order, lots[0])
        self.assertEqual(self._pieces(order).lot_id, lots[0])
        backorder = order.picking_ids - first
        self.assertEqual(len(backorder), 1, "the rest goes to a backorder")
        self._deliver(order, lots[1:])
        pieces = self._pieces(order)
        self.assertEqual(len(pieces), 3)
        self.assertEqual(pieces.lot_id, lots)
        # Moves done again (a second pass of the sync) change nothing.
        order.picking_ids.move_ids._sync_after_sales_equipment()
        self.assertEqual(self._pieces(order), pieces)
        # Confirming again (a quotation copied back, an automation) neither.
        order._create_equipment()
        self.assertEqual(self._pieces(order), pieces)

    def test_cancelled_backorder_and_order_keep_what_was_delivered(self):
        lots = self._add_serials(self.product_serial, "EM-4001", "EM-4002")
        order = self._create_order(self.customer, [(self.product_serial, 2)], confirm=True)
        self._deliver(order, lots[0], backorder=False)
        piece = self._pieces(order)
        self.assertEqual(piece.lot_id, lots[0])
        order._action_cancel()
        self.assertEqual(self._pieces(order), piece, "nothing created, nothing removed")
        self.assertEqual(piece.state, "in_service", "the delivered serial is at the customer's")

    def test_order_cancelled_before_delivery_has_no_piece(self):
        order = self._create_order(self.customer, [(self.product_serial, 2)], confirm=True)
        order._action_cancel()
        order.action_draft()
        order.action_confirm()
        self.assertFalse(self._pieces(order))
        lots = self._add_serials(self.product_serial, "EM-4101", "EM-4102")
        self._deliver(order, lots)
        self.assertEqual(len(self._pieces(order)), 2)

    def test_products_tracked_by_lot_keep_the_confirmation_pieces(self):
        lots = self._add_serials(self.product_lot, "FLT-01")
        order = self._create_order(self.customer, [(self.product_lot, 2)], confirm=True)
        pieces = self._pieces(order)
        self.assertEqual(len(pieces), 2, "one a unit at the confirmation, as without Inventory")
        self._deliver(order, lots)
        self.assertEqual(self._pieces(order), pieces)
        self.assertFalse(pieces.lot_id)

    def test_untracked_products_keep_the_confirmation_pieces(self):
        self._track_equipment(self.product_machine)
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        self.assertEqual(len(self._pieces(order)), 1)

    def test_piece_confirmed_before_serial_tracking_takes_the_delivered_serial(self):
        self.product_serial.tracking = "none"
        order = self._create_order(self.customer, [(self.product_serial, 1)], confirm=True)
        piece = self._pieces(order)
        self.assertEqual(len(piece), 1)
        self.product_serial.tracking = "serial"
        lots = self._add_serials(self.product_serial, "EM-5001")
        self._deliver(order, lots)
        self.assertEqual(self._pieces(order), piece, "no second piece")
        self.assertEqual((piece.lot_id, piece.serial_number), (lots, "EM-5001"))

    def test_renamed_lot_renames_the_serial_of_its_piece(self):
        lots = self._add_serials(self.product_serial, "EM-6001")
        order = self._create_order(self.customer, [(self.product_serial, 1)], confirm=True)
        self._deliver(order, lots)
        lots.name = "EM-6001-B"
        self.assertEqual(self._pieces(order).serial_number, "EM-6001-B")

    def test_lot_form_shows_the_piece_and_its_service_history(self):
        lots = self._add_serials(self.product_serial, "EM-7001")
        order = self._create_order(self.customer, [(self.product_serial, 1)], confirm=True)
        self._deliver(order, lots)
        piece = self._pieces(order)
        self._create_history(self.customer, equipment_id=piece.id, summary="Replaced the gasket")
        lot = lots.with_user(self.service_admin)
        lot.invalidate_recordset()
        self.assertEqual((lot.equipment_count, lot.equipment_history_count), (1, 1))
        action = lots.action_view_equipment()
        self.assertEqual(action["res_id"], piece.id)
        history = self.env["service.history"].search(lots.action_view_equipment_history()["domain"])
        self.assertEqual(history.summary, "Replaced the gasket")

    def test_handover_check_uses_the_lots_of_the_delivery(self):
        # Nothing in stock yet: nothing reserved, no serial chosen.
        order = self._create_order(self.customer, [(self.product_serial, 2)], confirm=True)
        self.assertIn(
            self.product_serial.display_name, order._handover_check_equipment_serials()[order]
        )
        lots = self._add_serials(self.product_serial, "EM-8001", "EM-8002")
        self._assign_lots(order.picking_ids, lots)  # chosen, not validated yet
        self.assertFalse(order._handover_check_equipment_serials()[order])
        self._deliver(order, lots)
        self.assertFalse(order._handover_check_equipment_serials()[order])

    def test_validating_many_deliveries_in_one_go_queries_constant_per_batch(self):
        def deliveries(count, prefix):
            lots = self._add_serials(self.product_serial, *(f"{prefix}-{i}" for i in range(count)))
            orders = self.env["sale.order"]
            for _i in range(count):
                orders |= self._create_order(self.customer, [(self.product_serial, 1)])
            orders.action_confirm()
            pickings = orders.picking_ids
            for picking, lot in zip(pickings, lots, strict=True):
                self._assign_lots(picking, lot)
            pickings.move_ids.write({"state": "done"})  # as _action_done leaves them
            self.env.flush_all()
            self.env.invalidate_all()
            # As _action_done returns them: a recordset of its own.
            return self.env["stock.move"].browse(pickings.move_ids.ids)

        batches = [deliveries(1, "Q1"), deliveries(2, "Q2"), deliveries(8, "Q8")]
        counts = []
        for moves in batches:  # the first one warms the caches up
            self.env.invalidate_all()
            queries = self.env.cr.sql_log_count
            moves._sync_after_sales_equipment()
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - queries)
        counts.pop(0)
        self.assertEqual(counts[0], counts[1], "the same number of queries for 2 and 8 deliveries")
        self.assertEqual(len(self.env["service.equipment"].search([("lot_id", "!=", False)])), 11)

    def test_overridden_stock_move_action_done_signature_matches_odoo(self):
        self.assertEqual(
            list(inspect.signature(StockMove._action_done).parameters),
            ["self", "cancel_backorder"],
        )
