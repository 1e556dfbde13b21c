from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestServiceHistoryAccess(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._create_order(
            cls.contact_anna, [(cls.product_machine, 1)], user=cls.other_salesman, confirm=True
        )
        cls.entry = cls._create_history(cls.contact_anna, order_id=cls.order.id)
        cls.other_company_customer = cls.env["res.partner"].create(
            {"name": "Far Away Ltd", "company_id": cls.other_company.id}
        )
        cls.other_company_entry = (
            cls.env["service.history"]
            .with_company(cls.other_company)
            .create(
                {
                    "partner_id": cls.other_company_customer.id,
                    "type_id": cls.repair_type.id,
                    "summary": "Other company's visit",
                    "company_id": cls.other_company.id,
                }
            )
        )

    def _new_entry_vals(self, **values):
        return {
            "partner_id": self.customer.id,
            "type_id": self.repair_type.id,
            "summary": "Phone call",
            **values,
        }

    def test_salesman_reads_history_and_logs_contacts_but_edits_only_his_own(self):
        History = self.env["service.history"].with_user(self.salesman)
        # Reads the history of a customer whose order belongs to another salesperson.
        self.assertIn(self.entry, History.search([("partner_id", "child_of", self.customer.id)]))
        self.assertEqual(self.entry.with_user(self.salesman).summary, "Repaired the pump")

        own = History.create(self._new_entry_vals())
        own.outcome = "Customer will call back"
        self.assertEqual(own.outcome, "Customer will call back")

        with self.assertRaises(AccessError):
            self.entry.with_user(self.salesman).outcome = "Not mine"
        with self.assertRaises(AccessError):
            own.unlink()

    def test_salesman_opens_an_entry_about_a_colleagues_order(self):
        """On his own documents, he opens the entry about his colleague's order
        as the form reads it (an access error before: the order's products were
        read through lines he may not read). His own order's products are
        offered on his entries, in one query for many entries."""
        self.env.invalidate_all()  # as a new RPC call finds it
        self.entry.with_user(self.salesman).web_read(
            {"order_id": {"fields": {"display_name": {}}}, "order_product_ids": {}}
        )
        self.env.invalidate_all()
        form = Form(self.entry.with_user(self.salesman))
        self.assertEqual(form.summary, "Repaired the pump")
        self.assertFalse(form.order_product_ids, "his colleague's lines stay unread")
        mine = self._create_order(
            self.customer, [(self.product_machine, 1), (self.product_kit, 2)], confirm=True
        )
        entry = Form(self.env["service.history"].with_user(self.salesman))
        entry.partner_id = self.customer
        entry.type_id = self.repair_type
        entry.summary = "Machine check"
        entry.order_id = mine
        self.assertEqual(
            set(entry.order_product_ids.ids), {self.product_machine.id, self.product_kit.id}
        )
        entries = self.env["service.history"].create(
            [self._new_entry_vals(order_id=mine.id), self._new_entry_vals(order_id=self.order.id)]
        )
        entries = entries.with_user(self.service_user)
        entries.mapped("order_product_ids")  # the rules and the orders read once
        entries.invalidate_recordset(["order_product_ids"])
        with self.assertQueryCount(1):  # the lines of both orders
            self.assertEqual(
                entries.mapped("order_product_ids"), self.product_machine | self.product_kit
            )

    def test_service_user_handles_every_entry_but_cannot_delete(self):
        entry = self.entry.with_user(self.service_user)
        self.assertEqual(entry.summary, "Repaired the pump")
        entry.write({"outcome": "Pump replaced", "satisfaction": "4"})
        self.assertEqual(entry.satisfaction_score, 4)
        created = (
            self.env["service.history"].with_user(self.service_user).create(self._new_entry_vals())
        )
        self.assertTrue(created)
        with self.assertRaises(AccessError):
            entry.unlink()
        # Service staff read orders they did not sell, to know what was bought.
        self.assertEqual(self.order.with_user(self.service_user).partner_id, self.contact_anna)
        with self.assertRaises(AccessError):
            self.order.with_user(self.service_user).note = "Service must not edit orders"

    def test_service_user_who_is_also_salesman_reads_all_orders(self):
        self.service_user.group_ids |= self.env.ref("sales_team.group_sale_salesman")
        orders = (
            self.env["sale.order"].with_user(self.service_user).search([("id", "=", self.order.id)])
        )
        self.assertEqual(orders, self.order)

    def test_types_are_configured_by_administrators_only(self):
        Type = self.env["service.history.type"]
        self.assertTrue(Type.with_user(self.salesman).search([]))
        for user in (self.salesman, self.service_user):
            with self.assertRaises(AccessError):
                Type.with_user(user).create({"name": "Training"})
            with self.assertRaises(AccessError):
                self.repair_type.with_user(user).name = "Fix"
        training = Type.with_user(self.service_admin).create({"name": "Training"})
        self.repair_type.with_user(self.service_admin).icon = "fa-medkit"
        training.with_user(self.service_admin).unlink()

    def test_administrator_may_delete_entries(self):
        self.entry.with_user(self.service_admin).unlink()
        self.assertFalse(self.entry.exists())

    def test_other_company_user_sees_nothing_of_this_company(self):
        History = self.env["service.history"].with_user(self.other_company_user)
        self.assertEqual(History.search([]), self.other_company_entry)
        with self.assertRaises(AccessError):
            self.entry.with_user(self.other_company_user).read(["summary"])
        with self.assertRaises(AccessError):
            self.entry.with_user(self.other_company_user).write({"outcome": "x"})
        with self.assertRaises(AccessError):
            self.entry.with_user(self.other_company_user).unlink()
        # ...and this company's users do not see the other company's history.
        self.assertNotIn(
            self.other_company_entry,
            self.env["service.history"].with_user(self.service_admin).search([]),
        )
