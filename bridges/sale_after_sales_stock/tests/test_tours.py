from odoo.tests import HttpCase, tagged

from .common import AfterSalesStockCommon


@tagged("post_install", "-at_install")
class TestTours(AfterSalesStockCommon, HttpCase):
    # The first tour of a new database has Odoo build the web client's assets
    # while the page's other requests wait for the test cursor: on a loaded
    # machine they may wait longer than Odoo's 20 s.
    test_cursor_lock_timeout = 60

    def setUp(self):
        super().setUp()
        # Built in the test's transaction, which the tour's requests share.
        QWeb = self.env["ir.qweb"]
        for name in ("web.assets_web", "web.assets_tests"):
            QWeb._get_asset_bundle(name, css=False).js()
        for name in ("web.assets_web", "web.assets_web_print", "web.assets_tests"):
            QWeb._get_asset_bundle(name, js=False).css()

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
