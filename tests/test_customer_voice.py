import re

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


class CustomerVoiceCommon(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.company.handover_default_user_id = cls.service_user
        cls.rating_template = cls.env.ref("sale_after_sales.mail_template_followup_rating")
        cls.plan = cls._create_plan(
            "Satisfaction",
            [
                {
                    "name": "How satisfied?",
                    "create_activity": True,
                    "ask_rating": True,
                    "rating_template_id": cls.rating_template.id,
                    "rating_reminder_days": 3,
                    "rating_close_days": 7,
                }
            ],
        )

    def _rated_followup(self):
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        self._run_followup_cron()
        return order.followup_ids

    def _rating_mails(self, followup):
        return self.env["mail.mail"].search(
            [("model", "=", "service.followup"), ("res_id", "=", followup.id)]
        )


@tagged("post_install", "-at_install")
class TestCustomerRating(HttpCase, CustomerVoiceCommon):
    def test_the_customer_rates_from_the_email_through_odoos_rating_page(self):
        with freeze_time("2026-11-20 10:00:00"):
            followup = self._rated_followup()
        self.assertEqual((followup.state, followup.answer_state), ("due", "waiting"))
        self.assertFalse(followup.activity_id, "e-mailed: no call needed")
        mail = self._rating_mails(followup)
        self.assertEqual(mail.recipient_ids, self.customer)
        token = followup.rating_ids.access_token
        self.assertIn(f"/rate/{token}/1", mail.body_html)

        # One click on "Unhappy", then a comment: Odoo's own pages, as the public user.
        page = self.url_open(f"/rate/{token}/1")
        self.assertEqual(page.status_code, 200)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        answer = self.url_open(
            f"/rate/{token}/submit_feedback",
            data={"rate": 1, "feedback": "The machine leaks.", "csrf_token": csrf},
        )
        self.assertEqual(answer.status_code, 200)

        self.assertEqual(followup.state, "done")
        self.assertEqual(followup.answer_state, "answered")
        self.assertEqual(followup.satisfaction, "1")
        self.assertFalse(followup.done_by_id, "done by the customer, not a user")
        entry = followup.order_id.service_history_ids.filtered(
            lambda h: h.type_id.code == "followup"
        )
        self.assertEqual((entry.source, entry.satisfaction), ("customer", "1"))
        self.assertIn("leaks", entry.outcome)
        # No unhappy answer left alone: a complaint for the service responsible.
        case = followup.case_id
        self.assertEqual(case.type_id.code, "complaint")
        self.assertEqual(case.case_state, "open")
        self.assertEqual(case.owner_id, self.service_user)
        self.assertTrue(case.deadline)
        self.assertIn("leaks", case.description)
        self.assertEqual(case.activity_ids.user_id, self.service_user)

    def test_the_customer_answers_in_the_browser(self):
        """The link of the e-mail, followed in a browser by someone not
        logged in: Odoo's rating page, the comment typed and sent."""
        self.company.phone = "+32 2 555 01 01"
        followup = self._rated_followup()
        token = followup.rating_ids.access_token
        self.start_tour(f"/rate/{token}/1", "sale_after_sales_rating_answer_tour", login=None)
        self.assertEqual((followup.state, followup.answer_state), ("done", "answered"))
        self.assertEqual(followup.satisfaction, "1")
        self.assertIn("leaks", followup.case_id.description)
        self.assertEqual(followup.case_id.owner_id, self.service_user)

    def test_a_token_of_nothing_gives_nothing(self):
        page = self.url_open("/rate/not-a-token/5")
        self.assertNotEqual(page.status_code, 200)


@tagged("post_install", "-at_install")
class TestCustomerVoice(CustomerVoiceCommon):
    def test_a_low_score_typed_by_staff_opens_a_complaint_too(self):
        followup = self._rated_followup()
        wizard = (
            self.env["service.followup.done.wizard"]
            .with_user(self.salesman)
            .create(
                {
                    "followup_ids": [(6, 0, followup.ids)],
                    "satisfaction": "2",
                    "feedback": "<p>Too loud</p>",
                }
            )
        )
        wizard.action_done()
        self.assertEqual(followup.case_id.owner_id, self.service_user)
        self.assertEqual(followup.case_id.source, "staff")

    def test_a_happy_score_opens_nothing(self):
        followup = self._rated_followup()
        followup._close(satisfaction="4")
        self.assertFalse(followup.case_id)

    def test_no_answer_gets_one_reminder_then_closes_as_no_answer(self):
        with freeze_time("2026-11-20 10:00:00"):
            followup = self._rated_followup()
        with freeze_time("2026-11-22 10:00:00"):
            self._run_followup_cron()
        self.assertEqual(len(self._rating_mails(followup)), 1, "not yet")
        with freeze_time("2026-11-23 11:00:00"):
            self._run_followup_cron()
            self._run_followup_cron()
        self.assertEqual(len(self._rating_mails(followup)), 2, "one reminder, once")
        self.assertTrue(followup.rating_reminded_date)
        with freeze_time("2026-11-27 11:00:00"):
            self._run_followup_cron()
        self.assertEqual((followup.state, followup.answer_state), ("done", "no_answer"))
        self.assertEqual(followup.satisfaction, "0", "not a bad score")
        self.assertFalse(followup.case_id)

    def test_ratings_of_a_batch_each_go_to_their_customer(self):
        """Rating requests go out a batch at a time: each customer gets his own
        links and order, in his language's batch."""
        self.env.ref("base.lang_fr").active = True
        self.other_customer.lang = "fr_FR"
        with freeze_time("2026-11-20 10:00:00"):
            orders = self._create_order(
                self.customer, [(self.product_machine, 1)], confirm=True
            ) | self._create_order(self.other_customer, [(self.product_kit, 1)], confirm=True)
            self._run_followup_cron()
        for order in orders:
            followup = order.followup_ids
            (mail,) = self._rating_mails(followup)
            self.assertEqual(mail.recipient_ids, order.partner_id)
            self.assertIn(order.name, mail.subject)
            self.assertIn(f"/rate/{followup.rating_ids.access_token}/5", mail.body_html)
            # His answer by e-mail comes back to the follow-up, as Odoo's notifications.
            expected = followup._notify_get_reply_to(default=mail.email_from)[followup.id]
            self.assertEqual(mail.reply_to, expected)
        self.assertNotEqual(*orders.followup_ids.rating_ids.mapped("access_token"))

    def test_a_reminder_that_fails_to_render_fails_its_followup_only(self):
        with freeze_time("2026-11-20 10:00:00"):
            bad = self._rated_followup()
            good = self._rated_followup()
        # The template now shows the customer's reference (checked on save
        # against a follow-up), which one order then loses.
        (good | bad).order_id.client_order_ref = "PO-7"
        self.rating_template.body_html = (
            '<p>Your reference: <t t-out="object.order_id.client_order_ref.upper()"/></p>'
        )
        bad.order_id.client_order_ref = False
        with freeze_time("2026-11-23 11:00:00"):
            self._run_followup_cron()
        self.assertEqual(len(self._rating_mails(good)), 2, "reminded")
        self.assertIn("PO-7", self._rating_mails(good).sorted("id")[-1].body_html)
        self.assertEqual(bad.state, "failed")
        self.assertIn(self.rating_template.name, bad.failure_reason)
        self.assertEqual(len(self._rating_mails(bad)), 1, "no reminder half-sent")

    def test_a_customer_who_lost_his_email_is_not_reminded_but_still_closed(self):
        with freeze_time("2026-11-20 10:00:00"):
            followup = self._rated_followup()
        self.customer.email = False
        with freeze_time("2026-11-23 11:00:00"):
            self._run_followup_cron()  # ends: the follow-up it cannot remind is left waiting
        self.assertEqual(len(self._rating_mails(followup)), 1)
        self.assertFalse(followup.rating_reminded_date)
        self.assertEqual(followup.answer_state, "waiting")
        with freeze_time("2026-11-27 11:00:00"):
            self._run_followup_cron()
        self.assertEqual((followup.state, followup.answer_state), ("done", "no_answer"))

    def test_customers_without_email_get_the_call(self):
        self.other_customer.email = False
        order = self._create_order(self.other_customer, [(self.product_machine, 1)], confirm=True)
        self._run_followup_cron()
        followup = order.followup_ids
        self.assertEqual(followup.state, "due")
        self.assertTrue(followup.activity_id, "a call instead of the rating e-mail")
        self.assertFalse(followup.answer_state)

    def test_stop_conditions_skip_and_say_why(self):
        thank_you = self._create_plan(
            "Thanks",
            [
                {
                    "name": "Thank you",
                    "create_activity": False,
                    "send_mail": True,
                    "mail_template_id": self.env.ref(
                        "sale_after_sales.mail_template_followup_thank_you"
                    ).id,
                    "open_complaint_policy": "skip",
                }
            ],
        )
        # An open complaint: the thank-you waits.
        self._create_history(
            self.customer, type_id=self.env.ref("sale_after_sales.history_type_complaint").id
        )
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        self._run_followup_cron()
        thanks = order.followup_ids.filtered(lambda f: f.plan_id == thank_you)
        self.assertEqual(thanks.state, "skipped")
        self.assertIn("open complaint", thanks.failure_reason)
        # Blacklisted: nothing e-mailed, the rating step falls back on the call.
        self.env["mail.blacklist"].sudo()._add(self.other_customer.email)
        order = self._create_order(self.other_customer, [(self.product_machine, 1)], confirm=True)
        self._run_followup_cron()
        thanks = order.followup_ids.filtered(lambda f: f.plan_id == thank_you)
        self.assertEqual(thanks.state, "skipped")
        self.assertIn("blacklist", thanks.failure_reason)
        rating = order.followup_ids.filtered(lambda f: f.plan_id == self.plan)
        self.assertTrue(rating.activity_id)
        self.assertFalse(self._rating_mails(rating))
        self.assertFalse(
            self.env["mail.mail"].search([("recipient_ids", "in", self.other_customer.ids)])
        )
        # Opted out of after-sales e-mails.
        nina = self.env["res.partner"].create(
            {"name": "Nina", "email": "nina@example.com", "service_email_opt_out": True}
        )
        order = self._create_order(nina, [(self.product_machine, 1)], confirm=True)
        self._run_followup_cron()
        thanks = order.followup_ids.filtered(lambda f: f.plan_id == thank_you)
        self.assertIn("opted out", thanks.failure_reason)

    def test_case_lifecycle(self):
        repair = self._create_history(
            self.customer, type_id=self.env.ref("sale_after_sales.history_type_repair").id
        )
        self.assertEqual(repair.case_state, "open")
        self.assertTrue(repair.deadline)
        with self.assertRaises(UserError):
            repair.with_user(self.service_user).write({"case_state": "resolved"})
        repair.with_user(self.service_user).action_case_start()
        self.assertEqual((repair.case_state, repair.owner_id), ("in_progress", self.service_user))
        with self.assertRaisesText(UserError, "Resolution"):
            repair.with_user(self.service_user).action_case_resolve()
        repair.resolution = "<p>Pump replaced.</p>"
        repair.with_user(self.service_user).action_case_resolve()
        self.assertEqual(repair.case_state, "resolved")
        self.assertTrue(repair.resolved_date)
        repair.action_case_reopen()
        self.assertEqual(repair.case_state, "open")
        repair.action_case_cancel()
        self.assertEqual(repair.case_state, "cancelled")
        with freeze_time("2030-01-01"):
            late = self._create_history(
                self.customer,
                type_id=self.env.ref("sale_after_sales.history_type_complaint").id,
                deadline="2029-12-30",
            )
            self.assertIn(late, self.env["service.history"].search([("is_late", "=", True)]))
        call = self._create_history(
            self.customer, type_id=self.env.ref("sale_after_sales.history_type_call").id
        )
        self.assertFalse(call.case_state, "a call is not a case")

    def test_reporting_counts_cases_and_the_response_rate(self):
        with freeze_time("2026-11-02 09:00:00"):
            unhappy = self._rated_followup()
            unhappy._close(satisfaction="1")  # a complaint, from a follow-up
            silent = self._rated_followup()
            happy = self._rated_followup()
            happy._close(satisfaction="5", by_customer=True)
            repair = self._create_history(
                self.customer,
                type_id=self.env.ref("sale_after_sales.history_type_repair").id,
                deadline="2026-11-03",
            )
        with freeze_time("2026-11-09 09:00:00"):
            silent._close(no_answer=True)
        with freeze_time("2026-11-05 09:00:00"):
            repair.resolution = "<p>Done.</p>"
            repair.action_case_resolve()  # 3 days, 2 days late
        self.env.flush_all()
        Case = self.env["service.case.report"]
        [[count, from_followups, resolved, late, days]] = Case._read_group(
            [("case_id", "in", (unhappy.case_id | repair).ids)],
            [],
            [
                "case_count:sum",
                "from_followup_count:sum",
                "resolved_count:sum",
                "late_count:sum",
                "days_to_resolve:avg",
            ],
        )
        self.assertEqual((count, from_followups, resolved), (2, 1, 1))
        # The repair was resolved after its deadline; the complaint is still open past its own.
        self.assertEqual(late, 2)
        self.assertAlmostEqual(days, 3.0)
        Report = self.env["service.followup.report"]
        [[asked, answered, no_answer, rate]] = Report._read_group(
            [("followup_id", "in", (unhappy | silent | happy).ids)],
            [],
            [
                "rating_asked_count:sum",
                "answered_count:sum",
                "no_answer_count:sum",
                "response_rate:avg",
            ],
        )
        self.assertEqual((asked, answered, no_answer), (3, 2, 1))
        self.assertAlmostEqual(rate, 200 / 3)
