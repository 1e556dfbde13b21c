from contextlib import ExitStack, contextmanager
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon

# Queries that each hundred more pieces of equipment and maintenance reminders
# may add when confirmed orders create them: the ORM's inserts, 100 rows each
# (1.5 measured: 28 queries for 600 records, 110 for 6 000).
QUERIES_PER_HUNDRED = 2


@tagged("post_install", "-at_install")
class TestEquipment(AfterSalesCommon):
    """Equipment at the customer's: created from orders, warranty, rolling maintenance."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls._track_equipment(cls.product_machine)
        cls.company.handover_default_user_id = cls.service_user
        cls.maintenance = cls.env.ref("sale_after_sales.history_type_maintenance")

    def _order(self, qty=2, **values):
        return self._create_order(
            self.customer,
            [(self.product_machine, qty), (self.product_kit, 3)],
            confirm=True,
            **values,
        )

    @freeze_time("2026-11-20 10:00:00")
    def test_one_piece_per_unit_on_confirmation_and_never_twice(self):
        order = self._order(qty=2)
        pieces = order.equipment_ids
        self.assertEqual(len(pieces), 2, "the descaling kit is not tracked")
        self.assertEqual(set(pieces.mapped("product_id")), {self.product_machine})
        self.assertEqual(pieces.partner_id, self.customer)
        self.assertEqual(pieces.site_id, order.partner_shipping_id)
        self.assertEqual(pieces.mapped("date_start"), [date(2026, 11, 20)] * 2)
        self.assertEqual(pieces.mapped("warranty_end"), [date(2028, 11, 20)] * 2)
        self.assertEqual(pieces.mapped("next_maintenance_date"), [date(2027, 11, 20)] * 2)
        # Confirmed again after a cancellation: the same count, no duplicate.
        order._action_cancel()
        self.assertFalse(order.equipment_ids, "nothing referred to them: removed")
        order.action_draft()
        order.action_confirm()
        self.assertEqual(len(order.equipment_ids), 2)
        order._create_equipment()
        self.assertEqual(len(order.equipment_ids), 2, "never twice")

    def test_cancellation_retires_what_is_referred_to_and_removes_the_rest(self):
        order = self._order(qty=3)
        first, second, third = order.equipment_ids
        first.serial_number = "SN-1"
        self._create_history(self.customer, equipment_id=second.id, type_id=self.maintenance.id)
        order._action_cancel()
        self.assertEqual((first | second).mapped("state"), ["retired", "retired"])
        self.assertFalse(third.exists())
        order.action_draft()
        order.action_confirm()
        self.assertEqual(len(order.equipment_ids), 3)
        self.assertEqual(set(order.equipment_ids.mapped("state")), {"in_service"})
        self.assertIn(first, order.equipment_ids, "the retired pieces come back, not copies")

    def test_serial_numbers_are_unique_per_product_and_company(self):
        first, second = self._order(qty=2).equipment_ids
        first.serial_number = "BP-1"
        with self.assertRaisesText(ValidationError, "BP-1 is already"):
            second.serial_number = "BP-1"
        grinder = self.env["service.equipment"].create(
            {
                "product_id": self.product_grinder.id,
                "partner_id": self.customer.id,
                "serial_number": "BP-1",
            }
        )
        self.assertEqual(grinder.serial_number, "BP-1", "another product may share it")

    def test_warranty_state_around_its_end(self):
        with freeze_time("2026-01-10"):
            piece = self._order(qty=1).equipment_ids
        self.assertEqual(piece.warranty_end, date(2028, 1, 10))
        Equipment = self.env["service.equipment"]
        for today, state in (
            ("2027-12-10", "under"),
            ("2027-12-11", "expiring"),  # 30 days before
            ("2028-01-10", "expiring"),  # the last day
            ("2028-01-11", "expired"),
        ):
            with self.subTest(today=today), freeze_time(today):
                piece.invalidate_recordset(["warranty_state"])
                self.assertEqual(piece.warranty_state, state)
                self.assertIn(piece, Equipment.search([("warranty_state", "=", state)]))
        piece.warranty_months = 0
        self.assertEqual(piece.warranty_state, "none")

    @freeze_time("2026-11-20 10:00:00")
    def test_a_maintenance_contact_rolls_the_next_one_forward(self):
        self._create_maintenance_plan()
        order = self._order(qty=1)
        piece = order.equipment_ids
        reminder = piece.followup_ids
        self.assertEqual(reminder.planned_date, date(2027, 11, 20), "on the maintenance date")
        self.assertEqual(reminder.equipment_due_date, date(2027, 11, 20))
        # An early maintenance, logged from the piece as a user would.
        with freeze_time("2027-06-01 09:00:00"):
            action = piece.with_user(self.service_user).action_log_service_contact()
            entry = Form(
                self.env["service.history"]
                .with_user(self.service_user)
                .with_context(**action["context"])
            )
            self.assertEqual(entry.partner_id, self.customer)
            self.assertEqual(entry.order_id, order)
            self.assertEqual(entry.product_id, self.product_machine)
            entry.save()
        self.assertEqual(piece.last_maintenance_date, date(2027, 6, 1))
        self.assertEqual(piece.next_maintenance_date, date(2028, 6, 1))
        self.assertFalse(reminder.exists(), "the old date's reminder, never sent, goes")
        new = piece.followup_ids.filtered(lambda f: f.state == "planned")
        self.assertEqual(new.planned_date, date(2028, 6, 1))
        # Saving again plans nothing twice.
        piece._plan_equipment_followups()
        self.assertEqual(len(piece.followup_ids.filtered(lambda f: f.state == "planned")), 1)

    @freeze_time("2026-11-20 10:00:00")
    def test_a_maintenance_reminder_done_rolls_forward_too(self):
        self._create_maintenance_plan(delay_from="before_plan_date", delay_count=14)
        piece = self._order(qty=1).equipment_ids
        reminder = piece.followup_ids
        self.assertEqual(reminder.planned_date, date(2027, 11, 6), "two weeks before")
        with freeze_time("2027-11-06 08:00:00"):
            self._run_followup_cron()
            self.assertEqual(reminder.state, "due")
            reminder.with_user(self.salesman)._close(feedback="<p>Serviced</p>", satisfaction="5")
        self.assertEqual(piece.next_maintenance_date, date(2028, 11, 6))
        self.assertEqual(piece.history_ids.satisfaction, "5")
        following = piece.followup_ids - reminder
        self.assertEqual(following.planned_date, date(2028, 10, 23))

    @freeze_time("2026-11-20 10:00:00")
    def test_two_pieces_due_together_send_the_customer_one_reminder_email(self):
        """The reminder e-mail is about the order (its template's model): two
        pieces of one order due the same day get one e-mail, not two."""
        template = self.env.ref("sale_after_sales.mail_template_followup_maintenance")
        self._create_maintenance_plan(
            create_activity=False, send_mail=True, mail_template_id=template.id
        )
        order = self._order(qty=2)
        reminders = order.equipment_ids.followup_ids
        self.assertEqual(len(reminders), 2)
        with freeze_time("2027-11-20 08:00:00"):
            self._run_followup_cron()
        self.assertEqual(set(reminders.mapped("state")), {"done"})
        mails = self.env["mail.mail"].search(
            [("model", "=", "sale.order"), ("res_id", "=", order.id)]
        )
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.recipient_ids, self.customer)
        self.assertEqual(reminders.mail_message_id, mails.mail_message_id)

    @freeze_time("2026-11-20 10:00:00")
    def test_an_order_without_equipment_keeps_the_step_once(self):
        self._create_maintenance_plan()
        order = self._create_order(self.customer, [(self.product_kit, 1)], confirm=True)
        self.assertEqual(order.followup_ids.planned_date, date(2027, 11, 20))
        self.assertFalse(order.followup_ids.equipment_id)

    @freeze_time("2026-11-20 10:00:00")
    def test_warranty_ends_trigger_plans_before_each_end(self):
        plan = self._create_plan(
            "Warranty",
            [
                {
                    "name": "Offer an extension",
                    "delay_count": 30,
                    "delay_from": "before_plan_date",
                }
            ],
            trigger="warranty_ends",
        )
        order = self._order(qty=2)
        followups = order.followup_ids.filtered(lambda f: f.plan_id == plan)
        self.assertEqual(len(followups), 2, "one per piece")
        self.assertEqual(set(followups.mapped("planned_date")), {date(2028, 10, 21)})
        # A warranty extended by hand moves its reminder.
        piece = followups[0].equipment_id
        piece.warranty_end = "2029-11-20"
        self.assertFalse(followups[0].exists(), "never sent: replaced by the new date's")
        moved = piece.followup_ids.filtered(lambda f: f.state == "planned" and f.plan_id == plan)
        self.assertEqual(moved.planned_date, date(2029, 10, 21))

    def test_handover_warns_about_missing_serial_numbers(self):
        check = self.env.ref("sale_after_sales.handover_check_equipment_serials")
        self.assertEqual(check.severity, "warning")
        order = self._order(qty=2, handover_note="<p>Counter.</p>")
        order.with_user(self.salesman).action_start_handover()
        result = order.handover_result_ids.filtered(lambda r: r.check_id == check)
        self.assertEqual(result.state, "warning")
        self.assertIn(self.product_machine.name, result.reason)
        order.equipment_ids[0].serial_number = "A"
        order.equipment_ids[1].serial_number = "B"
        order.with_user(self.salesman).action_run_handover_checks()
        self.assertEqual(result.state, "pass")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("sale_after_sales.action_report_handover_sheet", order.ids)[0]
            .decode()
        )
        self.assertIn("Warranty Until", html)
        self.assertIn(">A<", html)

    @freeze_time("2026-11-20 10:00:00")
    def test_equipment_starts_when_the_company_says(self):
        self.company.equipment_start = "handover_accepted"
        order = self._order(qty=1, handover_note="<p>Counter.</p>")
        piece = order.equipment_ids
        self.assertFalse(piece.date_start)
        self.assertFalse(piece.next_maintenance_date)
        order.with_user(self.salesman).action_start_handover()
        order.handover_result_ids.filtered(lambda r: r.kind == "manual").with_user(
            self.salesman
        ).action_tick()
        order.with_user(self.salesman).action_hand_over()
        order.with_user(self.service_user).action_accept_handover()
        self.assertEqual(piece.date_start, date(2026, 11, 20))
        self.company.equipment_start = "manual"
        self.assertFalse(self._order(qty=1).equipment_ids.date_start)

    def test_access_follows_the_order(self):
        mine = self._order(qty=1)
        theirs = self._create_order(
            self.other_customer, [(self.product_machine, 1)], user=self.other_salesman, confirm=True
        )
        pieces = mine.equipment_ids | theirs.equipment_ids
        as_sales = self.env["service.equipment"].with_user(self.salesman)
        self.assertEqual(as_sales.search([("id", "in", pieces.ids)]), mine.equipment_ids)
        with self.assertRaises(AccessError):
            theirs.equipment_ids.with_user(self.salesman).write({"serial_number": "X"})
        mine.equipment_ids.with_user(self.salesman).serial_number = "MINE-1"
        with self.assertRaises(AccessError):
            mine.equipment_ids.with_user(self.salesman).unlink()
        all_docs = new_test_user(
            self.env, login="saa_all_docs", groups="sales_team.group_sale_salesman_all_leads"
        )
        for user in (all_docs, self.service_user, self.service_admin):
            with self.subTest(user=user.login):
                found = (
                    self.env["service.equipment"].with_user(user).search([("id", "in", pieces.ids)])
                )
                self.assertEqual(found, pieces)
        self.assertFalse(
            self.env["service.equipment"]
            .with_user(self.other_company_user)
            .search([("id", "in", pieces.ids)])
        )
        with self.assertRaises(UserError):
            self.product_machine.product_tmpl_id.service_warranty_months = 5000

    @freeze_time("2026-11-20 10:00:00")
    def test_creating_equipment_costs_a_few_queries_per_hundred_pieces(self):
        self._create_maintenance_plan()
        customers = self.env["res.partner"].create(
            [{"name": f"Customer {index}", "email": f"c{index}@example.com"} for index in range(7)]
        )

        def orders(count):
            return self.env["sale.order"].create(
                [
                    {
                        "partner_id": customers[index % len(customers)].id,
                        "order_line": [
                            (0, 0, {"product_id": self.product_machine.id, "product_uom_qty": 3})
                        ],
                    }
                    for index in range(count)
                ]
            )

        def confirmed(count):
            batch = orders(count)
            batch.write({"state": "sale"})
            self.env.flush_all()
            self.env.invalidate_all()
            return batch

        def cost(batch):
            before = self.cr.sql_log_count
            batch._create_equipment()
            self.env.flush_all()
            return self.cr.sql_log_count - before

        cost(confirmed(2))  # warm-up
        small = cost(confirmed(100))  # 300 pieces, 300 reminders
        batch = confirmed(1000)
        # Through create(), which the ORM batches 100 rows a statement: 3 000
        # pieces and their reminders cost what 300 cost plus at most
        # QUERIES_PER_HUNDRED for each hundred records more (54); a query a
        # record would be 5 400 more.
        with self.assertQueryCount(small + QUERIES_PER_HUNDRED * 54):
            batch._create_equipment()
            self.env.flush_all()
        pieces = batch.equipment_ids
        self.assertEqual(len(pieces), 3000)
        self.assertEqual(pieces.order_id, batch)
        self.assertEqual(set(pieces.mapped("name")), {self.product_machine.name})
        self.assertEqual(pieces.commercial_partner_id, customers)
        self.assertEqual(set(pieces.mapped("warranty_end")), {date(2028, 11, 20)})
        self.assertEqual(set(pieces.mapped("next_maintenance_date")), {date(2027, 11, 20)})
        reminders = pieces.followup_ids
        self.assertEqual(len(reminders), 3000, "one maintenance reminder a piece")
        self.assertEqual(set(reminders.mapped("state")), {"planned"})
        self.assertEqual(reminders.partner_id, customers)
        self.assertEqual(set(reminders.mapped("planned_date")), {date(2027, 11, 20)})
        for records in (pieces, reminders):
            messages = self.env["mail.message"].search_count(
                [("model", "=", records._name), ("res_id", "in", records.ids)]
            )
            self.assertFalse(messages, "system records: no creation message")
        self.assertFalse(pieces.message_follower_ids, "nor followers")
        self.assertEqual(batch[0].equipment_count, 3)
        batch[0]._action_cancel()
        self.assertFalse(batch[0].equipment_ids, "nothing referred to them: removed")

    @freeze_time("2026-11-20 10:00:00")
    def test_system_records_take_no_default_of_the_screen_confirming_the_order(self):
        self._create_maintenance_plan()
        order = self._create_order(self.customer, [(self.product_machine, 1)])
        order.state = "sale"
        # The defaults of another model's form, in the context of the confirmation.
        order.with_context(
            default_partner_id=self.other_customer.id,
            default_state="retired",
            default_serial_number="SN-FORM",
            default_warranty_months=0,
            default_feedback="<p>From a form</p>",
        )._create_equipment()
        piece = order.equipment_ids
        self.assertEqual(piece.partner_id, self.customer)
        self.assertEqual(piece.state, "in_service")
        self.assertFalse(piece.serial_number)
        self.assertEqual(piece.warranty_months, 24, "computed from the product")
        self.assertEqual(piece.followup_ids.state, "planned")
        self.assertFalse(piece.followup_ids.feedback)

    @contextmanager
    def _created_through_create(self, *models):
        """{model: the records its create() returned} while the block runs: what
        another module's ``create()`` override of ``models`` would see."""
        created = {model: self.env[model] for model in models}
        with ExitStack() as stack:
            for model in models:
                registry_class = type(self.env[model])
                original = registry_class.create

                def create(records, vals_list, model=model, original=original):
                    result = original(records, vals_list)
                    created[model] |= result.with_env(self.env)
                    return result

                stack.enter_context(patch.object(registry_class, "create", create))
            yield created

    @freeze_time("2026-11-20 10:00:00")
    def test_another_modules_create_sees_the_pieces_and_reminders_of_orders_and_cron(self):
        self._create_maintenance_plan(
            delay_count=0,
            create_activity=False,
            ask_rating=True,
            rating_template_id=self.env.ref("sale_after_sales.mail_template_followup_rating").id,
            rating_reminder_days=3,
            rating_close_days=7,
        )
        self._create_plan("Welcome", [{"name": "Welcome call", "delay_count": 3}])
        with self._created_through_create("service.equipment", "service.followup") as created:
            order = self._order(qty=2)
        pieces = order.equipment_ids
        self.assertEqual(len(pieces), 2)
        self.assertEqual(created["service.equipment"], pieces)
        self.assertEqual(len(order.followup_ids), 3, "the welcome call, a reminder a piece")
        self.assertEqual(created["service.followup"], order.followup_ids)
        reminders = pieces.followup_ids
        with freeze_time("2027-11-20 10:00:00"):
            self._run_followup_cron()  # the reminders ask for a rating
        self.assertEqual(set(reminders.mapped("answer_state")), {"waiting"})
        # No answer: the scheduled action closes them and plans the next ones.
        with (
            freeze_time("2027-11-28 10:00:00"),
            self._created_through_create("service.followup") as created,
        ):
            self._run_followup_cron()
        self.assertEqual(set(reminders.mapped("state")), {"done"})
        following = pieces.followup_ids - reminders
        self.assertEqual(len(following), 2, "the next maintenance of each piece")
        self.assertEqual(created["service.followup"], following)

    @freeze_time("2026-11-20 10:00:00")
    def test_a_batch_of_maintenance_reminders_rolls_every_piece_forward(self):
        self._create_maintenance_plan(delay_count=0)
        pieces = self._order(qty=3).equipment_ids
        pieces.write({"date_start": date(2025, 11, 20)})  # maintenance due today
        self._run_followup_cron()
        reminders = pieces.followup_ids.filtered(lambda f: f.state == "due")
        self.assertEqual(len(reminders), 3)
        reminders._close()
        following = pieces.followup_ids.filtered(lambda f: f.state == "planned")
        self.assertEqual(len(following), 3, "one reminder a year later for each piece")
        self.assertEqual(set(following.mapped("planned_date")), {date(2027, 11, 20)})
