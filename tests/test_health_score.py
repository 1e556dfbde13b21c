"""The customers' service health: each factor's points and words, the
settings' weights, the At Risk filter, the salesperson's alert once per fall,
the recompute after a change (one batch a transaction), plans that use it,
and who may read or set it."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.sale_after_sales.models.res_partner_health import HEALTH_DIRTY_KEY
from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon

NOW = "2026-11-20 10:00:00"


@tagged("post_install", "-at_install")
class TestHealthScore(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.complaint_type = cls.env.ref("sale_after_sales.history_type_complaint")
        cls.Partner = cls.env["res.partner"]

    def _new_customer(self, name="Acme", **values):
        with freeze_time(NOW):
            customer = self.Partner.create({"name": name, "is_company": True, **values})
            self._create_order(customer, [(self.product_kit, 1)], confirm=True)
        return customer

    def _complaint(self, customer, days_ago):
        return self._create_history(
            customer,
            type_id=self.complaint_type.id,
            summary="Machine leaks",
            date=datetime(2026, 11, 20, 9) - timedelta(days=days_ago),
        )

    def _compute(self, *customers):
        with freeze_time(NOW):
            self.env.flush_all()
            self.Partner.union(*customers)._compute_service_health()
        return customers[0] if len(customers) == 1 else customers

    def _run_health_cron(self, now):
        """The nightly scheduled action as the cron worker runs it (its
        commits are savepoints of the test transaction)."""
        cron = self.env.ref("sale_after_sales.ir_cron_compute_service_health")
        self.env.flush_all()
        job = {**cron.read(load=None)[0], "done": 0, "remaining": 0, "timed_out_counter": 0}
        with freeze_time(now), self.enter_registry_test_mode(), self.registry.cursor() as cr:
            self.registry["ir.cron"]._process_job(cr, job)
        self.env.invalidate_all()

    def _reasons(self, customer):
        return (customer.service_health_reasons or "").splitlines()

    # === FACTORS ===

    def test_a_new_customer_has_the_base_score_and_no_reason(self):
        customer = self._compute(self._new_customer())
        self.assertEqual(customer.service_health_score, 80)
        self.assertEqual(customer.service_health_state, "healthy")
        self.assertFalse(customer.service_health_reasons)

    def test_each_factor_says_its_points_in_words(self):
        customer = self._new_customer()
        self._complaint(customer, 12)
        with freeze_time(NOW):
            self._create_history(customer, satisfaction="5", summary="Happy call")
            pieces = self.env["service.equipment"].create(
                [
                    {
                        "product_id": self.product_machine.id,
                        "partner_id": customer.id,
                        "date_start": "2024-10-01",
                        "maintenance_months": 12,
                    }
                    for _index in range(2)
                ]
                + [
                    {
                        "product_id": self.product_grinder.id,
                        "partner_id": customer.id,
                        "date_start": "2025-10-01",
                        "warranty_months": 13,
                    }
                ]
            )
        self.assertEqual(len(pieces), 3)
        self._compute(customer)
        reasons = self._reasons(customer)
        self.assertIn("\N{MINUS SIGN}25: complaint open for 12 days", reasons)
        self.assertIn("\N{MINUS SIGN}30: maintenance overdue on 2 pieces", reasons)
        self.assertIn("\N{MINUS SIGN}10: warranty ended on a piece with no offer", reasons)
        self.assertIn("+10: happy rating on 11/20/2026", reasons)
        # 80 - 25 - 30 - 10 + 10
        self.assertEqual(customer.service_health_score, 25)
        self.assertEqual(customer.service_health_state, "at_risk")
        self.assertEqual(reasons[0], "\N{MINUS SIGN}30: maintenance overdue on 2 pieces")

    def test_an_old_complaint_and_a_failed_followup_weigh_repeat_orders_count(self):
        customer = self._new_customer()
        self._complaint(customer, 20)
        with freeze_time(NOW):
            plan = self._create_plan("Calls", [{"name": "Call", "delay_count": 0}])
            order = self._create_order(customer, [(self.product_kit, 1)], confirm=True)
        followup = order.followup_ids.filtered(lambda f: f.plan_id == plan)
        followup._workflow().write({"state": "failed"})
        self._compute(customer)
        reasons = self._reasons(customer)
        # 25 for the complaint, 10 more as it is open for over 14 days.
        self.assertIn("\N{MINUS SIGN}35: complaint open for 20 days", reasons)
        self.assertIn("\N{MINUS SIGN}10: a follow-up failed or overdue", reasons)
        self.assertIn("+10: 2 orders confirmed", reasons)
        self.assertEqual(customer.service_health_score, 45)

    def test_a_customer_not_contacted_for_long_loses_points(self):
        customer = self._new_customer()
        self.env["service.history"].search(
            [("commercial_partner_id", "=", customer.id)]
        ).date = "2026-01-01 10:00:00"
        self._compute(customer)
        self.assertEqual(self._reasons(customer), ["\N{MINUS SIGN}10: no contact for 323 days"])
        self.assertEqual(customer.service_health_score, 70)

    def test_the_score_stays_between_0_and_100(self):
        low = self._new_customer("Low")
        for days in (1, 2, 3, 4):
            self._complaint(low, days)
        with freeze_time(NOW):
            self._create_history(low, satisfaction="1", summary="Angry call")
        self.company.health_complaint_weight = 40
        self._compute(low)
        self.assertEqual(low.service_health_score, 0, "80 - 3 x 40 - 20 is below 0")
        self.assertIn(
            "\N{MINUS SIGN}120: 4 complaints open, the oldest for 4 days", self._reasons(low)
        )
        high = self._new_customer("High")
        self.company.health_base_score = 95
        with freeze_time(NOW):
            self._create_history(high, satisfaction="5", summary="Happy call")
            self._create_order(high, [(self.product_kit, 1)], confirm=True)
        self._compute(high)
        self.assertEqual(high.service_health_score, 100, "95 + 10 + 10 is above 100")

    def test_the_settings_change_the_weights_and_thresholds(self):
        customer = self._new_customer()
        self._complaint(customer, 2)
        self._compute(customer)
        self.assertEqual(
            (customer.service_health_score, customer.service_health_state), (55, "watch")
        )
        settings = self.env["res.config.settings"].create(
            {"health_complaint_weight": 5, "health_watch_threshold": 80, "health_threshold": 60}
        )
        settings.execute()
        self._compute(customer)
        self.assertEqual(
            (customer.service_health_score, customer.service_health_state), (75, "watch")
        )
        self.assertIn("\N{MINUS SIGN}5: complaint open for 2 days", self._reasons(customer))

    def test_at_risk_and_healthy_filters(self):
        risky, fine = self._new_customer("Risky"), self._new_customer("Fine")
        for days in (1, 2):
            self._complaint(risky, days)
        self._compute(risky, fine)
        at_risk = self.Partner.search(
            [("id", "in", (risky | fine).ids), ("service_health_state", "=", "at_risk")]
        )
        self.assertEqual(at_risk, risky)
        view = self.env.ref("sale_after_sales.res_partner_view_search_after_sales")
        arch = self.Partner.get_view(view.id, "search")["arch"]
        self.assertIn('name="filter_health_at_risk"', arch)
        self.assertIn('name="filter_health_healthy"', arch)
        groups = self.Partner._read_group(
            [("id", "in", (risky | fine).ids)], ["service_health_state"], ["__count"]
        )
        self.assertEqual(dict(groups), {"at_risk": 1, "healthy": 1})

    def test_a_new_complaint_says_so(self):
        customer = self._new_customer()
        complaint = self._complaint(customer, 0)
        self._compute(customer)
        self.assertEqual(self._reasons(customer), ["\N{MINUS SIGN}25: complaint opened today"])
        complaint.date = datetime(2026, 11, 19, 9)
        self._compute(customer)
        self.assertEqual(self._reasons(customer), ["\N{MINUS SIGN}25: complaint opened yesterday"])

    def test_staff_see_the_health_where_they_look(self):
        """The score on the Customers list and kanban, the reasons on the
        customer's Service tab, as a salesperson opens them."""
        Partner = self.Partner.with_user(self.salesman)
        action = self.env.ref("sale_after_sales.res_partner_action_after_sales")
        views = Partner.get_views(
            [(view.view_id.id, view.view_mode) for view in action.view_ids] + [(False, "form")]
        )["views"]
        self.assertIn('name="service_health_score"', views["list"]["arch"])
        self.assertIn("service_health_state == 'at_risk'", views["list"]["arch"])
        self.assertIn("record.service_health_score.raw_value", views["kanban"]["arch"])
        self.assertIn('name="service_health_reasons"', views["form"]["arch"])
        customer = self._compute(self._new_customer())
        self._complaint(customer, 3)
        self._compute(customer)
        values = Partner.browse(customer.id).web_read(
            {"service_health_score": {}, "service_health_state": {}, "service_health_reasons": {}}
        )[0]
        self.assertEqual(values["service_health_score"], 55)
        self.assertEqual(values["service_health_state"], "watch")
        self.assertEqual(
            values["service_health_reasons"], "\N{MINUS SIGN}25: complaint open for 3 days"
        )

    # === THE FALL ALERT ===

    def _alerts(self, customer):
        return self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", customer.id)]
        )

    def test_the_salesperson_is_told_once_per_fall(self):
        customer = self._new_customer()
        self._compute(customer)
        self.assertFalse(self._alerts(customer))
        first, second = self._complaint(customer, 1), self._complaint(customer, 2)
        self._compute(customer)
        alert = self._alerts(customer)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.user_id, self.salesman, "the salesperson of his order")
        self.assertEqual(alert.summary, "Customer at risk")
        self.assertIn("complaints open", str(alert.note))
        # The nightly run finds him still at risk: no second activity.
        self._run_health_cron("2026-11-21 01:30:00")
        self.assertEqual(customer.service_health_date, datetime(2026, 11, 21, 1, 30))
        self.assertEqual(len(self._alerts(customer)), 1)
        # He recovers, then falls again: told again.
        (first | second).action_case_cancel()
        self._compute(customer)
        self.assertEqual(customer.service_health_state, "healthy")
        self.assertFalse(customer.service_health_alerted)
        self._complaint(customer, 1)
        self._complaint(customer, 3)
        self._compute(customer)
        self.assertEqual(len(self._alerts(customer)), 2)

    def test_the_nightly_run_computes_every_customer_in_batches(self):
        customers = [self._new_customer(f"Customer {index}") for index in range(3)]
        nobody = self.Partner.create({"name": "Never bought"})
        self._run_health_cron(NOW)
        for customer in customers:
            self.assertEqual(customer.service_health_score, 80)
            self.assertEqual(customer.service_health_date, fields.Datetime.to_datetime(NOW))
        self.assertFalse(nobody.service_health_state)

    # === RECOMPUTE ON CHANGES ===

    def test_a_complaint_or_a_rating_marks_the_customer_for_one_recompute(self):
        customer, other = self._new_customer(), self._new_customer("Other")
        self._compute(customer, other)
        self.env.cr.postcommit.clear()
        self._complaint(
            self.env["res.partner"].create({"name": "Ann", "parent_id": customer.id}), 1
        )
        self._create_history(other, satisfaction="1", summary="Angry")
        self._create_history(customer, satisfaction="1", summary="Angry too")
        dirty = self.env.cr.postcommit.data[HEALTH_DIRTY_KEY]
        self.assertEqual(dirty, {customer.id, other.id}, "the entities, once each")
        callbacks = [f for f in self.env.cr.postcommit._funcs if "health" in f.__name__]
        self.assertEqual(len(callbacks), 1, "one recompute for the whole transaction")
        self.env.flush_all()
        with freeze_time(NOW):
            self.Partner._compute_health_of_ids(sorted(dirty))
        self.assertEqual(customer.service_health_score, 35)
        self.assertEqual(other.service_health_score, 60)

    def test_an_order_a_followup_or_a_piece_marks_its_customer(self):
        buyer, followed, equipped = (self._new_customer(name) for name in ("B", "F", "E"))
        plan = self._create_plan("Calls", [{"name": "Call", "delay_count": 5}])
        order = self._create_order(followed, [(self.product_kit, 1)], confirm=True)
        piece = self.env["service.equipment"].create(
            {"product_id": self.product_machine.id, "partner_id": equipped.id}
        )
        draft = self._create_order(buyer, [(self.product_kit, 1)])
        self.env.cr.postcommit.clear()
        draft.action_confirm()
        order.followup_ids.filtered(lambda f: f.plan_id == plan)._workflow().write(
            {"state": "failed"}
        )
        piece.last_maintenance_date = "2026-11-01"
        self.assertEqual(
            self.env.cr.postcommit.data[HEALTH_DIRTY_KEY], {buyer.id, followed.id, equipped.id}
        )
        self.env.cr.postcommit.clear()
        piece.unlink()
        self.assertEqual(self.env.cr.postcommit.data[HEALTH_DIRTY_KEY], {equipped.id})
        # Carried out (planned, then due), a follow-up leaves the health as it
        # was: its customer is not marked; failed, then planned again, he is.
        other = self._new_customer("D")
        other_order = self._create_order(other, [(self.product_kit, 1)], confirm=True)
        followup = other_order.followup_ids.filtered(lambda f: f.plan_id == plan)
        self.env.cr.postcommit.clear()
        followup._workflow().write({"state": "due"})
        self.assertFalse(self.env.cr.postcommit.data.get(HEALTH_DIRTY_KEY))
        followup._workflow().write({"state": "failed"})
        self.env.cr.postcommit.clear()
        followup._workflow().write({"state": "planned"})
        self.assertEqual(self.env.cr.postcommit.data[HEALTH_DIRTY_KEY], {other.id})

    def test_a_batch_costs_the_same_queries_for_n_and_2n_customers(self):
        customers = [self._new_customer(f"Customer {index}") for index in range(12)]
        for customer in customers:
            self._complaint(customer, 3)
        small = self.Partner.union(*customers[:6])
        large = self.Partner.union(*customers)
        self._compute(*customers[:2])  # warm the caches
        counts = []
        for batch in (small, large):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            with freeze_time(NOW):
                batch._compute_service_health()
                self.env.flush_all()
            counts.append(self.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])
        self.assertLessEqual(counts[1], 20)

    # === PLANS ===

    def test_a_plan_for_healthy_customers_only(self):
        healthy, risky = self._new_customer("Healthy"), self._new_customer("Risky")
        for days in (1, 2):
            self._complaint(risky, days)
        plan = self._create_plan(
            "Loyal customers",
            [{"name": "Thank you", "delay_count": 3}],
            health_condition="at_least",
            health_score_limit=70,
        )
        with freeze_time(NOW):
            orders = self._create_order(healthy, [(self.product_kit, 1)]) | self._create_order(
                risky, [(self.product_kit, 1)]
            )
            orders.action_confirm()
        planned = self.env["service.followup"].search([("plan_id", "=", plan.id)])
        self.assertEqual(planned.commercial_partner_id, healthy)
        self.assertEqual(risky.service_health_state, "at_risk", "computed when the plan applied")

    def test_no_commercial_email_while_at_risk(self):
        program = self._create_gift_program()
        plan = self._create_plan(
            "Gift",
            [
                {
                    "name": "Coupon",
                    "create_activity": False,
                    "gift_program_id": program.id,
                    "gift_condition": "any",
                }
            ],
            health_stop_commercial=True,
        )
        risky = self._new_customer("Risky", email="risky@example.com")
        followup = self.env["service.followup"].search(
            [("plan_id", "=", plan.id), ("commercial_partner_id", "=", risky.id)]
        )
        # At risk without any complaint (the gift waits for complaints anyway).
        self.env["service.equipment"].create(
            [
                {
                    "product_id": self.product_machine.id,
                    "partner_id": risky.id,
                    "date_start": "2024-10-01",
                    "maintenance_months": 12,
                }
                for _index in range(3)
            ]
        )
        self._compute(risky)
        self.assertEqual(risky.service_health_state, "at_risk")
        with freeze_time(NOW):
            followup._process()
        self.assertEqual(followup.state, "skipped")
        self.assertIn("is at risk", followup.failure_reason)
        self.assertFalse(self.env["loyalty.card"].search([("followup_id", "=", followup.id)]))

    # === ACCESS ===

    def test_nobody_sets_a_score_by_hand_and_portal_users_do_not_read_it(self):
        customer = self._compute(self._new_customer())
        manager = new_test_user(
            self.env,
            login="saa_health_contacts",
            groups="base.group_user,base.group_partner_manager",
        )
        with self.assertRaises(AccessError):
            customer.with_user(manager).write({"service_health_score": 100})
        with self.assertRaises(AccessError):
            customer.with_user(self.service_user).write({"service_health_state": "healthy"})
        self.assertEqual(customer.with_user(self.service_user).service_health_score, 80)
        portal = new_test_user(self.env, login="saa_health_portal", groups="base.group_portal")
        portal.partner_id.parent_id = customer
        with self.assertRaises(AccessError):
            customer.with_user(portal).read(["service_health_score"])
        self.assertTrue(customer.with_user(portal).read(["name"]), "his company's name, yes")
