from odoo.tests import tagged

from .common import AfterSalesStockCommon


@tagged("post_install", "-at_install")
class TestReturns(AfterSalesStockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._create_maintenance_plan()
        cls.lots = cls._add_serials(cls.product_serial, "EM-9001", "EM-9002", "EM-9003")
        cls.order = cls._create_order(
            cls.customer, [(cls.product_serial, 2)], confirm=True, date_order="2031-01-10"
        )
        cls.delivery = cls._deliver(cls.order, cls.lots[:2])

    def _pieces(self):
        return self.env["service.equipment"].search([("order_id", "=", self.order.id)])

    def test_return_marks_the_piece_returned_and_stops_its_maintenance(self):
        piece = self._pieces().filtered(lambda p: p.lot_id == self.lots[0])
        self.assertTrue(piece.followup_ids.filtered(lambda f: f.state == "planned"))
        returned = self._return(self.delivery, self.lots[0])
        self.assertEqual(returned.state, "done")
        self.assertEqual(piece.state, "retired")
        self.assertEqual(piece.return_picking_id, returned)
        self.assertEqual(piece.return_reference, returned.name)
        self.assertEqual(piece.date_returned, returned.date_done.date())
        self.assertFalse(
            piece.followup_ids.filtered(lambda f: f.state in ("planned", "due")),
            "no maintenance reminder for a piece that came back",
        )
        other = self._pieces() - piece
        self.assertEqual(other.state, "in_service", "only the serial returned")

    def test_replacement_delivered_for_a_return_points_to_the_returned_piece(self):
        piece = self._pieces().filtered(lambda p: p.lot_id == self.lots[0])
        self._return(self.delivery, self.lots[0], exchange=True)
        exchange = self.order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "done"
        )
        self.assertEqual(len(exchange), 1, "Odoo's exchange: a new delivery of the line")
        self._validate(exchange, self.lots[2])
        replacement = self._pieces().filtered(lambda p: p.lot_id == self.lots[2])
        self.assertEqual(replacement.replaced_equipment_id, piece)
        self.assertEqual(piece.replacement_ids, replacement)
        self.assertEqual(replacement.state, "in_service")
        self.assertEqual(len(self._pieces()), 3)

    def test_serial_delivered_again_to_its_customer_is_back_in_service(self):
        piece = self._pieces().filtered(lambda p: p.lot_id == self.lots[0])
        self._return(self.delivery, self.lots[0], exchange=True)
        exchange = self.order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "done"
        )
        # The unit repaired in the workshop goes back to the customer.
        self._validate(exchange, self.lots[0])
        self.assertEqual(len(self._pieces()), 2, "the same piece, not a new one")
        self.assertEqual(piece.state, "in_service")
        self.assertFalse(piece.date_returned)
        self.assertEqual(piece.delivery_picking_id, exchange)

    def test_serial_returned_then_sold_to_another_customer(self):
        piece = self._pieces().filtered(lambda p: p.lot_id == self.lots[0])
        self._return(self.delivery, self.lots[0])
        order = self._create_order(self.other_customer, [(self.product_serial, 1)], confirm=True)
        self._deliver(order, self.lots[0])
        new = self.env["service.equipment"].search([("order_id", "=", order.id)])
        self.assertEqual((new.partner_id, new.serial_number), (self.other_customer, "EM-9001"))
        self.assertEqual(piece.lot_id, self.lots[0], "the first owner's piece keeps its history")
        self.assertEqual(piece.state, "retired")
        self.assertEqual(self.lots[0].equipment_count, 2)
