from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestDailyWork(AfterSalesCommon):
    """What each role meets in a day's work, beyond the browser tours."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.company.handover_default_user_id = cls.service_user

    def test_service_user_opens_orders_on_the_handover_form(self):
        handover_form = self.env.ref("sale_after_sales.sale_order_view_form_handover")
        SaleOrder = self.env["sale.order"]
        served = SaleOrder.with_user(self.service_user).get_views([(False, "form")])
        self.assertEqual(served["views"]["form"]["id"], handover_form.id)
        # Salespeople keep the sales order form; the handover menus open it on its tab.
        sales = SaleOrder.with_user(self.salesman).get_views([(False, "form")])
        self.assertNotEqual(sales["views"]["form"]["id"], handover_form.id)
        tab = (
            SaleOrder.with_user(self.salesman)
            .with_context(form_view_ref="sale_after_sales.view_order_form_handover_tab")
            .get_views([(False, "form")])
        )
        self.assertEqual(
            tab["views"]["form"]["id"],
            self.env.ref("sale_after_sales.view_order_form_handover_tab").id,
        )

    def test_service_user_notes_and_plans_on_orders_he_only_reads(self):
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        as_service = order.with_user(self.service_user)
        with self.assertRaises(AccessError):
            as_service.write({"note": "Not his to edit"})
        message = as_service.message_post(body="Visit on Monday", subtype_xmlid="mail.mt_note")
        self.assertEqual(message.author_id, self.service_user.partner_id)
        activity = as_service.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.service_user.id, summary="Bring the kit"
        )
        self.assertEqual(activity.res_id, order.id)
        # A salesperson of another order still cannot post on it.
        with self.assertRaises(AccessError):
            order.with_user(self.other_salesman).message_post(body="Hi")

    def test_my_activities_open_their_record(self):
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        activity = order.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.service_user.id
        )
        action = activity.with_user(self.service_user).action_open_document()
        self.assertEqual((action["res_model"], action["res_id"]), ("sale.order", order.id))

    def test_salespeople_write_service_notes_without_editing_contacts(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesman).service_notes = "<p>Ring twice</p>"
        action = self.contact_anna.with_user(self.salesman).action_edit_service_notes()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.salesman)
            .with_context(**action["context"])
            .create({"service_notes": "<p>Ring twice at the back door.</p>"})
        )
        wizard.action_save()
        self.assertIn("back door", self.customer.service_notes, "on the company, shared")
        self.assertIn("back door", self.contact_anna.service_notes)
        nobody = self.env["res.users"].create(
            {
                "name": "Plain",
                "login": "saa_plain",
                "group_ids": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        with self.assertRaises(AccessError):
            self.env["service.partner.notes.wizard"].with_user(nobody).create(
                {"partner_id": self.customer.id, "service_notes": "<p>x</p>"}
            ).action_save()

    def test_customers_are_the_same_for_every_salesperson(self):
        mine = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        theirs = self._create_order(
            self.other_customer, [(self.product_kit, 1)], user=self.other_salesman, confirm=True
        )
        customers = self._customers_list(self.salesman)
        self.assertIn(mine.partner_id, customers)
        self.assertIn(theirs.partner_id, customers, "as in Service History")
        history = self.env["service.history"].with_user(self.salesman).search([])
        self.assertIn(theirs.partner_id, history.commercial_partner_id)
        overview = theirs.partner_id.with_user(self.salesman)
        self.assertEqual(overview.service_salesperson_id, self.other_salesman)

    def test_customers_list_follows_the_sale_entries_and_the_companies(self):
        shared_customer = self.env["res.partner"].create({"name": "Shared Customer"})
        self.assertNotIn(shared_customer, self._customers_list(self.service_admin))
        self._create_history(shared_customer)  # a repair is not a purchase
        self.assertNotIn(shared_customer, self._customers_list(self.service_admin))
        # He buys from the other company only: listed there, not here.
        order = self._create_order(
            shared_customer,
            [(self.product_kit, 1)],
            user=self.other_company_user,
            company_id=self.other_company.id,
        )
        order.with_user(self.other_company_user).with_company(self.other_company).action_confirm()
        self.assertNotIn(shared_customer, self._customers_list(self.service_admin))
        self.assertIn(shared_customer, self._customers_list(self.other_company_user))
        self.assertEqual(shared_customer.service_customer_company_ids, self.other_company)
        # His contact buys here too: the company row is listed, not the contact.
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": shared_customer.id})
        self._create_order(contact, [(self.product_kit, 1)], confirm=True)
        customers = self._customers_list(self.service_admin)
        self.assertIn(shared_customer, customers)
        self.assertNotIn(contact, customers)
        # The Sale entry deleted (logged by mistake): no longer a customer here.
        sale_entry = self.env["service.history"].search(
            [("partner_id", "=", contact.id), ("type_id", "=", self.sale_type.id)]
        )
        sale_entry.unlink()
        self.assertNotIn(shared_customer, self._customers_list(self.service_admin))
        self.assertEqual(shared_customer.service_customer_company_ids, self.other_company)

    def test_customers_list_cannot_be_set_by_hand(self):
        """Nobody sets the stored companies by hand: it follows the history."""
        self._create_order(self.customer, [(self.product_kit, 1)], confirm=True)
        with self.assertRaisesText(AccessError, "log or delete a Sale entry"):
            self.other_customer.with_user(self.salesman).write(
                {"service_customer_company_ids": [Command.set(self.company.ids)]}
            )
        with self.assertRaisesText(AccessError, "log or delete a Sale entry"):
            self.env["res.partner"].with_user(self.salesman).create(
                {"name": "Sneaky", "service_customer_company_ids": [Command.set(self.company.ids)]}
            )
        self.assertNotIn(self.other_customer, self._customers_list(self.salesman))

    def test_satisfaction_stars_round_the_average(self):
        self._create_history(self.customer, satisfaction="4")
        self._create_history(self.customer, satisfaction="5")
        self._create_history(self.customer)  # not rated: not counted
        self.assertAlmostEqual(self.customer.service_satisfaction_avg, 4.5)
        self.assertEqual(self.customer.service_satisfaction_stars, "5")
        self.assertFalse(self.other_customer.service_satisfaction_stars, "no star when not rated")

    @freeze_time("2026-11-18 09:00:00")  # a Wednesday
    def test_followups_are_sorted_by_when_they_are_due(self):
        plan = self._create_plan(
            "Calls",
            [
                {"name": "Today", "delay_count": 0},
                {"name": "Friday", "delay_count": 2},
                {"name": "Next month", "delay_count": 1, "delay_unit": "months"},
            ],
        )
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        buckets = {
            f.name: f.due_bucket for f in order.followup_ids.filtered(lambda f: f.plan_id == plan)
        }
        self.assertEqual(buckets, {"Today": "today", "Friday": "next_days", "Next month": "later"})
        with freeze_time("2026-11-21 09:00:00"):
            self.env["service.followup"]._cron_refresh_due_buckets()
            followups = order.followup_ids
            followups.invalidate_recordset(["due_bucket"])
            buckets = {f.name: f.due_bucket for f in followups}
        self.assertEqual(buckets["Today"], "overdue")
        self.assertEqual(buckets["Friday"], "overdue")
        columns = self._kanban_columns(
            "service.followup", [("order_id", "=", order.id)], "due_bucket"
        )
        self.assertEqual(
            columns,
            [
                ("overdue", True),
                ("today", True),
                ("next_days", True),
                ("later", True),
                ("closed", False),
            ],
            "as activities are sorted; closed folded",
        )

    def _kanban_columns(self, model, domain, groupby):
        """(value, unfolded) of the columns, as the kanban view asks for them."""
        result = (
            self.env[model]
            .with_context(read_group_expand=True)
            .web_read_group(
                domain,
                [groupby],
                ["__count"],
                auto_unfold=True,
                unfold_read_specification={"display_name": {}},
            )
        )
        return [(group[groupby], "__records" in group) for group in result["groups"]]

    def test_log_service_contact_starts_with_a_call_about_the_product(self):
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        action = order.with_user(self.salesman).action_log_service_contact()
        entry = Form(
            self.env["service.history"].with_user(self.salesman).with_context(**action["context"])
        )
        self.assertEqual(entry.type_id, self.env.ref("sale_after_sales.history_type_call"))
        self.assertEqual(entry.product_id, self.product_machine)
        self.assertIn(order.name, entry.summary)
        entry.save()

    def test_accepted_handovers_fold_and_states_follow_the_workflow(self):
        states = [
            value for value, _label in self.env["sale.order"]._fields["handover_state"].selection
        ]
        self.assertEqual(
            states, ["not_started", "checking", "sent_back", "handed_over", "accepted"]
        )
        self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        columns = self._kanban_columns("sale.order", [("state", "=", "sale")], "handover_state")
        self.assertEqual([value for value, _unfolded in columns], states, "every column, in order")
        self.assertEqual(dict(columns)["accepted"], False, "accepted handovers are folded")
        self.assertEqual(dict(columns)["not_started"], True)

    def test_accepted_by_the_system_is_done_by_the_service_responsible(self):
        order = self._create_order(
            self.customer,
            [(self.product_machine, 1)],
            confirm=True,
            handover_note="<p>Left.</p>",
            service_user_id=self.service_user.id,
        )
        order.action_start_handover()
        order.handover_result_ids.filtered(lambda r: r.kind == "manual").action_tick()
        order.action_hand_over()
        self.assertTrue(self.env.user._is_superuser())
        order.action_accept_handover()  # by the system, as demo data does
        entry = order.service_history_ids.filtered(lambda h: h.type_id.code == "handover")
        self.assertEqual(entry.user_id, self.service_user, "not OdooBot")
        self.assertEqual(date.today(), entry.date.date())
