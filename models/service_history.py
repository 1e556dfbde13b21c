from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .date_checks import check_date_years

SATISFACTION_LEVELS = [
    ("0", "Not rated"),
    ("1", "Very dissatisfied"),
    ("2", "Dissatisfied"),
    ("3", "Neutral"),
    ("4", "Satisfied"),
    ("5", "Very satisfied"),
]


class ServiceHistory(models.Model):
    _name = "service.history"
    _description = "Service History Entry"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "portal.mixin",
        "service.workflow.mixin",
    ]
    _order = "date desc, id desc"
    _rec_name = "summary"
    # Whoever may read an entry may write on it: the customer in the portal on
    # his requests, service staff and salespeople on any contact they see.
    _mail_post_access = "read"
    _check_company_auto = True

    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True, tracking=True)
    type_id = fields.Many2one(
        "service.history.type",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    type_icon = fields.Char(related="type_id.icon", string="Type Icon")
    type_code = fields.Char(related="type_id.code", string="Type Code")
    color = fields.Integer(related="type_id.color")
    order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        index="btree_not_null",
        check_company=True,
        tracking=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        check_company=True,
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    commercial_partner_id = fields.Many2one(
        "res.partner",
        string="Customer Entity",
        related="partner_id.commercial_partner_id",
        store=True,
        index=True,
        help="The company (or individual) whose contacts share this history.",
    )
    product_id = fields.Many2one(
        "product.product",
        index="btree_not_null",
        check_company=True,
    )
    equipment_id = fields.Many2one(
        "service.equipment",
        index="btree_not_null",
        check_company=True,
        ondelete="restrict",
        tracking=True,
    )
    order_product_ids = fields.Many2many(
        "product.product", compute="_compute_order_product_ids", string="Products of the Order"
    )
    summary = fields.Char(required=True, tracking=True)
    description = fields.Html()
    outcome = fields.Text(tracking=True)
    satisfaction = fields.Selection(SATISFACTION_LEVELS, default="0", required=True, tracking=True)
    satisfaction_score = fields.Float(
        compute="_compute_satisfaction_score",
        store=True,
        aggregator="avg",
        help="Satisfaction from 1 to 5, 0 when the contact was not rated "
        "(filter on rated entries to average it).",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Done by",
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
    )

    @api.depends("order_id")
    def _compute_partner_id(self):
        for entry in self:
            if entry.order_id:
                entry.partner_id = entry.order_id.partner_id

    @api.depends("order_id.order_line.product_id")
    def _compute_order_product_ids(self):
        # The lines the user may read, in one query for the entries: a
        # salesperson on his own documents opens the entries about his
        # colleagues' orders too (without their lines, as everywhere else).
        products = self.order_id._origin._get_line_products()
        for entry in self:
            entry.order_product_ids = products[entry.order_id._origin.id]

    @api.depends("satisfaction")
    def _compute_satisfaction_score(self):
        for entry in self:
            entry.satisfaction_score = int(entry.satisfaction or 0)

    @api.depends("order_id")
    def _compute_company_id(self):
        for entry in self:
            entry.company_id = entry.order_id.company_id or entry.company_id or self.env.company

    @api.constrains("date")
    def _check_date_years(self):
        check_date_years(self, ["date"])

    @api.onchange("equipment_id")
    def _onchange_equipment_id(self):
        equipment = self.equipment_id
        if equipment:
            self.partner_id = equipment.partner_id
            self.order_id = equipment.order_id
            self.product_id = equipment.product_id

    @api.model_create_multi
    def create(self, vals_list):
        # An entry about a piece of equipment is about its customer and order.
        pieces = self.env["service.equipment"].browse(
            vals["equipment_id"] for vals in vals_list if vals.get("equipment_id")
        )
        if pieces:
            pieces.read(["partner_id", "order_id", "product_id"])  # one query for the batch
        for vals in vals_list:
            if vals.get("equipment_id"):
                piece = pieces.browse(vals["equipment_id"])
                vals.setdefault("partner_id", piece.partner_id.id)
                if "order_id" not in vals and piece.order_id:
                    vals["order_id"] = piece.order_id.id
                vals.setdefault("product_id", piece.product_id.id)
        default_partner = self.default_get(["partner_id"]).get("partner_id")
        if not default_partner and any(
            not vals.get("partner_id") and not vals.get("order_id") for vals in vals_list
        ):
            raise ValidationError(
                self.env._(
                    "A service history entry needs a customer: choose the customer "
                    "(or the sales order) the contact was about."
                )
            )
        entries = super().create(vals_list)
        entries._register_equipment_maintenance()
        return entries

    def write(self, vals):
        result = super().write(vals)
        if {"type_id", "equipment_id", "date"} & vals.keys():
            self._register_equipment_maintenance()
        return result

    def _register_equipment_maintenance(self):
        """A maintenance logged on a piece of equipment rolls its next
        maintenance (and its reminder) forward from the day it was done."""
        for entry in self.filtered(lambda e: e.equipment_id and e.type_id.code == "maintenance"):
            # Equipment is a system record the salesperson logging may not edit.
            entry.equipment_id.sudo()._register_maintenance(entry.date.date())

    @api.model
    def _log(self, type_code, vals_list):
        """Write history entries of the type with technical code ``type_code``.

        The one entry point through which the module records what happened
        (sale, handover, follow-up...); callers prepare the values, usually
        with ``sale.order._prepare_service_history_vals``. The entries are
        written by the system on behalf of whoever triggered the event (a
        portal customer signing a quotation confirms the order too), hence
        ``sudo``; the creator stays the current user.
        """
        history_type = self.env["service.history.type"]._get_by_code(type_code)
        if not history_type:
            raise UserError(
                self.env._(
                    "The service contact type '%(code)s' is missing: reinstall or "
                    "update the After-Sales Service module.",
                    code=type_code,
                )
            )
        # No "created" message nor tracking in the entry's own chatter: the
        # entry is the record of what happened, and the event has its own trace.
        return (
            self.sudo()
            .with_context(
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                mail_notrack=True,
                mail_auto_subscribe_no_notify=True,
            )
            .create([dict(vals, type_id=history_type.id) for vals in vals_list])
            .with_env(self.env)
        )
