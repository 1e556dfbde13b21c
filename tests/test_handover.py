from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestHandover(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        ref = cls.env.ref
        cls.check_email = ref("sale_after_sales.handover_check_customer_email")
        cls.check_phone = ref("sale_after_sales.handover_check_customer_phone")
        cls.check_address = ref("sale_after_sales.handover_check_delivery_address")
        cls.check_products = ref("sale_after_sales.handover_check_product_lines")
        cls.check_notes = ref("sale_after_sales.handover_check_service_notes")
        cls.check_invoice = ref("sale_after_sales.handover_check_invoice_prices")
        cls.check_told = ref("sale_after_sales.handover_check_service_contact_told")
        cls.company.handover_default_user_id = cls.service_user

    def _order(self, partner=None, lines=None, **values):
        values.setdefault("handover_note", "<p>Machine goes on the left counter.</p>")
        return self._create_order(
            partner or self.customer,
            lines or [(self.product_machine, 2)],
            confirm=True,
            **values,
        )

    def _result(self, order, check):
        return order.handover_result_ids.filtered(lambda r: r.check_id == check)

    def _start(self, order):
        order.with_user(self.salesman).action_start_handover()
        return order

    def _ready(self, order):
        self._start(order)
        self._result(order, self.check_told).with_user(self.salesman).action_tick()
        return order

    def _invoice(self, order, edit=None):
        invoice = order._create_invoices()
        if edit:
            with Form(invoice) as invoice_form, invoice_form.invoice_line_ids.edit(0) as line:
                for name, value in edit.items():
                    setattr(line, name, value)
        invoice.action_post()
        return invoice

    # Checks --------------------------------------------------------------

    def test_contact_and_address_checks_pass_and_fail(self):
        incomplete = self.env["res.partner"].create({"name": "Nomad Ltd", "city": "Ghent"})
        good = self._start(self._order())
        bad = self._start(self._order(incomplete))
        for check in (self.check_email, self.check_phone, self.check_address):
            self.assertEqual(self._result(good, check).state, "pass", check.name)
            self.assertEqual(self._result(bad, check).state, "fail", check.name)
        self.assertIn("Nomad Ltd has no e-mail", self._result(bad, self.check_email).reason)
        self.assertIn("no phone number", self._result(bad, self.check_phone).reason)
        reason = self._result(bad, self.check_address).reason
        self.assertIn("street", reason)
        self.assertIn("country", reason)
        self.assertNotIn("city", reason)

        incomplete.write(
            {
                "email": "nomad@example.com",
                "phone": "+32 9 555 01 01",
                "street": "1 Kouter",
                "country_id": self.env.ref("base.be").id,
            }
        )
        bad.action_run_handover_checks()
        for check in (self.check_email, self.check_phone, self.check_address):
            self.assertEqual(self._result(bad, check).state, "pass", check.name)

    def test_product_lines_and_technician_notes_checks(self):
        order = self._start(self._order(handover_note=False))
        self.assertEqual(self._result(order, self.check_products).state, "pass")
        self.assertEqual(self._result(order, self.check_notes).state, "fail")
        self.assertIn("notes for the technician", self._result(order, self.check_notes).reason)

        order.handover_note = "<p>Call Anna before coming.</p>"
        order.action_run_handover_checks()
        self.assertEqual(self._result(order, self.check_notes).state, "pass")

        only_notes = self._create_order(self.customer, [(self.product_kit, 1)])
        only_notes.order_line = [Command.clear()]
        only_notes.order_line = [Command.create({"display_type": "line_note", "name": "Visit"})]
        only_notes.action_confirm()
        self._start(only_notes)
        self.assertEqual(self._result(only_notes, self.check_products).state, "fail")
        self.assertIn("no product", self._result(only_notes, self.check_products).reason)

    def test_invoice_price_check(self):
        not_invoiced = self._start(self._order())
        self.assertEqual(self._result(not_invoiced, self.check_invoice).state, "pass")
        self.company.handover_allow_uninvoiced = False
        not_invoiced.action_run_handover_checks()
        result = self._result(not_invoiced, self.check_invoice)
        self.assertEqual(result.state, "fail")
        self.assertIn("Nothing is invoiced yet", result.reason)

        matching = self._order()
        self._invoice(matching)
        self._start(matching)
        self.assertEqual(self._result(matching, self.check_invoice).state, "pass")

        partial = self._order()
        self._invoice(partial, edit={"quantity": 1})
        self._start(partial)
        self.assertEqual(
            self._result(partial, self.check_invoice).state, "pass", "partly invoiced, right price"
        )

        edited = self._order()
        invoice = self._invoice(edited, edit={"price_unit": 2600.0, "discount": 5.0})
        self._start(edited)
        result = self._result(edited, self.check_invoice)
        self.assertEqual(result.state, "fail")
        self.assertIn(f"Invoice {invoice.name} line 'Espresso Machine'", result.reason)
        self.assertIn("2,600.00", result.reason)
        self.assertIn("2,450.00", result.reason)
        self.assertIn("discount 5.00% invoiced, 0.00% ordered", result.reason)

        over = self._order()
        invoice = self._invoice(over, edit={"quantity": 3})
        self._start(over)
        reason = self._result(over, self.check_invoice).reason
        self.assertEqual(
            reason,
            f"Invoice {invoice.name} line 'Espresso Machine': quantity 3.00 invoiced, "
            "2.00 ordered.",
            "one invoice line over the order is reported once",
        )

        twice = self._order()
        self._invoice(twice, edit={"quantity": 1})
        self._invoice(twice, edit={"quantity": 2})
        self._start(twice)
        self.assertEqual(
            self._result(twice, self.check_invoice).reason,
            "Line 'Espresso Machine': 3.00 invoiced, 2.00 ordered.",
            "over-invoiced across two invoices",
        )

    def test_manual_check_records_who_ticked_it_and_when(self):
        order = self._start(self._order())
        told = self._result(order, self.check_told)
        self.assertEqual(told.state, "todo")
        with freeze_time("2026-11-23 09:30:00"):
            told.with_user(self.salesman).action_tick()
        self.assertEqual(told.state, "done")
        self.assertEqual(told.checked_by_id, self.salesman)
        self.assertEqual(told.checked_date, fields.Datetime.to_datetime("2026-11-23 09:30:00"))
        order.action_run_handover_checks()
        self.assertEqual(told.state, "done", "running the checks again keeps the tick")
        with self.assertRaisesRegex(UserError, "Only manual checks"):
            self._result(order, self.check_email).action_tick()

    def test_running_the_checks_again_follows_the_order_and_the_checks(self):
        order = self._start(self._order())
        self.assertEqual(order.handover_blocking_count, 1, "the manual item is not ticked")
        order.handover_note = False
        order.action_run_handover_checks()
        self.assertEqual(order.handover_blocking_count, 2, "the counters see the new results")
        self.assertEqual(self._result(order, self.check_notes).state, "fail")

        self.check_phone.active = False
        self.check_email.severity = "warning"
        self.env["crm.team"].create({"name": "Other team"})
        self.check_address.team_ids = self.env["crm.team"].search([], limit=1, order="id desc")
        order.action_run_handover_checks()
        self.assertFalse(self._result(order, self.check_phone), "inactive checks are dropped")
        self.assertFalse(self._result(order, self.check_address), "other teams' checks too")
        self.assertEqual(self._result(order, self.check_email).state, "pass")

        told = self._result(order, self.check_told)
        told.with_user(self.salesman).action_tick()
        self.check_told.write({"kind": "automatic", "method": "customer_phone"})
        order.action_run_handover_checks()
        self.assertEqual(told.state, "pass", "a manual item made automatic is computed")
        self.check_told.kind = "manual"
        order.action_run_handover_checks()
        self.assertEqual(told.state, "todo", "and back to manual, it must be ticked again")
        self.assertEqual(len(order.handover_result_ids), 6, "5 + the equipment serial check")

    # Workflow ------------------------------------------------------------

    def test_blocked_handover_lists_every_failing_check(self):
        nameless = self.env["res.partner"].create({"name": "Quiet Customer"})
        order = self._order(nameless, handover_note=False)
        action = order.with_user(self.salesman).action_hand_over()
        self.assertEqual(action["res_model"], "service.handover.blocked.wizard")
        lines = self.env[action["res_model"]].browse(action["res_id"]).line_ids
        self.assertEqual(
            {(line.result_id.check_id, line.fix) for line in lines},
            {
                (self.check_email, "customer"),
                (self.check_phone, "customer"),
                (self.check_address, "customer"),
                (self.check_notes, "notes"),
                (self.check_told, "checklist"),
            },
            "one line per problem, each with its fix; the passing checks are not listed",
        )
        told = lines.filtered(lambda line: line.result_id.check_id == self.check_told)
        self.assertEqual(told.reason, "Not ticked yet.")
        # Refused, but what the checks found stays on the order to work with.
        self.assertEqual(order.handover_state, "checking")
        self.assertEqual(self._result(order, self.check_phone).state, "fail")
        self.assertFalse(order.handed_over_by_id)

    def test_results_follow_the_customer_and_the_order(self):
        nameless = self.env["res.partner"].create({"name": "Quiet Customer"})
        order = self._order(nameless, handover_note=False)
        order.with_user(self.salesman).action_hand_over()
        self.assertEqual(self._result(order, self.check_phone).state, "fail")
        nameless.phone = "+32 2 555 12 34"
        self.assertEqual(self._result(order, self.check_phone).state, "pass", "no re-run needed")
        order.with_user(self.salesman).handover_note = "<p>Back door.</p>"
        self.assertEqual(self._result(order, self.check_notes).state, "pass")

    def test_a_batch_hands_over_the_ready_orders_and_keeps_the_others(self):
        ready = self._ready(self._order())
        nameless = self.env["res.partner"].create({"name": "Quiet Customer"})
        blocked = self._order(nameless)
        action = (ready | blocked).with_user(self.salesman).action_hand_over()
        self.assertEqual(ready.handover_state, "handed_over")
        self.assertEqual(blocked.handover_state, "checking")
        lines = self.env[action["res_model"]].browse(action["res_id"]).line_ids
        self.assertEqual(lines.order_id, blocked)

    def test_warnings_do_not_block_and_are_recorded(self):
        self.check_phone.severity = "warning"
        no_phone = self.env["res.partner"].create(
            {
                "name": "Mail Only",
                "email": "mail@example.com",
                "street": "2 Rue Haute",
                "city": "Brussels",
                "country_id": self.env.ref("base.be").id,
            }
        )
        order = self._ready(self._order(no_phone))
        order.with_user(self.salesman).action_hand_over()
        self.assertEqual(order.handover_state, "handed_over")
        self.assertEqual(self._result(order, self.check_phone).state, "warning")
        activity = order.activity_ids.filtered(
            lambda a: (
                a.activity_type_id == self.env.ref("sale_after_sales.mail_activity_type_handover")
            )
        )
        self.assertEqual(activity.user_id, self.service_user)
        self.assertIn("no phone number", activity.note)

    def test_accept_writes_the_snapshot_and_fires_handover_followups(self):
        plan = self._create_plan(
            "After handover",
            [{"name": "Installation visit", "delay_count": 2}],
            trigger="handover_accepted",
        )
        order = self._ready(self._order(self.contact_anna, service_user_id=self.service_user.id))
        self.assertFalse(order.followup_ids)
        order.with_user(self.salesman).action_hand_over()
        self.assertEqual(order.handed_over_by_id, self.salesman)

        order.with_user(self.service_user).action_accept_handover()
        self.assertEqual(order.handover_state, "accepted")
        self.assertTrue(order.handover_accepted_date)
        entry = order.service_history_ids.filtered(lambda e: e.type_id.code == "handover")
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.user_id, self.service_user)
        for text in ("anna@example.com", "Espresso Machine", "left counter", "Brussels"):
            self.assertIn(text, entry.description)
        self.assertEqual(order.followup_ids.plan_id, plan)
        self.assertEqual(order.followup_ids.user_id, self.salesman)
        self.assertFalse(
            order.activity_ids.filtered(
                lambda a: (
                    a.activity_type_id
                    == self.env.ref("sale_after_sales.mail_activity_type_handover")
                )
            ),
            "the service's activity is done",
        )

    def test_send_back_needs_a_reason_and_returns_to_checking(self):
        order = self._ready(self._order())
        order.with_user(self.salesman).action_hand_over()
        action = order.with_user(self.service_user).action_send_back_handover()
        wizard = Form.from_action(self.env(user=self.service_user), action).save()
        with self.assertRaisesRegex(UserError, "Say why"):
            wizard.action_send_back()

        wizard.reason = "The wall is not prepared for the machine: ask the customer."
        wizard.action_send_back()
        self.assertEqual(order.handover_state, "sent_back")
        self.assertEqual(order.handover_send_back_count, 1)
        back = order.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("sale_after_sales.mail_activity_type_handover_sent_back")
            )
        )
        self.assertEqual(back.user_id, self.salesman)
        self.assertIn("wall is not prepared", back.note)

        order.with_user(self.salesman).action_hand_over()
        self.assertEqual(order.handover_state, "handed_over")

    # Access and configuration ---------------------------------------------

    def test_only_the_right_side_hands_over_accepts_and_configures(self):
        order = self._ready(self._order())
        with self.assertRaises(AccessError):
            order.with_user(self.service_user).action_hand_over()
        with self.assertRaises(AccessError):
            order.with_user(self.other_salesman).action_hand_over()
        order.with_user(self.salesman).action_hand_over()
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_accept_handover()
        with self.assertRaises(AccessError):
            order.with_user(self.salesman)._send_back_handover("No")

        with self.assertRaises(AccessError):
            self.env["service.handover.check"].with_user(self.salesman).create({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.check_email.with_user(self.service_user).severity = "warning"
        check = (
            self.env["service.handover.check"]
            .with_user(self.service_admin)
            .create({"name": "Installation date agreed", "kind": "manual"})
        )
        check.severity = "warning"

    def test_other_company_checks_never_apply(self):
        self.env["service.handover.check"].create(
            {
                "name": "Other company rule",
                "company_id": self.other_company.id,
                "order_domain": "[('id', '=', 0)]",
            }
        )
        order = self._start(self._order())
        self.assertNotIn("Other company rule", order.handover_result_ids.mapped("name"))
        team = self.env["crm.team"].create({"name": "Retail"})
        self.env["service.handover.check"].create(
            {"name": "Retail only", "kind": "manual", "team_ids": team.ids}
        )
        order.action_run_handover_checks()
        self.assertNotIn("Retail only", order.handover_result_ids.mapped("name"))

    def test_setting_starts_the_handover_on_confirmation(self):
        self.assertEqual(self._order().handover_state, "not_started")
        self.company.handover_auto_start = True
        order = self._order()
        self.assertEqual(order.handover_state, "checking")
        self.assertEqual(
            order.handover_result_ids.check_id,
            self.check_email
            | self.check_phone
            | self.check_address
            | self.check_products
            | self.check_notes
            | self.check_invoice
            | self.check_told
            | self.env.ref("sale_after_sales.handover_check_equipment_serials"),
        )

    def test_reminder_for_orders_not_handed_over(self):
        self.company.handover_reminder_days = 3
        with freeze_time(fields.Datetime.now() - timedelta(days=5)):
            late = self._order()
        recent = self._order()
        reminded = self.env["sale.order"]._cron_remind_handover()
        self.assertIn(late, reminded)
        self.assertNotIn(recent, reminded)
        reminder = self.env.ref("sale_after_sales.mail_activity_type_handover_reminder")
        activity = late.activity_ids.filtered(lambda a: a.activity_type_id == reminder)
        self.assertEqual(activity.user_id, self.salesman)
        self.assertNotIn(late, self.env["sale.order"]._cron_remind_handover(), "once")
        self.assertIn(late, self.env["sale.order"].search([("handover_is_late", "=", True)]))

    # Performance ---------------------------------------------------------

    def test_check_queries_do_not_grow_with_the_orders(self):
        def queries(count):
            orders = self.env["sale.order"]
            for _i in range(count):
                orders |= self._order()
            self._invoice(orders[0])
            orders._workflow().write({"handover_state": "checking"})
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            orders._run_handover_checks()
            self.env.flush_all()
            return self.cr.sql_log_count - before

        queries(2)  # warm-up
        # 4 orders make 28 results, 20 orders 140: more than one batch of the
        # ORM's inserts (100 rows), still the same number of queries.
        self.assertEqual(queries(4), queries(20))

    def test_checking_many_orders_is_a_bounded_number_of_queries(self):
        orders = self.env["sale.order"]
        for _i in range(16):
            orders |= self._order()
        self._invoice(orders[0])
        self._invoice(orders[1], edit={"price_unit": 2500.0})
        orders._workflow().write({"handover_state": "checking"})
        orders[:2]._run_handover_checks()  # warm-up
        self.env.flush_all()
        self.env.invalidate_all()
        # 16 orders, 8 checks each (128 results: 16 updated, 112 inserted),
        # 2 invoices: as many queries as for 2 orders (19 before the equipment
        # serial check, which reads the orders' equipment in one query).
        with self.assertQueryCount(20):
            orders._run_handover_checks()
        self.assertEqual(self._result(orders[1], self.check_invoice).state, "fail")
        self.assertEqual(len(orders.handover_result_ids), 128)

        orders[3:].handover_note = False
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(20):  # the second run updates what changed
            orders._run_handover_checks()
        self.assertEqual(orders.handover_result_ids.mapped("state").count("fail"), 14)
