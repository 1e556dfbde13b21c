from odoo.tests import HttpCase, tagged

from .common import AfterSalesStockCommon


@tagged("post_install", "-at_install")
class TestTours(AfterSalesStockCommon, HttpCase):
    def test_service_user_opens_a_piece_from_a_delivered_serial(self):
        lots = self._add_serials(self.product_serial, "EM-TOUR-01")
        order = self._create_order(self.customer, [(self.product_serial, 1)], confirm=True)
        delivery = self._deliver(order, lots)
        self.start_tour(
            "/odoo/action-sale_after_sales.service_equipment_action",
            "sale_after_sales_stock_delivered_piece",
            login=self.service_user.login,
        )
        piece = self.env["service.equipment"].search([("lot_id", "=", lots.id)])
        self.assertEqual(piece.delivery_reference, delivery.name)
        self.assertIn(
            "Serial checked against the delivery.", "".join(piece.message_ids.mapped("body"))
        )
