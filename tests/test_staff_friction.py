from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestStaffFriction(AfterSalesCommon):
    """The staff's daily screens, as a salesperson and a service user meet them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.company.handover_default_user_id = cls.service_user
        cls.check_told = cls.env.ref("sale_after_sales.handover_check_service_contact_told")
        cls.handover_type = cls.env.ref("sale_after_sales.mail_activity_type_handover")

    def _order(self, partner=None, **values):
        values.setdefault("handover_note", "<p>Machine goes on the left counter.</p>")
        return self._create_order(
            partner or self.customer, [(self.product_machine, 1)], confirm=True, **values
        )

    def _handed_over(self, order=None):
        order = order or self._order()
        order.with_user(self.salesman).action_start_handover()
        order.handover_result_ids.filtered(lambda r: r.check_id == self.check_told).with_user(
            self.salesman
        ).action_tick()
        order.with_user(self.salesman).action_hand_over()
        self.assertEqual(order.handover_state, "handed_over")
        return order

    def _list_values(self, action_xmlid, user, order):
        """The values the list view of action ``action_xmlid`` shows ``user``
        for ``order``, by column label."""
        action = self.env.ref(action_xmlid)
        view = action.view_ids.filtered(lambda v: v.view_mode == "list").view_id
        Order = self.env["sale.order"].with_user(user)
        arch = etree.fromstring(Order.get_view(view.id, "list")["arch"])
        columns = {
            node.get("name"): node.get("string") or Order._fields[node.get("name")].string
            for node in arch.iter("field")
            if node.get("column_invisible") not in ("1", "True")
        }
        domain = safe_eval(action.domain or "[]") + [("id", "=", order.id)]
        [record] = Order.web_search_read(domain, {name: {} for name in columns})["records"]
        return {label: record[name] for name, label in columns.items()}

    # 10. Who takes over --------------------------------------------------

    def test_salesperson_sees_who_takes_over_before_and_after_handing_over(self):
        order = self._order()
        self.assertFalse(order.service_user_id)
        tab = self.env.ref("sale_after_sales.view_order_form_handover_tab")
        form = Form(order.with_user(self.salesman), view=tab)
        self.assertEqual(form.handover_responsible_id, self.service_user, "before handing over")

        self._handed_over(order)
        activity = order.activity_ids.filtered(lambda a: a.activity_type_id == self.handover_type)
        self.assertEqual(activity.user_id, self.service_user)
        form = Form(order.with_user(self.salesman), view=tab)
        self.assertEqual(form.handover_responsible_id, self.service_user, "after handing over")
        values = self._list_values(
            "sale_after_sales.sale_order_action_handover_mine", self.service_user, order
        )
        self.assertEqual(values["Service Responsible"], self.service_user.id)

        # The default changes: the order handed over stays with who has its
        # activity; a new one goes to the new default.
        self.company.handover_default_user_id = self.service_admin
        order.invalidate_recordset(["handover_responsible_id"])
        self.assertEqual(order.with_user(self.salesman).handover_responsible_id, self.service_user)
        self.assertEqual(self._order().handover_responsible_id, self.service_admin)

        # Accepted by another service user: he is the service responsible now.
        order.with_user(self.service_admin).action_accept_handover()
        self.assertEqual(order.service_user_id, self.service_admin)
        self.assertEqual(order.with_user(self.salesman).handover_responsible_id, self.service_admin)

    def test_service_user_cannot_choose_the_service_responsible_with_a_write(self):
        order = self._handed_over()
        with self.assertRaises(AccessError):
            order.with_user(self.service_user).write({"service_user_id": self.service_user.id})
        with self.assertRaises(AccessError):
            order.with_user(self.other_salesman).write({"service_user_id": self.service_user.id})

    # 11. Accept with warnings --------------------------------------------

    def test_accepting_open_warnings_asks_a_comment_kept_in_the_history(self):
        self._track_equipment(self.product_machine)
        order = self._handed_over()
        self.assertEqual(order.handover_warning_count, 1, "the serial number is missing")

        action = order.with_user(self.service_user).action_accept_handover()
        self.assertEqual(action["res_model"], "service.handover.accept.wizard")
        self.assertEqual(order.handover_state, "handed_over", "not accepted in one click")
        form = Form.from_action(self.env(user=self.service_user), action)
        self.assertIn("No serial number for Espresso Machine", form.warnings)
        with self.assertRaises(AssertionError, msg="the comment is required"):
            form.save()
        form.comment = "The technician reads the serial number at the installation."
        form.save().action_accept()

        self.assertEqual(order.handover_state, "accepted")
        entry = order.service_history_ids.filtered(lambda e: e.type_id.code == "handover")
        self.assertIn("Accepted with an open warning", entry.outcome)
        self.assertIn("No serial number for Espresso Machine", entry.outcome)
        self.assertIn("reads the serial number at the installation", entry.outcome)

    def test_accepting_without_warnings_is_still_one_click(self):
        order = self._handed_over()
        self.assertFalse(order.handover_warning_count)
        self.assertIs(order.with_user(self.service_user).action_accept_handover(), True)
        self.assertEqual(order.handover_state, "accepted")
        entry = order.service_history_ids.filtered(lambda e: e.type_id.code == "handover")
        self.assertFalse(entry.outcome)

    def test_warnings_cannot_be_accepted_without_a_comment_or_by_sales(self):
        self._track_equipment(self.product_machine)
        order = self._handed_over()
        with self.assertRaisesText(UserError, "say why you accept it anyway"):
            order.with_user(self.service_user)._accept_handover(comment="  ")
        Wizard = self.env["service.handover.accept.wizard"]
        with self.assertRaises(AccessError):
            Wizard.with_user(self.salesman).create(
                {"order_ids": [order.id], "comment": "I accept my own handover."}
            )
        wizard = Wizard.create({"order_ids": [order.id], "comment": "Fine."})
        with self.assertRaises(AccessError):
            wizard.with_user(self.salesman).action_accept()
        self.assertEqual(order.handover_state, "handed_over")

    # 12. The blocked dialog ----------------------------------------------

    def test_blocked_dialog_has_one_line_per_problem_each_with_its_fix(self):
        self.customer.phone = False
        self.company.handover_default_user_id = False
        order = self._order(handover_note=False)
        action = order.with_user(self.salesman).action_hand_over()
        wizard = self.env[action["res_model"]].with_user(self.salesman).browse(action["res_id"])
        lines = {line.fix: line for line in wizard.line_ids}
        self.assertEqual(set(lines), {"customer", "notes", "checklist", "responsible"})
        self.assertEqual(len(wizard.line_ids), 4, "one line per problem")
        for line in wizard.line_ids:
            self.assertNotIn("To fix", line.reason)
        self.assertIn("no phone number", lines["customer"].reason)

        fix = lines["customer"].action_fix()
        self.assertEqual(fix["res_model"], "service.handover.customer.wizard")
        self.assertEqual(fix["context"]["default_order_id"], order.id)
        tab = self.env.ref("sale_after_sales.view_order_form_handover_tab")
        for kind in ("notes", "checklist", "responsible"):
            fix = lines[kind].action_fix()
            self.assertEqual((fix["res_model"], fix["res_id"]), ("sale.order", order.id), kind)
            self.assertEqual(fix["views"], [(tab.id, "form")], kind)
            # The tab shows the field the problem is about.
            arch = order.with_user(self.salesman).get_view(tab.id)["arch"]
            field = {"notes": "handover_note", "checklist": "handover_result_ids"}.get(
                kind, "service_user_id"
            )
            self.assertIn(f'name="{field}"', arch)

    def test_blocked_dialog_fix_is_refused_to_another_salesperson(self):
        self.customer.phone = False
        order = self._order()
        action = order.with_user(self.salesman).action_hand_over()
        line = self.env[action["res_model"]].browse(action["res_id"]).line_ids[:1]
        with self.assertRaises(AccessError):
            line.with_user(self.other_salesman).action_fix()
        with self.assertRaises(AccessError):
            line.with_user(self.service_user).action_fix()
