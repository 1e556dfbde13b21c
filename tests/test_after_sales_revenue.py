"""What after-sales earns: the orders brought by a gift, an offer or a
quotation made from a case carry their origin, and the After-Sales Revenue
analysis counts what was made, won, expired, and the revenue."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestAfterSalesRevenue(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.program = cls._create_gift_program()
        cls.plan = cls._create_plan(
            "Gift",
            [
                {
                    "name": "Coupon",
                    "create_activity": False,
                    "gift_program_id": cls.program.id,
                    "gift_condition": "any",
                }
            ],
        )
        cls.Report = cls.env["service.revenue.report"]

    def _rows(self, **domain):
        self.env.flush_all()
        self.Report.invalidate_model()  # an SQL view: read it again
        return self.Report.search([(key, "=", value) for key, value in domain.items()])

    def test_a_gift_used_brings_its_order_into_the_revenue(self):
        order = self._create_order(self.customer, [(self.product_kit, 1)], confirm=True)
        self._run_followup_cron()
        followup = order.followup_ids
        row = self._rows(kind="gift")
        self.assertEqual((row.sent_count, row.won_count, row.revenue), (1, 0, 0.0))
        self.assertEqual(row.plan_id, self.plan)
        next_order = self._create_order(self.customer, [(self.product_machine, 1)])
        ((coupon, rewards),) = next_order._try_apply_code(followup.loyalty_card_id.code).items()
        next_order._apply_program_reward(rewards, coupon)
        next_order.action_confirm()
        row = self._rows(kind="gift")
        self.assertEqual((row.won_count, row.conversion), (1, 100.0))
        self.assertAlmostEqual(row.revenue, next_order.amount_untaxed)
        self.assertAlmostEqual(next_order.amount_untaxed, 2450 * 0.9)

    def test_a_gift_never_used_expires_in_the_analysis(self):
        self._create_order(self.customer, [(self.product_kit, 1)], confirm=True)
        self._run_followup_cron()
        self.env["loyalty.card"].search([("program_id", "=", self.program.id)]).expiration_date = (
            fields.Date.today() - timedelta(days=1)
        )
        row = self._rows(kind="gift")
        self.assertEqual((row.won_count, row.expired_count), (0, 1))

    def test_a_quotation_made_from_a_complaint_counts_when_accepted(self):
        case = self._create_history(
            self.customer,
            type_id=self.env.ref("sale_after_sales.history_type_complaint").id,
            summary="The grinder is too loud",
        )
        action = case.with_user(self.salesman).action_create_quotation()
        quotation = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual(
            (quotation.after_sales_origin, quotation.after_sales_case_id, quotation.partner_id),
            ("complaint", case, self.customer),
        )
        with Form(quotation.with_user(self.salesman)) as form:
            with form.order_line.new() as line:
                line.product_id = self.product_grinder
        self.assertEqual(case.quotation_count, 1)
        row = self._rows(kind="complaint")
        self.assertEqual((row.case_id, row.won_count, row.revenue), (case, 0, 0.0))
        quotation.with_user(self.salesman).action_confirm()
        row = self._rows(kind="complaint")
        self.assertEqual(row.won_count, 1)
        self.assertAlmostEqual(row.revenue, 620.0)
        # A service request's quotation counts as a request.
        request = self._create_history(self.customer, type_id=self.repair_type.id)
        request.with_user(self.salesman).action_create_quotation()
        self.assertEqual(self._rows(kind="request").case_id, request)

    def test_only_a_case_gets_a_quotation_and_only_from_sales(self):
        entry = self._create_history(self.customer, type_id=self.sale_type.id)
        with self.assertRaises(UserError):
            entry.with_user(self.salesman).action_create_quotation()
        case = self._create_history(self.customer, type_id=self.repair_type.id)
        with self.assertRaises(AccessError):
            case.with_user(self.service_user).action_create_quotation()
        self.assertFalse(self.env["sale.order"].search([("after_sales_case_id", "=", case.id)]))

    def test_an_offer_accepted_or_expired(self):
        order = self._create_order(self.customer, [(self.product_kit, 1)], confirm=True)
        self._run_followup_cron()
        followup = order.followup_ids
        offer = self._create_order(self.customer, [(self.product_grinder, 1)])
        offer.validity_date = fields.Date.today() - timedelta(days=1)
        followup._workflow().offer_order_id = offer
        row = self._rows(kind="offer")
        self.assertEqual(
            (row.order_id, row.plan_id, row.expired_count, row.won_count), (offer, self.plan, 1, 0)
        )
        offer.action_confirm()
        row = self._rows(kind="offer")
        self.assertEqual((row.won_count, row.expired_count), (1, 0))
        self.assertAlmostEqual(row.revenue, 620.0)

    def test_who_reads_the_analysis(self):
        self._create_order(self.customer, [(self.product_kit, 1)], confirm=True)
        self._run_followup_cron()
        self.env.flush_all()
        self.assertTrue(self.Report.with_user(self.service_user).search([]))
        self.assertTrue(self.Report.with_user(self.service_admin).search([]))
        self.assertFalse(
            self.Report.with_user(self.other_company_user).search([]), "another company's"
        )
        portal = new_test_user(self.env, login="saa_rev_portal", groups="base.group_portal")
        for user in (self.salesman, portal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Report.with_user(user).search([])
