from odoo.tests import HttpCase, tagged

from .common import RepairCommon


@tagged("post_install", "-at_install")
class TestRepairTour(HttpCase, RepairCommon):
    def test_service_user_creates_the_repair_of_a_piece(self):
        self.start_tour(
            f"/odoo/action-sale_after_sales.service_equipment_action/{self.piece.id}",
            "sale_after_sales_repair_tour",
            login=self.technician.login,
        )
        repair = self.piece.repair_ids
        self.assertEqual(len(repair), 1)
        self.assertEqual(repair.partner_id, self.contact_anna)
        self.assertEqual(repair.product_id, self.product_machine)
        self.assertEqual(repair.lot_id, self.lot)
        self.assertTrue(repair.under_warranty)
        self.assertEqual(repair.create_uid, self.technician)
