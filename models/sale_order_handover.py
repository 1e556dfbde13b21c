from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import format_list

# In the workflow's order: a handover sent back is checked again before it goes.
HANDOVER_STATES = [
    ("not_started", "Not Started"),
    ("checking", "Checking"),
    ("sent_back", "Sent Back"),
    ("handed_over", "Waiting for Service"),
    ("accepted", "Accepted"),
]
# Handovers started and not accepted yet.
OPEN_HANDOVER_STATES = ("checking", "handed_over", "sent_back")
# Handovers the sales side may (still) work on.
SALES_HANDOVER_STATES = ("not_started", "checking", "sent_back")


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "service.workflow.mixin"]

    # Written by the handover's actions only (service.workflow.mixin).
    _workflow_fields = (
        "handover_state",
        "handed_over_by_id",
        "handover_date",
        "handover_accepted_date",
        "handover_send_back_reason",
        "handover_send_back_count",
    )

    handover_state = fields.Selection(
        HANDOVER_STATES,
        string="Handover",
        required=True,
        default="not_started",
        copy=False,
        index=True,
        tracking=True,
        group_expand=True,
    )
    handover_result_ids = fields.One2many(
        "service.handover.result",
        "order_id",
        string="Handover Checks",
        copy=False,
        groups="base.group_user",
    )
    handover_note = fields.Html(
        string="Notes for the Technician",
        copy=False,
        help="What the service department must know to serve this customer: site, "
        "installation, agreements made during the sale...",
        groups="base.group_user",
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
        groups="base.group_user",
    )
    handover_responsible_id = fields.Many2one(
        "res.users",
        string="Handover Goes To",
        compute="_compute_handover_responsible_id",
        help="Who gets the handover to accept: the service responsible, else the company's "
        "default service responsible; once handed over, the one who has its activity.",
        groups="base.group_user",
    )
    handed_over_by_id = fields.Many2one("res.users", copy=False, groups="base.group_user")
    handover_date = fields.Datetime(string="Handed Over On", copy=False, groups="base.group_user")
    handover_accepted_date = fields.Datetime(
        string="Accepted On", copy=False, groups="base.group_user"
    )
    handover_send_back_reason = fields.Text(
        string="Sent Back Because", copy=False, groups="base.group_user"
    )
    handover_send_back_count = fields.Integer(
        string="Times Sent Back", copy=False, groups="base.group_user"
    )
    handover_partner_email = fields.Char(
        related="partner_id.email", string="Customer E-mail", groups="base.group_user"
    )
    handover_partner_phone = fields.Char(
        related="partner_id.phone", string="Customer Phone", groups="base.group_user"
    )
    handover_blocking_count = fields.Integer(
        compute="_compute_handover_counts", groups="base.group_user"
    )
    handover_warning_count = fields.Integer(
        compute="_compute_handover_counts", groups="base.group_user"
    )
    handover_is_late = fields.Boolean(
        string="Handover Late",
        compute="_compute_handover_is_late",
        search="_search_handover_is_late",
        help="Confirmed longer ago than the company's handover delay and not accepted yet.",
    )

    @api.model
    def _get_workflow_initial_values(self):
        return {"handover_state": "not_started"}

    # === CRUD / VIEWS ===

    def write(self, vals):
        result = super().write(vals)
        if not self._in_workflow():
            # The results follow the order as it changes (lines, notes, addresses).
            self._refresh_handover_checks()
        return result

    @api.model
    def get_view(self, view_id=None, view_type="form", **options):
        # Service staff without a Sales right cannot read what the sales order
        # form shows (invoices): wherever an order opens for them (an activity,
        # a link), it opens on the handover form.
        # (Access rights only: get_view may depend on nothing else, see its docstring.)
        if view_type == "form" and not view_id and self._opens_handover_form():
            view_id = self.env.ref("sale_after_sales.sale_order_view_form_handover").id
        return super().get_view(view_id, view_type, **options)

    @api.model
    def _opens_handover_form(self):
        user = self.env.user
        return user.has_group("sale_after_sales.group_after_sales_user") and not user.has_group(
            "sales_team.group_sale_salesman"
        )

    def _mail_get_operation_for_mail_message_operation(self, message_operation):
        result = super()._mail_get_operation_for_mail_message_operation(message_operation)
        if message_operation == "create" and self.env.user.has_group(
            "sale_after_sales.group_after_sales_user"
        ):
            # Service staff read the orders they work on without editing them:
            # they log notes, plan activities and write to the customer on them.
            result = dict.fromkeys(result, "read")
        return result

    @api.model
    def formatted_read_group(
        self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None
    ):
        groups = super().formatted_read_group(
            domain, groupby, aggregates, having, offset, limit, order
        )
        if groupby and groupby[0] == "handover_state":
            for group in groups:
                # Done: folded in the kanban, as Odoo folds its closed stages.
                group["__fold"] = group.get("handover_state") == "accepted"
        return groups

    # === COMPUTE METHODS ===

    @api.depends("handover_result_ids.state", "handover_result_ids.severity")
    def _compute_handover_counts(self):
        for order in self:
            results = order.handover_result_ids
            order.handover_blocking_count = len(results._is_blocking())
            order.handover_warning_count = len(results.filtered(lambda r: r.state == "warning"))

    @api.depends(
        "service_user_id",
        "company_id.handover_default_user_id",
        "handover_state",
        "activity_ids.user_id",
    )
    def _compute_handover_responsible_id(self):
        handover_type = self.env.ref(
            "sale_after_sales.mail_activity_type_handover", raise_if_not_found=False
        )
        waiting = self.filtered(lambda o: o.handover_state == "handed_over" and o._origin.id)
        holders = {}
        if waiting and handover_type:
            # The activities of the whole batch in one query; who holds them may
            # differ from the default when it changed after the handover.
            for activity in self.env["mail.activity"].search_fetch(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "in", waiting._origin.ids),
                    ("activity_type_id", "=", handover_type.id),
                ],
                ["res_id", "user_id"],
            ):
                holders.setdefault(activity.res_id, activity.user_id)
        for order in self:
            order.handover_responsible_id = (
                holders.get(order._origin.id) or order._get_handover_responsible()
            )

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
                # Every company's delay, also those the user is not in: sudo.
                for company in self.env["res.company"].sudo().search([])
            )
            & Domain("state", "=", "sale")
            & Domain("handover_state", "!=", "accepted")
        )
        return late if (operator == "in") == (True in value) else ~late

    # === ACTION METHODS ===

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
        """Hand the orders over to the service department when no blocking check
        fails. The others stay with sales, with the results of their checks
        (nothing is rolled back), and one dialog lists every failing check."""
        self._check_handover_sales_side()
        self._check_handover_state(SALES_HANDOVER_STATES)
        self._start_handover()  # moves the new ones to "checking" and runs every check once
        blocked = self.filtered(
            lambda o: o._get_handover_blocking_message() or not o._get_handover_responsible()
        )
        (self - blocked)._hand_over()
        if blocked:
            return blocked._action_show_handover_blocked()
        return True

    def _hand_over(self):
        if not self:
            return
        self._workflow().write(
            {
                "handover_state": "handed_over",
                "handed_over_by_id": self._get_handover_acting_user("sales").id,
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

    def _action_show_handover_blocked(self):
        """The dialog that tells the salesperson what to fix: one line per
        problem, each with a button to its fix."""
        wizard = self.env["service.handover.blocked.wizard"].create(
            {
                "order_ids": [Command.set(self.ids)],
                "line_ids": [
                    Command.create(vals)
                    for order in self
                    for vals in order._get_handover_problems()
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("The order cannot be handed over yet")
            if len(self) == 1
            else self.env._("These orders cannot be handed over yet"),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _action_open_handover_tab(self):
        """The order on its Handover tab: its checklist, service responsible and
        notes for the technician."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "sale.order",
            "res_id": self.id,
            "views": [(self.env.ref("sale_after_sales.view_order_form_handover_tab").id, "form")],
            "target": "current",
        }

    def action_accept_handover(self):
        """Accept the handovers: at once when no warning is open, else through
        a dialog that shows the warnings and asks why they are accepted."""
        self._check_handover_service_side()
        self._check_handover_state(("handed_over",))
        if self._get_handover_warnings():
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Accept the Handover Despite Its Warnings"),
                "res_model": "service.handover.accept.wizard",
                "view_mode": "form",
                "target": "new",
                "context": {"default_order_ids": self.ids},
            }
        self._accept_handover()
        return True

    def _accept_handover(self, comment=False):
        """Accept these handovers; ``comment`` (why their open warnings are
        accepted) is required when they have warnings and kept in the handover's
        service history entry."""
        self._check_handover_service_side()
        self._check_handover_state(("handed_over",))
        if self._get_handover_warnings() and not (comment or "").strip():
            raise UserError(
                self.env._(
                    "The handover has open warnings: say why you accept it anyway (the "
                    "comment is kept in the customer's service history)."
                )
            )
        # Service staff read orders but do not edit them: the transition is
        # done by the system once the group is checked (the user stays the author).
        orders = self.sudo()
        orders.filtered(lambda o: not o.service_user_id).service_user_id = self.env.user
        orders._workflow().write(
            {"handover_state": "accepted", "handover_accepted_date": fields.Datetime.now()}
        )
        orders.activity_feedback(
            ["sale_after_sales.mail_activity_type_handover"],
            feedback=self.env._("Handover accepted"),
        )
        orders._log_handover_in_service_history(comment=comment)
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

    def action_complete_handover_customer(self):
        """Open the customer's details the checks ask for (phone, e-mail,
        delivery address), for the salesperson to complete them."""
        self.ensure_one()
        self._check_handover_sales_side()
        self._check_handover_state(SALES_HANDOVER_STATES)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customer Details"),
            "res_model": "service.handover.customer.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
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
            order._workflow().write(
                {
                    "handover_state": "sent_back",
                    "handover_send_back_reason": reason,
                    "handover_send_back_count": order.handover_send_back_count + 1,
                }
            )
            order.activity_schedule(
                "sale_after_sales.mail_activity_type_handover_sent_back",
                user_id=(order.user_id or order.handed_over_by_id or self.env.user).id,
                note=Markup("<p>%s</p>") % reason,
            )
            order.message_post(
                body=Markup("<p>%s</p><p>%s</p>")
                % (self.env._("Handover sent back to sales:"), reason),
                subtype_xmlid="mail.mt_note",
            )
        return True

    # === BUSINESS METHODS ===

    def _start_handover(self):
        self.filtered(lambda o: o.handover_state == "not_started")._workflow().write(
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

    def _get_handover_acting_user(self, side):
        """Who did it: the user, or when the system does it (demo data, a script
        as OdooBot) the person in charge on that side of the order."""
        user = self.env.user
        if not user._is_superuser():
            return user
        order = self[:1]
        if side == "service":
            return order.service_user_id or order._get_service_responsible() or user
        return order.user_id or user

    def _get_handover_warnings(self):
        """The results of these orders' checks that are open warnings."""
        # Results are read by whoever works on the handover (service staff
        # included), written by the checks only.
        return self.handover_result_ids.filtered(lambda r: r.state == "warning")

    def _get_handover_responsible(self):
        """Who gets the handover to accept."""
        self.ensure_one()
        return self._get_service_responsible()
