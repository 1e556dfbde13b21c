from odoo.tests import HttpCase, new_test_user, tagged

from .common import AfterSalesStockCommon


@tagged("post_install", "-at_install")
class TestPortal(AfterSalesStockCommon, HttpCase):
    test_cursor_lock_timeout = 60  # a loaded machine: see test_tours

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env,
            login="saa_stock_portal",
            groups="base.group_portal",
            partner_id=cls.contact_anna.id,
        )
        lots = cls._add_serials(cls.product_serial, "EM-P001")
        cls.order = cls._create_order(cls.customer, [(cls.product_serial, 1)], confirm=True)
        cls.delivery = cls._deliver(cls.order, lots)
        cls.piece = cls.env["service.equipment"].search([("order_id", "=", cls.order.id)])

    def test_customer_sees_the_delivery_of_his_piece(self):
        self.authenticate("saa_stock_portal", "saa_stock_portal")
        response = self.url_open(f"/my/equipment/{self.piece.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("EM-P001", response.text)
        self.assertIn('id="equipment_delivery"', response.text)
        self.assertIn(self.delivery.name, response.text)
        self.assertNotIn('id="equipment_return"', response.text)

    def test_customer_sees_the_return_of_his_piece(self):
        returned = self._return(self.delivery, self.piece.lot_id)
        self.authenticate("saa_stock_portal", "saa_stock_portal")
        response = self.url_open(f"/my/equipment/{self.piece.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn('id="equipment_return"', response.text)
        self.assertIn(returned.name, response.text)

    def test_other_customer_does_not_open_the_piece(self):
        new_test_user(
            self.env,
            login="saa_stock_portal2",
            groups="base.group_portal",
            partner_id=self.other_customer.id,
        )
        self.authenticate("saa_stock_portal2", "saa_stock_portal2")
        response = self.url_open(f"/my/equipment/{self.piece.id}", allow_redirects=False)
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn("EM-P001", response.text)
