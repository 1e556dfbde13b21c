from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestFollowupRuntime(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.product_machine.after_sales_advice = "<p>Descale the machine every three months.</p>"
        cls.product_grinder.after_sales_advice = "<p>Clean the burrs with a dry brush.</p>"
        cls.thank_you = cls.env.ref("sale_after_sales.mail_template_followup_thank_you")
        cls.call = cls.env.ref("mail.mail_activity_data_call")
        cls.plan = cls._create_plan(
            "Care",
            [
                {
                    "name": "Thank you",
                    "sequence": 1,
                    "create_activity": False,
                    "send_mail": True,
                    "mail_template_id": cls.thank_you.id,
                },
                {
                    "name": "Satisfaction call",
                    "sequence": 2,
                    "delay_count": 7,
                    "activity_type_id": cls.call.id,
                    "summary": "Is the customer happy?",
                },
            ],
        )
        cls.step_thanks, cls.step_call = cls.plan.step_ids.sorted("sequence")

    def _followup(self, order, step):
        return order.followup_ids.filtered(lambda f: f.step_id == step)

    def _order_activities(self, order):
        return self.env["mail.activity"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
        )

    def test_advice_products_of_many_orders_each_its_own_in_line_order(self):
        """The thank-you gives the advice of each order's own products, in the
        order of its lines, without the products whose advice is empty; the
        orders of a batch are read at once (one query for their lines)."""
        self.product_kit.after_sales_advice = "<p><br></p>"  # emptied in the editor
        first = self._create_order(
            self.contact_anna,
            [(self.product_grinder, 1), (self.product_kit, 1), (self.product_machine, 2)],
        )
        jug = self.env["product.product"].create(
            {"name": "Milk Jug", "after_sales_advice": "<p>Rinse it after every use.</p>"}
        )
        second = self._create_order(self.contact_anna, [(jug, 1)])  # no product of the first
        third = self._create_order(self.contact_anna, [(self.product_kit, 3)])
        orders = first | second | third
        self.env.invalidate_all()
        # Their lines, their products, the products' advice: three queries
        # for the three orders at once, not three per order.
        with self.assertQueryCount(3):
            advised = [order._get_after_sales_advice_products() for order in orders]
        grinder, machine = self.product_grinder, self.product_machine
        self.assertEqual(advised[0].ids, (grinder | machine).product_tmpl_id.ids)
        self.assertEqual(advised[1], jug.product_tmpl_id)
        self.assertFalse(advised[2])
        # A line added later is in the next e-mail; an order not saved yet uses its lines.
        third.order_line = [(0, 0, {"product_id": grinder.id})]
        self.assertEqual(third.after_sales_advice_product_ids, grinder.product_tmpl_id)
        draft = self.env["sale.order"].new(
            {
                "partner_id": self.contact_anna.id,
                "order_line": [(0, 0, {"product_id": machine.id})],
            }
        )
        self.assertEqual(draft.after_sales_advice_product_ids._origin, machine.product_tmpl_id)

    @freeze_time("2026-11-20 10:00:00")
    def test_cron_sends_thank_you_with_advice_then_schedules_the_call(self):
        order = self._create_order(
            self.contact_anna,
            [(self.product_machine, 1), (self.product_grinder, 1), (self.product_kit, 2)],
            confirm=True,
        )
        self._run_followup_cron()

        thanks = self._followup(order, self.step_thanks)
        self.assertEqual(thanks.state, "done")
        mail = self.env["mail.mail"].search([("mail_message_id", "=", thanks.mail_message_id.id)])
        self.assertEqual(mail.recipient_ids, self.contact_anna)
        self.assertIn(order.name, mail.subject)
        self.assertIn("Descale the machine every three months.", mail.body_html)
        self.assertIn("Clean the burrs with a dry brush.", mail.body_html)
        self.assertNotIn("Descaling Kit</h3>", mail.body_html, "no advice, no paragraph")
        self.assertEqual(thanks.mail_message_id.model, "sale.order")
        self.assertEqual(thanks.mail_message_id.res_id, order.id)

        call = self._followup(order, self.step_call)
        self.assertEqual(call.state, "planned", "not due before its date")
        self.assertFalse(self._order_activities(order))

        with freeze_time("2026-11-27 08:00:00"):
            self._run_followup_cron()
        self.assertEqual(call.state, "due")
        activity = self._order_activities(order)
        self.assertEqual(activity, call.activity_id)
        self.assertEqual(activity.user_id, self.salesman)
        self.assertEqual(activity.date_deadline, date(2026, 11, 27))
        self.assertEqual(activity.activity_type_id, self.call)
        self.assertEqual(activity.summary, "Is the customer happy?")

    @freeze_time("2026-11-27 10:00:00")
    def test_running_the_cron_twice_creates_nothing_twice(self):
        with freeze_time("2026-11-20 10:00:00"):
            order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        self._run_followup_cron()
        mails = self.env["mail.mail"].search(
            [("model", "=", "sale.order"), ("res_id", "=", order.id)]
        )
        self.assertEqual(len(mails), 1)
        self.assertEqual(len(self._order_activities(order)), 1)

        self._run_followup_cron()
        order._plan_followups("order_confirmed")
        self._run_followup_cron()
        self.assertEqual(
            self.env["mail.mail"].search_count(
                [("model", "=", "sale.order"), ("res_id", "=", order.id)]
            ),
            1,
        )
        self.assertEqual(len(self._order_activities(order)), 1)
        self.assertEqual(len(order.followup_ids), 2)

    @freeze_time("2026-11-20 10:00:00")
    def test_failing_followups_do_not_stop_the_batch_and_are_retried(self):
        # Renders for customers with a country, fails for the others. (The
        # template is checked on save against the latest order: one with a country.)
        self._create_order(self.customer, [(self.product_kit, 1)], date_order="2030-01-01")
        country = "<t t-out='object.partner_id.country_id.name.upper()'/>"
        broken = self.thank_you.copy({"body_html": f"<p>Shipping to {country}</p>"})
        nina = self.env["res.partner"].create({"name": "Nina", "email": "nina@example.com"})
        self._create_plan(
            "Kit owners",
            [
                {
                    "name": "Kit tips",
                    "create_activity": False,
                    "send_mail": True,
                    "mail_template_id": broken.id,
                }
            ],
            product_ids=self.product_kit.ids,
        )
        self.other_customer.email = False
        no_email = self._create_order(
            self.other_customer, [(self.product_machine, 1)], confirm=True
        )
        kit = self._create_order(nina, [(self.product_kit, 1)], confirm=True)
        fine = self._create_order(self.contact_bob, [(self.product_machine, 1)], confirm=True)

        self._run_followup_cron()

        failed = self._followup(no_email, self.step_thanks)
        self.assertEqual(failed.state, "failed")
        self.assertIn("has no e-mail address", failed.failure_reason)
        self.assertEqual(failed.attempt_count, 1)
        self.assertTrue(failed.retry_date)
        render_failed = kit.followup_ids.filtered(lambda f: f.name == "Kit tips")
        self.assertEqual(render_failed.state, "failed")
        self.assertTrue(render_failed.failure_reason)
        # The batch went on: the other thank-you e-mails are sent.
        self.assertEqual(self._followup(fine, self.step_thanks).state, "done")
        self.assertEqual(self._followup(kit, self.step_thanks).state, "done")

        # Fixed by the salesperson; the next run after the retry delay sends it.
        self.other_customer.email = "marc@example.com"
        self._run_followup_cron()
        self.assertEqual(failed.state, "failed", "not retried before its retry date")
        with freeze_time("2026-11-20 12:00:00"):
            self._run_followup_cron()
        self.assertEqual(failed.state, "done")
        self.assertTrue(failed.mail_message_id)
        self.assertEqual(failed.attempt_count, 2)

    def test_failing_followup_gives_up_after_the_last_attempt_and_says_so(self):
        self.other_customer.email = False
        with freeze_time("2026-11-20 10:00:00"):
            order = self._create_order(self.other_customer, [(self.product_kit, 1)], confirm=True)
        followup = self._followup(order, self.step_thanks)
        for hour in (10, 12, 16, 23):
            with freeze_time(f"2026-11-20 {hour}:00:00"):
                self._run_followup_cron()
        self.assertEqual(followup.state, "failed")
        self.assertEqual(followup.attempt_count, 3, "three attempts, then it stops")
        self.assertFalse(followup.retry_date)
        notes = order.message_ids.filtered(lambda m: "will not be tried again" in (m.body or ""))
        self.assertEqual(len(notes), 1)

        followup.action_retry()
        self.assertEqual(followup.state, "planned")
        self.assertEqual(followup.attempt_count, 0)

    @freeze_time("2026-11-27 10:00:00")
    def test_done_with_satisfaction_closes_activity_and_writes_history(self):
        with freeze_time("2026-11-20 10:00:00"):
            order = self._create_order(self.contact_anna, [(self.product_machine, 1)], confirm=True)
        self._run_followup_cron()
        call = self._followup(order, self.step_call)
        activity = call.activity_id
        self.assertTrue(activity.active)

        action = call.with_user(self.salesman).action_open_done_wizard()
        wizard_form = Form.from_action(self.env(user=self.salesman), action)
        wizard_form.satisfaction = "4"
        wizard_form.feedback = "<p>Loves the coffee, asked about the milk frother.</p>"
        wizard_form.save().action_done()

        self.assertEqual(call.state, "done")
        self.assertEqual(call.satisfaction, "4")
        self.assertEqual(call.done_by_id, self.salesman)
        self.assertIn("milk frother", call.feedback)
        self.assertFalse(activity.active, "the activity is done (archived)")
        entry = self.env["service.history"].search(
            [("order_id", "=", order.id), ("type_id.code", "=", "followup")]
        )
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.satisfaction, "4")
        self.assertEqual(entry.partner_id, self.contact_anna)
        self.assertEqual(entry.user_id, self.salesman)
        self.assertIn("milk frother", entry.outcome)

        with self.assertRaisesRegex(UserError, "already closed"):
            call.action_open_done_wizard()

    @freeze_time("2026-11-27 10:00:00")
    def test_activity_done_from_the_chatter_closes_the_followup(self):
        with freeze_time("2026-11-20 10:00:00"):
            order = self._create_order(self.customer, [(self.product_grinder, 1)], confirm=True)
        self._run_followup_cron()
        call = self._followup(order, self.step_call)
        call.activity_id.with_user(self.salesman).action_feedback(feedback="All good")
        self.assertEqual(call.state, "done")
        self.assertEqual(call.satisfaction, "0")
        self.assertEqual(
            self.env["service.history"].search_count(
                [("order_id", "=", order.id), ("type_id.code", "=", "followup")]
            ),
            1,
        )

    @freeze_time("2026-11-27 10:00:00")
    def test_cancelling_the_order_or_the_activity_cleans_up(self):
        with freeze_time("2026-11-20 10:00:00"):
            order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
            other = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        self._run_followup_cron()
        activity = self._followup(order, self.step_call).activity_id
        self.assertTrue(activity)

        order.with_user(self.salesman)._action_cancel()
        self.assertFalse(activity.exists())
        self.assertEqual(self._followup(order, self.step_call).state, "cancelled")
        self.assertEqual(self._followup(order, self.step_thanks).state, "done", "done stays done")

        # Cancelling the activity in the chatter cancels its follow-up.
        other_call = self._followup(other, self.step_call)
        other_call.activity_id.with_user(self.salesman).unlink()
        self.assertEqual(other_call.state, "cancelled")

    def test_invoice_posted_and_order_paid_triggers(self):
        self._create_plan(
            "After invoicing",
            [{"name": "Invoice check", "delay_count": 3}],
            trigger="invoice_posted",
        )
        self._create_plan(
            "After payment",
            [{"name": "Thanks for paying", "delay_count": 1}],
            trigger="order_paid",
        )
        with freeze_time("2026-11-20 10:00:00"):
            order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        self.assertEqual(set(order.followup_ids.mapped("trigger")), {"order_confirmed"})

        with freeze_time("2026-11-23 10:00:00"):
            invoice = order._create_invoices()
            invoice.action_post()
        invoiced = order.followup_ids.filtered(lambda f: f.trigger == "invoice_posted")
        self.assertEqual(invoiced.mapped("name"), ["Invoice check"])
        self.assertEqual(invoiced.planned_date, date(2026, 11, 26))
        self.assertFalse(order.followup_ids.filtered(lambda f: f.trigger == "order_paid"))

        with freeze_time("2026-11-25 10:00:00"):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        paid = order.followup_ids.filtered(lambda f: f.trigger == "order_paid")
        self.assertEqual(paid.mapped("name"), ["Thanks for paying"])
        self.assertEqual(paid.planned_date, date(2026, 11, 26))
        self.assertEqual(len(order.followup_ids), 4)

    @freeze_time("2026-11-20 10:00:00")
    def test_apply_a_plan_by_hand(self):
        special = self._create_plan(
            "Grinder owners",
            [{"name": "Grinder tips", "delay_count": 2}],
            product_ids=self.product_grinder.ids,
        )
        order = self._create_order(self.customer, [(self.product_kit, 1)])
        wizard_form = Form.from_action(self.env, order.action_apply_followup_plan())
        wizard_form.plan_id = special
        with self.assertRaisesRegex(UserError, "confirm"):
            wizard_form.save().action_apply()
        order.action_confirm()
        self.assertNotIn(special, order.followup_ids.plan_id)

        wizard_form = Form.from_action(
            self.env, order.with_user(self.salesman).action_apply_followup_plan()
        )
        wizard_form.plan_id = special
        wizard_form.start_date = date(2026, 12, 1)
        wizard_form.save().action_apply()
        applied = order.followup_ids.filtered(lambda f: f.plan_id == special)
        self.assertEqual(applied.planned_date, date(2026, 12, 3))

        wizard_form = Form.from_action(self.env, order.action_apply_followup_plan())
        wizard_form.plan_id = special
        with self.assertRaisesRegex(UserError, "already planned"):
            wizard_form.save().action_apply()
