from freezegun import freeze_time
from lxml import etree

from odoo import fields
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestReporting(AfterSalesCommon):
    """The reporting figures, against values computed by hand on known data.

    Four orders confirmed on 5 January 2026 (Sally: 1 and 2, Sam: 3 and 4),
    each with a satisfaction call planned on the 12th:

    ======  ===========================  ============  ==============  ============
    order   products                     call done     satisfaction    handover
    ======  ===========================  ============  ==============  ============
    1       Espresso Machine             12 Jan (0)    5               accepted 7 Jan 16:00
    2       Burr Grinder                 15 Jan (+3)   2               sent back once,
                                                                       accepted 9 Jan 10:00
    3       Espresso Machine, Kit        10 Jan (-2)   4               waiting for service
    4       Descaling Kit                open          -               not started
    ======  ===========================  ============  ==============  ============

    plus a repair of the Burr Grinder on order 4, on 3 February, rated 1.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.company.handover_default_user_id = cls.service_user
        call = cls.env.ref("mail.mail_activity_data_call")
        cls._create_plan(
            "Satisfaction call", [{"name": "Call", "activity_type_id": call.id, "delay_count": 7}]
        )
        with freeze_time("2026-01-05 10:00:00"):
            cls.orders = [
                cls._create_order(
                    cls.customer, lines, user=user, confirm=True, handover_note="<p>Ring twice.</p>"
                )
                for lines, user in (
                    ([(cls.product_machine, 1)], cls.salesman),
                    ([(cls.product_grinder, 1)], cls.salesman),
                    ([(cls.product_machine, 1), (cls.product_kit, 2)], cls.other_salesman),
                    ([(cls.product_kit, 1)], cls.other_salesman),
                )
            ]
        order1, order2, order3, order4 = cls.orders
        with freeze_time("2026-01-06 09:00:00"):
            for order in (order1, order2, order3):
                cls._hand_over(order)
        with freeze_time("2026-01-07 16:00:00"):
            order1.with_user(cls.service_user).action_accept_handover()
            order2.with_user(cls.service_user)._send_back_handover(
                "The grinder's colour is missing."
            )
        with freeze_time("2026-01-08 09:00:00"):
            cls._hand_over(order2)
        with freeze_time("2026-01-09 10:00:00"):
            order2.with_user(cls.service_user).action_accept_handover()

        for order, when, score in (
            (order1, "2026-01-12 15:00:00", "5"),
            (order2, "2026-01-15 09:00:00", "2"),
            (order3, "2026-01-10 11:00:00", "4"),
        ):
            with freeze_time(when):
                cls._close_followup(order, score)
        cls._create_history(
            cls.customer,
            order_id=order4.id,
            product_id=cls.product_grinder.id,
            date="2026-02-03 10:00:00",
            satisfaction="1",
            user_id=cls.service_user.id,
        )

    @classmethod
    def _hand_over(cls, order):
        seller = order.user_id
        order.with_user(seller).action_start_handover()
        told = order.handover_result_ids.filtered(
            lambda r: r.kind == "manual" and r.state == "todo"
        )
        told.with_user(seller).action_tick()
        order.with_user(seller).action_hand_over()

    @classmethod
    def _close_followup(cls, order, score):
        action = order.followup_ids.with_user(cls.service_user).action_open_done_wizard()
        with Form.from_action(cls.env(user=cls.service_user), action) as wizard:
            wizard.satisfaction = score
        wizard.record.action_done()

    def _groups(self, model, groupby, aggregates, domain=()):
        return {
            group[0]: group[1:]
            for group in self.env[model]._read_group(list(domain), groupby, aggregates)
        }

    def test_followups_done_on_time(self):
        Report = self.env["service.followup.report"]
        domain = [("partner_id", "=", self.customer.id)]
        self.assertEqual(Report.search_count(domain), 4)
        [(done, on_time, rate, delay)] = Report._read_group(
            [*domain, ("state", "=", "done")],
            [],
            ["done_count:sum", "on_time_count:sum", "on_time_rate:avg", "delay_days:avg"],
        )
        self.assertEqual((done, on_time), (3, 2))
        self.assertAlmostEqual(rate, 200 / 3, places=2)
        self.assertAlmostEqual(delay, (0 + 3 - 2) / 3, places=2)
        # The open follow-up has no rate: it does not count as late.
        [(rate_all,)] = Report._read_group(domain, [], ["on_time_rate:avg"])
        self.assertAlmostEqual(rate_all, 200 / 3, places=2)

        by_salesperson = self._groups(
            "service.followup.report",
            ["salesperson_id"],
            ["done_count:sum", "on_time_rate:avg"],
            domain,
        )
        self.assertEqual(by_salesperson[self.salesman], (2, 50.0))
        self.assertEqual(by_salesperson[self.other_salesman], (1, 100.0))

    def test_satisfaction_by_product_salesperson_and_month(self):
        domain = [("partner_id", "=", self.customer.id)]
        Report = self.env["service.satisfaction.report"]
        self.assertEqual(Report.search_count(domain), 4, "unrated contacts are left out")

        by_product = self._groups(
            "service.satisfaction.report",
            ["product_id"],
            ["satisfaction_score:avg", "rated_count:sum"],
            domain,
        )
        self.assertEqual(by_product[self.product_machine], (4.5, 2))  # orders 1 and 3
        self.assertEqual(by_product[self.product_grinder], (1.5, 2))  # order 2, the repair
        self.assertNotIn(self.product_kit, by_product)

        by_salesperson = self._groups(
            "service.satisfaction.report", ["salesperson_id"], ["satisfaction_score:avg"], domain
        )
        self.assertEqual(by_salesperson[self.salesman], (3.5,))
        self.assertEqual(by_salesperson[self.other_salesman], (2.5,))

        by_month = Report._read_group(
            domain, ["date:month"], ["satisfaction_score:avg", "dissatisfied_count:sum"]
        )
        self.assertEqual(
            [(month.strftime("%Y-%m"), round(score, 3), low) for month, score, low in by_month],
            [("2026-01", round(11 / 3, 3), 1), ("2026-02", 1.0, 1)],
        )

    def test_handover_lead_time_and_send_back_rate(self):
        domain = [("partner_id", "=", self.customer.id)]
        Report = self.env["service.handover.report"]
        [(count, accepted, lead, rate)] = Report._read_group(
            domain,
            [],
            ["handover_count:sum", "accepted_count:sum", "lead_days:avg", "send_back_rate:avg"],
        )
        self.assertEqual((count, accepted), (3, 2), "order 4 was not handed over")
        self.assertAlmostEqual(lead, (2.25 + 4.0) / 2, places=4)
        self.assertAlmostEqual(rate, 100 / 3, places=2)

        by_salesperson = self._groups(
            "service.handover.report",
            ["user_id"],
            ["lead_days:avg", "send_back_rate:avg", "send_back_count:sum"],
            domain,
        )
        self.assertEqual(by_salesperson[self.salesman], (3.125, 50.0, 1))
        self.assertEqual(by_salesperson[self.other_salesman], (False, 0.0, 0), "none accepted")

    def test_customer_overview(self):
        with freeze_time("2026-02-04 08:00:00"):
            # Anna is a contact of the customer: she sees the company's figures.
            anna = self.contact_anna.with_user(self.service_user)
            self.assertEqual(
                anna.service_last_contact_date, fields.Datetime.to_datetime("2026-02-03 10:00:00")
            )
            self.assertEqual(
                anna.service_next_followup_date, fields.Date.to_date("2026-01-12"), "order 4's call"
            )
            self.assertAlmostEqual(anna.service_satisfaction_avg, (5 + 2 + 4 + 1) / 4)
            self.assertEqual(anna.service_open_handover_count, 1, "order 3 waits for service")
            self.assertEqual(anna.service_product_count, 3)

            marc = self.other_customer.with_user(self.service_user)
            self.assertFalse(marc.service_last_contact_date)
            self.assertFalse(marc.service_next_followup_date)
            self.assertEqual(marc.service_satisfaction_avg, 0.0)
            self.assertEqual(marc.service_product_count, 0)

        # The service department's customer list: companies and individuals who bought.
        customers = self._customers_list(self.service_user, self.company)
        self.assertIn(self.customer, customers)
        self.assertNotIn(self.contact_anna, customers, "contacts are in their company's row")
        self.assertNotIn(self.other_customer, customers, "Marc bought nothing")

    def test_history_reports_open_on_this_month(self):
        """The analyses of what happened open on the current month, as Odoo's
        Sales Analysis does: a grouped read of this month's rows, however long
        the history (see README, Performance)."""
        for xmlid, date_field in (
            ("service_followup_report_action", "planned_date"),
            ("service_handover_report_action", "date_order"),
            ("service_satisfaction_report_action", "date"),
        ):
            action = self.env.ref(f"sale_after_sales.{xmlid}")
            Report = self.env[action.res_model]
            arch = Report.get_views([(action.search_view_id.id, "search")])["views"]["search"][
                "arch"
            ]
            selected = [
                name.removeprefix("search_default_")
                for name, value in safe_eval(action.context).items()
                if name.startswith("search_default_") and value
            ]
            date_filters = [
                node
                for node in etree.fromstring(arch).iter("filter")
                if node.get("name") in selected and node.get("date")
            ]
            self.assertEqual(len(date_filters), 1, xmlid)
            self.assertEqual(date_filters[0].get("date"), date_field, xmlid)
            self.assertEqual(date_filters[0].get("default_period"), "month", xmlid)

    def test_handover_sheet(self):
        order = self.orders[0]
        report = self.env.ref("sale_after_sales.action_report_handover_sheet")
        html = (
            report.with_user(self.service_user)
            ._render_qweb_html(report.report_name, order.ids)[0]
            .decode()
        )
        for text in (
            "Handover Sheet",
            order.name,
            "Brightwater Bakery",
            "12 Rue du Marché",
            "Espresso Machine",
            "Ring twice.",
            "Customer has an e-mail",
            "Sergio Service",
        ):
            self.assertIn(text, html)
