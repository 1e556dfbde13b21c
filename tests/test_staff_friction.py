from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestStaffFriction(AfterSalesCommon):
    """The staff's daily screens, as a salesperson and a service user meet them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.company.handover_default_user_id = cls.service_user
        cls.check_told = cls.env.ref("sale_after_sales.handover_check_service_contact_told")
        cls.handover_type = cls.env.ref("sale_after_sales.mail_activity_type_handover")

    def _order(self, partner=None, **values):
        values.setdefault("handover_note", "<p>Machine goes on the left counter.</p>")
        return self._create_order(
            partner or self.customer, [(self.product_machine, 1)], confirm=True, **values
        )

    def _handed_over(self, order=None):
        order = order or self._order()
        order.with_user(self.salesman).action_start_handover()
        order.handover_result_ids.filtered(lambda r: r.check_id == self.check_told).with_user(
            self.salesman
        ).action_tick()
        order.with_user(self.salesman).action_hand_over()
        self.assertEqual(order.handover_state, "handed_over")
        return order

    def _list_values(self, action_xmlid, user, order):
        """The values the list view of action ``action_xmlid`` shows ``user``
        for ``order``, by column label."""
        action = self.env.ref(action_xmlid)
        view = action.view_ids.filtered(lambda v: v.view_mode == "list").view_id
        Order = self.env["sale.order"].with_user(user)
        arch = etree.fromstring(Order.get_view(view.id, "list")["arch"])
        columns = {
            node.get("name"): node.get("string") or Order._fields[node.get("name")].string
            for node in arch.iter("field")
            if node.get("column_invisible") not in ("1", "True")
        }
        domain = safe_eval(action.domain or "[]") + [("id", "=", order.id)]
        [record] = Order.web_search_read(domain, {name: {} for name in columns})["records"]
        return {label: record[name] for name, label in columns.items()}

    # 10. Who takes over --------------------------------------------------

    def test_salesperson_sees_who_takes_over_before_and_after_handing_over(self):
        order = self._order()
        self.assertFalse(order.service_user_id)
        tab = self.env.ref("sale_after_sales.view_order_form_handover_tab")
        form = Form(order.with_user(self.salesman), view=tab)
        self.assertEqual(form.handover_responsible_id, self.service_user, "before handing over")

        self._handed_over(order)
        activity = order.activity_ids.filtered(lambda a: a.activity_type_id == self.handover_type)
        self.assertEqual(activity.user_id, self.service_user)
        form = Form(order.with_user(self.salesman), view=tab)
        self.assertEqual(form.handover_responsible_id, self.service_user, "after handing over")
        values = self._list_values(
            "sale_after_sales.sale_order_action_handover_mine", self.service_user, order
        )
        self.assertEqual(values["Service Responsible"], self.service_user.id)

        # The default changes: the order handed over stays with who has its
        # activity; a new one goes to the new default.
        self.company.handover_default_user_id = self.service_admin
        order.invalidate_recordset(["handover_responsible_id"])
        self.assertEqual(order.with_user(self.salesman).handover_responsible_id, self.service_user)
        self.assertEqual(self._order().handover_responsible_id, self.service_admin)

        # Accepted by another service user: he is the service responsible now.
        order.with_user(self.service_admin).action_accept_handover()
        self.assertEqual(order.service_user_id, self.service_admin)
        self.assertEqual(order.with_user(self.salesman).handover_responsible_id, self.service_admin)

    def test_service_user_cannot_choose_the_service_responsible_with_a_write(self):
        order = self._handed_over()
        with self.assertRaises(AccessError):
            order.with_user(self.service_user).write({"service_user_id": self.service_user.id})
        with self.assertRaises(AccessError):
            order.with_user(self.other_salesman).write({"service_user_id": self.service_user.id})

    # 11. Accept with warnings --------------------------------------------

    def test_accepting_open_warnings_asks_a_comment_kept_in_the_history(self):
        self._track_equipment(self.product_machine)
        order = self._handed_over()
        self.assertEqual(order.handover_warning_count, 1, "the serial number is missing")

        action = order.with_user(self.service_user).action_accept_handover()
        self.assertEqual(action["res_model"], "service.handover.accept.wizard")
        self.assertEqual(order.handover_state, "handed_over", "not accepted in one click")
        form = Form.from_action(self.env(user=self.service_user), action)
        self.assertIn("No serial number for Espresso Machine", form.warnings)
        with self.assertRaises(AssertionError, msg="the comment is required"):
            form.save()
        form.comment = "The technician reads the serial number at the installation."
        form.save().action_accept()

        self.assertEqual(order.handover_state, "accepted")
        entry = order.service_history_ids.filtered(lambda e: e.type_id.code == "handover")
        self.assertIn("Accepted with an open warning", entry.outcome)
        self.assertIn("No serial number for Espresso Machine", entry.outcome)
        self.assertIn("reads the serial number at the installation", entry.outcome)

    def test_accepting_without_warnings_is_still_one_click(self):
        order = self._handed_over()
        self.assertFalse(order.handover_warning_count)
        self.assertIs(order.with_user(self.service_user).action_accept_handover(), True)
        self.assertEqual(order.handover_state, "accepted")
        entry = order.service_history_ids.filtered(lambda e: e.type_id.code == "handover")
        self.assertFalse(entry.outcome)

    def test_warnings_cannot_be_accepted_without_a_comment_or_by_sales(self):
        self._track_equipment(self.product_machine)
        order = self._handed_over()
        with self.assertRaisesText(UserError, "say why you accept it anyway"):
            order.with_user(self.service_user)._accept_handover(comment="  ")
        Wizard = self.env["service.handover.accept.wizard"]
        with self.assertRaises(AccessError):
            Wizard.with_user(self.salesman).create(
                {"order_ids": [order.id], "comment": "I accept my own handover."}
            )
        wizard = Wizard.create({"order_ids": [order.id], "comment": "Fine."})
        with self.assertRaises(AccessError):
            wizard.with_user(self.salesman).action_accept()
        self.assertEqual(order.handover_state, "handed_over")

    # 12. The blocked dialog ----------------------------------------------

    def test_blocked_dialog_has_one_line_per_problem_each_with_its_fix(self):
        self.customer.phone = False
        self.company.handover_default_user_id = False
        order = self._order(handover_note=False)
        action = order.with_user(self.salesman).action_hand_over()
        wizard = self.env[action["res_model"]].with_user(self.salesman).browse(action["res_id"])
        lines = {line.fix: line for line in wizard.line_ids}
        self.assertEqual(set(lines), {"customer", "notes", "checklist", "responsible"})
        self.assertEqual(len(wizard.line_ids), 4, "one line per problem")
        for line in wizard.line_ids:
            self.assertNotIn("To fix", line.reason)
        self.assertIn("no phone number", lines["customer"].reason)

        fix = lines["customer"].action_fix()
        self.assertEqual(fix["res_model"], "service.handover.customer.wizard")
        self.assertEqual(fix["context"]["default_order_id"], order.id)
        tab = self.env.ref("sale_after_sales.view_order_form_handover_tab")
        for kind in ("notes", "checklist", "responsible"):
            fix = lines[kind].action_fix()
            self.assertEqual((fix["res_model"], fix["res_id"]), ("sale.order", order.id), kind)
            self.assertEqual(fix["views"], [(tab.id, "form")], kind)
            # The tab shows the field the problem is about.
            arch = order.with_user(self.salesman).get_view(tab.id)["arch"]
            field = {"notes": "handover_note", "checklist": "handover_result_ids"}.get(
                kind, "service_user_id"
            )
            self.assertIn(f'name="{field}"', arch)

    def test_blocked_dialog_fix_is_refused_to_another_salesperson(self):
        self.customer.phone = False
        order = self._order()
        action = order.with_user(self.salesman).action_hand_over()
        line = self.env[action["res_model"]].browse(action["res_id"]).line_ids[:1]
        with self.assertRaises(AccessError):
            line.with_user(self.other_salesman).action_fix()
        with self.assertRaises(AccessError):
            line.with_user(self.service_user).action_fix()

    # 13. Follow-ups held by a complaint ----------------------------------

    def _complaint(self, partner=None):
        return self._create_history(
            partner or self.customer,
            type_id=self.env.ref("sale_after_sales.history_type_complaint").id,
            summary="The machine leaks",
        )

    def _waiting_plan(self, policy="wait", days=10):
        return self._create_plan(
            "Care",
            [
                {
                    "name": "Satisfaction call",
                    "responsible_type": "other",
                    "responsible_id": self.service_user.id,
                    "open_complaint_policy": policy,
                    "complaint_wait_days": days,
                }
            ],
        )

    def test_step_choices_and_their_defaults(self):
        step = self._waiting_plan().step_ids
        with Form(step) as form:
            self.assertEqual(form.open_complaint_policy, "wait")
            form.open_complaint_policy = "skip"
        new = self.env["service.followup.plan.step"].create(
            {"plan_id": step.plan_id.id, "name": "Visit"}
        )
        self.assertEqual(
            (new.open_complaint_policy, new.complaint_wait_days),
            ("proceed", 30),
            "a new step is carried out whatever the complaints, as before",
        )
        for xmlid in ("followup_step_thank_you", "followup_step_satisfaction_call"):
            shipped = self.env.ref(f"sale_after_sales.{xmlid}")
            self.assertEqual(shipped.open_complaint_policy, "wait", xmlid)
        # The 19.0.2 boolean still works for data files and code written for it.
        new.skip_if_open_complaint = True
        self.assertEqual(new.open_complaint_policy, "wait")
        with self.assertRaisesText(ValidationError, "from 1 to 365 days"):
            new.complaint_wait_days = 0

    def test_a_followup_waits_for_the_complaint_then_runs_at_the_next_cron(self):
        self._waiting_plan()
        complaint = self._complaint()
        with freeze_time("2030-03-01"):
            order = self._order()
            followup = order.followup_ids
            self._run_followup_cron()
            self.assertEqual(followup.state, "waiting")
            self.assertIn("has an open complaint", followup.failure_reason)
            self.assertIn("03/11/2030", followup.failure_reason, "until when it waits")
            self.assertFalse(followup.activity_id)
            # Shown on the follow-up, and still open for its assignee.
            form = Form(followup.with_user(self.service_user))
            self.assertEqual(form.state, "waiting")
            self.assertIn(
                followup,
                self.env["service.followup"]
                .with_user(self.service_user)
                .search([("state", "in", ("planned", "waiting", "due", "failed"))]),
            )
        with freeze_time("2030-03-05"):
            self._run_followup_cron()
            self.assertEqual(followup.state, "waiting", "the complaint is still open")
            complaint.with_user(self.service_user).action_case_cancel()
            self._run_followup_cron()
            self.assertEqual(followup.state, "due", "carried out once the complaint closed")
            self.assertEqual(followup.activity_id.user_id, self.service_user)
            self.assertFalse(followup.failure_reason)

    def test_a_followup_waits_at_most_its_limit_then_is_skipped_saying_why(self):
        self._waiting_plan(days=10)
        self._complaint()
        with freeze_time("2030-03-01"):
            followup = self._order().followup_ids
            self._run_followup_cron()
        with freeze_time("2030-03-11"):
            self._run_followup_cron()
            self.assertEqual(followup.state, "waiting", "the limit's day is still waited")
        with freeze_time("2030-03-12"):
            self._run_followup_cron()
        self.assertEqual(followup.state, "skipped")
        self.assertIn("still open 10 days after", followup.failure_reason)

    def test_skip_policy_skips_at_once(self):
        self._waiting_plan(policy="skip")
        self._complaint()
        followup = self._order().followup_ids
        self._run_followup_cron()
        self.assertEqual(followup.state, "skipped")
        self.assertIn("open complaint", followup.failure_reason)

    def test_waiting_followups_are_checked_in_one_grouped_query_a_batch(self):
        self._waiting_plan()
        customers = self.env["res.partner"].create(
            [{"name": f"Customer {n}", "email": f"c{n}@example.com"} for n in range(12)]
        )
        for customer in customers:
            self._complaint(customer)
            self._order(customer)
        self._run_followup_cron()
        waiting = self.env["service.followup"].search(
            [("state", "=", "waiting"), ("partner_id", "in", customers.ids)]
        )
        self.assertEqual(len(waiting), 12)
        Followup = self.env["service.followup"].sudo()
        counts = []
        with patch.object(type(self.env["ir.cron"]), "_commit_progress", return_value=60.0):
            # The first run warms the caches (the language, the complaint type).
            for size in (12, 2, 12):
                waiting._workflow().write({"state": "planned"})
                waiting[:size]._workflow().write({"state": "waiting"})
                self.env.flush_all()
                self.env.invalidate_all()
                before = self.env.cr.sql_log_count
                Followup._process_complaint_waits(1000)
                self.env.flush_all()
                counts.append(self.env.cr.sql_log_count - before)
        counts = counts[1:]
        self.assertEqual(counts[1], counts[0], "as many queries for 12 as for 2")
        self.assertEqual(set(waiting.mapped("state")), {"waiting"})

    # 14. Daily screens ---------------------------------------------------

    def test_followups_button_counts_what_it_opens(self):
        self._create_plan(
            "Care",
            [
                {"name": "Welcome call", "delay_count": 0},
                {"name": "Satisfaction call", "delay_count": 7},
                {"name": "Check-in", "delay_count": 30},
            ],
        )
        order = self._order()
        self._run_followup_cron()
        welcome, _satisfaction, check_in = order.followup_ids.sorted("planned_date")
        welcome.with_user(self.salesman).action_open_done_wizard()
        self.env["service.followup.done.wizard"].with_user(self.salesman).create(
            {"followup_ids": welcome.ids, "satisfaction": "4"}
        ).action_done()
        check_in.with_user(self.salesman).action_cancel()
        order = order.with_user(self.salesman)
        action = order.action_view_followups()
        shown = self.env["service.followup"].with_user(self.salesman).search(action["domain"])
        self.assertEqual(order.followup_count, len(shown), "the button counts what it opens")
        self.assertEqual(order.followup_count, 3)
        self.assertEqual(action["views"][0][1], "list", "every row shown, none folded away")

    def _module_lists(self):
        """(view, model, list node) of every list the module's views write,
        embedded ones included."""
        views = self.env["ir.ui.view"].browse(
            self.env["ir.model.data"]
            .search([("module", "=", "sale_after_sales"), ("model", "=", "ir.ui.view")])
            .mapped("res_id")
        )

        def walk(view, node, model):
            if node.tag == "list":
                yield view, model, node
            if node.tag == "field" and len(node) and node.get("name") in self.env[model]._fields:
                model = self.env[model]._fields[node.get("name")].comodel_name or model
            for child in node:
                yield from walk(view, child, model)

        for view in views.filtered(lambda v: v.type in ("form", "list")):
            yield from walk(view, etree.fromstring(view.arch_db), view.model)

    def test_list_headers_of_narrow_columns_are_not_cut(self):
        """Odoo gives dates and check boxes a narrow column: a longer header is
        cut ("In Service Si…") unless the view widens the column or shortens it."""
        too_long = []
        for view, model, node in self._module_lists():
            for field_node in node.findall("field"):
                field = self.env[model]._fields.get(field_node.get("name"))
                if (
                    not field
                    or field.type not in ("date", "datetime", "boolean")
                    or field_node.get("column_invisible") in ("1", "True")
                    or field_node.get("widget") in ("handle", "boolean_toggle")
                    or field_node.get("width")
                ):
                    continue
                label = field_node.get("string") or field.string
                if len(label) > 12:
                    too_long.append(f"{view.xml_id or view.name}: {label}")
        self.assertEqual(too_long, [])

    def test_counts_in_cards_say_one_and_many(self):
        kanban = self.env.ref("sale_after_sales.res_partner_view_kanban_after_sales")
        arch = self.env["res.partner"].get_view(kanban.id, "kanban")["arch"]
        self.assertNotIn("(s)", arch)
        for text in ("1 open handover<", "open handovers", "1 product<", " products"):
            self.assertIn(text, arch)

    def test_contact_types_show_their_icon_each_its_own(self):
        types = self.env["service.history.type"].search([])
        shipped = types.filtered("code")
        self.assertEqual(len(set(shipped.mapped("icon"))), len(shipped), "one icon a type")
        list_view = self.env.ref("sale_after_sales.service_history_type_view_list")
        arch = etree.fromstring(
            self.env["service.history.type"]
            .with_user(self.service_admin)
            .get_view(list_view.id, "list")["arch"]
        )
        shown = [
            node.get("name")
            for node in arch.iter("field")
            if node.get("column_invisible") not in ("1", "True")
        ]
        self.assertIn("icon_preview", shown)
        self.assertNotIn("icon", shown, "the class name in debug mode only")
        call = self.env.ref("sale_after_sales.history_type_call")
        self.assertIn('<i class="fa fa-fw fa-phone"', call.icon_preview)

    def test_empty_service_history_tab_says_what_comes_there(self):
        self._track_equipment(self.product_machine)
        piece = self._order().equipment_ids
        self.assertFalse(piece.history_ids)
        form = self.env.ref("sale_after_sales.service_equipment_view_form")
        arch = etree.fromstring(
            self.env["service.equipment"].with_user(self.service_user).get_view(form.id)["arch"]
        )
        [page] = arch.xpath("//page[@name='history']")
        [helper] = page.xpath(".//div[@name='history_empty']")
        self.assertEqual(helper.get("invisible"), "history_ids")
        self.assertIn("No service contact for this piece yet", etree.tostring(helper, encoding=str))
        action = piece.with_user(self.service_user).action_log_service_contact()
        self.assertEqual(action["res_model"], "service.history")

    def test_satisfaction_analysis_reads_with_little_data(self):
        action = self.env.ref("sale_after_sales.service_satisfaction_report_action")
        first = action.view_mode.split(",")[0]
        self.assertIn(first, ("pivot", "graph"))
        graph = etree.fromstring(
            self.env["service.satisfaction.report"]
            .with_user(self.service_user)
            .get_view(False, "graph")["arch"]
        )
        self.assertNotEqual(graph.get("type"), "line", "one month is one dot on a line")
