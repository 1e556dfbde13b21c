from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon

MENU_ROOT = "sale_after_sales.after_sales_menu_root"


@tagged("post_install", "-at_install")
class TestClickEverywhere(HttpCase, AfterSalesCommon):
    """Odoo's click bot in headless Chromium, on the After-Sales app, as each
    kind of user: every menu opens, every view of its action, every filter
    and grouping of its search view; an error in the browser fails the test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_manager = new_test_user(
            cls.env,
            login="saa_click_sales_manager",
            groups="sales_team.group_sale_manager",
            tour_enabled=False,
        )
        (cls.salesman | cls.service_user | cls.service_admin).tour_enabled = False
        cls.env.ref("base.user_admin").tour_enabled = False
        # Records in every list and report: a handover, a follow-up, a piece
        # of equipment with its reminder, a case, a rated contact.
        cls._track_equipment(cls.product_machine)
        cls._create_maintenance_plan()
        order = cls._create_order(
            cls.customer, [(cls.product_machine, 1)], user=cls.salesman, confirm=True
        )
        order.handover_note = "<p>Ring twice.</p>"
        order.action_start_handover()
        cls._create_history(cls.customer, order_id=order.id, satisfaction="2")
        cls._create_history(cls.customer, type_id=cls.repair_type.id, summary="Leaks")

    def _click_everywhere(self, login):
        self.browser_js(
            "/odoo",
            "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
            f".startClickEverywhere('{MENU_ROOT}');",
            "odoo.isReady === true",
            login=login,
            timeout=600,
            success_signal="clickbot test succeeded",
        )

    def test_as_administrator(self):
        self._click_everywhere("admin")

    def test_as_service_manager(self):
        self._click_everywhere(self.service_admin.login)

    def test_as_service_user(self):
        self._click_everywhere(self.service_user.login)

    def test_as_salesperson(self):
        self._click_everywhere(self.salesman.login)

    def test_as_sales_manager(self):
        self._click_everywhere(self.sales_manager.login)
