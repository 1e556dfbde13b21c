from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestHandoverCustomer(AfterSalesCommon):
    """The salesperson completes what the checks ask of the customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.check_phone = cls.env.ref("sale_after_sales.handover_check_customer_phone")
        cls.check_address = cls.env.ref("sale_after_sales.handover_check_delivery_address")
        cls.nomad = cls.env["res.partner"].create(
            {"name": "Nomad Ltd", "email": "nomad@example.com", "city": "Ghent"}
        )
        cls.site = cls.env["res.partner"].create(
            {"name": "Nomad warehouse", "parent_id": cls.nomad.id, "type": "delivery"}
        )

    def _order(self, user=None, **values):
        order = self._create_order(
            self.nomad, [(self.product_machine, 1)], user=user, confirm=True, **values
        )
        order.with_user(user or self.salesman).action_start_handover()
        return order

    def _result(self, order, check):
        return order.handover_result_ids.filtered(lambda r: r.check_id == check)

    def _form(self, order, user=None):
        action = order.with_user(user or self.salesman).action_complete_handover_customer()
        return Form(
            self.env[action["res_model"]]
            .with_user(user or self.salesman)
            .with_context(**action["context"])
        )

    def test_salesperson_adds_the_missing_phone_from_the_handover(self):
        order = self._order(partner_shipping_id=self.nomad.id)
        self.assertEqual(self._result(order, self.check_phone).state, "fail")
        # Without Odoo's Contact Creation right he cannot edit the contact itself...
        with self.assertRaises(AccessError):
            self.nomad.with_user(self.salesman).phone = "+32 9 555 01 01"
        # ...but he completes what the check asks from the order.
        form = self._form(order)
        self.assertEqual(form.email, "nomad@example.com")
        self.assertEqual(form.city, "Ghent")
        form.phone = "+32 9 555 01 01"
        form.save().action_save()
        self.assertEqual(self.nomad.phone, "+32 9 555 01 01")
        self.assertEqual(self._result(order, self.check_phone).state, "pass", "checked again")
        note = self.nomad.message_ids.filtered(lambda m: order.name in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Sally Sales", note.body)
        self.assertIn("+32 9 555 01 01", note.body)
        self.assertEqual(note.author_id, self.salesman.partner_id)

    def test_the_delivery_address_is_completed_on_the_delivery_partner(self):
        order = self._order(partner_shipping_id=self.site.id)
        self.assertEqual(self._result(order, self.check_address).state, "fail")
        form = self._form(order)
        form.street = "1 Dok Noord"
        form.city = "Ghent"
        form.country_id = self.env.ref("base.be")
        form.save().action_save()
        self.assertEqual(self.site.street, "1 Dok Noord")
        self.assertEqual(self.site.country_id, self.env.ref("base.be"))
        self.assertFalse(self.nomad.street, "the customer's own address is untouched")
        self.assertEqual(self._result(order, self.check_address).state, "pass")

    def test_bad_input_and_the_wrong_user_are_refused(self):
        order = self._order()
        form = self._form(order)
        form.email = "not an address"
        with self.assertRaises(ValidationError):
            form.save().action_save()
        self.assertEqual(self.nomad.email, "nomad@example.com")
        with self.assertRaises(UserError):
            self._form(order).save().action_save()  # nothing changed
        # A colleague's order, even through a wizard created by hand.
        theirs = self._order(user=self.other_salesman)
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesman).action_complete_handover_customer()
        with self.assertRaises(AccessError):
            self.env["service.handover.customer.wizard"].with_user(self.salesman).create(
                {"order_id": theirs.id, "phone": "+1 555"}
            ).action_save()
        self.assertFalse(self.nomad.phone)

    def test_not_once_the_order_is_with_the_service_department(self):
        self.company.handover_default_user_id = self.service_user
        order = self._create_order(
            self.customer,
            [(self.product_machine, 1)],
            confirm=True,
            handover_note="<p>Left.</p>",
        )
        order.with_user(self.salesman).action_start_handover()
        order.handover_result_ids.filtered(lambda r: r.kind == "manual").with_user(
            self.salesman
        ).action_tick()
        order.with_user(self.salesman).action_hand_over()
        with self.assertRaises(UserError):
            order.with_user(self.salesman).action_complete_handover_customer()
