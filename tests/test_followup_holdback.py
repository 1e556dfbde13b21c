from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestFollowupHoldback(AfterSalesCommon):
    """A plan holds back a share of its customers, drawn once at random: their
    automatic follow-ups are recorded held back, never carried out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.call = cls.env.ref("mail.mail_activity_data_call")
        cls.plan = cls._create_plan(
            "Care",
            [
                {
                    "name": "Thank you",
                    "sequence": 1,
                    "create_activity": False,
                    "send_mail": True,
                    "mail_template_id": cls.env.ref(
                        "sale_after_sales.mail_template_followup_thank_you"
                    ).id,
                },
                {
                    "name": "Welcome call",
                    "sequence": 2,
                    "activity_type_id": cls.call.id,
                    "summary": "Welcome call",
                },
                {
                    "name": "How satisfied?",
                    "sequence": 3,
                    "create_activity": False,
                    "ask_rating": True,
                    "rating_template_id": cls.env.ref(
                        "sale_after_sales.mail_template_followup_rating"
                    ).id,
                },
            ],
            holdback_percent=50,
        )
        cls.Assignment = cls.env["service.followup.assignment"]
        cls.customer_number = 0

    # Helpers ------------------------------------------------------------

    def _customers(self, count):
        start = type(self).customer_number
        type(self).customer_number += count
        return self.env["res.partner"].create(
            [
                {"name": f"Holdback Customer {n}", "email": f"holdback{n}@example.com"}
                for n in range(start, start + count)
            ]
        )

    def _drawn(self, group, plan=None, count=1):
        """``count`` new customers that ``plan`` (the Care plan) will draw in ``group``."""
        plan = plan or self.plan
        found = self.env["res.partner"]
        while len(found) < count:
            found |= self._customers(10).filtered(
                lambda p: self.Assignment._get_group(plan, p) == group
            )
        return found[:count]

    def _confirm(self, customers, **values):
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": customer.id,
                    "user_id": self.salesman.id,
                    "order_line": [(0, 0, {"product_id": self.product_machine.id})],
                    **values,
                }
                for customer in customers
            ]
        )
        orders.action_confirm()
        return orders

    def _groups(self, plan, customers):
        assignments = self.Assignment.search(
            [("plan_id", "=", plan.id), ("commercial_partner_id", "in", customers.ids)]
        )
        return {a.commercial_partner_id: a.group for a in assignments}

    def _predicted(self, plan, customers, share):
        return {
            customer: "held_back"
            if self.Assignment._get_draw(plan, customer) * 100 < share
            else "cared"
            for customer in customers
        }

    # The draw -----------------------------------------------------------

    def test_nobody_is_held_back_at_zero_percent(self):
        self.plan.holdback_percent = 0
        customers = self._customers(30)
        orders = self._confirm(customers)
        self.assertEqual(set(orders.followup_ids.mapped("state")), {"planned"})
        groups = self._groups(self.plan, customers)
        self.assertEqual(len(groups), 30, "each customer is assigned, cared")
        self.assertEqual(set(groups.values()), {"cared"})

    def test_half_held_back_as_each_customer_draw_predicts(self):
        customers = self._customers(200)
        orders = self._confirm(customers)
        groups = self._groups(self.plan, customers)
        self.assertEqual(groups, self._predicted(self.plan, customers, 50))
        held = [c for c, group in groups.items() if group == "held_back"]
        # Binomial(200, 0.5): 100 ± 7; outside 70..130 is one chance in 10 000.
        self.assertTrue(70 <= len(held) <= 130, f"{len(held)} of 200 held back")
        for order in orders:
            expected = "held_back" if groups[order.partner_id] == "held_back" else "planned"
            self.assertEqual(set(order.followup_ids.mapped("state")), {expected})
        assignments = self.Assignment.search([("plan_id", "=", self.plan.id)])
        self.assertEqual(set(assignments.mapped("holdback_percent")), {50})
        self.assertEqual(self.plan.holdback_held_count, len(held))
        self.assertEqual(self.plan.holdback_cared_count, 200 - len(held))
        action = self.plan.action_view_holdback_assignments()
        self.assertEqual(self.Assignment.search_count(action["domain"]), 200)

    def test_draw_is_reproducible_and_plans_are_independent(self):
        customers = self._customers(100)
        self._confirm(customers)
        first = self._groups(self.plan, customers)
        # The same seed, plan and customer: the same draw, the same group.
        self.Assignment.search([("plan_id", "=", self.plan.id)]).sudo().unlink()
        self._confirm(customers)
        self.assertEqual(self._groups(self.plan, customers), first)
        # Another plan at the same share draws its own groups.
        other = self._create_plan("Other care", [{"name": "Call"}], holdback_percent=50)
        self._confirm(customers)
        second = self._groups(other, customers)
        self.assertEqual(second, self._predicted(other, customers, 50))
        same = sum(first[c] == second[c] for c in customers)
        self.assertTrue(25 <= same <= 75, f"{same} of 100 customers in the same group twice")
        copy = self.plan.copy()
        self.assertNotEqual(copy.holdback_seed, self.plan.holdback_seed, "a copy draws anew")

    def test_share_is_between_zero_and_half(self):
        with self.assertRaisesText(ValidationError, "between 0 and 50"):
            self.plan.holdback_percent = 60
        with self.assertRaisesText(ValidationError, "between 0 and 50"):
            self.plan.holdback_percent = -1

    def test_customer_keeps_his_group_whatever_his_later_orders_and_the_share(self):
        customers = self._customers(40)
        self._confirm(customers)
        groups = self._groups(self.plan, customers)
        self.assertEqual(set(groups.values()), {"cared", "held_back"})
        self.plan.holdback_percent = 10
        later = self._confirm(customers)
        self.assertEqual(self._groups(self.plan, customers), groups)
        self.assertEqual(len(self.Assignment.search([("plan_id", "=", self.plan.id)])), 40)
        for order in later:
            expected = "held_back" if groups[order.partner_id] == "held_back" else "planned"
            self.assertEqual(set(order.followup_ids.mapped("state")), {expected})
        # The new share applies to the customers assigned from then on.
        newcomers = self._customers(60)
        self._confirm(newcomers)
        self.assertEqual(
            self._groups(self.plan, newcomers), self._predicted(self.plan, newcomers, 10)
        )
        assignments = self.Assignment.search([("plan_id", "=", self.plan.id)])
        shares = {a.commercial_partner_id: a.holdback_percent for a in assignments}
        self.assertEqual({shares[c] for c in customers}, {50})
        self.assertEqual({shares[c] for c in newcomers}, {10})
        self.assertEqual(self.plan.holdback_shares, "10 % and 50 %")

    def test_a_contact_is_drawn_as_his_company(self):
        held = self._drawn("held_back")
        held.is_company = True
        contact = self.env["res.partner"].create({"name": "Clerk", "parent_id": held.id})
        order = self._confirm(contact)
        self.assertEqual(set(order.followup_ids.mapped("state")), {"held_back"})
        self.assertEqual(self._groups(self.plan, contact | held), {held: "held_back"})

    def test_two_orders_of_a_new_customer_in_one_batch_make_one_assignment(self):
        customer = self._customers(1)
        earlier, later = self.env["sale.order"].create(
            [
                {
                    "partner_id": customer.id,
                    "order_line": [(0, 0, {"product_id": self.product_machine.id})],
                }
                for _index in range(2)
            ]
        )
        # Confirmed together, both dated now: the first made triggers.
        (later | earlier).action_confirm()
        assignment = self.Assignment.search([("commercial_partner_id", "=", customer.id)])
        self.assertEqual(len(assignment), 1)
        self.assertEqual(assignment.order_id, earlier)
        self.assertEqual(assignment.plan_id, self.plan)
        states = set((later | earlier).followup_ids.mapped("state"))
        self.assertEqual(states, {"held_back" if assignment.group == "held_back" else "planned"})

    # Held-back follow-ups ----------------------------------------------

    @freeze_time("2026-11-20 10:00:00")
    def test_scheduled_action_leaves_held_back_followups_alone(self):
        held, cared = self._drawn("held_back"), self._drawn("cared")
        held_order, cared_order = self._confirm(held | cared)
        self.env.flush_all()
        mails_before = self.env["mail.mail"].search_count([])
        self._run_followup_cron()

        held_followups = held_order.followup_ids
        self.assertEqual(len(held_followups), 3)
        self.assertEqual(set(held_followups.mapped("state")), {"held_back"})
        self.assertFalse(held_followups.activity_id)
        self.assertFalse(held_followups.mail_message_id)
        self.assertFalse(held_followups.rating_ids)
        self.assertEqual(set(held_followups.mapped("attempt_count")), {0})
        self.assertFalse(
            self.env["mail.mail"].search([("recipient_ids", "in", held.ids)]),
            "nothing e-mailed to the held-back customer",
        )
        self.assertFalse(
            self.env["mail.activity"].search(
                [("res_model", "=", "sale.order"), ("res_id", "=", held_order.id)]
            )
        )
        # The cared customer got his care.
        self.assertEqual(
            set(cared_order.followup_ids.mapped("state")), {"done", "due"}, "carried out"
        )
        self.assertTrue(cared_order.followup_ids.activity_id)
        self.assertGreater(self.env["mail.mail"].search_count([]), mails_before)

        # Days later: not overdue, not failed, not in the follow-ups' figures.
        with freeze_time("2026-12-20 10:00:00"):
            self._run_followup_cron()
            self.env.invalidate_all()
            self.assertEqual(set(held_followups.mapped("state")), {"held_back"})
            self.assertFalse(any(held_followups.mapped("is_overdue")))
            self.assertEqual(set(held_followups.mapped("due_bucket")), {"closed"})
            self.assertEqual(held.service_followup_count, 0)
            report = self.env["service.followup.report"].search(
                [("order_id", "in", (held_order | cared_order).ids)]
            )
            self.assertEqual(report.order_id, cared_order, "held back: not in the analysis")
            Followup = self.env["service.followup"]
            for name in ("filter_open", "filter_failed", "filter_overdue"):
                domain = self._search_filter_domain(name)
                self.assertFalse(Followup.search(domain + [("order_id", "=", held_order.id)]))
            domain = self._search_filter_domain("filter_held_back")
            self.assertEqual(
                Followup.search(domain + [("order_id", "in", (held_order | cared_order).ids)]),
                held_followups,
            )
        self.assertEqual(held_order.followup_held_back_count, 3)
        self.assertEqual(cared_order.followup_held_back_count, 0)

    def _search_filter_domain(self, name):
        """The domain of filter ``name`` of the follow-ups' search view."""
        view = self.env.ref("sale_after_sales.service_followup_view_search")
        [node] = etree.fromstring(view.arch_db).xpath(f"//filter[@name='{name}']")
        return safe_eval(node.get("domain"), {"uid": self.env.uid})

    @freeze_time("2026-11-20 10:00:00")
    def test_held_back_followups_due_today_do_not_wake_the_scheduled_action(self):
        cron = self.env.ref("sale_after_sales.ir_cron_process_due_followups")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        self._confirm(self._drawn("held_back"))
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before)
        self._confirm(self._drawn("cared"))
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)

    @freeze_time("2026-11-20 10:00:00")
    def test_equipment_reminders_of_a_held_back_customer(self):
        self._track_equipment(self.product_machine)
        plan = self._create_plan(
            "Warranty",
            [{"name": "Warranty ends", "delay_count": 30, "delay_from": "before_plan_date"}],
            trigger="warranty_ends",
            holdback_percent=50,
        )
        held = self._drawn("held_back", plan=plan)
        order = self._confirm(held)
        reminders = order.equipment_ids.followup_ids
        self.assertEqual(len(reminders), 1)
        self.assertEqual(reminders.state, "held_back")
        # The piece's date moves: the reminder is planned again, held back again.
        due = reminders.equipment_due_date
        order.equipment_ids.date_start = "2026-12-01"
        self.assertFalse(reminders.exists(), "never carried out: replaced")
        reminder = order.equipment_ids.followup_ids
        self.assertEqual(reminder.state, "held_back")
        self.assertNotEqual(reminder.equipment_due_date, due)
        # Applied by hand: carried out after all.
        wizard = self.env["service.followup.apply.wizard"].create(
            {"order_ids": [(6, 0, order.ids)], "plan_id": plan.id}
        )
        wizard.action_apply()
        self.assertEqual(reminder.state, "planned")
        self.assertEqual(self._groups(plan, held), {held: "held_back"})

    def test_held_back_followups_refuse_every_action(self):
        order = self._confirm(self._drawn("held_back"))
        followup = order.followup_ids[0]
        self.assertEqual(followup.state, "held_back")
        for user in (self.salesman, self.service_user, self.service_admin):
            mine = followup.with_user(user)
            for action in (mine.action_open_done_wizard, mine.action_retry, mine.action_cancel):
                with self.assertRaisesText(UserError, "held back"):
                    action()
            with self.assertRaisesText(UserError, "held back"):
                mine.planned_date = "2027-01-01"
            with self.assertRaisesText(UserError, "held back"):
                mine._close()
            wizard = (
                self.env["service.followup.done.wizard"]
                .with_user(user)
                .create({"followup_ids": [(6, 0, followup.ids)]})
            )
            with self.assertRaisesText(UserError, "held back"):
                wizard.action_done()
        self.assertEqual(followup.state, "held_back")

    def test_cancelled_order_cancels_its_held_back_followups_and_holds_them_back_again(self):
        order = self._confirm(self._drawn("held_back"))
        order._action_cancel()
        self.assertEqual(set(order.followup_ids.mapped("state")), {"cancelled"})
        order.action_draft()
        order.action_confirm()
        self.assertEqual(set(order.followup_ids.mapped("state")), {"held_back"})

    @freeze_time("2026-11-20 10:00:00")
    def test_plan_applied_by_hand_is_carried_out_for_a_held_back_customer(self):
        held = self._drawn("held_back")
        order = self._confirm(held)
        self.assertEqual(set(order.followup_ids.mapped("state")), {"held_back"})
        wizard = Form(
            self.env["service.followup.apply.wizard"]
            .with_user(self.salesman)
            .with_context(active_model="sale.order", active_ids=order.ids)
        )
        wizard.plan_id = self.plan
        wizard.save().action_apply()
        self.assertEqual(set(order.followup_ids.mapped("state")), {"planned"})
        self._run_followup_cron()
        self.assertEqual(set(order.followup_ids.mapped("state")), {"done", "due"})
        self.assertTrue(order.followup_ids.activity_id)
        self.assertTrue(self.env["mail.mail"].search([("recipient_ids", "in", held.ids)]))
        self.assertEqual(self._groups(self.plan, held), {held: "held_back"}, "still held back")
        # A new order of his: the plan's automatic steps are held back again.
        self.assertEqual(set(self._confirm(held).followup_ids.mapped("state")), {"held_back"})

    def test_handover_and_history_are_not_held_back(self):
        held = self._drawn("held_back")
        held.write(
            {
                "phone": "+32 2 555 01 11",
                "street": "1 Main Street",
                "city": "Ghent",
                "country_id": self.env.ref("base.be").id,
            }
        )
        order = self._confirm(
            held,
            service_user_id=self.service_user.id,
            handover_note="<p>Left counter.</p>",
        )
        self.assertEqual(set(order.followup_ids.mapped("state")), {"held_back"})
        self.assertTrue(order.service_history_ids, "the sale is in his history")
        order.with_user(self.salesman).action_start_handover()
        told = self.env.ref("sale_after_sales.handover_check_service_contact_told")
        order.handover_result_ids.filtered(lambda r: r.check_id == told).with_user(
            self.salesman
        ).action_tick()
        order.with_user(self.salesman).action_hand_over()
        order.with_user(self.service_user).action_accept_handover()
        self.assertEqual(order.handover_state, "accepted")
        self.assertIn("handover", order.service_history_ids.type_id.mapped("code"))

    # Stop conditions do not move anyone --------------------------------

    @freeze_time("2026-11-20 10:00:00")
    def test_opt_out_and_complaint_do_not_change_the_group(self):
        held, cared = self._drawn("held_back"), self._drawn("cared")
        for policy in self.plan.step_ids:
            policy.open_complaint_policy = "skip"
        self.env["mail.blacklist"].sudo()._add(held.email)
        complaint = self.env.ref("sale_after_sales.history_type_complaint")
        self._create_history(held, type_id=complaint.id)
        self._create_history(cared, type_id=complaint.id)
        held_order, cared_order = self._confirm(held | cared)
        self._run_followup_cron()
        self.assertEqual(set(held_order.followup_ids.mapped("state")), {"held_back"})
        self.assertEqual(set(cared_order.followup_ids.mapped("state")), {"skipped"})
        cared.service_email_opt_out = True
        self._confirm(held | cared)
        self.assertEqual(self._groups(self.plan, held | cared), {held: "held_back", cared: "cared"})

    # The plan -----------------------------------------------------------

    def test_share_change_is_tracked_on_the_plan(self):
        self.env.flush_all()
        self.env.cr.flush()  # the plan's creation is over (it is not tracked)
        plan = self.plan.with_context(tracking_disable=False)
        plan.holdback_percent = 10
        self.env.flush_all()
        self.env.cr.flush()  # the tracking values are written before the commit
        self.env.invalidate_all()
        tracking = plan.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "holdback_percent"
        )
        self.assertEqual(len(tracking), 1)
        self.assertEqual(tracking.old_value_float, 50)
        self.assertEqual(tracking.new_value_float, 10)

    # Access -------------------------------------------------------------

    @mute_logger("odoo.addons.base.models.ir_model", "odoo.models")
    def test_assignments_are_system_records(self):
        customer = self._customers(1)
        order = self._confirm(customer)
        assignment = self.Assignment.search([("commercial_partner_id", "=", customer.id)])
        self.assertEqual(assignment.order_id, order)
        for user in (self.salesman, self.service_user, self.service_admin):
            mine = assignment.with_user(user)
            self.assertEqual(mine.group, assignment.group, "readable")
            with self.assertRaises(AccessError):
                mine.write({"group": "cared" if assignment.group == "held_back" else "held_back"})
            with self.assertRaises(AccessError):
                mine.unlink()
            with self.assertRaises(AccessError):
                self.Assignment.with_user(user).create(
                    {
                        "plan_id": self.plan.id,
                        "commercial_partner_id": self.other_customer.id,
                        "group": "cared",
                        "order_id": order.id,
                        "trigger_date": "2026-11-20",
                    }
                )
        self.assertEqual(assignment.exists(), assignment)
        # Another company's user does not see this company's groups.
        self.plan.company_id = self.company
        self.assertFalse(
            self.Assignment.with_user(self.other_company_user).search([("id", "=", assignment.id)])
        )
        # Deleting the triggering order (cancelled) keeps the customer's group.
        order._action_cancel()
        order.unlink()
        self.assertTrue(assignment.exists())
        self.assertFalse(assignment.order_id)
