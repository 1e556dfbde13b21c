from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_list, formatLang, is_html_empty


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # The service department's side of the order: not for the customer, who
    # reads his orders in the portal (and over RPC).
    service_history_ids = fields.One2many("service.history", "order_id", groups="base.group_user")
    service_history_count = fields.Integer(
        string="Service Contacts",
        compute="_compute_service_history_count",
        groups="base.group_user",
    )
    after_sales_advice_product_ids = fields.Many2many(
        "product.template",
        string="Products with Advice",
        compute="_compute_after_sales_advice_product_ids",
        help="The products of this order that have after-sales advice, in the order of its "
        "lines: the thank-you e-mail gives their advice.",
        groups="base.group_user",  # products: portal users read none
    )

    # === COMPUTE METHODS ===

    def _compute_service_history_count(self):
        counts = dict(
            self.env["service.history"]._read_group(
                [("order_id", "in", self.ids)], ["order_id"], ["__count"]
            )
        )
        for order in self:
            order.service_history_count = counts.get(order, 0)

    @api.depends("order_line.product_id.product_tmpl_id.after_sales_advice")
    def _compute_after_sales_advice_product_ids(self):
        """Computed for a batch of orders at once (the thank-you e-mails of a
        scheduled action's batch): one query reads the order and product of
        their lines, instead of every column of every line (a tenth of the
        e-mail step, ``make bench``). Orders being edited (not saved yet) use
        their lines as they are."""

        def has_advice(template):
            return not is_html_empty(template.after_sales_advice)

        saved = self.filtered(lambda order: isinstance(order.id, int))
        products = saved._get_line_products()
        # The advice of all their products read at once, not order by order.
        advised = (
            self.env["product.product"]
            .union(*products.values())
            .product_tmpl_id.filtered(has_advice)
        )
        for order in self:
            if order in saved:
                # In line order (an intersection keeps its left side's order).
                order.after_sales_advice_product_ids = products[order.id].product_tmpl_id & advised
            else:
                order.after_sales_advice_product_ids = (
                    order.order_line.product_id.product_tmpl_id.filtered(has_advice)
                )

    # === CRUD / WORKFLOW OVERRIDES ===

    def _action_confirm(self):
        res = super()._action_confirm()
        self._log_sale_in_service_history()
        # The equipment first: recurring maintenance steps are planned per piece.
        self._create_equipment()
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
        self._remove_or_retire_equipment()
        return res

    # === ACTION METHODS ===

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

    def action_log_service_contact(self):
        """Open a new service history entry prefilled for this order: a call
        about its product when it has one product, else about the order."""
        self.ensure_one()
        products = self.order_line.filtered(
            lambda line: line.product_id and not line.display_type and not line.is_downpayment
        ).product_id
        call = self.env["service.history.type"]._get_by_code("call")
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
                "default_type_id": call.id if call.active else False,
                "default_product_id": products.id if len(products) == 1 else False,
                "default_summary": self.env._("Call about %(order)s", order=self.name),
            },
        }

    # === BUSINESS METHODS ===

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
        # Whoever confirms (a salesperson who may not read every entry, a portal
        # customer signing) must see the Sale entries already written: sudo.
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

    def _get_service_responsible(self):
        """The service department's user in charge of this order: the one who
        accepted (or was given) its handover, else the company's default."""
        self.ensure_one()
        return self.service_user_id or self.company_id.handover_default_user_id

    def _get_system_model(self, model):
        """``model`` for the records the module creates on behalf of whoever
        triggered them (a salesperson, a portal customer signing): as the system
        (sudo), without a creation message or tracking in their chatter."""
        return (
            self.env[model]
            .sudo()
            .with_context(
                mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
            )
        )

    def _prepare_service_history_vals(self, **values):
        self.ensure_one()
        return {
            "order_id": self.id,
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "user_id": self.user_id.id or self.env.user.id,
            **values,
        }

    def _get_line_products(self):
        """{order id: the products of its lines, in line order} for the saved
        orders of ``self``: the order and product of their lines read in one
        query (not every column of every line), with the current user's rights
        (a salesperson on his own documents gets nothing of his colleagues')."""
        products = defaultdict(lambda: self.env["product.product"])
        order_ids = [order_id for order_id in self.ids if isinstance(order_id, int)]
        if order_ids:
            lines = self.env["sale.order.line"].search_fetch(
                [("order_id", "in", order_ids), ("product_id", "!=", False)],
                ["order_id", "product_id"],
            )
            for line in lines:
                products[line.order_id.id] |= line.product_id
        return products

    def _get_after_sales_advice_products(self):
        """The products of this order that have after-sales advice (for e-mails)."""
        self.ensure_one()
        return self.after_sales_advice_product_ids

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
