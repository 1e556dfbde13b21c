import base64
import logging
import os
import pathlib
from unittest.mock import patch

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import ChromeBrowser

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon

_logger = logging.getLogger(__name__)

SCREENSHOT_SIGNAL = "sale_after_sales:screenshot:"


@tagged("post_install", "-at_install")
class TestTours(HttpCase, AfterSalesCommon):
    """The daily flows, clicked through the web client in headless Chromium.

    A tour step logs ``sale_after_sales:screenshot:<name>`` where the README
    shows the screen; with ``SAA_SCREENSHOTS_DIR`` set (``make screenshots``)
    the page is saved there as ``<name>.png``.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.company.handover_default_user_id = cls.service_user
        # The handover tour completes the missing phone from the handover.
        cls.customer.phone = False
        cls.product = cls.product_machine

    def setUp(self):
        super().setUp()
        self.screenshots = []
        folder = os.environ.get("SAA_SCREENSHOTS_DIR")
        original = ChromeBrowser._handle_console
        test = self

        def handle_console(browser, type, args=None, stackTrace=None, **kw):  # noqa: A002
            if args and type == "log":
                message = str(browser._from_remoteobject(args[0]))
                if message.startswith(SCREENSHOT_SIGNAL):
                    test._take_screenshot(browser, message[len(SCREENSHOT_SIGNAL) :], folder)
            return original(browser, type, args=args, stackTrace=stackTrace, **kw)

        patcher = patch.object(ChromeBrowser, "_handle_console", handle_console)
        patcher.start()
        self.addCleanup(patcher.stop)

    def _take_screenshot(self, browser, name, folder):
        self.screenshots.append(name)
        if not folder:
            return

        def save(future):
            data = future.result(timeout=0).get("data")
            path = pathlib.Path(folder) / f"{name}.png"
            path.write_bytes(base64.b64decode(data))
            _logger.info("screenshot saved: %s", path)

        browser._websocket_send("Page.captureScreenshot", with_future=True).add_done_callback(save)

    def _quotation(self):
        return (
            self.env["sale.order"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_id": self.customer.id,
                    "user_id": self.salesman.id,
                    "handover_note": "<p>The machine goes on the left counter.</p>",
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
            )
        )

    def test_salesperson_hands_over_and_service_accepts(self):
        order = self._quotation()
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "sale_after_sales_handover_tour",
            login=self.salesman.login,
        )
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.handover_state, "handed_over")
        self.assertEqual(self.customer.phone, "+32 2 555 77 88")
        told = order.handover_result_ids.filtered(lambda r: r.kind == "manual")
        self.assertEqual((told.state, told.checked_by_id), ("done", self.salesman))
        self.assertIn("handover_blocked", self.screenshots)

        # The service user: from his activity to the accepted handover, with a note.
        self.start_tour(
            "/odoo/action-sale_after_sales.mail_activity_action_after_sales_my",
            "sale_after_sales_accept_tour",
            login=self.service_user.login,
        )
        self.assertEqual(order.handover_state, "accepted")
        entry = order.service_history_ids.filtered(lambda h: h.type_id.code == "handover")
        self.assertEqual(entry.user_id, self.service_user)
        note = order.message_ids.filtered(lambda m: "Visit planned for Monday" in (m.body or ""))
        self.assertEqual(note.author_id, self.service_user.partner_id)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))

    def test_blocked_handover_dialog_takes_each_problem_to_its_fix(self):
        order = self._quotation()
        order.handover_note = False
        order.action_confirm()
        self.start_tour(
            f"/odoo/action-sale.action_orders/{order.id}",
            "sale_after_sales_blocked_fix_tour",
            login=self.salesman.login,
        )
        self.assertEqual(order.handover_state, "checking", "nothing handed over by the tour")

    def test_sent_back_order_is_fixed_and_handed_over_again(self):
        order = self._quotation()
        order.action_confirm()
        order.with_user(self.salesman).action_start_handover()
        order.handover_result_ids.filtered(lambda r: r.kind == "manual").with_user(
            self.salesman
        ).action_tick()
        self.customer.phone = "+32 2 555 77 88"
        order.with_user(self.salesman).action_hand_over()
        order.with_user(self.service_user)._send_back_handover("Which counter?")
        self.assertEqual(order.handover_state, "sent_back")
        self.start_tour(
            "/odoo/action-sale_after_sales.sale_order_action_handover_to_do",
            "sale_after_sales_sent_back_tour",
            login=self.salesman.login,
        )
        self.assertEqual(order.handover_state, "handed_over")
        self.assertIn("next to the window", order.handover_note)
        self.assertEqual(order.handover_send_back_count, 1)

    def test_followup_marked_done_with_satisfaction(self):
        call = self.env.ref("mail.mail_activity_data_call")
        self.env["service.followup.plan"].create(
            {
                "name": "Care",
                "trigger": "order_confirmed",
                "step_ids": [
                    Command.create(
                        {
                            "name": "Satisfaction call",
                            "activity_type_id": call.id,
                            "responsible_type": "other",
                            "responsible_id": self.service_user.id,
                        }
                    )
                ],
            }
        )
        order = self._quotation()
        order.action_confirm()
        followup = order.followup_ids
        self.assertEqual(followup.user_id, self.service_user)
        self.start_tour(
            "/odoo/action-sale_after_sales.service_followup_action_my",
            "sale_after_sales_followup_tour",
            login=self.service_user.login,
        )
        self.assertEqual(followup.state, "done")
        self.assertEqual(followup.satisfaction, "4")
        entry = order.service_history_ids.filtered(lambda h: h.type_id.code == "followup")
        self.assertEqual(entry.satisfaction, "4")
        self.assertIn("descaling", entry.outcome or f"feedback={followup.feedback!r}")

    def test_salesperson_applies_a_plan_from_the_orders_list(self):
        """The wizard opens from the Actions menu of the selected orders; the
        plan is chosen in its field (whose domain the web client evaluates)."""
        order = self._quotation()
        order.action_confirm()
        self.assertFalse(order.followup_ids)
        self._create_plan("Winter check", [{"name": "Winter call", "delay_count": 10}])
        self.start_tour(
            "/odoo/action-sale.action_orders",
            "sale_after_sales_apply_plan_tour",
            login=self.salesman.login,
        )
        self.assertEqual(order.followup_ids.mapped("name"), ["Winter call"])

    def test_customers_list_in_the_web_client(self):
        """The Customers menu evaluates its domain in the browser (the company
        switcher's companies): the customer who bought is listed, the one who
        only asked is not."""
        buyer, _window_shopper = self.env["res.partner"].create(
            [{"name": "Tour Buyer Ltd", "is_company": True}, {"name": "Tour Window Shopper"}]
        )
        self._create_order(buyer, [(self.product, 1)], confirm=True)
        self.start_tour(
            "/odoo/action-sale_after_sales.res_partner_action_after_sales",
            "sale_after_sales_customers_tour",
            login=self.service_user.login,
        )

    def test_service_user_logs_a_maintenance_on_a_piece_of_equipment(self):
        self.product.product_tmpl_id.write(
            {"service_track_equipment": True, "service_maintenance_months": 12}
        )
        order = self._quotation()
        order.action_confirm()
        piece = order.equipment_ids
        piece.serial_number = "EQ-TOUR-1"
        before = piece.next_maintenance_date
        self.start_tour(
            "/odoo/action-sale_after_sales.service_equipment_action",
            "sale_after_sales_equipment_maintenance_tour",
            login=self.service_user.login,
        )
        entry = piece.history_ids
        self.assertEqual(entry.type_id.code, "maintenance")
        self.assertEqual((entry.partner_id, entry.order_id), (order.partner_id, order))
        self.assertIn("gasket", entry.outcome)
        self.assertEqual(piece.last_maintenance_date, entry.date.date())
        self.assertGreaterEqual(piece.next_maintenance_date, before)

    def test_customer_requests_a_repair_and_the_service_user_resolves_it(self):
        self.product.product_tmpl_id.write(
            {
                "service_track_equipment": True,
                "after_sales_advice": "<p>Backflush the group head every week.</p>",
            }
        )
        order = self._quotation()
        order.partner_id = self.contact_anna
        order.action_confirm()
        new_test_user(
            self.env,
            login="saa_tour_portal",
            groups="base.group_portal",
            partner_id=self.contact_anna.id,
        )
        self.start_tour(
            "/my/equipment", "sale_after_sales_portal_request_tour", login="saa_tour_portal"
        )
        case = self.env["service.history"].search([("source", "=", "portal")])
        self.assertEqual(len(case), 1, "clicked twice, sent once")
        self.assertEqual((case.type_id.code, case.owner_id), ("repair", self.service_user))
        self.assertEqual(case.equipment_id, order.equipment_ids)
        self.start_tour(
            "/odoo/action-sale_after_sales.service_history_action_my_cases",
            "sale_after_sales_resolve_case_tour",
            login=self.service_user.login,
        )
        self.assertEqual(case.case_state, "resolved")
        self.assertIn("drain hose", case.resolution)
