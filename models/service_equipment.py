from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

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
        "service.bulk.create.mixin",
    ]
    _order = "commercial_partner_id, product_id, id"
    _check_company_auto = True

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

    # One compute a field: a piece created with one interval given (an import,
    # RPC) computes the other alone, without resetting the given one to the
    # product's before the dates counted from it are computed.
    @api.depends("product_id")
    def _compute_warranty_months(self):
        for equipment in self:
            equipment.warranty_months = equipment.product_id.service_warranty_months

    @api.depends("product_id")
    def _compute_maintenance_months(self):
        for equipment in self:
            equipment.maintenance_months = equipment.product_id.service_maintenance_months

    @api.depends("date_start", "warranty_months")
    def _compute_warranty_end(self):
        for equipment in self:
            if equipment.date_start and equipment.warranty_months:
                equipment.warranty_end = equipment._add_months(
                    equipment.date_start, equipment.warranty_months
                )
            else:
                equipment.warranty_end = False

    @api.depends("date_start", "last_maintenance_date", "maintenance_months", "state")
    def _compute_next_maintenance_date(self):
        for equipment in self:
            base = equipment.last_maintenance_date or equipment.date_start
            if equipment.state == "in_service" and base and equipment.maintenance_months:
                equipment.next_maintenance_date = equipment._add_months(
                    base, equipment.maintenance_months
                )
            else:
                equipment.next_maintenance_date = False

    def _add_months(self, date, months):
        """``date`` plus ``months``, or a clear error where the result is past
        the last date Odoo stores (a date typed as 9999 instead of 2099)."""
        try:
            return date + relativedelta(months=months)
        except (OverflowError, ValueError) as error:
            raise ValidationError(
                self.env._(
                    "%(name)s: %(date)s plus %(months)s months is past the year 9999. "
                    "Check the dates of the piece.",
                    name=self.display_name or self.name or "",
                    date=date,
                    months=months,
                )
            ) from error

    @api.depends("warranty_end", "company_id.equipment_warranty_warning_days")
    @api.depends_context("date")
    def _compute_warranty_state(self):
        today = fields.Date.context_today(self)
        for equipment in self:
            end = equipment.warranty_end
            warning = timedelta(days=equipment.company_id.equipment_warranty_warning_days)
            if not end:
                equipment.warranty_state = "none"
            elif end < today:
                equipment.warranty_state = "expired"
            elif end <= today + warning:
                equipment.warranty_state = "expiring"
            else:
                equipment.warranty_state = "under"

    def _search_warranty_state(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        today = fields.Date.context_today(self)
        domains = {"none": Domain("warranty_end", "=", False)}
        domains["expired"] = Domain("warranty_end", "<", today)
        by_company = []
        for company in self.env["res.company"].sudo().search([]):
            limit = today + timedelta(days=company.equipment_warranty_warning_days)
            by_company.append((company, limit))
        domains["expiring"] = Domain.OR(
            Domain("company_id", "=", company.id)
            & Domain("warranty_end", ">=", today)
            & Domain("warranty_end", "<=", limit)
            for company, limit in by_company
        )
        domains["under"] = Domain.OR(
            Domain("company_id", "=", company.id) & Domain("warranty_end", ">", limit)
            for company, limit in by_company
        )
        domain = Domain.OR(domains[state] for state in value if state in domains)
        return domain if operator == "in" else ~domain

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

    def _register_maintenance(self, date):
        """A maintenance was done on these pieces on ``date``: the next one rolls
        forward from it, and the reminders follow."""
        later = self.filtered(
            lambda e: not e.last_maintenance_date or e.last_maintenance_date < date
        )
        if later:
            later.last_maintenance_date = date

    def _plan_equipment_followups(self):
        """Plan the per-piece follow-ups (recurring maintenance reminders,
        warranty-end steps) of these pieces from their current dates; the open
        reminders of a date that moved are cancelled."""
        pieces = self.filtered(lambda e: e.order_id and e.order_id.state == "sale")
        if pieces:
            pieces.order_id._plan_equipment_followups(pieces)
