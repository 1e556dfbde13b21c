from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestFollowupFaults(AfterSalesCommon):
    """Bad input and faults: what a careless administrator or a departure does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.call = cls.env.ref("mail.mail_activity_data_call")
        cls.partner_template = cls.env["mail.template"].create(
            {
                "name": "Partner newsletter",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "subject": "News",
                "body_html": "<p>Hello {{ object.name }}</p>",
            }
        )

    def _followup(self, order, name):
        return order.followup_ids.filtered(lambda f: f.name == name)

    # Item 4: e-mail templates and activity types of another model ----------

    def test_step_refuses_a_template_or_activity_type_of_another_model(self):
        with self.assertRaisesText(ValidationError, "sales order template"):
            self._create_plan(
                "Wrong template",
                [
                    {
                        "name": "Mail",
                        "create_activity": False,
                        "send_mail": True,
                        "mail_template_id": self.partner_template.id,
                    }
                ],
            )
        partner_activity = self.env["mail.activity.type"].create(
            {"name": "Partner only", "res_model": "res.partner"}
        )
        with self.assertRaisesText(ValidationError, "activity type"):
            self._create_plan(
                "Wrong type", [{"name": "Call", "activity_type_id": partner_activity.id}]
            )

    @freeze_time("2026-11-20 10:00:00")
    def test_template_switched_to_another_model_fails_instead_of_mailing_a_stranger(self):
        template = self.env["mail.template"].create(
            {
                "name": "Our thanks",
                "model_id": self.env["ir.model"]._get_id("sale.order"),
                "subject": "Thank you",
                "partner_to": "{{ object.partner_id.id }}",
                "body_html": "<p>Thank you for your order.</p>",
            }
        )
        self._create_plan(
            "Thanks",
            [
                {
                    "name": "Thanks",
                    "create_activity": False,
                    "send_mail": True,
                    "mail_template_id": template.id,
                }
            ],
        )
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        # Later, someone points the template at contacts: rendered on the
        # contact whose id is the order's, it would mail a stranger.
        template.write(
            {
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "partner_to": "{{ object.id }}",
            }
        )
        self._run_followup_cron()
        followup = self._followup(order, "Thanks")
        self.assertEqual(followup.state, "failed")
        self.assertIn("not for sales orders", followup.failure_reason)
        self.assertIn("Our thanks", followup.failure_reason)
        self.assertFalse(self.env["mail.mail"].search([("subject", "=", "Thank you")]))

    # Item 5: delays and numbers ---------------------------------------------

    def test_absurd_delays_are_refused_with_a_clear_message(self):
        for delay, unit in (
            (2147483647, "days"),
            (3000000, "days"),
            (1000000, "months"),
            (4000, "days"),
            (121, "months"),
        ):
            with (
                self.subTest(delay=delay, unit=unit),
                self.assertRaisesText(ValidationError, "at most ten years"),
            ):
                self._create_plan(
                    "Far", [{"name": "Later", "delay_count": delay, "delay_unit": unit}]
                )
        plan = self._create_plan(
            "Fine", [{"name": "In ten years", "delay_count": 120, "delay_unit": "months"}]
        )
        with self.assertRaises(ValidationError):
            plan.step_ids.delay_count = 10**12
        # An order matching the longest plan is confirmed normally.
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        self.assertEqual(order.followup_ids.planned_date.year, date.today().year + 10)

    def test_handover_reminder_delay_has_a_range(self):
        for days in (10**9, 366, -1, 10**12):
            with self.subTest(days=days), self.assertRaisesText(ValidationError, "0 to 365"):
                self.company.handover_reminder_days = days
        with self.assertRaises(ValidationError):
            settings = Form(self.env["res.config.settings"])
            settings.handover_reminder_days = 10**9
            settings.save().execute()
        self.company.handover_reminder_days = 30
        # The "late" filter and the reminder cron work with the largest delay.
        self.company.handover_reminder_days = 365
        self.env["sale.order"].search([("handover_is_late", "=", True)])
        self.env["sale.order"]._cron_remind_handover()

    def test_applying_a_plan_from_a_date_at_the_end_of_time_says_so(self):
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        plan = self._create_plan(
            "Yearly", [{"name": "Maintenance", "delay_count": 12, "delay_unit": "months"}]
        )
        wizard = self.env["service.followup.apply.wizard"].create(
            {"order_ids": [Command.set(order.ids)], "plan_id": plan.id, "start_date": "9999-06-01"}
        )
        with self.assertRaisesText(UserError, "outside the dates Odoo can store"):
            wizard.action_apply()
        self.assertFalse(order.followup_ids)

    def test_typos_in_the_system_parameters_do_not_stop_the_cron(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("sale_after_sales.followup_batch_size", "two hundred")
        params.set_param("sale_after_sales.followup_max_attempts", "-4")
        Followup = self.env["service.followup"]
        with self.assertLogs(
            "odoo.addons.sale_after_sales.models.service_followup_execution", "WARNING"
        ):
            self.assertEqual(Followup._get_batch_size(), 1000)
        with self.assertLogs(
            "odoo.addons.sale_after_sales.models.service_followup_execution", "WARNING"
        ):
            self.assertEqual(Followup._get_max_attempts(), 3)

    # Item 6: filters with uid ------------------------------------------------

    def test_order_filters_use_odoos_evaluation_context(self):
        # As Odoo's domain editor writes "my orders".
        plan = self._create_plan(
            "My orders", [{"name": "Call"}], order_domain="[('user_id', '=', uid)]"
        )
        mine = self._create_order(self.customer, [(self.product_machine, 1)])
        mine.with_user(self.salesman).action_confirm()
        self.assertTrue(mine.followup_ids.filtered(lambda f: f.plan_id == plan))
        # Confirmed by someone else: not "my" order for the one confirming.
        theirs = self._create_order(self.customer, [(self.product_machine, 1)])
        theirs.action_confirm()
        self.assertFalse(theirs.followup_ids.filtered(lambda f: f.plan_id == plan))
        check = self.env["service.handover.check"].create(
            {
                "name": "Recent",
                "order_domain": "[('date_order', '>=', "
                "(context_today() - relativedelta(days=30)).strftime('%Y-%m-%d'))]",
            }
        )
        self.assertFalse(check._get_order_domain_error())
        with self.assertRaisesText(ValidationError, "not valid"):
            self._create_plan(
                "Broken", [{"name": "Call"}], order_domain="[('user_id', '=', nobody)]"
            )

    # Item 7: a template that fails to render ---------------------------------

    @freeze_time("2026-11-20 10:00:00")
    def test_render_failure_names_step_template_and_cause(self):
        self._create_shipping_note_plan()
        order = self._create_order(self.other_customer, [(self.product_machine, 1)], confirm=True)
        self._run_followup_cron()
        followup = self._followup(order, "Shipping tips")
        self.assertEqual(followup.state, "failed")
        reason = followup.failure_reason
        self.assertIn("Step 'Shipping tips' of plan 'Shipping'", reason)
        self.assertIn("template 'Shipping note'", reason)
        self.assertIn(order.name, reason)
        self.assertIn("'bool' object has no attribute 'upper'", reason)
        self.assertNotIn("<p>", reason, "not the template's source")
        self.assertNotIn("Traceback", reason)

    # Item 8: archived or foreign assignees ------------------------------------

    @freeze_time("2026-11-20 10:00:00")
    def test_archived_fixed_user_hands_the_followup_to_the_next_candidate(self):
        leaver = new_test_user(
            self.env, login="saa_leaver", groups="sales_team.group_sale_salesman"
        )
        self._create_plan(
            "Fixed", [{"name": "Call", "responsible_type": "other", "responsible_id": leaver.id}]
        )
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        followup = self._followup(order, "Call")
        self.assertEqual(followup.user_id, leaver)
        leaver.active = False
        self.assertEqual(followup.user_id, self.salesman, "moved to the salesperson")
        self._run_followup_cron()
        self.assertEqual(followup.state, "due")
        self.assertEqual(followup.activity_id.user_id, self.salesman)

    @freeze_time("2026-11-20 10:00:00")
    def test_archiving_the_assignee_of_a_due_followup_moves_its_activity(self):
        plan_owner = new_test_user(
            self.env, login="saa_owner", groups="sales_team.group_sale_salesman"
        )
        self._create_plan(
            "Owned", [{"name": "Call", "responsible_type": "salesperson"}], user_id=plan_owner.id
        )
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        self._run_followup_cron()
        followup = self._followup(order, "Call")
        self.assertEqual(followup.activity_id.user_id, self.salesman)
        self.salesman.action_archive()
        self.assertEqual(followup.state, "due", "not cancelled with the user's activities")
        self.assertEqual(followup.user_id, plan_owner)
        self.assertEqual(followup.activity_id.user_id, plan_owner)

    @freeze_time("2026-11-20 10:00:00")
    def test_followup_nobody_can_take_fails_with_the_reason(self):
        self._create_plan("Alone", [{"name": "Call"}])
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        followup = self._followup(order, "Call")
        self.salesman.active = False
        self.assertEqual(followup.state, "failed")
        self.assertIn("Sally Sales was archived", followup.failure_reason)
        # Tried again later: still nobody, still said why, no activity.
        with freeze_time("2026-11-20 12:00:00"):
            self._run_followup_cron()
        self.assertEqual(followup.state, "failed")
        self.assertIn("archived or not users of", followup.failure_reason)
        self.assertFalse(followup.activity_id)

    @freeze_time("2026-11-20 10:00:00")
    def test_user_of_another_company_is_not_an_assignee(self):
        foreign = self.other_company_user
        # A plan of this company refuses him at once...
        with self.assertRaisesText(UserError, "company"):
            self._create_plan(
                "Foreign",
                [{"name": "Call", "responsible_type": "other", "responsible_id": foreign.id}],
            )
        # ...a plan shared by every company gives his follow-ups here to the next candidate.
        self._create_plan(
            "Shared",
            [{"name": "Call", "responsible_type": "other", "responsible_id": foreign.id}],
            company_id=False,
        )
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        self.assertEqual(self._followup(order, "Call").user_id, self.salesman)

    # Item 9: the service responsible ------------------------------------------

    @freeze_time("2026-11-20 10:00:00")
    def test_service_responsible_steps_go_to_the_service_department(self):
        self._create_plan("Service", [{"name": "Visit", "responsible_type": "service_responsible"}])
        self.company.handover_default_user_id = self.service_user
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        self.assertEqual(self._followup(order, "Visit").user_id, self.service_user)

        colleague = new_test_user(
            self.env, login="saa_service2", groups="sale_after_sales.group_after_sales_user"
        )
        other = self._create_order(
            self.customer, [(self.product_machine, 1)], service_user_id=colleague.id
        )
        other.action_confirm()
        self.assertEqual(self._followup(other, "Visit").user_id, colleague)
        self.assertEqual(other._get_service_responsible(), colleague)

    def test_shipped_maintenance_reminder_goes_to_the_service_responsible(self):
        step = self.env.ref("sale_after_sales.followup_step_maintenance")
        step.plan_id.active = True
        self.company.handover_default_user_id = self.service_user
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        reminder = order.followup_ids.filtered(lambda f: f.step_id == step)
        self.assertEqual(reminder.user_id, self.service_user)

    # Item 10: the follow-up's buttons -------------------------------------------

    def test_sales_order_button_of_a_followup_opens_the_order(self):
        self._create_plan("Call", [{"name": "Call"}])
        order = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        action = self._followup(order, "Call").with_user(self.salesman).action_open_order()
        self.assertEqual(action["res_model"], "sale.order")
        self.assertEqual(action["res_id"], order.id)
