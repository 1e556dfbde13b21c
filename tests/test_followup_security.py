from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestFollowupSecurity(AfterSalesCommon):
    """Follow-ups as the wrong salesperson, over RPC, would try them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.thank_you = cls.env.ref("sale_after_sales.mail_template_followup_thank_you")
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
                {"name": "Satisfaction call", "sequence": 2, "delay_count": 7},
            ],
        )
        cls.step_thanks, cls.step_call = cls.plan.step_ids.sorted("sequence")

    def _followup(self, order, step):
        return order.followup_ids.filtered(lambda f: f.step_id == step)

    @freeze_time("2026-11-20 10:00:00")
    def test_salesperson_on_own_documents_keeps_off_a_colleagues_followups(self):
        theirs = self._create_order(
            self.customer, [(self.product_machine, 1)], user=self.other_salesman, confirm=True
        )
        mine = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        Followup = self.env["service.followup"].with_user(self.salesman)
        visible = Followup.search([("order_id", "in", (mine | theirs).ids)])
        self.assertEqual(visible.order_id, mine)
        call = self._followup(theirs, self.step_call).with_user(self.salesman)
        with self.assertRaises(AccessError):
            call.read(["state"])
        with self.assertRaises(AccessError):
            call.write({"user_id": self.salesman.id})
        with self.assertRaises(AccessError):
            call.action_cancel()
        self.assertEqual(self._followup(theirs, self.step_call).state, "planned")
        self.assertEqual(self._followup(theirs, self.step_call).user_id, self.other_salesman)

        # His own: he reassigns it; "All Documents" and service staff see both.
        self._followup(mine, self.step_call).with_user(self.salesman).user_id = self.other_salesman
        for user in (self.service_admin, self.service_user):
            seen = (
                self.env["service.followup"]
                .with_user(user)
                .search([("order_id", "in", (mine | theirs).ids)])
            )
            self.assertEqual(seen.order_id, mine | theirs, user.name)

    def test_followup_assigned_to_me_on_a_colleagues_order_is_mine_to_do(self):
        order = self._create_order(
            self.customer, [(self.product_machine, 1)], user=self.other_salesman, confirm=True
        )
        call = self._followup(order, self.step_call)
        call.user_id = self.salesman
        self.assertEqual(
            self.env["service.followup"]
            .with_user(self.salesman)
            .search([("order_id", "=", order.id)]),
            call,
        )

    @freeze_time("2026-11-20 10:00:00")
    def test_a_done_followup_never_goes_back_to_planned_and_mails_twice(self):
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        self._run_followup_cron()
        thanks = self._followup(order, self.step_thanks)
        self.assertEqual(thanks.state, "done")
        for user in (self.salesman, self.service_user, self.service_admin):
            for vals in (
                {"state": "planned"},
                {"attempt_count": 0},
                {"mail_message_id": False},
                {"satisfaction": "5"},
                {"done_by_id": user.id},
            ):
                with self.subTest(user=user.name, vals=vals), self.assertRaises(UserError):
                    thanks.with_user(user).write(vals)
        with self.assertRaises(UserError):
            thanks.with_user(self.salesman).write({"planned_date": "2026-12-01"})
        with self.assertRaisesText(UserError, "Only failed or cancelled"):
            thanks.with_user(self.salesman).action_retry()
        self._run_followup_cron()
        mails = self.env["mail.mail"].search(
            [("model", "=", "sale.order"), ("res_id", "=", order.id)]
        )
        self.assertEqual(len(mails), 1, "the customer is thanked once")

    def test_nobody_creates_a_followup_already_done(self):
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        with self.assertRaises(UserError):
            self.env["service.followup"].with_user(self.service_admin).create(
                {
                    "order_id": order.id,
                    "plan_id": self.plan.id,
                    "step_id": self.plan.step_ids[0].id,
                    "trigger": "order_confirmed",
                    "planned_date": "2026-11-20",
                    "state": "done",
                }
            )

    @freeze_time("2026-11-20 10:00:00")
    def test_reassigning_a_due_followup_moves_its_activity(self):
        with freeze_time("2026-11-13 10:00:00"):
            order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        self._run_followup_cron()
        call = self._followup(order, self.step_call)
        self.assertEqual(call.state, "due")
        call.with_user(self.salesman).write(
            {"user_id": self.other_salesman.id, "planned_date": "2026-11-25"}
        )
        self.assertEqual(call.activity_id.user_id, self.other_salesman)
        self.assertEqual(str(call.activity_id.date_deadline), "2026-11-25")

    def test_the_customer_a_record_belongs_to_is_never_written_by_hand(self):
        """The customer (and company) of a follow-up, an entry and a piece are
        copies of their order's or contact's, which the customer's portal rules
        read. Written directly over RPC, Odoo would store the copy as given: the
        record would show in another customer's portal. Refused, even to the
        service department, on write and on create."""
        self._track_equipment(self.product_machine)
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        followup = self._followup(order, self.step_call)
        piece = order.equipment_ids
        entry = self._create_history(self.customer, order_id=order.id)
        stranger = self.other_customer
        for record, names in (
            (followup, ["partner_id", "commercial_partner_id", "company_id"]),
            (entry, ["commercial_partner_id", "is_case"]),
            (piece, ["commercial_partner_id"]),
        ):
            for name in names:
                value = True if name == "is_case" else stranger.id
                if name == "company_id":
                    value = self.other_company.id
                with self.subTest(model=record._name, field=name):
                    with self.assertRaisesRegex(UserError, "follow the records they come from"):
                        record.with_user(self.service_user).write({name: value})
        self.assertEqual(
            (
                followup.commercial_partner_id,
                entry.commercial_partner_id,
                piece.commercial_partner_id,
            ),
            (self.customer, self.customer, self.customer),
        )
        with self.assertRaisesRegex(UserError, "follow the records they come from"):
            self.env["service.equipment"].with_user(self.service_user).create(
                {
                    "product_id": self.product_machine.id,
                    "partner_id": self.customer.id,
                    "commercial_partner_id": stranger.id,
                }
            )
