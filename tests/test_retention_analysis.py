"""Retention Analysis: cared against held back, every figure and interval
checked against values worked out by hand here, formulas written out.

The report counts a customer for a window when today (PostgreSQL's
``current_date``) is later than his triggering order's date plus the window,
so the dates below are days before the real today."""

import math
from datetime import datetime, time, timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.sale_after_sales.models import retention_statistics as stats
from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon

Z = 1.959963984540054


def wilson(x, n):
    """Wilson by hand: centre (p + z²/2n) / (1 + z²/n), half-width
    z / (1 + z²/n) · √(p(1−p)/n + z²/4n²)."""
    p = x / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z / (1 + Z**2 / n) * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return centre - half, centre + half


@tagged("post_install", "-at_install")
class TestRetentionAnalysis(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        # Fired by no order of these tests: the assignments are made below.
        cls.plan = cls._create_plan(
            "Standard", [{"name": "Call"}], trigger="invoice_posted", holdback_percent=20
        )
        cls.today = fields.Date.today()
        cls.Assignment = cls.env["service.followup.assignment"].sudo()

    def _customer(self, name, group, days_ago, later=(), plan=None, share=20):
        """A customer whose triggering order was ``days_ago`` days ago, then
        confirmed orders ``later``: (days after the triggering order, untaxed
        amount)."""
        partner = self.env["res.partner"].create({"name": name})
        trigger_day = self.today - timedelta(days=days_ago)
        trigger = self._order_on(partner, trigger_day, 10)
        for days, amount in later:
            self._order_on(partner, trigger_day + timedelta(days=days), amount)
        return self.Assignment.create(
            {
                "plan_id": (plan or self.plan).id,
                "commercial_partner_id": partner.id,
                "group": group,
                "holdback_percent": share,
                "order_id": trigger.id,
                "trigger_date": trigger_day,
            }
        )

    def _order_on(self, partner, day, amount):
        order = self._create_order(partner, [(self.product_kit, 1, amount)], confirm=True)
        order.date_order = datetime.combine(day, time(10))
        return order

    def _summary(self, window="180", plan=None):
        self.env.flush_all()
        self.env["service.retention.report"].invalidate_model()
        with Form(self.env["service.retention.summary"].with_user(self.service_admin)) as form:
            form.plan_id = plan or self.plan
            form.window = window
        return form.record

    def _figures(self, window, plan=None):
        self.env.flush_all()
        self.env["service.retention.report"].invalidate_model()
        summary = (
            self.env["service.retention.summary"]
            .with_user(self.service_admin)
            .new({"plan_id": (plan or self.plan).id, "window": str(window)})
        )
        return summary._get_figures(window)[False]

    def _build_cohort(self):
        """Cared, 400 days ago: c1 buys again after 30 days (100) and 200 days
        (50), c2 after 120 days (200), c3 never, c4 after 10 days (300);
        100 days ago: c5 after 20 days (40). Held back, 400 days ago: h1 after
        100 days (80), h2 never; 10 days ago: h3 never."""
        self._customer("c1", "cared", 400, [(30, 100), (200, 50)])
        self._customer("c2", "cared", 400, [(120, 200)])
        self._customer("c3", "cared", 400)
        self._customer("c4", "cared", 400, [(10, 300)])
        self._customer("c5", "cared", 100, [(20, 40)])
        self._customer("h1", "held_back", 400, [(100, 80)])
        self._customer("h2", "held_back", 400)
        self._customer("h3", "held_back", 10)

    def test_next_order_and_later_revenue_follow_the_orders(self):
        assignment = self._customer("Nadia", "cared", 400, [(30, 100), (200, 50)])
        first = assignment.next_order_id
        self.assertEqual(assignment.next_order_date, assignment.trigger_date + timedelta(days=30))
        self.assertEqual(
            (
                assignment.later_revenue_90,
                assignment.later_revenue_180,
                assignment.later_revenue_365,
            ),
            (100, 100, 150),
        )
        first.action_cancel()
        self.env.flush_all()
        self.assertEqual(assignment.next_order_date, assignment.trigger_date + timedelta(days=200))
        self.assertEqual((assignment.later_revenue_90, assignment.later_revenue_365), (0, 50))
        # A quotation never confirmed is no later order.
        self._create_order(assignment.commercial_partner_id, [(self.product_kit, 1, 70)])
        self.env.flush_all()
        self.assertEqual(assignment.later_revenue_365, 50)

    def test_a_held_back_plan_assigns_on_confirmation_and_sees_the_next_order(self):
        plan = self._create_plan("Held", [{"name": "Call"}], holdback_percent=50)
        partners = self.env["res.partner"].create([{"name": f"Cust {i}"} for i in range(6)])
        orders = [self._create_order(p, [(self.product_kit, 1)], confirm=True) for p in partners]
        assignments = self.Assignment.search([("plan_id", "=", plan.id)])
        self.assertEqual(assignments.commercial_partner_id, partners)
        self.assertFalse(assignments.next_order_id)
        again = self._create_order(partners[0], [(self.product_machine, 1)], confirm=True)
        self.env.flush_all()
        mine = assignments.filtered(lambda a: a.commercial_partner_id == partners[0])
        self.assertEqual((mine.order_id, mine.next_order_id), (orders[0], again))
        self.assertEqual(mine.later_revenue_90, again.amount_untaxed)

    def test_figures_and_intervals_against_hand_computations(self):
        self._build_cohort()
        # 180 days: c5 and h3 too recent. Cared counted c1..c4, bought again
        # within 180 days c1 (30), c2 (120), c4 (10): 3 / 4. Held back
        # counted h1, h2, bought again h1 (100): 1 / 2.
        figures = self._figures(180)
        cared, held = figures["cared"], figures["held_back"]
        self.assertEqual(
            (cared["customers"], cared["counted"], cared["too_recent"], cared["repeat"]),
            (5, 4, 1, 3),
        )
        self.assertEqual(
            (held["customers"], held["counted"], held["too_recent"], held["repeat"]),
            (3, 2, 1, 1),
        )
        self.assertEqual((cared["rate"], held["rate"]), (0.75, 0.5))
        # Wilson, 3 / 4: p = 0.75, z²/n = 0.9604, centre = (0.75 + 0.4802) / 1.9604
        # = 0.62753, half = 1.95996 / 1.9604 · √(0.046875 + 0.060025) = 0.32689.
        self.assertAlmostEqual(cared["rate_low"], 0.300642, places=5)
        self.assertAlmostEqual(cared["rate_high"], 0.954413, places=5)
        self.assertAlmostEqual(cared["rate_low"], wilson(3, 4)[0])
        # Medians of the days to the next order within 180 days: [10, 30, 120] and [100].
        self.assertEqual((cared["median_days"], held["median_days"]), (30, 100))
        # Revenue within 180 days per counted customer: cared (100 + 200 + 0 + 300) / 4,
        # held back (80 + 0) / 2 (c1's 50 came after 200 days).
        self.assertEqual((cared["revenue"], held["revenue"]), (150, 40))
        # Newcombe: d = 0.25; lower = d − √((p1 − l1)² + (u2 − p2)²),
        # upper = d + √((u1 − p1)² + (p2 − l2)²), Wilson (l2, u2) of 1 / 2.
        l1, u1 = wilson(3, 4)
        l2, u2 = wilson(1, 2)
        self.assertAlmostEqual(figures["difference"], 0.25)
        self.assertAlmostEqual(figures["low"], 0.25 - math.sqrt((0.75 - l1) ** 2 + (u2 - 0.5) ** 2))
        self.assertAlmostEqual(
            figures["high"], 0.25 + math.sqrt((u1 - 0.75) ** 2 + (0.5 - l2) ** 2)
        )
        self.assertAlmostEqual(figures["low"], -0.355250, places=5)
        self.assertAlmostEqual(figures["high"], 0.704081, places=5)
        self.assertFalse(figures["significant"])
        # Welch: s1² = ((−50)² + 50² + (−150)² + 150²) / 3 = 16 666.7, s2² = (40² + 40²) / 1
        # = 3 200; se² = 16 666.7 / 4 + 3 200 / 2 = 5 766.7;
        # df = se⁴ / ((4 166.7)² / 3 + 1 600² / 1) = 3.984; t(0.975, 3.984) = 2.7808.
        se = math.sqrt(16666.666 / 4 + 3200 / 2)
        df = se**4 / ((16666.666 / 4) ** 2 / 3 + (3200 / 2) ** 2)
        self.assertAlmostEqual(df, 3.9840, places=3)
        t = stats.t_quantile_975(df)
        self.assertAlmostEqual(t, 2.7808, places=3)
        self.assertAlmostEqual(figures["revenue_difference"], 110)
        self.assertAlmostEqual(figures["revenue_low"], 110 - t * se, places=2)
        self.assertAlmostEqual(figures["revenue_high"], 110 + t * se, places=2)

        # 90 days: c5 counts (100 days ago), h3 does not. Cared bought again within
        # 90 days: c1, c4, c5, 3 / 5; held back none of 2.
        figures = self._figures(90)
        self.assertEqual((figures["cared"]["counted"], figures["cared"]["repeat"]), (5, 3))
        self.assertEqual((figures["held_back"]["counted"], figures["held_back"]["repeat"]), (2, 0))
        # Wilson of 0 / 2: centre = (z²/4) / (1 + z²/2) = half: the interval starts at 0.
        self.assertAlmostEqual(figures["held_back"]["rate_low"], 0.0)
        self.assertAlmostEqual(figures["held_back"]["rate_high"], wilson(0, 2)[1])
        self.assertIsNone(figures["held_back"]["median_days"])
        # 365 days: revenue per customer (150 + 200 + 0 + 300) / 4 = 162.5.
        self.assertEqual(self._figures(365)["cared"]["revenue"], 162.5)

    def test_the_report_rows_and_the_sentence(self):
        self._build_cohort()
        Report = self.env["service.retention.report"].with_user(self.service_admin)
        ((month, count, recent, rate),) = Report._read_group(
            [("group", "=", "cared"), ("counted_180", "=", 1)],
            ["trigger_date:month"],
            ["__count", "too_recent_180:sum", "repeat_rate_180:avg"],
        )
        self.assertEqual((count, recent, rate), (4, 0, 75.0))
        summary = self._summary()
        self.assertEqual(
            summary.sentence,
            "Customers who received Standard after-sales care bought again within 180 days "
            "25.0 points more often than those held back (95 % CI -35.5 to 70.4 points; "
            "4 cared, 2 held back). The data do not yet show an effect: about "
            f"{self._more(0.75, 0.5, 4, 2)} more customers would be needed to tell a "
            "difference of this size from chance. 2 more customers are too recent to count "
            "(their 180 days have not passed).",
        )
        self.assertIn("Cared", summary.summary_html)
        self.assertFalse(summary.shares_note)
        action = summary.action_open_report()
        self.assertIn(("plan_id", "=", self.plan.id), action["domain"])

    def _more(self, p1, p2, n1, n2):
        """Fleiss, r = n1 / n2: p̄ = (r·p1 + p2) / (r + 1);
        n2 = (z_α √(p̄ q̄ (1 + 1/r)) + z_β √(p1 q1 / r + p2 q2))² / (p1 − p2)²;
        the customers needed are n2 (1 + r), less those counted."""
        r = n1 / n2
        pooled = (r * p1 + p2) / (r + 1)
        n_held = (
            Z * math.sqrt(pooled * (1 - pooled) * (1 + 1 / r))
            + 0.8416212 * math.sqrt(p1 * (1 - p1) / r + p2 * (1 - p2))
        ) ** 2 / (p1 - p2) ** 2
        return math.ceil(n_held * (1 + r)) - n1 - n2

    def test_a_significant_difference_in_plain_words(self):
        # 1 240 cared of whom 496 bought again (40.0 %), 138 held back of whom
        # 42 (30.4 %): d = 9.57 points; Newcombe's lower bound above 0.
        Summary = self.env["service.retention.summary"]
        figures = Summary._compare(
            {
                "cared": Summary._group_figures(1240, 1240, [30] * 496, [0.0] * 1240),
                "held_back": Summary._group_figures(138, 138, [30] * 42, [0.0] * 138),
            }
        )
        l1, u1 = wilson(496, 1240)
        l2, u2 = wilson(42, 138)
        d = 496 / 1240 - 42 / 138
        low = d - math.sqrt((496 / 1240 - l1) ** 2 + (u2 - 42 / 138) ** 2)
        high = d + math.sqrt((u1 - 496 / 1240) ** 2 + (42 / 138 - l2) ** 2)
        self.assertAlmostEqual(figures["low"], low)
        self.assertAlmostEqual(figures["high"], high)
        self.assertGreater(low, 0)
        sentence = Summary._get_sentence(figures, 180, self.plan)
        self.assertEqual(
            sentence,
            "Customers who received Standard after-sales care bought again within 180 days "
            f"9.6 points more often than those held back (95 % CI {low * 100:.1f} to "
            f"{high * 100:.1f} points; 1,240 cared, 138 held back). The difference is "
            "unlikely to be chance.",
        )
        # Zero revenue everywhere: Welch's interval is the difference itself.
        self.assertEqual((figures["revenue_low"], figures["revenue_high"]), (0.0, 0.0))

    def test_edge_cases(self):
        Summary = self.env["service.retention.summary"]
        with self.subTest("no held-back customer"):
            self._customer("a1", "cared", 400, [(10, 5)])
            summary = self._summary()
            self.assertEqual(
                summary.sentence,
                "No held-back customer whose 180 days have passed: no comparison is possible "
                "(1 cared, 0 held back counted; 0 too recent).",
            )
        with self.subTest("a group of one"):
            self._customer("b1", "held_back", 400)
            figures = self._figures(180)
            self.assertEqual(
                (figures["held_back"]["counted"], figures["held_back"]["rate"]), (1, 0)
            )
            # 1 / 1 against 0 / 1: Wilson (0.2065, 1) and (0, 0.7935); Newcombe
            # d = 1, lower = 1 − √((1 − 0.2065)² + (0.7935 − 0)²) = −0.1222.
            self.assertAlmostEqual(figures["low"], 1 - math.sqrt(2) * wilson(0, 1)[1])
            self.assertAlmostEqual(figures["high"], 1.0)
            # Welch needs two customers a group.
            self.assertEqual((figures["revenue_low"], figures["revenue_high"]), (None, None))
            self.assertIn("—", self._summary().summary_html)
        with self.subTest("every customer buying again"):
            figures = Summary._compare(
                {
                    "cared": Summary._group_figures(3, 3, [5, 6, 7], [1.0, 2.0, 3.0]),
                    "held_back": Summary._group_figures(2, 2, [8, 9], [1.0, 1.0]),
                }
            )
            self.assertEqual((figures["cared"]["rate_high"], figures["difference"]), (1.0, 0.0))
            self.assertIsNone(figures["needed"])
            self.assertTrue(
                Summary._get_sentence(figures, 90, self.plan).endswith(
                    "as often as those held back (95 % CI -56.1 to 65.8 points; 3 cared, "
                    "2 held back). The data do not show an effect."
                )
            )
        with self.subTest("no customer buying again"):
            figures = Summary._compare(
                {
                    "cared": Summary._group_figures(3, 3, [], [0.0] * 3),
                    "held_back": Summary._group_figures(2, 2, [], [0.0] * 2),
                }
            )
            self.assertEqual((figures["difference"], figures["significant"]), (0.0, False))
            self.assertIsNone(figures["cared"]["median_days"])
        with self.subTest("nobody old enough"):
            figures = Summary._empty_figures()
            self.assertEqual(
                Summary._get_sentence(figures, 365, False),
                "No customer of the period is old enough for 365 days yet (0 too recent): "
                "no comparison is possible yet.",
            )

    def test_a_changed_share_is_said(self):
        self._customer("s1", "cared", 400, share=20)
        self._customer("s2", "held_back", 400, share=40)
        self.assertIn("Standard: 20 %, 40 %", self._summary().shares_note)

    def test_who_reads_the_analysis(self):
        self._build_cohort()
        Report = self.env["service.retention.report"]
        self.assertTrue(Report.with_user(self.service_user).search_read([], ["group"]))
        self.assertFalse(Report.with_user(self.other_company_user).search([]))
        employee = new_test_user(self.env, login="saa_employee", groups="base.group_user")
        portal = new_test_user(self.env, login="saa_portal", groups="base.group_portal")
        for user in (employee, portal, self.salesman):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                Report.with_user(user).search_read([], ["group"])
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["service.retention.summary"].with_user(user).create({})
