from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestHandoverSecurity(AfterSalesCommon):
    """The handover's workflow, as an attacker calling the ORM over RPC would try it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.company.handover_default_user_id = cls.service_user
        cls.check_told = cls.env.ref("sale_after_sales.handover_check_service_contact_told")
        cls.check_phone = cls.env.ref("sale_after_sales.handover_check_customer_phone")

    def _order(self, user=None):
        return self._create_order(
            self.customer,
            [(self.product_machine, 1)],
            user=user or self.salesman,
            confirm=True,
            handover_note="<p>Left counter.</p>",
        )

    def _handed_over(self, user=None):
        order = self._order(user)
        order.with_user(user or self.salesman).action_start_handover()
        self._told(order).with_user(user or self.salesman).action_tick()
        order.with_user(user or self.salesman).action_hand_over()
        return order

    def _told(self, order):
        return order.handover_result_ids.filtered(lambda r: r.check_id == self.check_told)

    def test_salesperson_cannot_accept_his_handover_with_a_write(self):
        order = self._handed_over()
        for vals in (
            {"handover_state": "accepted"},
            {"handover_accepted_date": "2026-11-20 10:00:00"},
            {"handover_send_back_count": 0},
            {"handed_over_by_id": self.other_salesman.id},
        ):
            with self.subTest(vals=vals), self.assertRaisesText(UserError, "only through"):
                order.with_user(self.salesman).write(vals)
        self.assertEqual(order.handover_state, "handed_over")
        self.assertFalse(order.handover_accepted_date)
        self.assertFalse(order.service_history_ids.filtered(lambda h: h.type_id.code == "handover"))

    def test_nobody_skips_the_checks_with_a_write(self):
        order = self._order()
        for user in (self.salesman, self.service_user, self.service_admin):
            with self.subTest(user=user.name), self.assertRaises(UserError):
                order.with_user(user).write({"handover_state": "handed_over"})
        with self.assertRaises(UserError):
            order.write({"handover_state": "accepted"})  # the administrator too
        self.assertEqual(order.handover_state, "not_started")
        self.assertFalse(order.handover_result_ids, "the checks never ran")

    def test_an_order_is_not_created_already_handed_over(self):
        with self.assertRaises(UserError):
            self._create_order(
                self.customer, [(self.product_machine, 1)], handover_state="accepted"
            )
        # Nor through a default in the context, which an RPC caller controls.
        with self.assertRaises(UserError):
            self.env["sale.order"].with_context(default_handover_state="accepted").create(
                {"partner_id": self.customer.id}
            )
        order = self._create_order(
            self.customer, [(self.product_machine, 1)], handover_state="not_started"
        )
        self.assertEqual(order.handover_state, "not_started")

    def test_workflow_context_key_from_rpc_does_not_open_the_door(self):
        order = self._handed_over()
        # An RPC context is JSON: the key can be sent, not the workflow's token.
        forged = order.with_user(self.salesman).with_context(sale_after_sales_workflow=True)
        with self.assertRaises(UserError):
            forged.write({"handover_state": "accepted"})

    def test_the_workflow_still_moves_the_order(self):
        order = self._handed_over()
        self.assertEqual(order.handover_state, "handed_over")
        self.assertEqual(order.handed_over_by_id, self.salesman)
        order.with_user(self.service_user).action_accept_handover()
        self.assertEqual(order.handover_state, "accepted")
        self.assertTrue(order.handover_accepted_date)
        self.assertTrue(order.service_history_ids.filtered(lambda h: h.type_id.code == "handover"))

    def test_manual_check_is_ticked_only_through_the_action(self):
        order = self._order()
        order.with_user(self.salesman).action_start_handover()
        told = self._told(order)
        self.assertEqual(told.state, "todo")
        for user in (self.salesman, self.service_admin):
            with self.subTest(user=user.name), self.assertRaises(UserError):
                told.with_user(user).write({"state": "done"})
        with self.assertRaises(UserError):
            told.write({"checked_by_id": self.salesman.id})
        phone = order.handover_result_ids.filtered(lambda r: r.check_id == self.check_phone)
        with self.assertRaises(UserError):
            phone.with_user(self.salesman).write({"state": "fail", "reason": "Forged"})
        # Nor through the order's one2many.
        with self.assertRaises(UserError):
            order.with_user(self.salesman).write(
                {"handover_result_ids": [(1, told.id, {"state": "done"})]}
            )
        self.assertEqual(told.state, "todo")

        told.with_user(self.salesman).action_tick()
        self.assertEqual(told.state, "done")
        self.assertEqual(told.checked_by_id, self.salesman)
        self.assertTrue(told.checked_date)

    def test_salesperson_sees_and_ticks_only_his_own_orders_results(self):
        mine = self._order()
        theirs = self._order(user=self.other_salesman)
        theirs.with_user(self.other_salesman).action_start_handover()
        mine.with_user(self.salesman).action_start_handover()
        Result = self.env["service.handover.result"].with_user(self.salesman)
        visible = Result.search([("order_id", "in", (mine | theirs).ids)])
        self.assertEqual(visible.order_id, mine)
        with self.assertRaises(AccessError):
            self._told(theirs).with_user(self.salesman).action_tick()
        self.assertEqual(self._told(theirs).state, "todo")
        with self.assertRaises(AccessError):
            self._told(theirs).with_user(self.salesman).read(["state"])

        # "All Documents" and the service department see every result.
        manager = self.env["service.handover.result"].with_user(self.service_admin)
        self.assertEqual(
            manager.search([("order_id", "in", (mine | theirs).ids)]).order_id, mine | theirs
        )
        service = self.env["service.handover.result"].with_user(self.service_user)
        self.assertEqual(
            service.search([("order_id", "in", (mine | theirs).ids)]).order_id, mine | theirs
        )

    def test_check_whose_method_is_gone_reports_instead_of_crashing(self):
        check = self.check_phone.copy({"name": "Serial numbers"})
        # What an uninstalled extension leaves when it did not reset its checks.
        self.env.cr.execute(
            "UPDATE service_handover_check SET method = 'serial_numbers' WHERE id = %s",
            [check.id],
        )
        check.invalidate_recordset(["method"])
        order = self._order()
        order.with_user(self.salesman).action_start_handover()
        result = order.handover_result_ids.filtered(lambda r: r.check_id == check)
        self.assertEqual(result.state, "fail")
        self.assertIn("not available any more", result.reason)

        # The ondelete helper an extension names archives its checks.
        check._ondelete_method()
        self.assertFalse(check.active)
        self.assertFalse(check.method)
        self.assertFalse(order.handover_result_ids.filtered(lambda r: r.check_id == check))

    def test_built_in_checks_are_a_selection_extensions_extend(self):
        field = self.env["service.handover.check"]._fields["method"]
        self.assertIsInstance(field.selection, list, "selection_add needs a static list")
        self.assertIn("customer_phone", dict(field.selection))
