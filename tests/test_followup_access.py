from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestFollowupAccess(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.plan = cls._create_plan("Care", [{"name": "Call", "delay_count": 7}])
        cls.shared_plan = cls._create_plan(
            "Shared", [{"name": "Shared call", "delay_count": 7}], company_id=False
        )
        cls.order = cls._create_order(cls.customer, [(cls.product_kit, 1)], confirm=True)
        cls.other_order = cls._create_order(
            cls.other_customer, [(cls.product_kit, 1)], user=cls.other_salesman, confirm=True
        )
        cls.followups = (cls.order | cls.other_order).followup_ids

    def test_salesperson_follows_up_but_does_not_configure(self):
        Followup = self.env["service.followup"].with_user(self.salesman)
        # Restricted to his own documents: the follow-ups of his own orders.
        self.assertEqual(
            Followup.search([("id", "in", self.followups.ids)]), self.order.followup_ids
        )
        followup = self.order.followup_ids[:1].with_user(self.salesman)
        followup.planned_date = "2026-12-24"
        with self.assertRaises(AccessError):
            Followup.create(
                {
                    "order_id": self.order.id,
                    "plan_id": self.plan.id,
                    "step_id": self.plan.step_ids.id,
                    "trigger": "order_confirmed",
                    "planned_date": "2026-12-01",
                }
            )
        with self.assertRaises(AccessError):
            followup.unlink()
        with self.assertRaises(AccessError):
            self.plan.with_user(self.salesman).name = "Mine"
        with self.assertRaises(AccessError):
            self.plan.step_ids.with_user(self.salesman).delay_count = 1

    def test_service_user_sees_every_followup_and_closes_them(self):
        Followup = self.env["service.followup"].with_user(self.service_user)
        self.assertEqual(Followup.search([("id", "in", self.followups.ids)]), self.followups)
        followup = self.other_order.followup_ids[:1].with_user(self.service_user)
        followup._close(feedback="<p>Called, all fine.</p>", satisfaction="5")
        self.assertEqual(followup.state, "done")
        self.assertEqual(followup.done_by_id, self.service_user)
        with self.assertRaises(AccessError):
            self.plan.with_user(self.service_user).unlink()

    def test_administrator_configures_plans(self):
        plan = (
            self.env["service.followup.plan"]
            .with_user(self.service_admin)
            .create(
                {"name": "Premium care", "step_ids": [(0, 0, {"name": "Visit", "delay_count": 30})]}
            )
        )
        plan.step_ids.delay_count = 31
        plan.unlink()

    def test_other_company_sees_neither_followups_nor_plans(self):
        user = self.other_company_user
        self.assertFalse(
            self.env["service.followup"].with_user(user).search([("id", "in", self.followups.ids)])
        )
        plans = self.env["service.followup.plan"].with_user(user).search([])
        self.assertIn(self.shared_plan, plans)
        self.assertNotIn(self.plan, plans)
        other_order = self._create_order(
            self.env["res.partner"].create({"name": "Other Co Customer"}),
            [(self.product_kit, 1)],
            user=user,
            company_id=self.other_company.id,
        )
        other_order.with_user(user).with_company(self.other_company).action_confirm()
        self.assertEqual(other_order.followup_ids.plan_id, self.shared_plan)
