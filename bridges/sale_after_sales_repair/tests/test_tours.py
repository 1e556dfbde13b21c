from odoo.tests import HttpCase, tagged

from .common import RepairCommon


@tagged("post_install", "-at_install")
class TestRepairTour(HttpCase, RepairCommon):
    # The first tour of a new database has Odoo build the web client's assets
    # while the page's other requests wait for the test cursor: on a loaded
    # machine they waited longer than Odoo's 20 s and failed the tour.
    test_cursor_lock_timeout = 60

    def setUp(self):
        super().setUp()
        # Built in the test's transaction, which the tour's requests share.
        QWeb = self.env["ir.qweb"]
        for name in ("web.assets_web", "web.assets_tests"):
            QWeb._get_asset_bundle(name, css=False).js()
        for name in ("web.assets_web", "web.assets_web_print", "web.assets_tests"):
            QWeb._get_asset_bundle(name, js=False).css()

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
