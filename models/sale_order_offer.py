"""After-sales offers on the sales order: the quotation a follow-up made,
what accepting it does to the pieces it was made for (a history entry, a
warranty extended, a maintenance visit planned), and the call the salesperson
gets when it expires unanswered."""

import ast
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain

from .service_equipment_offer import OPEN_OFFER_STATES
from .service_followup_offer import OFFER_MAIL_CONTEXT_KEY

EXPIRY_BATCH_SIZE = 500


class SaleOrder(models.Model):
    _inherit = "sale.order"

    offer_followup_ids = fields.One2many(
        "service.followup",
        "offer_order_id",
        string="Offered by Follow-ups",
        groups="base.group_user",
        help="The after-sales follow-ups that made this quotation.",
    )
    is_after_sales_offer = fields.Boolean(
        string="After-Sales Offer",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="A quotation made by an after-sales follow-up.",
    )
    offer_expiry_call_date = fields.Date(
        string="Call Planned for the Expired Offer",
        readonly=True,
        copy=False,
        help="When the salesperson was asked to call the customer about this expired offer.",
    )
    offer_equipment_names = fields.Char(
        string="Offered for",
        compute="_compute_offer_equipment_names",
        help="The customer's pieces of equipment this offer's lines are for.",
    )

    # === COMPUTE METHODS ===

    @api.depends("order_line.service_equipment_id")
    def _compute_offer_equipment_names(self):
        # The customer's own pieces, named only: whoever reads the quotation
        # reads their names, even of a piece sold by another salesperson (sudo).
        for order in self:
            pieces = order.sudo().order_line.service_equipment_id
            order.offer_equipment_names = ", ".join(pieces.mapped("display_name"))

    # === CRUD / WORKFLOW OVERRIDES ===

    def _action_confirm(self):
        res = super()._action_confirm()
        self._accept_after_sales_offers()
        return res

    def _notify_by_email_get_final_mail_values(
        self, recipient_ids, mail_values, additional_values=None
    ):
        """The offer is a commercial e-mail: the customer's copy carries the
        ``List-Unsubscribe`` headers (one click puts his address on Odoo's
        blacklist); the salesperson's copy, if any, does not."""
        values = super()._notify_by_email_get_final_mail_values(
            recipient_ids, mail_values, additional_values=additional_values
        )
        if (
            self.env.context.get(OFFER_MAIL_CONTEXT_KEY)
            and len(self) == 1
            and list(recipient_ids) == [self.partner_id.id]
            and self.partner_id.email
        ):
            headers = ast.literal_eval(values.get("headers") or "{}")
            headers.update(
                self.env["mail.blacklist"]._get_after_sales_unsubscribe_headers(
                    self.partner_id.email
                )
            )
            values["headers"] = repr(headers)
        return values

    # === BUSINESS METHODS ===

    def _accept_after_sales_offers(self):
        """The customer accepted these after-sales offers (signed or paid in
        the portal, or confirmed for him): the order comes from the offer, each
        piece gets a history entry, and what the products sold say happens:
        its warranty extended, its maintenance visit planned.

        Whoever confirms (a portal customer signing) may not read the follow-ups
        nor write the pieces: the system does it (sudo)."""
        offers = self.sudo().filtered(lambda o: o.is_after_sales_offer or o.offer_followup_ids)
        if not offers:
            return
        for followup, orders in offers.grouped(lambda o: o.offer_followup_ids[:1]).items():
            orders.write({"after_sales_origin": "offer", "after_sales_followup_id": followup.id})
        lines = offers.order_line.filtered(
            lambda line: line.service_equipment_id and not line.display_type
        )
        if not lines:
            return
        self.env["service.history"]._log(
            "sale",
            [
                order._prepare_service_history_vals(
                    equipment_id=piece.id,
                    product_id=piece.product_id.id,
                    summary=self.env._(
                        "Offer %(order)s accepted: %(products)s",
                        order=order.name,
                        products=", ".join(piece_lines.product_id.mapped("name")),
                    ),
                )
                for (order, piece), piece_lines in lines.grouped(
                    lambda line: (line.order_id, line.service_equipment_id)
                ).items()
            ],
        )
        lines._extend_offer_warranties()
        lines._plan_offer_maintenance_visits()

    @api.model
    def _cron_call_expired_offers(self, batch_size=EXPIRY_BATCH_SIZE):
        """The after-sales offers whose validity passed unanswered: an activity
        for their salesperson to call the customer, once per quotation."""
        self = self.sudo()  # a system job, for every salesperson
        IrCron = self.env["ir.cron"]
        domain = self._get_expired_offer_domain()
        IrCron._commit_progress(remaining=self.search_count(domain))
        while True:
            orders = self.search(domain, limit=batch_size, order="validity_date, id")
            if not orders:
                break
            orders._plan_expired_offer_calls()
            if not IrCron._commit_progress(len(orders)):
                return

    @api.model
    def _get_expired_offer_domain(self):
        today = fields.Date.context_today(self)
        return Domain(
            [
                ("is_after_sales_offer", "=", True),
                ("state", "in", OPEN_OFFER_STATES),
                ("validity_date", "<", today),
                ("offer_expiry_call_date", "=", False),
            ]
        )

    def _plan_expired_offer_calls(self):
        """One call activity each for these expired offers, for their
        salesperson (or the plan's responsible), created in one batch."""
        today = fields.Date.context_today(self)
        call = self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id("sale.order")
        Step = self.env["service.followup.plan.step"]
        vals_list = []
        for order in self:
            plan = order.offer_followup_ids[:1].plan_id
            user = next(
                (
                    user
                    for user in (order.user_id, plan.user_id)
                    if Step._is_valid_assignee(user, order.company_id)
                ),
                self.env["res.users"],
            )
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": order.id,
                    "activity_type_id": call.id if call else False,
                    "summary": self.env._("Call the customer: the offer expired unanswered"),
                    "note": self.env._(
                        "%(customer)s did not answer offer %(order)s, valid until %(date)s.",
                        customer=order.partner_id.display_name,
                        order=order.name,
                        date=order.validity_date,
                    ),
                    "user_id": user.id or self.env.user.id,
                    "date_deadline": today,
                }
            )
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)
        self.write({"offer_expiry_call_date": today})


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _extend_offer_warranties(self):
        """The pieces of these accepted lines whose product extends the
        warranty: their warranty ends that many months later (from today when
        they had none)."""
        today = fields.Date.context_today(self)
        months = {}
        for line in self:
            extension = line.product_id.product_tmpl_id.service_warranty_extension_months
            if extension:
                piece = line.service_equipment_id
                months[piece] = months.get(piece, 0) + extension * max(int(line.product_uom_qty), 1)
        for piece, extension in months.items():
            piece = piece.sudo()
            end = piece.warranty_end or today
            piece.write(
                {
                    "warranty_extension_months": piece.warranty_extension_months + extension,
                    "warranty_end": piece._add_months(end, extension),
                }
            )

    def _plan_offer_maintenance_visits(self):
        """The pieces of these accepted lines whose product is a maintenance
        visit: the visit is their next maintenance (today when it was past or
        not planned), with an activity for the service department."""
        today = fields.Date.context_today(self)
        pieces = self.filtered(
            lambda line: line.product_id.product_tmpl_id.service_maintenance_visit
        ).service_equipment_id.sudo()
        if not pieces:
            return
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id("service.equipment")
        Step = self.env["service.followup.plan.step"]
        vals_list = []
        for piece in pieces:
            visit = piece.next_maintenance_date
            if not visit or visit < today:
                visit = today + timedelta(days=7)
                piece.next_maintenance_date = visit
            order = piece.order_id
            user = next(
                (
                    user
                    for user in (
                        order.service_user_id,
                        piece.company_id.handover_default_user_id,
                        order.user_id,
                    )
                    if Step._is_valid_assignee(user, piece.company_id)
                ),
                self.env["res.users"],
            )
            offer = self.filtered(lambda line, piece=piece: line.service_equipment_id == piece)
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": piece.id,
                    "activity_type_id": todo.id if todo else False,
                    "summary": self.env._("Maintenance visit ordered"),
                    "note": self.env._(
                        "%(customer)s ordered a maintenance visit of %(piece)s on %(order)s: "
                        "plan it with him.",
                        customer=piece.partner_id.display_name,
                        piece=piece.display_name,
                        order=offer[:1].order_id.name,
                    ),
                    "user_id": user.id or self.env.user.id,
                    "date_deadline": visit,
                }
            )
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            vals_list
        )
