from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import float_compare, format_list, formatLang, html2plaintext, is_html_empty

HANDOVER_STATES = [
    ("not_started", "Not Started"),
    ("checking", "Checking"),
    ("handed_over", "Waiting for Service"),
    ("accepted", "Accepted"),
    ("sent_back", "Sent Back"),
]


class SaleOrder(models.Model):
    _inherit = "sale.order"

    service_history_ids = fields.One2many("service.history", "order_id")
    service_history_count = fields.Integer(
        string="Service Contacts", compute="_compute_service_history_count"
    )
    followup_ids = fields.One2many("service.followup", "order_id", string="Follow-ups")
    followup_count = fields.Integer(string="Follow-up Count", compute="_compute_followup_count")

    handover_state = fields.Selection(
        HANDOVER_STATES,
        string="Handover",
        required=True,
        default="not_started",
        copy=False,
        index=True,
        tracking=True,
    )
    handover_result_ids = fields.One2many(
        "service.handover.result", "order_id", string="Handover Checks", copy=False
    )
    handover_note = fields.Html(
        string="Notes for the Technician",
        copy=False,
        help="What the service department must know to serve this customer: site, "
        "installation, agreements made during the sale...",
    )
    service_user_id = fields.Many2one(
        "res.users",
        string="Service Responsible",
        copy=False,
        index="btree_not_null",
        tracking=True,
        domain=lambda self: [
            ("share", "=", False),
            ("all_group_ids", "in", self.env.ref("sale_after_sales.group_after_sales_user").ids),
        ],
    )
    handover_user_id = fields.Many2one("res.users", string="Handed Over By", copy=False)
    handover_date = fields.Datetime(string="Handed Over On", copy=False)
    handover_accepted_date = fields.Datetime(string="Accepted On", copy=False)
    handover_send_back_reason = fields.Text(string="Sent Back Because", copy=False)
    handover_send_back_count = fields.Integer(string="Times Sent Back", copy=False)
    handover_blocking_count = fields.Integer(compute="_compute_handover_counts")
    handover_warning_count = fields.Integer(compute="_compute_handover_counts")
    handover_is_late = fields.Boolean(
        string="Handover Late",
        compute="_compute_handover_is_late",
        search="_search_handover_is_late",
        help="Confirmed longer ago than the company's handover delay and not accepted yet.",
    )

    @api.depends("handover_result_ids.state", "handover_result_ids.severity")
    def _compute_handover_counts(self):
        for order in self:
            results = order.handover_result_ids
            order.handover_blocking_count = len(results._is_blocking())
            order.handover_warning_count = len(results.filtered(lambda r: r.state == "warning"))

    @api.depends("state", "date_order", "handover_state", "company_id.handover_reminder_days")
    def _compute_handover_is_late(self):
        now = fields.Datetime.now()
        for order in self:
            order.handover_is_late = (
                order.state == "sale"
                and order.handover_state != "accepted"
                and order.date_order
                and order.date_order
                < now - timedelta(days=order.company_id.handover_reminder_days or 0)
            )

    def _search_handover_is_late(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        now = fields.Datetime.now()
        late = (
            Domain.OR(
                Domain("company_id", "=", company.id)
                & Domain("date_order", "<", now - timedelta(days=company.handover_reminder_days))
                for company in self.env["res.company"].sudo().search([])
            )
            & Domain("state", "=", "sale")
            & Domain("handover_state", "!=", "accepted")
        )
        return late if (operator == "in") == (True in value) else ~late

    def _compute_service_history_count(self):
        counts = dict(
            self.env["service.history"]._read_group(
                [("order_id", "in", self.ids)], ["order_id"], ["__count"]
            )
        )
        for order in self:
            order.service_history_count = counts.get(order, 0)

    def _compute_followup_count(self):
        counts = dict(
            self.env["service.followup"]._read_group(
                [("order_id", "in", self.ids), ("state", "!=", "cancelled")],
                ["order_id"],
                ["__count"],
            )
        )
        for order in self:
            order.followup_count = counts.get(order, 0)

    def _action_confirm(self):
        res = super()._action_confirm()
        self._log_sale_in_service_history()
        self._plan_followups("order_confirmed")
        auto = self.filtered(
            lambda o: o.company_id.handover_auto_start and o.handover_state == "not_started"
        )
        if auto:
            # A company setting, whoever confirms (a portal customer signing): sudo.
            auto.sudo()._start_handover()
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        # Follow-ups are system records: whoever cancels the order cleans them up.
        self.sudo().followup_ids._cancel()
        return res

    # ------------------------------------------------------------------
    # Handover to the service department
    # ------------------------------------------------------------------

    def action_start_handover(self):
        self._check_handover_sales_side()
        self._start_handover()
        return True

    def action_run_handover_checks(self):
        self._check_handover_sales_side()
        self._check_handover_state(("checking", "sent_back"))
        self._run_handover_checks()
        return True

    def action_hand_over(self):
        """Hand the orders over to the service department, if no blocking
        check fails; one message lists every failing check of every order."""
        self._check_handover_sales_side()
        self._check_handover_state(("not_started", "checking", "sent_back"))
        self._start_handover()  # moves the new ones to "checking" and runs every check once
        problems = [order._get_handover_blocking_message() for order in self]
        problems = [problem for problem in problems if problem]
        if problems:
            raise UserError(
                self.env._("The order cannot be handed over yet:") + "\n\n" + "\n\n".join(problems)
            )
        missing = self.filtered(lambda o: not o._get_handover_responsible())
        if missing:
            raise UserError(
                self.env._(
                    "Choose the service responsible of %(orders)s, or a default service "
                    "responsible in the settings.",
                    orders=", ".join(missing.mapped("name")),
                )
            )
        self.write(
            {
                "handover_state": "handed_over",
                "handover_user_id": self.env.user.id,
                "handover_date": fields.Datetime.now(),
            }
        )
        self.activity_unlink(["sale_after_sales.mail_activity_type_handover_reminder"])
        for order in self:
            order.activity_schedule(
                "sale_after_sales.mail_activity_type_handover",
                user_id=order._get_handover_responsible().id,
                note=order._get_handover_activity_note(),
            )
        return True

    def action_accept_handover(self):
        self._check_handover_service_side()
        self._check_handover_state(("handed_over",))
        # Service staff read orders but do not edit them: the transition is
        # done by the system once the group is checked (the user stays the author).
        orders = self.sudo()
        orders.filtered(lambda o: not o.service_user_id).service_user_id = self.env.user
        orders.write(
            {"handover_state": "accepted", "handover_accepted_date": fields.Datetime.now()}
        )
        orders.activity_feedback(
            ["sale_after_sales.mail_activity_type_handover"],
            feedback=self.env._("Handover accepted"),
        )
        orders._log_handover_in_service_history()
        orders._plan_followups("handover_accepted")
        return True

    def action_send_back_handover(self):
        self._check_handover_service_side()
        self._check_handover_state(("handed_over",))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Back to Sales"),
            "res_model": "service.handover.send.back.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_ids": self.ids},
        }

    def _send_back_handover(self, reason):
        """Return the handover to the salesperson with ``reason``."""
        self._check_handover_service_side()
        self._check_handover_state(("handed_over",))
        if not reason or not reason.strip():
            raise UserError(
                self.env._(
                    "Say why the order goes back to sales: the salesperson needs to know "
                    "what to fix."
                )
            )
        orders = self.sudo()  # service staff do not edit orders: see action_accept_handover
        orders.activity_unlink(["sale_after_sales.mail_activity_type_handover"])
        for order in orders:
            order.write(
                {
                    "handover_state": "sent_back",
                    "handover_send_back_reason": reason,
                    "handover_send_back_count": order.handover_send_back_count + 1,
                }
            )
            order.activity_schedule(
                "sale_after_sales.mail_activity_type_handover_sent_back",
                user_id=(order.user_id or order.handover_user_id or self.env.user).id,
                note=Markup("<p>%s</p>") % reason,
            )
            order.message_post(
                body=Markup("<p>%s</p><p>%s</p>")
                % (self.env._("Handover sent back to sales:"), reason),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _start_handover(self):
        self.filtered(lambda o: o.handover_state == "not_started").write(
            {"handover_state": "checking"}
        )
        self._run_handover_checks()

    def _check_handover_state(self, states):
        wrong = self.filtered(lambda o: o.state != "sale" or o.handover_state not in states)
        if wrong:
            labels = dict(self._fields["handover_state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "This cannot be done on %(orders)s: the order must be confirmed and its "
                    "handover %(states)s.",
                    orders=", ".join(
                        f"{order.name} ({labels[order.handover_state]})" for order in wrong
                    ),
                    states=format_list(self.env, [labels[state] for state in states], "or"),
                )
            )

    def _check_handover_sales_side(self):
        """Only the sales side of an order (who may edit it) hands it over."""
        if self.env.su:
            return
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(self.env._("Only salespeople hand orders over to the service."))
        self.check_access("write")

    def _check_handover_service_side(self):
        if self.env.su:
            return
        if not self.env.user.has_group("sale_after_sales.group_after_sales_user"):
            raise AccessError(
                self.env._("Only the service department accepts or sends back a handover.")
            )

    def _get_handover_responsible(self):
        self.ensure_one()
        return self.service_user_id or self.company_id.handover_default_user_id

    def _get_handover_checks(self):
        """The active handover checks of these orders' companies (not per order)."""
        return (
            self.env["service.handover.check"]
            .sudo()
            .search(["|", ("company_id", "=", False), ("company_id", "in", self.company_id.ids)])
        )

    def _run_handover_checks(self):
        """(Re)compute the handover check results of these orders, in batch.

        Results are system records computed for whoever asks, hence ``sudo``.
        Manual items keep who ticked them.
        """
        orders = self.sudo()
        checks = orders._get_handover_checks()
        outcome = {}  # (order, check) -> values
        for check in checks:
            applicable = orders.filtered(check._applies_to)
            if not applicable:
                continue
            if check.kind == "manual":
                for order in applicable:
                    outcome[order, check] = {}
                continue
            for order, reason in check._evaluate(applicable).items():
                if not reason:
                    state = "pass"
                else:
                    state = "fail" if check.severity == "blocking" else "warning"
                outcome[order, check] = {"state": state, "reason": reason or False}
        Result = self.env["service.handover.result"].sudo()
        # One query for the existing results, whatever their number.
        existing = Result.search_fetch([("order_id", "in", orders.ids)], ["order_id", "check_id"])
        existing.filtered(lambda r: (r.order_id, r.check_id) not in outcome).unlink()
        Result._save_outcome(outcome)

    def _get_handover_blocking_message(self):
        self.ensure_one()
        lines = []
        for result in self.handover_result_ids._is_blocking():
            if result.kind == "manual":
                text = self.env._("%(check)s: not ticked yet.", check=result.name)
            else:
                text = f"{result.name}: {result.reason}"
            if result.description:
                text += " " + self.env._("To fix: %(hint)s", hint=result.description)
            lines.append(f"- {text}")
        if not lines:
            return False
        return f"{self.name}\n" + "\n".join(lines)

    def _get_handover_activity_note(self):
        self.ensure_one()
        warnings = self.handover_result_ids.filtered(lambda r: r.state == "warning")
        note = Markup("<p>%s</p>") % self.env._(
            "%(user)s hands %(order)s over to the service department.",
            user=self.env.user.name,
            order=self.name,
        )
        if warnings:
            note += Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._("Warnings:"),
                Markup().join(Markup("<li>%s: %s</li>") % (w.name, w.reason) for w in warnings),
            )
        return note

    def _log_handover_in_service_history(self):
        self.env["service.history"]._log(
            "handover",
            [
                order._prepare_service_history_vals(
                    summary=self.env._("Handover of %(order)s accepted", order=order.name),
                    description=order._get_handover_snapshot(),
                    user_id=self.env.user.id,
                )
                for order in self
            ],
        )

    def _get_handover_snapshot(self):
        """HTML snapshot of what was handed over: contact, products, notes, checks."""
        self.ensure_one()
        partner = self.partner_id
        shipping = self.partner_shipping_id
        contact = Markup("<ul><li>%s</li><li>%s</li><li>%s</li><li>%s</li></ul>") % (
            self.env._("Customer: %(name)s", name=partner.display_name),
            self.env._("E-mail: %(email)s", email=partner.email or "-"),
            self.env._("Phone: %(phone)s", phone=partner.phone or "-"),
            self.env._(
                "Delivery address: %(address)s",
                address=shipping._display_address(without_company=True).replace("\n", ", ") or "-",
            ),
        )
        checks = Markup().join(
            Markup("<li>%s: %s%s</li>")
            % (
                result.name,
                dict(result._fields["state"]._description_selection(self.env))[result.state],
                f" ({result.reason})" if result.reason else "",
            )
            for result in self.handover_result_ids
        )
        parts = [
            Markup("<h4>%s</h4>") % self.env._("Contact"),
            contact,
            Markup("<h4>%s</h4>") % self.env._("Products"),
            self._get_service_history_sale_description(),
        ]
        if not is_html_empty(self.handover_note):
            parts += [
                Markup("<h4>%s</h4>") % self.env._("Notes for the technician"),
                self.handover_note,
            ]
        if not is_html_empty(partner.commercial_partner_id.service_notes):
            parts += [
                Markup("<h4>%s</h4>") % self.env._("Service notes"),
                partner.commercial_partner_id.service_notes,
            ]
        if checks:
            parts += [Markup("<h4>%s</h4><ul>%s</ul>") % (self.env._("Checks"), checks)]
        return Markup().join(parts)

    # Built-in handover checks: {order: failure reason or False} for a batch.

    def _handover_check_customer_email(self):
        return {
            order: False
            if order.partner_id.email or order.partner_id.commercial_partner_id.email
            else self.env._("%(customer)s has no e-mail.", customer=order.partner_id.display_name)
            for order in self
        }

    def _handover_check_customer_phone(self):
        return {
            order: False
            if order.partner_id.phone or order.partner_id.commercial_partner_id.phone
            else self.env._(
                "%(customer)s has no phone number.", customer=order.partner_id.display_name
            )
            for order in self
        }

    def _handover_check_delivery_address(self):
        labels = {
            "street": self.env._("street"),
            "city": self.env._("city"),
            "country_id": self.env._("country"),
        }
        result = {}
        for order in self:
            missing = [
                label for name, label in labels.items() if not order.partner_shipping_id[name]
            ]
            result[order] = missing and self.env._(
                "The delivery address %(address)s has no %(missing)s.",
                address=order.partner_shipping_id.display_name,
                missing=format_list(self.env, missing),
            )
        return result

    def _handover_check_product_lines(self):
        result = {}
        for order in self:
            lines = order.order_line.filtered(lambda line: not line.display_type)
            without = lines.filtered(lambda line: not line.product_id)
            if not lines:
                result[order] = self.env._("The order has no product.")
            elif without:
                result[order] = self.env._(
                    "Lines without a product: %(lines)s.",
                    lines=format_list(self.env, without.mapped("name")),
                )
            else:
                result[order] = False
        return result

    def _handover_check_service_notes(self):
        return {
            order: False
            if not is_html_empty(order.handover_note)
            and html2plaintext(order.handover_note).strip()
            else self.env._("Write the notes for the technician (Handover tab).")
            for order in self
        }

    def _handover_check_invoice_prices(self):
        # Read the invoice lines of all the orders at once, not order by order.
        self.order_line.invoice_lines.move_id.mapped("state")
        self.order_line.invoice_lines.sale_line_ids.mapped("order_id")
        result = {}
        for order in self:
            lines = order.order_line.filtered(
                lambda line: not line.display_type and not line.is_downpayment
            )
            invoice_lines = lines.invoice_lines.filtered(
                lambda aml: aml.move_id.state == "posted" and aml.move_id.move_type == "out_invoice"
            )
            if not invoice_lines:
                allowed = order.company_id.handover_allow_uninvoiced
                result[order] = False if allowed else self.env._("Nothing is invoiced yet.")
                continue
            differences = []
            for aml in invoice_lines:
                differences += order._get_invoice_line_differences(aml)
            for line in lines:
                # Over-invoiced across several invoices; one invoice line over
                # the order is already reported with its invoice above.
                if not line._is_qty_over(line.qty_invoiced) or any(
                    line._is_qty_over(aml.quantity) for aml in line.invoice_lines & invoice_lines
                ):
                    continue
                differences.append(
                    self.env._(
                        "Line '%(line)s': %(invoiced)s invoiced, %(ordered)s ordered.",
                        line=line.product_id.display_name or line.name,
                        invoiced=formatLang(self.env, line.qty_invoiced, dp="Product Unit"),
                        ordered=formatLang(self.env, line.product_uom_qty, dp="Product Unit"),
                    )
                )
            result[order] = "\n".join(differences) or False
        return result

    def _get_invoice_line_differences(self, aml):
        """What differs between invoice line ``aml`` and its order line."""
        self.ensure_one()
        differences = []
        for line in aml.sale_line_ids.filtered(lambda sol: sol.order_id == self):
            label = self.env._(
                "Invoice %(invoice)s line '%(line)s'",
                invoice=aml.move_id.name,
                line=line.product_id.display_name or line.name,
            )
            currency = self.currency_id
            if currency.compare_amounts(aml.price_unit, line.price_unit):
                differences.append(
                    self.env._(
                        "%(label)s: %(invoiced)s invoiced, %(ordered)s ordered.",
                        label=label,
                        invoiced=formatLang(self.env, aml.price_unit, currency_obj=currency),
                        ordered=formatLang(self.env, line.price_unit, currency_obj=currency),
                    )
                )
            if float_compare(aml.discount, line.discount, precision_digits=2):
                differences.append(
                    self.env._(
                        "%(label)s: discount %(invoiced)s%% invoiced, %(ordered)s%% ordered.",
                        label=label,
                        invoiced=formatLang(self.env, aml.discount),
                        ordered=formatLang(self.env, line.discount),
                    )
                )
            if line._is_qty_over(aml.quantity):
                differences.append(
                    self.env._(
                        "%(label)s: quantity %(invoiced)s invoiced, %(ordered)s ordered.",
                        label=label,
                        invoiced=formatLang(self.env, aml.quantity, dp="Product Unit"),
                        ordered=formatLang(self.env, line.product_uom_qty, dp="Product Unit"),
                    )
                )
        return differences

    @api.model
    def _cron_remind_handover(self):
        """Remind salespeople of confirmed orders not handed over after the
        company's delay (one open reminder per order)."""
        orders = self.search(
            [
                ("handover_is_late", "=", True),
                ("handover_state", "in", ("not_started", "checking", "sent_back")),
            ]
        )
        reminder = self.env.ref("sale_after_sales.mail_activity_type_handover_reminder")
        reminded = set(
            self.env["mail.activity"]
            .search(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "in", orders.ids),
                    ("activity_type_id", "=", reminder.id),
                ]
            )
            .mapped("res_id")
        )
        todo = orders.filtered(lambda o: o.id not in reminded and o.user_id)
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id("sale.order"),
                    "res_id": order.id,
                    "activity_type_id": reminder.id,
                    "user_id": order.user_id.id,
                    "summary": self.env._("Hand this order over to the service department"),
                }
                for order in todo
            ]
        )
        return todo

    def action_view_service_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_after_sales.service_history_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {
            "default_order_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action

    def action_view_followups(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_after_sales.service_followup_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"search_default_filter_open": 0}
        return action

    def action_apply_followup_plan(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Apply a Follow-up Plan"),
            "res_model": "service.followup.apply.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_ids": self.ids},
        }

    def action_log_service_contact(self):
        """Open a new service history entry prefilled for this order."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Service Contact"),
            "res_model": "service.history",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_order_id": self.id,
                "default_partner_id": self.partner_id.id,
                "default_company_id": self.company_id.id,
            },
        }

    def _log_service_history(self, type_code, **values):
        """Write one service history entry of type ``type_code`` per order.

        ``values`` complete or override what ``_prepare_service_history_vals``
        gives (summary, description, outcome, product_id, satisfaction...).
        """
        return self.env["service.history"]._log(
            type_code,
            [order._prepare_service_history_vals(**values) for order in self],
        )

    def _log_sale_in_service_history(self):
        """Record the sale once per order, even when it is confirmed again."""
        logged = {
            order
            for [order] in self.env["service.history"]
            .sudo()
            ._read_group(
                [("order_id", "in", self.ids), ("type_id.code", "=", "sale")],
                ["order_id"],
            )
        }
        to_log = self.filtered(lambda o: o not in logged)
        if to_log:
            self.env["service.history"]._log(
                "sale",
                [
                    order._prepare_service_history_vals(
                        summary=self.env._("Sale %(order)s", order=order.name),
                        description=order._get_service_history_sale_description(),
                    )
                    for order in to_log
                ],
            )

    def _plan_followups(self, trigger, plans=None, start=None, force=False):
        """Create the follow-ups of ``plans`` (by default every active plan with
        ``trigger``) that apply to these orders, planned from ``start`` (today).
        With ``force`` the plans apply whatever their conditions (applied by hand).

        Steps an order already has are not created again; cancelled ones are
        planned again. Follow-ups are system records created on behalf of whoever
        triggered them (a portal customer confirming online), hence ``sudo``.
        """
        Followup = self.env["service.followup"].sudo()
        if plans is None:
            plans = self.env["service.followup.plan"].sudo().search([("trigger", "=", trigger)])
        start = start or fields.Date.context_today(self)
        existing = {
            (followup.order_id, followup.step_id): followup
            for followup in Followup.search(
                [("order_id", "in", self.ids), ("step_id", "in", plans.step_ids.ids)]
            )
        }
        vals_list = []
        replanned = Followup
        for plan in plans.sudo():
            for order in self if force else plan._filter_orders(self):
                for step in plan.step_ids:
                    followup = existing.get((order, step))
                    if not followup:
                        vals_list.append(order._prepare_followup_vals(step, trigger, start))
                    elif followup.state == "cancelled":
                        replanned |= followup
                        followup.write(order._prepare_followup_replan_vals(step, start))
        followups = Followup.create(vals_list) | replanned
        if any(f.planned_date <= fields.Date.context_today(self) for f in followups):
            # Due today (the thank-you e-mail): do not wait for the hourly run.
            cron = self.env.ref(
                "sale_after_sales.ir_cron_process_due_followups", raise_if_not_found=False
            )
            if cron:
                cron._trigger()
        return followups

    def _prepare_followup_vals(self, step, trigger, start):
        self.ensure_one()
        return {
            "order_id": self.id,
            "plan_id": step.plan_id.id,
            "step_id": step.id,
            "trigger": trigger,
            **self._prepare_followup_replan_vals(step, start),
        }

    def _prepare_followup_replan_vals(self, step, start):
        self.ensure_one()
        return {
            "planned_date": step._get_planned_date(start, self.company_id),
            "user_id": step._get_assignee(self).id,
            "state": "planned",
        }

    def _fire_invoice_posted(self):
        """Plan the "first invoice posted" follow-ups (never twice per order)."""
        orders = self.filtered(lambda o: o.state == "sale")
        if orders:
            orders._plan_followups("invoice_posted")

    def _fire_order_paid(self):
        """Plan the "order fully paid" follow-ups of the orders now fully paid."""
        paid = self.filtered(lambda o: o.state == "sale" and o._is_fully_paid())
        if paid:
            paid._plan_followups("order_paid")

    def _is_fully_paid(self):
        """Everything is invoiced and every posted customer invoice is paid."""
        self.ensure_one()
        invoices = self.invoice_ids.filtered(
            lambda move: move.state == "posted" and move.move_type == "out_invoice"
        )
        return (
            self.invoice_status == "invoiced"
            and bool(invoices)
            and all(move.payment_state in ("paid", "in_payment") for move in invoices)
        )

    def _get_service_responsible(self):
        """The service department's user in charge of this order (none yet)."""
        self.ensure_one()
        return self.env["res.users"]

    def _prepare_service_history_vals(self, **values):
        self.ensure_one()
        return {
            "order_id": self.id,
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "user_id": self.user_id.id or self.env.user.id,
            **values,
        }

    def _get_after_sales_advice_products(self):
        """The products of this order that have after-sales advice (for e-mails)."""
        self.ensure_one()
        return self.order_line.product_id.product_tmpl_id.filtered(
            lambda template: not is_html_empty(template.after_sales_advice)
        )

    def _get_service_history_sale_description(self):
        """HTML list of what was bought, for the "Sale" history entry."""
        self.ensure_one()
        lines = self.order_line.filtered(
            lambda line: line.product_id and not line.display_type and not line.is_downpayment
        )
        items = Markup().join(
            Markup("<li>%s × %s</li>")
            % (
                self.env._(
                    "%(quantity)s %(uom)s",
                    quantity=formatLang(self.env, line.product_uom_qty, dp="Product Unit"),
                    uom=line.product_uom_id.name,
                ),
                line.product_id.display_name,
            )
            for line in lines
        )
        products = format_list(self.env, lines.product_id.mapped("display_name"))
        return Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._("Bought: %(products)s", products=products),
            items,
        )
