from markupsafe import Markup

from odoo import fields, models
from odoo.tools import format_list, formatLang, is_html_empty


class SaleOrder(models.Model):
    _inherit = "sale.order"

    service_history_ids = fields.One2many("service.history", "order_id")
    service_history_count = fields.Integer(
        string="Service Contacts", compute="_compute_service_history_count"
    )
    followup_ids = fields.One2many("service.followup", "order_id", string="Follow-ups")
    followup_count = fields.Integer(string="Follow-up Count", compute="_compute_followup_count")

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
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        # Follow-ups are system records: whoever cancels the order cleans them up.
        self.sudo().followup_ids._cancel()
        return res

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
