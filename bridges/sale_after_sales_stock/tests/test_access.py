from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import AfterSalesStockCommon


@tagged("post_install", "-at_install")
class TestAccess(AfterSalesStockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lots = cls._add_serials(cls.product_serial, "EM-A001")
        cls.order = cls._create_order(cls.customer, [(cls.product_serial, 1)], confirm=True)
        cls.delivery = cls._deliver(cls.order, cls.lots)
        cls.piece = cls.env["service.equipment"].search([("order_id", "=", cls.order.id)])

    def test_salesperson_sees_the_delivery_of_his_own_order(self):
        piece = self.piece.with_user(self.salesman)
        values = piece.read(["serial_number", "delivery_picking_id", "date_delivered"])[0]
        self.assertEqual(values["serial_number"], "EM-A001")
        self.assertEqual(values["delivery_picking_id"][0], self.delivery.id)
        self.assertEqual(values["date_delivered"], self.delivery.date_done.date())
        with self.assertRaises(AccessError, msg="Inventory's lot: Inventory users only"):
            piece.read(["lot_id"])

    def test_salesperson_does_not_see_a_colleague_s_delivered_piece(self):
        with self.assertRaises(AccessError):
            self.piece.with_user(self.other_salesman).read(["serial_number", "date_delivered"])
        self.assertFalse(
            self.env["service.equipment"]
            .with_user(self.other_salesman)
            .search([("serial_number", "=", "EM-A001")])
        )

    def test_service_user_without_inventory_reads_the_delivery_from_the_piece(self):
        piece = self.piece.with_user(self.service_user)
        self.assertFalse(self.service_user.has_group("stock.group_stock_user"))
        values = piece.read(["serial_number", "delivery_reference", "date_delivered"])[0]
        self.assertEqual(values["delivery_reference"], self.delivery.name)
        for field in ("lot_id", "delivery_picking_id", "delivery_move_id"):
            with self.assertRaises(AccessError, msg=field):
                piece.read([field])
        with self.assertRaises(AccessError):
            self.lots.with_user(self.service_user).read(["name"])
        # He works on the piece as on any other.
        piece.site_id = self.contact_bob
        self.assertEqual(self.piece.site_id, self.contact_bob)

    def test_what_inventory_tells_is_not_written_by_hand(self):
        for user in (self.service_user, self.service_admin):
            piece = self.piece.with_user(user)
            with self.assertRaises(UserError, msg=user.login):
                piece.write({"date_delivered": "2020-01-01"})
            with self.assertRaises(UserError, msg=user.login):
                piece.write({"date_returned": "2020-01-01"})
            with self.assertRaises(UserError, msg=user.login):
                piece.write({"serial_number": "TYPED-BY-HAND"})
        with self.assertRaises(UserError):
            self.env["service.equipment"].with_user(self.service_admin).create(
                {
                    "product_id": self.product_serial.id,
                    "partner_id": self.customer.id,
                    "date_delivered": "2020-01-01",
                }
            )
        self.assertEqual(self.piece.serial_number, "EM-A001")

    def test_inventory_user_reads_the_pieces_of_a_lot_only_with_after_sales_rights(self):
        lot = self.lots.with_user(self.stock_user)
        self.assertEqual(lot.equipment_count, 0, "no right on the module's records")
        self.stock_user.group_ids |= self.env.ref("sale_after_sales.group_after_sales_user")
        lot.invalidate_recordset()
        self.assertEqual(lot.equipment_count, 1)
        self.assertEqual(lot.read(["equipment_ids"])[0]["equipment_ids"], self.piece.ids)
