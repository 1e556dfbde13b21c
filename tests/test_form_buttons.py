from lxml import etree

from odoo import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestFormButtons(HttpCase, AfterSalesCommon):
    """Every button of every view the module adds, clicked over HTTP by the user
    who would click it, on a record in the state where the button shows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.company.handover_default_user_id = cls.service_user
        cls.plan = cls._create_plan("Call", [{"name": "Call", "delay_count": 3}])
        # Applied by hand only (its trigger never fires in these tests).
        cls.manual_plan = cls._create_plan(
            "Visit", [{"name": "Visit", "delay_count": 10}], trigger="handover_accepted"
        )
        cls.check_told = cls.env.ref("sale_after_sales.handover_check_service_contact_told")

    def _view_buttons(self):
        """{(model, method)} of the object buttons in the module's views."""
        views = self.env["ir.ui.view"].browse(
            self.env["ir.model.data"]
            .search([("module", "=", "sale_after_sales"), ("model", "=", "ir.ui.view")])
            .mapped("res_id")
        )
        buttons = set()

        def walk(node, model):
            if node.tag == "button" and node.get("type") == "object":
                buttons.add((model, node.get("name")))
            if node.tag == "field" and len(node) and node.get("name") in self.env[model]._fields:
                model = self.env[model]._fields[node.get("name")].comodel_name or model
            for child in node:
                walk(child, model)

        for view in views.filtered(lambda v: v.type in ("form", "list", "kanban")):
            walk(etree.fromstring(view.arch_db), view.model)
        return buttons

    def _order(self, state=None):
        order = self._create_order(
            self.customer,
            [(self.product_machine, 1)],
            confirm=True,
            handover_note="<p>Left counter.</p>",
        )
        if state in ("checking", "ready", "handed_over"):
            order.with_user(self.salesman).action_start_handover()
        if state in ("ready", "handed_over"):
            self._told(order).with_user(self.salesman).action_tick()
        if state == "handed_over":
            order.with_user(self.salesman).action_hand_over()
        return order

    def _told(self, order):
        return order.handover_result_ids.filtered(lambda r: r.check_id == self.check_told)

    def _case(self, resolution=False, closed=False):
        case = self._create_history(
            self.customer,
            type_id=self.env.ref("sale_after_sales.history_type_complaint").id,
            resolution=resolution,
        )
        if closed:
            case.action_case_cancel()
        return case

    def _case_with_quotation(self):
        case = self._case()
        case.with_user(self.salesman).action_create_quotation()
        return case

    def _piece(self, retired=False):
        self.product_machine.product_tmpl_id.service_track_equipment = True
        piece = self._order().equipment_ids
        if retired:
            piece.action_retire()
        return piece

    def _followup(self, state="planned"):
        followup = self._order().followup_ids
        if state == "cancelled":
            followup.action_cancel()
        return followup

    def _fixtures(self):
        """{(model, method): (record factory, user)}."""
        sales, service = self.salesman, self.service_user
        return {
            ("sale.order", "action_start_handover"): (self._order, sales),
            ("sale.order", "action_run_handover_checks"): (lambda: self._order("checking"), sales),
            ("sale.order", "action_hand_over"): (lambda: self._order("ready"), sales),
            ("sale.order", "action_accept_handover"): (lambda: self._order("handed_over"), service),
            ("sale.order", "action_send_back_handover"): (
                lambda: self._order("handed_over"),
                service,
            ),
            ("sale.order", "action_apply_followup_plan"): (self._order, sales),
            ("service.followup.plan", "action_view_holdback_assignments"): (
                lambda: self._order().followup_ids.plan_id,
                self.service_admin,
            ),
            ("sale.order", "action_complete_handover_customer"): (
                lambda: self._order("checking"),
                sales,
            ),
            ("service.handover.customer.wizard", "action_save"): (
                lambda: (
                    self.env["service.handover.customer.wizard"]
                    .with_user(sales)
                    .create({"order_id": self._order("checking").id, "phone": "+32 2 555 99 99"})
                ),
                sales,
            ),
            ("sale.order", "action_log_service_contact"): (self._order, sales),
            ("sale.order", "action_view_followups"): (self._order, sales),
            ("sale.order", "action_view_service_history"): (self._order, sales),
            ("service.handover.result", "action_tick"): (
                lambda: self._told(self._order("checking")),
                sales,
            ),
            ("service.handover.result", "action_untick"): (
                lambda: self._told(self._order("ready")),
                sales,
            ),
            ("res.partner", "action_view_service_followups"): (lambda: self.customer, sales),
            ("res.partner", "action_edit_service_notes"): (lambda: self.customer, sales),
            ("res.partner", "action_view_service_equipment"): (lambda: self.customer, sales),
            ("res.partner", "action_view_service_cases"): (lambda: self.customer, sales),
            ("service.history", "action_case_start"): (lambda: self._case(), service),
            ("service.history", "action_customer_preview"): (lambda: self._case(), service),
            ("service.equipment", "action_customer_preview"): (self._piece, service),
            ("service.history", "action_case_resolve"): (
                lambda: self._case(resolution="<p>Fixed.</p>"),
                service,
            ),
            ("service.history", "action_case_cancel"): (lambda: self._case(), service),
            ("service.history", "action_create_quotation"): (lambda: self._case(), sales),
            ("service.history", "action_view_quotations"): (self._case_with_quotation, sales),
            ("service.history", "action_case_reopen"): (lambda: self._case(closed=True), service),
            ("product.template", "action_view_service_equipment"): (
                lambda: self.product_machine.product_tmpl_id,
                sales,
            ),
            ("sale.order", "action_view_equipment"): (lambda: self._piece().order_id, sales),
            ("service.equipment", "action_log_service_contact"): (self._piece, service),
            ("service.equipment", "action_view_history"): (self._piece, service),
            ("service.equipment", "action_view_followups"): (self._piece, service),
            ("service.equipment", "action_retire"): (self._piece, service),
            ("service.equipment", "action_put_in_service"): (
                lambda: self._piece(retired=True),
                service,
            ),
            ("service.partner.notes.wizard", "action_save"): (
                lambda: (
                    self.env["service.partner.notes.wizard"]
                    .with_user(sales)
                    .create({"partner_id": self.customer.id, "service_notes": "<p>Ring twice.</p>"})
                ),
                sales,
            ),
            ("service.handover.blocked.line", "action_fix"): (
                lambda: (
                    self.env["service.handover.blocked.wizard"]
                    .with_user(sales)
                    .browse(self._order("checking").with_user(sales).action_hand_over()["res_id"])
                    .line_ids
                ),
                sales,
            ),
            ("mail.activity", "action_open_document"): (
                lambda: self._order("handed_over").activity_ids.filtered(
                    lambda a: a.user_id == self.service_user
                ),
                service,
            ),
            ("res.partner", "action_view_service_handovers"): (lambda: self.customer, sales),
            ("res.partner", "action_view_service_history"): (lambda: self.customer, sales),
            ("service.followup", "action_open_order"): (self._followup, sales),
            ("service.followup", "action_open_done_wizard"): (self._followup, sales),
            ("service.followup", "action_cancel"): (self._followup, sales),
            ("service.followup", "action_retry"): (lambda: self._followup("cancelled"), sales),
            ("service.followup.done.wizard", "action_done"): (
                lambda: (
                    self.env["service.followup.done.wizard"]
                    .with_user(sales)
                    .create(
                        {"followup_ids": [Command.set(self._followup().ids)], "satisfaction": "4"}
                    )
                ),
                sales,
            ),
            ("service.followup.apply.wizard", "action_apply"): (
                lambda: (
                    self.env["service.followup.apply.wizard"]
                    .with_user(sales)
                    .create(
                        {
                            "order_ids": [Command.set(self._order().ids)],
                            "plan_id": self.manual_plan.id,
                        }
                    )
                ),
                sales,
            ),
            ("service.handover.accept.wizard", "action_accept"): (
                lambda: (
                    self.env["service.handover.accept.wizard"]
                    .with_user(service)
                    .create(
                        {
                            "order_ids": [Command.set(self._order("handed_over").ids)],
                            "comment": "Serial number read on site.",
                        }
                    )
                ),
                service,
            ),
            ("service.handover.send.back.wizard", "action_send_back"): (
                lambda: (
                    self.env["service.handover.send.back.wizard"]
                    .with_user(service)
                    .create(
                        {
                            "order_ids": [Command.set(self._order("handed_over").ids)],
                            "reason": "Which counter?",
                        }
                    )
                ),
                service,
            ),
            ("service.retention.summary", "action_open_report"): (
                lambda: self.env["service.retention.summary"].with_user(service).create({}),
                service,
            ),
            # The customer's open offers (Service tab): Odoo's own "open the form".
            ("sale.order", "get_formview_action"): (self._order, sales),
        }

    def test_every_button_of_the_modules_views_works(self):
        buttons = self._view_buttons()
        fixtures = self._fixtures()
        self.assertIn(("service.followup", "action_open_order"), buttons)
        self.assertEqual(
            buttons - fixtures.keys(), set(), "a button of the views has no test here: add it"
        )
        for (model, method), (factory, user) in sorted(fixtures.items()):
            with self.subTest(model=model, method=method):
                record = factory()
                self.env.flush_all()
                self.authenticate(user.login, user.login)
                result = self.make_jsonrpc_request(
                    f"/web/dataset/call_button/{model}.{method}",
                    {
                        "model": model,
                        "method": method,
                        "args": [record.ids],
                        "kwargs": {"context": {"lang": "en_US"}},
                    },
                )
                if isinstance(result, dict):
                    self.assertIn(
                        result.get("type"),
                        (
                            "ir.actions.act_window",
                            "ir.actions.act_window_close",
                            "ir.actions.act_url",
                        ),
                    )
                    if result.get("res_model"):
                        # The window it opens loads for this user.
                        self.env[result["res_model"]].with_user(user).get_views(
                            [(False, "form"), (False, "list")]
                        )
