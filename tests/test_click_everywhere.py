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
        cls.order = order
        cls.entry = cls._create_history(cls.customer, order_id=order.id, satisfaction="2")
        cls.case = cls._create_history(cls.customer, type_id=cls.repair_type.id, summary="Leaks")

    # A form opened in the browser, each of its tabs shown in turn: the web
    # client's own checks (widgets, expressions, fields of the inline lists)
    # run there and nowhere else.
    OPEN_FORM = """
        (async () => {
            const wait = async (selector) => {
                for (let tries = 0; tries < 200; tries++) {
                    const element = document.querySelector(selector);
                    if (element) return element;
                    await new Promise((resolve) => setTimeout(resolve, 50));
                }
                throw new Error(`${selector} not found on ${location.pathname}`);
            };
            await wait(".o_form_view .o_form_sheet_bg, .o_form_view .o_form_renderer");
            for (const tab of document.querySelectorAll(".o_notebook .nav-link")) {
                tab.click();
                await new Promise((resolve) => setTimeout(resolve, 300));
            }
            await new Promise((resolve) => setTimeout(resolve, 300));
            if (document.querySelector(".o_error_dialog, .o_dialog .modal-title.text-danger")) {
                throw new Error(`error dialog on ${location.pathname}`);
            }
            console.log("test successful");
        })();
    """

    def _forms(self):
        """(model, record) pairs: one record of each model with a form."""
        equipment = self.order.equipment_ids[:1]
        followup = self.env["service.followup"].search([("order_id", "=", self.order.id)], limit=1)
        self.assertTrue(equipment and followup, "the order has a piece and a follow-up")
        return [
            self.order,
            self.customer,
            self.entry,
            self.case,
            followup,
            equipment,
            followup.plan_id,
            self.env["service.handover.check"].search([], limit=1),
            self.repair_type,
        ]

    def _open_forms(self, login, records):
        for record in records:
            with self.subTest(model=record._name):
                self.browser_js(
                    f"/odoo/{record._name}/{record.id}",
                    self.OPEN_FORM,
                    "odoo.isReady === true",
                    login=login,
                    timeout=60,
                )

    def test_forms_as_administrator(self):
        self._open_forms("admin", self._forms())

    def test_forms_as_service_user(self):
        # The configuration (plans, checks, types) is the managers'.
        self._open_forms(self.service_user.login, self._forms()[:6])

    def test_forms_as_salesperson(self):
        self._open_forms(self.salesman.login, self._forms()[:6])

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
