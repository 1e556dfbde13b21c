from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged, users, warmup

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestServiceHistory(AfterSalesCommon):
    def _sale_entries(self, order):
        return self.env["service.history"].search(
            [("order_id", "=", order.id), ("type_id", "=", self.sale_type.id)]
        )

    def test_confirmation_logs_one_sale_entry_listing_the_products(self):
        order = self._create_order(
            self.contact_anna, [(self.product_machine, 1), (self.product_grinder, 2)]
        )
        self.assertFalse(self._sale_entries(order), "A quotation is not a sale yet.")

        order.action_confirm()

        entry = self._sale_entries(order)
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.partner_id, self.contact_anna)
        self.assertEqual(entry.commercial_partner_id, self.customer)
        self.assertEqual(entry.user_id, self.salesman)
        self.assertEqual(entry.company_id, order.company_id)
        self.assertIn(order.name, entry.summary)
        self.assertIn("Espresso Machine", entry.description)
        self.assertIn("Burr Grinder", entry.description)
        self.assertEqual(order.service_history_count, 1)

    def test_reconfirmed_order_does_not_log_a_second_sale(self):
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        order._action_cancel()
        order.action_draft()
        order.action_confirm()
        self.assertEqual(len(self._sale_entries(order)), 1)

    def test_sale_entry_written_when_the_confirming_user_has_no_history_rights(self):
        """A portal customer signing online or an accountant may confirm an order."""
        order = self._create_order(self.customer, [(self.product_kit, 3)])
        accountant = self.env["res.users"].create(
            {
                "name": "Acc",
                "login": "saa_accountant",
                "group_ids": [
                    (6, 0, [self.env.ref("sales_team.group_sale_salesman_all_leads").id])
                ],
            }
        )
        # Revoke the salesman's history rights to mimic a user without any.
        self.env.ref("sale_after_sales.access_service_history_salesman").perm_create = False
        order.with_user(accountant).action_confirm()
        self.assertEqual(len(self._sale_entries(order)), 1)

    def test_contacts_of_one_company_share_the_history(self):
        entry_anna = self._create_history(self.contact_anna, summary="Installation")
        entry_bob = self._create_history(self.contact_bob, summary="Complaint")
        self._create_history(self.other_customer, summary="Someone else")

        for partner in (self.customer, self.contact_anna, self.contact_bob):
            self.assertEqual(partner.service_history_count, 2, partner.name)
            self.assertEqual(partner.service_history_ids, entry_anna | entry_bob, partner.name)
        self.assertEqual(self.other_customer.service_history_count, 1)

        action = self.contact_bob.action_view_service_history()
        self.assertEqual(
            self.env["service.history"].search(action["domain"]), entry_anna | entry_bob
        )

    def test_products_bought_span_orders_and_exclude_cancelled_ones(self):
        order_anna = self._create_order(
            self.contact_anna, [(self.product_machine, 1), (self.product_grinder, 2)], confirm=True
        )
        order_company = self._create_order(self.customer, [(self.product_kit, 6)], confirm=True)
        cancelled = self._create_order(self.contact_bob, [(self.product_grinder, 5)], confirm=True)
        cancelled._action_cancel()
        self._create_order(self.contact_bob, [(self.product_kit, 9)])  # quotation only
        self._create_order(self.other_customer, [(self.product_machine, 4)], confirm=True)

        bought = self.contact_bob.service_sale_line_ids
        self.assertEqual(bought.order_id, order_anna | order_company)
        self.assertEqual(
            sorted((line.product_id.name, line.product_uom_qty) for line in bought),
            [("Burr Grinder", 2.0), ("Descaling Kit", 6.0), ("Espresso Machine", 1.0)],
        )
        self.assertEqual(self.customer.service_sale_line_ids, bought)
        self.assertEqual(self.other_customer.service_sale_line_ids.product_uom_qty, 4.0)

    def test_entry_without_customer_is_refused_with_a_clear_error(self):
        with self.assertRaisesRegex(ValidationError, "needs a customer"):
            self.env["service.history"].create(
                {"type_id": self.repair_type.id, "summary": "Who was it?"}
            )

    def test_entry_for_an_order_takes_its_customer_and_company(self):
        order = self._create_order(self.contact_anna, [(self.product_kit, 1)], confirm=True)
        entry = self.env["service.history"].create(
            {"order_id": order.id, "type_id": self.repair_type.id, "summary": "Kit missing"}
        )
        self.assertEqual(entry.partner_id, self.contact_anna)
        self.assertEqual(entry.company_id, order.company_id)

    def test_log_service_contact_opens_a_prefilled_form(self):
        order = self._create_order(self.contact_anna, [(self.product_machine, 1)], confirm=True)
        action = order.with_user(self.salesman).action_log_service_contact()
        self.assertEqual(action["res_model"], "service.history")

        history = (
            self.env["service.history"].with_user(self.salesman).with_context(**action["context"])
        )
        with Form(history) as form:
            self.assertEqual(form.partner_id, self.contact_anna)
            self.assertEqual(form.order_id, order)
            form.type_id = self.repair_type
            form.summary = "Machine leaks"
            form.satisfaction = "2"
        entry = form.record
        self.assertEqual(entry.create_uid, self.salesman)
        self.assertEqual(entry.user_id, self.salesman)
        self.assertEqual(entry.satisfaction_score, 2)
        self.assertEqual(order.service_history_count, 2)
        self.assertEqual(
            self.env["service.history"].search(order.action_view_service_history()["domain"]),
            order.service_history_ids,
        )

    def test_service_notes_are_shared_by_the_contacts_of_a_company(self):
        self.contact_anna.service_notes = "<p>Back door only, ask for Anna.</p>"
        self.assertIn("Back door", self.customer.service_notes)
        self.assertIn("Back door", self.contact_bob.service_notes)

    def test_disabled_sale_type_still_receives_entries(self):
        self.sale_type.active = False
        order = self._create_order(self.customer, [(self.product_kit, 1)], confirm=True)
        self.assertEqual(len(self._sale_entries(order)), 1)


@tagged("post_install", "-at_install")
class TestServiceHistoryPerformance(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        companies = cls.env["res.partner"].create(
            [{"name": f"Customer {i}", "is_company": True} for i in range(50)]
        )
        contacts = cls.env["res.partner"].create(
            [
                {"name": f"Contact {i}", "parent_id": company.id}
                for i, company in enumerate(companies)
            ]
        )
        cls.partners = companies | contacts
        cls.env["service.history"].create(
            [
                {"partner_id": partner.id, "type_id": cls.repair_type.id, "summary": "Visit"}
                for partner in cls.partners
                for _i in range(2)
            ]
        )

    @users("saa_service")
    @warmup
    def test_partner_history_count_costs_constant_queries(self):
        partners = self.partners.with_env(self.env)
        self.assertEqual(len(partners), 100)
        with self.assertQueryCount(3):
            counts = partners.mapped("service_history_count")
        self.assertEqual(set(counts), {4})

        self.env.invalidate_all()
        with self.assertQueryCount(3):
            partners[:10].mapped("service_history_count")
