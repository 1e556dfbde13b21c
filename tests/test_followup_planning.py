from datetime import date

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestFollowupPlanning(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Only this test's plans apply.
        cls.env["service.followup.plan"].search([]).active = False
        cls.plan = cls._create_plan(
            "Care",
            [
                {"name": "Thank you", "delay_count": 0},
                {"name": "Satisfaction call", "delay_count": 7},
                {"name": "Check-in", "delay_count": 2, "delay_unit": "weeks"},
                {"name": "Maintenance", "delay_count": 12, "delay_unit": "months"},
            ],
        )

    def _planned(self, order):
        return {(f.step_id.name, f.planned_date) for f in order.followup_ids}

    @freeze_time("2026-11-20 10:00:00")
    def test_confirmation_plans_every_step_in_days_weeks_and_months(self):
        order = self._create_order(self.contact_anna, [(self.product_machine, 1)], confirm=True)
        self.assertEqual(
            self._planned(order),
            {
                ("Thank you", date(2026, 11, 20)),
                ("Satisfaction call", date(2026, 11, 27)),
                ("Check-in", date(2026, 12, 4)),
                ("Maintenance", date(2027, 11, 20)),
            },
        )
        self.assertEqual(set(order.followup_ids.mapped("state")), {"planned"})
        self.assertEqual(order.followup_ids.user_id, self.salesman)
        self.assertEqual(order.followup_ids.partner_id, self.contact_anna)
        self.assertEqual(order.followup_ids.commercial_partner_id, self.customer)

    @freeze_time("2026-11-20 10:00:00")  # a Friday
    def test_working_days_skip_the_weekend(self):
        self.plan.active = False
        self._create_plan(
            "Working days",
            [
                {"name": "Next working day", "delay_count": 1, "working_days": True},
                {"name": "Three working days", "delay_count": 3, "working_days": True},
                {"name": "Same day", "delay_count": 0, "working_days": True},
            ],
        )
        order = self._create_order(self.customer, [(self.product_kit, 1)], confirm=True)
        self.assertEqual(
            self._planned(order),
            {
                ("Next working day", date(2026, 11, 23)),
                ("Three working days", date(2026, 11, 25)),
                ("Same day", date(2026, 11, 20)),
            },
        )

    def test_plans_apply_by_product_category_team_and_filter(self):
        self.plan.active = False
        category = self.env["product.category"].create({"name": "Machines"})
        subcategory = self.env["product.category"].create(
            {"name": "Espresso", "parent_id": category.id}
        )
        self.product_machine.categ_id = subcategory
        team = self.env["crm.team"].create({"name": "Professional"})
        step = [{"name": "Call", "delay_count": 1}]
        by_product = self._create_plan("Grinders", step, product_ids=self.product_grinder.ids)
        by_category = self._create_plan("Machines", step, product_categ_ids=category.ids)
        by_team = self._create_plan("Pro team", step, team_ids=team.ids)
        by_filter = self._create_plan(
            "Big orders", step, order_domain="[('amount_untaxed', '>', 1000)]"
        )

        machine = self._create_order(self.customer, [(self.product_machine, 1)], confirm=True)
        grinder = self._create_order(
            self.customer, [(self.product_grinder, 1)], confirm=True, team_id=team.id
        )
        kit = self._create_order(self.customer, [(self.product_kit, 1)], confirm=True)

        self.assertEqual(machine.followup_ids.plan_id, by_category | by_filter)
        self.assertEqual(grinder.followup_ids.plan_id, by_product | by_team)
        self.assertFalse(kit.followup_ids)

    def test_reconfirmation_and_cancellation_never_duplicate(self):
        order = self._create_order(self.customer, [(self.product_kit, 1)], confirm=True)
        self.assertEqual(len(order.followup_ids), 4)
        order._plan_followups("order_confirmed")
        self.assertEqual(len(order.followup_ids), 4)

        order._action_cancel()
        self.assertEqual(set(order.followup_ids.mapped("state")), {"cancelled"})
        order.action_draft()
        order.action_confirm()
        self.assertEqual(len(order.followup_ids), 4)
        self.assertEqual(set(order.followup_ids.mapped("state")), {"planned"})

    def test_assignee_follows_the_step_setting(self):
        self.plan.write({"user_id": self.service_user.id})
        steps = self.plan.step_ids.sorted("sequence")
        steps[1].responsible_type = "plan_responsible"
        steps[2].write({"responsible_type": "other", "responsible_id": self.service_admin.id})
        order = self._create_order(self.customer, [(self.product_kit, 1)], confirm=True)
        assignees = {f.step_id: f.user_id for f in order.followup_ids}
        self.assertEqual(assignees[steps[0]], self.salesman)
        self.assertEqual(assignees[steps[1]], self.service_user)
        self.assertEqual(assignees[steps[2]], self.service_admin)

    def test_bad_configuration_is_refused_with_clear_errors(self):
        cases = [
            ({"create_activity": False, "send_mail": False}, "does nothing"),
            ({"delay_count": -3}, "cannot be negative"),
            ({"send_mail": True}, "choose its template"),
            ({"responsible_type": "other"}, "choose the user"),
            ({"working_days": True, "delay_unit": "weeks"}, "working days"),
        ]
        for values, message in cases:
            with self.subTest(message=message), self.assertRaisesRegex(ValidationError, message):
                self.env["service.followup.plan.step"].create(
                    {"plan_id": self.plan.id, "name": "Bad", **values}
                )
        with self.assertRaisesRegex(ValidationError, "not valid"):
            self.plan.order_domain = "[('no_such_field', '=', 1)]"
