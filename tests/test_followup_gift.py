"""The gift of a follow-up: a loyalty card for a satisfied customer, e-mailed
with its code, never twice, never to the wrong customer, and the order that
uses it linked back to the follow-up."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestFollowupGift(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.program = cls._create_gift_program()
        cls.plan = cls._create_plan(
            "Gift",
            [
                {
                    "name": "Internal: coupon for the happy ones",
                    "create_activity": False,
                    "gift_program_id": cls.program.id,
                    "gift_validity_days": 30,
                }
            ],
        )
        cls.step = cls.plan.step_ids

    def _rate(self, partner, satisfaction):
        self._create_history(
            partner,
            type_id=self.env.ref("sale_after_sales.history_type_followup").id,
            summary="How satisfied?",
            satisfaction=satisfaction,
        )

    def _gift_followup(self, partner=None):
        order = self._create_order(partner or self.customer, [(self.product_kit, 1)], confirm=True)
        self._run_followup_cron()
        return order.followup_ids

    def _gift_mails(self, followup):
        return self.env["mail.mail"].search(
            [("model", "=", "service.followup"), ("res_id", "=", followup.id)]
        )

    def test_a_happy_customer_gets_one_card_emailed_with_its_code(self):
        self._rate(self.customer, "5")
        followup = self._gift_followup()
        card = followup.loyalty_card_id
        self.assertEqual(followup.state, "done")
        self.assertEqual(card.program_id, self.program)
        self.assertEqual(card.partner_id, self.customer)
        self.assertEqual(card.points, 1)
        self.assertEqual(card.expiration_date, fields.Date.today() + timedelta(days=30))
        self.assertEqual(
            (card.followup_id, card.followup_step_id, card.followup_plan_id),
            (followup, self.step, self.plan),
        )
        self.assertEqual(card.history_ids.issued, 1)
        mail = self._gift_mails(followup)
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertEqual(mail.subject, "A little thank-you for your next visit")
        self.assertIn(card.code, mail.body_html)
        # A second order of the same customer: this step's gift is given once.
        second = self._gift_followup()
        self.assertEqual(second.state, "skipped")
        self.assertIn("received this step's gift already", second.failure_reason)
        self.assertFalse(second.loyalty_card_id)
        self.assertEqual(
            self.env["loyalty.card"].search_count([("program_id", "=", self.program.id)]), 1
        )

    def test_a_customer_not_happy_gets_no_gift_and_the_followup_says_why(self):
        for satisfaction, condition in (("3", "happy"), ("2", "no_low"), ("0", "happy")):
            with self.subTest(satisfaction=satisfaction, condition=condition):
                partner = self.env["res.partner"].create(
                    {"name": f"Customer {satisfaction}{condition}", "email": "c@example.com"}
                )
                if satisfaction != "0":
                    self._rate(partner, satisfaction)
                self.step.gift_condition = condition
                followup = self._gift_followup(partner)
                self.assertEqual(followup.state, "skipped")
                self.assertIn("Skipped: the gift is for customers", followup.failure_reason)
                self.assertFalse(followup.loyalty_card_id)
        # Every customer: the one never rated gets it.
        self.step.gift_condition = "any"
        partner = self.env["res.partner"].create({"name": "Never rated", "email": "n@example.com"})
        self.assertTrue(self._gift_followup(partner).loyalty_card_id)

    def test_one_gift_a_period_whatever_the_plan(self):
        self._rate(self.customer, "5")
        self.assertTrue(self._gift_followup().loyalty_card_id)
        other_plan = self.plan.copy({"name": "Another gift"})
        self.plan.active = False
        other_plan.step_ids.gift_interval_days = 180
        followup = self._gift_followup()
        self.assertEqual(followup.step_id, other_plan.step_ids)
        self.assertEqual(followup.state, "skipped")
        self.assertIn("less than 180 days ago", followup.failure_reason)

    def test_no_gift_while_a_complaint_is_open(self):
        self._rate(self.customer, "5")
        self._create_history(
            self.customer, type_id=self.env.ref("sale_after_sales.history_type_complaint").id
        )
        followup = self._gift_followup()
        self.assertIn(followup.state, ("skipped", "waiting"))
        self.assertIn("complaint", followup.failure_reason)
        self.assertFalse(self.env["loyalty.card"].search([("program_id", "=", self.program.id)]))

    def test_an_invalid_program_fails_the_followup_with_the_reason_and_no_card(self):
        self._rate(self.customer, "5")
        for change, reason in (
            ({"active": False}, "is archived"),
            ({"date_to": "2020-01-01"}, "ended on"),
        ):
            with self.subTest(reason=reason):
                self.program.write({"active": True, "date_to": False, **change})
                followup = self._gift_followup()
                self.assertEqual(followup.state, "failed")
                self.assertIn(reason, followup.failure_reason)
                self.assertFalse(followup.loyalty_card_id)
        self.assertFalse(self.env["loyalty.card"].search([("program_id", "=", self.program.id)]))

    def test_a_customer_without_email_or_who_opted_out_gets_no_card(self):
        self._rate(self.other_customer, "5")
        self.other_customer.email = False
        followup = self._gift_followup(self.other_customer)
        self.assertEqual(followup.state, "failed")
        self.assertIn("has no e-mail address", followup.failure_reason)
        self.other_customer.email = "marc@example.com"
        self.other_customer.service_email_opt_out = True
        followup = self._gift_followup(self.other_customer)
        self.assertEqual(followup.state, "skipped")
        self.assertFalse(self.env["loyalty.card"].search([("program_id", "=", self.program.id)]))

    def test_a_gift_email_that_cannot_be_written_leaves_no_card(self):
        self._rate(self.customer, "5")
        self._rate(self.other_customer, "5")
        template = self.step.gift_template_id.copy(
            {"body_html": "<p t-out='object.partner_id.country_id.name.upper()'/>"}
        )
        self.step.gift_template_id = template
        self.other_customer.country_id = self.env.ref("base.fr")
        self.customer.country_id = False
        broken_order, fine_order = (
            self._create_order(partner, [(self.product_kit, 1)], confirm=True)
            for partner in (self.customer, self.other_customer)
        )
        self._run_followup_cron()  # one batch for both
        broken, fine = broken_order.followup_ids, fine_order.followup_ids
        self.assertEqual(broken.state, "failed")
        self.assertFalse(broken.loyalty_card_id)
        self.assertEqual(fine.state, "done", "the rest of the batch is carried out")
        self.assertTrue(fine.loyalty_card_id)
        self.assertEqual(
            self.env["loyalty.card"].search([("program_id", "=", self.program.id)]),
            fine.loyalty_card_id,
        )

    def test_the_order_that_uses_the_gift_comes_from_the_followup(self):
        self._rate(self.customer, "5")
        followup = self._gift_followup()
        code = followup.loyalty_card_id.code
        order = self._create_order(self.customer, [(self.product_machine, 1)])
        status = order._try_apply_code(code)
        self.assertNotIn("error", status)
        ((coupon, rewards),) = status.items()
        order._apply_program_reward(rewards, coupon)
        order.action_confirm()
        self.assertEqual(order.after_sales_origin, "gift")
        self.assertEqual(order.after_sales_followup_id, followup)
        self.assertEqual(followup.gift_order_ids, order)

    def test_a_step_gift_is_checked_when_saved(self):
        promo = self.env["loyalty.program"].create(
            {"name": "Automatic promotion", "program_type": "promotion"}
        )
        template = self.step.gift_template_id
        for values, message in (
            ({"gift_program_id": promo.id}, "a gift is a card"),
            ({"gift_points": 0}, "must be worth something"),
            ({"gift_validity_days": -1}, "from 0 to 3660"),
            ({"gift_template_id": False}, "choose its e-mail"),
            ({"gift_program_id": False}, "does nothing"),
        ):
            valid = {
                "gift_program_id": self.program.id,
                "gift_points": 1,
                "gift_validity_days": 30,
                "gift_template_id": template.id,
            }
            with self.subTest(message=message), self.assertRaisesRegex(ValidationError, message):
                self.step.write({**valid, **values})

    def test_the_customers_service_tab_shows_his_unused_gifts(self):
        self._rate(self.customer, "5")
        card = self._gift_followup().loyalty_card_id
        for user in (self.service_user, self.salesman):
            with self.subTest(user=user.login):
                for partner in (self.customer, self.contact_anna):
                    self.assertEqual(partner.with_user(user).service_gift_card_ids, card)
        card.points = 0  # used
        self.customer.invalidate_recordset(["service_gift_card_ids"])
        self.assertFalse(self.customer.service_gift_card_ids)
