from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .date_checks import check_date_years
from .service_followup import OPEN_STATES

WARRANTY_STATES = [
    ("under", "Under Warranty"),
    ("expiring", "Warranty Expiring"),
    ("expired", "Warranty Expired"),
    ("none", "No Warranty"),
]


class ServiceEquipment(models.Model):
    """A piece of equipment a customer owns, bought on a sales order: its serial
    number, site, warranty and maintenance, and what was done to it."""

    _name = "service.equipment"
    _description = "Customer Equipment"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "service.workflow.mixin",
    ]
    _order = "commercial_partner_id, product_id, id"
    _check_company_auto = True
    _derived_fields = ("commercial_partner_id",)  # service.workflow.mixin

    name = fields.Char(
        compute="_compute_name", store=True, readonly=False, precompute=True, required=True
    )
    product_id = fields.Many2one(
        "product.product", required=True, index=True, check_company=True, tracking=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, check_company=True
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id",
        string="Customer Entity",
        store=True,
        index=True,
        precompute=True,
    )
    site_id = fields.Many2one(
        "res.partner",
        check_company=True,
        tracking=True,
        help="Where the equipment stands: the order's delivery address, unless moved.",
    )
    order_id = fields.Many2one(
        "sale.order", string="Sales Order", index="btree_not_null", check_company=True
    )
    order_line_id = fields.Many2one("sale.order.line", index="btree_not_null", ondelete="set null")
    serial_number = fields.Char(tracking=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date_start = fields.Date(
        string="In Service Since",
        tracking=True,
        help="Warranty and maintenance count from this date.",
    )
    warranty_months = fields.Integer(
        compute="_compute_warranty_months",
        store=True,
        readonly=False,
        precompute=True,
        help="From the product; 0 for no warranty.",
    )
    warranty_end = fields.Date(
        compute="_compute_warranty_end",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
    )
    warranty_state = fields.Selection(
        WARRANTY_STATES,
        compute="_compute_warranty_state",
        search="_search_warranty_state",
    )
    maintenance_months = fields.Integer(
        string="Maintenance Interval (Months)",
        compute="_compute_maintenance_months",
        store=True,
        readonly=False,
        precompute=True,
        help="From the product; 0 for no scheduled maintenance.",
    )
    last_maintenance_date = fields.Date(tracking=True, copy=False)
    next_maintenance_date = fields.Date(
        compute="_compute_next_maintenance_date",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
    )
    state = fields.Selection(
        [("in_service", "In Service"), ("retired", "Retired")],
        required=True,
        default="in_service",
        index=True,
        tracking=True,
    )
    notes = fields.Html(groups="base.group_user")  # internal: not in the portal
    history_ids = fields.One2many("service.history", "equipment_id", string="Service History")
    followup_ids = fields.One2many("service.followup", "equipment_id", string="Follow-ups")
    history_count = fields.Integer(compute="_compute_counts")
    followup_count = fields.Integer(compute="_compute_counts")

    _serial_unique = models.UniqueIndex(
        "(company_id, product_id, serial_number) WHERE serial_number IS NOT NULL",
        "This serial number is already known for this product.",
    )
    _months_positive = models.Constraint(
        "CHECK(warranty_months >= 0 AND warranty_months <= 1200 "
        "AND maintenance_months >= 0 AND maintenance_months <= 1200)",
        "Warranty and maintenance intervals are counted in months, from 0 to 1200.",
    )

    # === CONSTRAINTS ===

    @api.constrains("date_start", "last_maintenance_date", "next_maintenance_date", "warranty_end")
    def _check_date_years(self):
        check_date_years(
            self, ["date_start", "last_maintenance_date", "next_maintenance_date", "warranty_end"]
        )

    @api.constrains("partner_id", "order_id")
    def _check_order_customer(self):
        """A piece from an order stays with the order's customer company: its
        reminders are e-mailed on the order, to the order's customer. (Its
        contact or site may change within that company.)"""
        for piece in self.sudo().filtered("order_id"):
            customer = piece.order_id.partner_id.commercial_partner_id
            if piece.commercial_partner_id != customer:
                raise ValidationError(
                    self.env._(
                        "%(piece)s came with order %(order)s: it stays with %(customer)s, "
                        "to whom its reminders are e-mailed. To record that it changed "
                        "hands, retire it and record a new piece for its new owner.",
                        piece=piece.display_name,
                        order=piece.order_id.name,
                        customer=customer.display_name,
                    )
                )

    @api.constrains("warranty_months", "maintenance_months")
    def _check_months(self):
        for piece in self:
            if not (0 <= piece.warranty_months <= 1200 and 0 <= piece.maintenance_months <= 1200):
                raise ValidationError(
                    self.env._(
                        "%(name)s: warranty and maintenance intervals are counted in months, "
                        "from 0 to 1200.",
                        name=piece.display_name,
                    )
                )

    # === COMPUTE METHODS ===

    def _compute_access_url(self):
        super()._compute_access_url()
        for equipment in self:
            equipment.access_url = f"/my/equipment/{equipment.id}"

    def _get_portal_advice(self):
        """The care and usage advice of this piece's product, for the customer's
        page. (Portal users do not read products: only this field, sudo.)"""
        self.ensure_one()
        return self.sudo().product_id.product_tmpl_id.after_sales_advice

    @api.depends("product_id")
    def _compute_name(self):
        for equipment in self:
            if equipment.product_id and not equipment.name:
                equipment.name = equipment.product_id.name

    def _compute_counts(self):
        history = dict(
            self.env["service.history"]._read_group(
                [("equipment_id", "in", self.ids)], ["equipment_id"], ["__count"]
            )
        )
        followups = dict(
            self.env["service.followup"]._read_group(
                [("equipment_id", "in", self.ids), ("state", "in", OPEN_STATES)],
                ["equipment_id"],
                ["__count"],
            )
        )
        for equipment in self:
            equipment.history_count = history.get(equipment, 0)
            equipment.followup_count = followups.get(equipment, 0)

    # === CRUD ===

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("serial_number"):
                self.browse()._check_serial_free(
                    vals["serial_number"],
                    self.env["product.product"].browse(vals.get("product_id")),
                    self.env["res.company"].browse(vals.get("company_id")) or self.env.company,
                )
        equipment = super().create(vals_list)
        equipment._plan_equipment_followups()
        return equipment

    def write(self, vals):
        if vals.get("serial_number") or {"product_id", "company_id"} & vals.keys():
            for piece in self:
                serial = vals.get("serial_number", piece.serial_number)
                if serial:
                    piece._check_serial_free(
                        serial,
                        self.env["product.product"].browse(
                            vals.get("product_id", piece.product_id.id)
                        ),
                        self.env["res.company"].browse(vals.get("company_id", piece.company_id.id)),
                    )
        result = super().write(vals)
        if {
            "date_start",
            "warranty_end",
            "next_maintenance_date",
            "last_maintenance_date",
            "warranty_months",
            "maintenance_months",
            "state",
        } & vals.keys():
            self._plan_equipment_followups()
        return result

    def _check_serial_free(self, serial, product, company):
        """A clear message before the unique index refuses a duplicate serial
        number (checked before writing: a constraint would flush it first)."""
        other = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("id", "not in", self.ids),
                    ("serial_number", "=", serial),
                    ("product_id", "=", product.id),
                    ("company_id", "=", company.id),
                ],
                limit=1,
            )
        )
        if other:
            raise ValidationError(
                self.env._(
                    "Serial number %(serial)s is already that of %(other)s at %(customer)s.",
                    serial=serial,
                    other=other.name,
                    customer=other.partner_id.display_name,
                )
            )

    # === ACTION METHODS ===

    def action_customer_preview(self):
        """The customer's page of this piece, as he sees it."""
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.get_portal_url(), "target": "self"}

    def action_retire(self):
        self.write({"state": "retired"})
        return True

    def action_put_in_service(self):
        self.write({"state": "in_service"})
        return True

    def action_log_service_contact(self):
        """A new service contact about this piece, with its customer, order and
        product filled in (a maintenance visit by default)."""
        self.ensure_one()
        maintenance = self.env["service.history.type"]._get_by_code("maintenance")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Service Contact"),
            "res_model": "service.history",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_equipment_id": self.id,
                "default_partner_id": self.partner_id.id,
                "default_order_id": self.order_id.id,
                "default_product_id": self.product_id.id,
                "default_company_id": self.company_id.id,
                "default_type_id": maintenance.id if maintenance.active else False,
                "default_summary": self.env._("Maintenance of %(name)s", name=self.display_name),
            },
        }

    def action_view_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_after_sales.service_history_action"
        )
        action["domain"] = [("equipment_id", "=", self.id)]
        action["context"] = {
            "default_equipment_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action

    def action_view_followups(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_after_sales.service_followup_action"
        )
        action["domain"] = [("equipment_id", "=", self.id)]
        action["context"] = {"search_default_filter_open": 1}
        return action

    # === BUSINESS METHODS ===

    def _compute_display_name(self):
        for equipment in self:
            serial = equipment.serial_number
            equipment.display_name = (
                f"{equipment.name} ({serial})" if serial else equipment.name or ""
            )
