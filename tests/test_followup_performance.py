from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestFollowupPerformance(AfterSalesCommon):
    """The scheduled action's cost per batch does not grow with the batch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.product_machine.after_sales_advice = "<p>Descale every three months.</p>"
        cls._create_plan(
            "Care",
            [
                {
                    "name": "Thank you",
                    "create_activity": False,
                    "send_mail": True,
                    "mail_template_id": cls.env.ref(
                        "sale_after_sales.mail_template_followup_thank_you"
                    ).id,
                },
                {"name": "Welcome call", "summary": "Welcome call"},
            ],
        )

    def _due_followups(self, count):
        customers = self.env["res.partner"].create(
            [{"name": f"Customer {i}", "email": f"customer{i}@example.com"} for i in range(count)]
        )
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": customer.id,
                    "user_id": self.salesman.id,
                    "order_line": [(0, 0, {"product_id": self.product_machine.id})],
                }
                for customer in customers
            ]
        )
        orders.action_confirm()
        self.env.flush_all()
        self.env.invalidate_all()
        return self.env["service.followup"].search([("order_id", "in", orders.ids)])

    def _queries(self, followups):
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        followups._process()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    @freeze_time("2026-11-20 10:00:00")
    def test_queries_per_batch_do_not_depend_on_its_size(self):
        self._queries(self._due_followups(2))  # warm the caches (templates, views)
        small = self._queries(self._due_followups(3))
        large = self._queries(self._due_followups(15))
        self.assertEqual(small, large)

    @freeze_time("2026-11-20 10:00:00")
    def test_rating_requests_and_reminders_cost_the_same_for_any_batch(self):
        """Rating requests go out as the steps' e-mails do (Odoo's own
        ``rating_send_request`` posts and notifies a record at a time: about 24
        queries each, ``make bench``); their reminders too."""
        self.env["service.followup.plan"].search([]).active = False
        self._create_plan(
            "Rating",
            [
                {
                    "name": "How satisfied?",
                    "create_activity": False,
                    "ask_rating": True,
                    "rating_template_id": self.env.ref(
                        "sale_after_sales.mail_template_followup_rating"
                    ).id,
                }
            ],
        )
        self._queries(self._due_followups(2))  # warm the caches (templates, views)
        small, large = self._due_followups(3), self._due_followups(15)
        self.assertEqual(self._queries(small), self._queries(large))
        self.assertEqual(set((small | large).mapped("answer_state")), {"waiting"})
        self.assertEqual(len((small | large).rating_ids), 18)

        Followup = self.env["service.followup"]
        queries = []
        for followups in (small, large):
            with freeze_time("2026-11-24 10:00:00"):
                self.env.invalidate_all()
                before = self.cr.sql_log_count
                Followup.browse(followups.ids)._process_rating_wait_batch()
                self.env.flush_all()
                queries.append(self.cr.sql_log_count - before)
            self.assertTrue(all(followups.mapped("rating_reminded_date")))
        self.assertEqual(queries[0], queries[1])

    @freeze_time("2026-11-20 10:00:00")
    def test_one_batch_of_followups_is_a_bounded_number_of_queries(self):
        self._queries(self._due_followups(2))  # warm the caches (templates, views)
        followups = self._due_followups(10)
        self.env.invalidate_all()
        # 20 follow-ups: 10 e-mails rendered and queued, 10 activities created.
        # 38 before 19.0.2.0.0; per batch: +1 the assignees checked, +1 the due column
        # stored, +1 the blacklist read (who may be e-mailed), +1 the documents'
        # aliases (the reply-to of the e-mails); -1 the activities' document
        # name and time zone inserted with them, not updated after.
        with self.assertQueryCount(41):
            followups._process()
            self.env.flush_all()
        self.assertEqual(set(followups.mapped("state")), {"done", "due"})
        self.assertEqual(len(followups.activity_id), 10)
        self.assertEqual(len(followups.mail_message_id), 10)

    @freeze_time("2026-11-20 10:00:00")
    def test_activities_show_their_document_and_assignee_time_zone(self):
        """Computed before the insert (one query less a batch), the activities'
        document name and time zone are Odoo's: the order's name, the
        assignee's time zone; so are those of an activity planned by hand."""
        self.salesman.tz = "Europe/Brussels"
        followups = self._due_followups(3)
        followups._process()
        activities = followups.activity_id
        self.assertEqual(len(activities), 3)
        self.env.invalidate_all()
        for activity in activities:
            order = self.env["sale.order"].browse(activity.res_id)
            self.assertEqual(activity.res_name, order.display_name)
            self.assertEqual(activity.user_tz, "Europe/Brussels")
        order = followups.order_id[0]
        by_hand = order.with_user(self.salesman).activity_schedule(
            "mail.mail_activity_data_todo", summary="Call back", user_id=self.salesman.id
        )
        self.assertEqual(by_hand.res_name, order.display_name)
        self.assertEqual(by_hand.user_tz, "Europe/Brussels")
        # Moved to another document, the activity names it, as in Odoo.
        other = followups.order_id[1]
        by_hand.sudo().res_id = other.id
        self.assertEqual(by_hand.res_name, other.display_name)

    @freeze_time("2026-11-20 10:00:00")
    def test_each_email_links_to_its_own_order_in_the_portal(self):
        """Rendered in one batch, each thank-you e-mail shows its own order's
        portal link (the token Odoo gives the order on first use)."""
        followups = self._due_followups(4)
        orders = followups.order_id
        self.assertFalse(any(orders.mapped("access_token")))
        followups._process()
        self.env.invalidate_all()
        tokens = orders.mapped("access_token")
        self.assertTrue(all(tokens))
        self.assertEqual(len(set(tokens)), 4)
        for order in orders:
            mail = self.env["mail.mail"].search(
                [("model", "=", "sale.order"), ("res_id", "=", order.id)]
            )
            self.assertIn(f"access_token={order.access_token}", mail.body_html)
            for other in orders - order:
                self.assertNotIn(other.access_token, mail.body_html)

    @freeze_time("2026-11-20 10:00:00")
    def test_email_template_compiled_once_per_batch_same_email(self):
        template = self.env.ref("sale_after_sales.mail_template_followup_thank_you")
        orders = self.env["sale.order"]
        for _index in range(6):
            orders |= self._create_order(self.customer, [(self.product_machine, 1)])
        plan = self._create_plan(
            "Thanks",
            [
                {
                    "name": "Thank you",
                    "create_activity": False,
                    "send_mail": True,
                    "mail_template_id": template.id,
                }
            ],
        )
        # What the customer saw before: rendered without the batch cache.
        expected = template._render_field("body_html", orders.ids, compute_lang=True)
        orders.action_confirm()
        followups = orders.followup_ids.filtered(lambda f: f.plan_id == plan)
        IrQweb = type(self.env["ir.qweb"])
        compiled = []
        original = IrQweb._generate_code_uncached

        def counting(qweb, template_arg):
            compiled.append(template_arg)
            return original(qweb, template_arg)

        with patch.object(IrQweb, "_generate_code_uncached", counting):
            followups._process()
        inline = [t for t in compiled if not isinstance(t, (int, str))]
        self.assertLessEqual(len(inline), 2, "the body compiled once for 6 e-mails, not 6 times")
        mails = self.env["mail.mail"].search(
            [("mail_message_id", "in", followups.mail_message_id.ids)]
        )
        self.assertEqual(len(mails), 6)
        for mail in mails:
            body = expected[mail.mail_message_id.res_id]
            self.assertIn(str(body), mail.body_html, "the e-mail: the body in the layout")
            # The order's chatter: the body alone, as Odoo's mass-mailing composer logs it.
            message = mail.mail_message_id
            self.assertEqual(
                str(message.body), str(message._fields["body"].convert_to_cache(body, message))
            )
            self.assertLess(len(message.body), len(mail.body_html))

    @freeze_time("2026-11-20 10:00:00")
    def test_one_failing_followup_in_a_large_batch_is_found_by_halving_it(self):
        """A follow-up failing outside its e-mail (here an integrator's override
        of the activity hook failing for one order) fails alone, with its
        reason; the batch is tried in halves to find it, not a follow-up at a
        time: 13 tries for 64 follow-ups, where there were 65."""
        self.env["service.followup.plan"].search([]).active = False
        self._create_plan("Calls", [{"name": "Welcome call"}])
        followups = self._due_followups(64)
        broken = followups[37]
        Followup = type(self.env["service.followup"])
        prepare, execute = Followup._prepare_activity_vals, Followup._execute
        tries = []

        def failing_prepare(followup):
            if followup == broken:
                raise UserError(followup.env._("The CRM refuses this customer."))
            return prepare(followup)

        def counting_execute(followups):
            tries.append(len(followups))
            return execute(followups)

        with (
            patch.object(Followup, "_prepare_activity_vals", failing_prepare),
            patch.object(Followup, "_execute", counting_execute),
        ):
            followups._process()
        self.env.flush_all()

        self.assertEqual(broken.state, "failed")
        self.assertIn("The CRM refuses this customer.", broken.failure_reason)
        self.assertIn("Welcome call", broken.failure_reason)
        self.assertFalse(broken.activity_id)
        others = followups - broken
        self.assertEqual(set(others.mapped("state")), {"due"})
        self.assertEqual(len(others.activity_id), 63)
        self.assertEqual(set(others.mapped("attempt_count")), {1})
        # The whole batch, then both halves of each failing part, first half first.
        self.assertEqual(tries, [64, 32, 32, 16, 8, 4, 4, 2, 1, 1, 2, 8, 16])

    @freeze_time("2026-11-20 10:00:00")
    def test_one_email_failing_to_render_costs_one_followup(self):
        self.env["service.followup.plan"].search([]).active = False
        self._create_shipping_note_plan()
        belgium = self.env.ref("base.be")

        def due(countries):
            customers = self.env["res.partner"].create(
                [
                    {"name": f"Customer {i}", "email": f"c{i}@example.com", "country_id": country}
                    for i, country in enumerate(countries)
                ]
            )
            orders = self.env["sale.order"].create(
                [
                    {
                        "partner_id": customer.id,
                        "order_line": [(0, 0, {"product_id": self.product_machine.id})],
                    }
                    for customer in customers
                ]
            )
            orders.action_confirm()
            self.env.flush_all()
            return orders.followup_ids

        self._queries(due([belgium.id] * 3))  # warm the caches
        clean = self._queries(due([belgium.id] * 10))
        followups = due([belgium.id] * 4 + [False] + [belgium.id] * 5)
        faulty = self._queries(followups)
        broken = followups.filtered(lambda f: not f.partner_id.country_id)
        self.assertEqual(broken.state, "failed")
        self.assertIn("'bool' object has no attribute 'upper'", broken.failure_reason)
        self.assertFalse(
            self.env["mail.message"].search(
                [
                    ("model", "=", "sale.order"),
                    ("res_id", "=", broken.order_id.id),
                    ("message_type", "=", "email_outgoing"),
                ]
            ),
            "no e-mail for the failing order",
        )
        sent = followups - broken
        self.assertEqual(set(sent.mapped("state")), {"done"})
        self.assertEqual(len(sent.mail_message_id), 9)
        # The failing follow-up: rendered alone, marked failed, its e-mail discarded.
        self.assertLessEqual(faulty, clean + 16, f"{faulty} queries against {clean} clean")
