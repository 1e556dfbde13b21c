from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain

from .sale_order_handover import OPEN_HANDOVER_STATES
from .service_followup import OPEN_STATES
from .service_history import SATISFACTION_LEVELS

# How many of the latest contacts, follow-ups and order lines the Service tab shows.
LATEST_LIMIT = 10
LATEST_LINES_LIMIT = 20


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Every field here is the service department's (groups="base.group_user"):
    # a portal customer reads his own contact over RPC, never its notes.
    service_notes = fields.Html(
        help="What the service department should know about this customer: "
        "preferences, site access, opening hours... Shared by all contacts "
        "of the company.",
        groups="base.group_user",
    )
    service_email_opt_out = fields.Boolean(
        string="No After-Sales E-mails",
        help="The customer asked not to receive the after-sales e-mails (thank-you, rating "
        "requests, reminders); calls and visits still happen. Shared by all contacts of "
        "the company.",
        groups="base.group_user",
    )
    service_history_count = fields.Integer(
        string="Service History", compute="_compute_service_history_count", groups="base.group_user"
    )
    service_history_ids = fields.Many2many(
        "service.history",
        string="Latest Service Contacts",
        help="The latest contacts of the customer's company; the Service button opens them all.",
        compute="_compute_service_history_ids",
        groups="base.group_user",
    )
    service_followup_ids = fields.Many2many(
        "service.followup",
        string="Follow-ups",
        compute="_compute_service_followup_ids",
        groups="base.group_user",
    )
    service_followup_count = fields.Integer(
        string="Open Follow-ups", compute="_compute_service_followup_ids", groups="base.group_user"
    )
    service_sale_line_ids = fields.Many2many(
        "sale.order.line",
        string="Products Bought",
        help="The latest lines of the customer's confirmed orders.",
        compute="_compute_service_sale_line_ids",
        groups="base.group_user",
    )

    # The customer at a glance (for the whole company: its contacts share it).
    service_last_contact_date = fields.Datetime(
        string="Last Service Contact", compute="_compute_service_overview", groups="base.group_user"
    )
    service_next_followup_date = fields.Date(
        string="Next Follow-up", compute="_compute_service_overview", groups="base.group_user"
    )
    service_satisfaction_avg = fields.Float(
        string="Average Satisfaction",
        compute="_compute_service_overview",
        digits=(3, 1),
        help="Average of the rated service contacts, from 1 (very dissatisfied) to 5.",
        groups="base.group_user",
    )
    service_open_handover_count = fields.Integer(
        string="Open Handovers",
        compute="_compute_service_overview",
        help="Orders whose handover to the service department is not accepted yet.",
        groups="base.group_user",
    )
    service_product_count = fields.Integer(
        string="Products", compute="_compute_service_overview", groups="base.group_user"
    )
    service_satisfaction_stars = fields.Selection(
        SATISFACTION_LEVELS,
        string="Satisfaction",
        compute="_compute_service_overview",
        help="The average satisfaction of the rated service contacts, rounded to a star.",
        groups="base.group_user",
    )
    service_salesperson_id = fields.Many2one(
        "res.users",
        string="Sold by",
        compute="_compute_service_overview",
        help="The customer's salesperson, else the salesperson of his latest order.",
        groups="base.group_user",
    )
    service_equipment_ids = fields.Many2many(
        "service.equipment",
        string="Equipment",
        compute="_compute_service_equipment_ids",
        help="The equipment in service at the customer's company.",
        groups="base.group_user",
    )
    service_equipment_count = fields.Integer(
        string="Equipment Count", compute="_compute_service_overview", groups="base.group_user"
    )
    service_open_case_count = fields.Integer(
        string="Open Cases",
        compute="_compute_service_overview",
        help="Complaints, repairs and service requests not resolved yet.",
        groups="base.group_user",
    )
    service_next_maintenance_date = fields.Date(
        string="Next Maintenance", compute="_compute_service_overview", groups="base.group_user"
    )
    # Every entry of the customer's company (the customers who bought have a Sale entry).
    service_entry_ids = fields.One2many(
        "service.history", "commercial_partner_id", groups="base.group_user"
    )
    service_customer_company_ids = fields.Many2many(
        "res.company",
        "res_partner_service_customer_company_rel",
        "partner_id",
        "company_id",
        string="Customer of",
        compute="_compute_service_customer_company_ids",
        store=True,
        help="The companies the customer bought from (a Sale entry in his service "
        "history): After-Sales > Customers lists him there.",
        groups="base.group_user",
    )

    def _compute_service_overview(self):
        """Grouped reads for the whole set of customers, one per figure."""
        commercial = self.commercial_partner_id
        History = self.env["service.history"]
        domain = [("commercial_partner_id", "in", commercial.ids)]
        last = dict(History._read_group(domain, ["commercial_partner_id"], ["date:max"]))
        satisfaction = dict(
            History._read_group(
                Domain.AND([domain, [("satisfaction", "!=", "0")]]),
                ["commercial_partner_id"],
                ["satisfaction_score:avg"],
            )
        )
        next_followup = dict(
            self.env["service.followup"]._read_group(
                Domain.AND([domain, [("state", "in", OPEN_STATES)]]),
                ["commercial_partner_id"],
                ["planned_date:min"],
            )
        )
        handovers = defaultdict(int)
        for partner, count in self.env["sale.order"]._read_group(
            [
                ("partner_id", "child_of", commercial.ids),
                ("handover_state", "in", OPEN_HANDOVER_STATES),
            ],
            ["partner_id"],
            ["__count"],
        ):
            handovers[partner.commercial_partner_id] += count
        # Who sold to them last; the orders of every salesperson count (a name
        # shown beside the customer, not the orders themselves): sudo.
        latest_sale = {}
        for partner, user, date in (
            self.env["sale.order"]
            .sudo()
            ._read_group(
                [("partner_id", "child_of", commercial.ids), ("state", "=", "sale")],
                ["partner_id", "user_id"],
                ["date_order:max"],
            )
        ):
            entity = partner.commercial_partner_id
            if user and (entity not in latest_sale or latest_sale[entity][1] < date):
                latest_sale[entity] = (user, date)
        equipment = {
            entity: (count, next_date)
            for entity, count, next_date in self.env["service.equipment"]._read_group(
                [("commercial_partner_id", "in", commercial.ids), ("state", "=", "in_service")],
                ["commercial_partner_id"],
                ["__count", "next_maintenance_date:min"],
            )
        }
        open_cases = dict(
            History._read_group(
                Domain.AND([domain, [("case_state", "in", ("open", "in_progress"))]]),
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        products = defaultdict(set)
        for partner, product in self.env["sale.order.line"]._read_group(
            self._get_service_sale_line_domain(), ["order_partner_id", "product_id"]
        ):
            products[partner.commercial_partner_id].add(product)
        for partner in self:
            entity = partner.commercial_partner_id
            partner.service_last_contact_date = last.get(entity)
            partner.service_next_followup_date = next_followup.get(entity)
            partner.service_satisfaction_avg = satisfaction.get(entity, 0.0)
            partner.service_satisfaction_stars = (
                # Half up (Python's round() would give 4 stars for 4.5).
                str(int(satisfaction[entity] + 0.5)) if entity in satisfaction else False
            )
            partner.service_salesperson_id = (
                entity.user_id or latest_sale.get(entity, (self.env["res.users"],))[0]
            )
            partner.service_open_handover_count = handovers[entity]
            partner.service_product_count = len(products[entity])
            partner.service_open_case_count = open_cases.get(entity, 0)
            partner.service_equipment_count, partner.service_next_maintenance_date = equipment.get(
                entity, (0, False)
            )

    @api.depends("service_entry_ids.type_id.code", "service_entry_ids.company_id")
    def _compute_service_customer_company_ids(self):
        """Stored, so that the Customers list finds its customers in a small
        table instead of going through the whole service history: recomputed
        when an entry is logged, moved or deleted, written only when it changes."""
        partners = self.filtered("id")
        companies = defaultdict(list)
        for partner, company in self.env["service.history"]._read_group(
            [("commercial_partner_id", "in", partners.ids), ("type_id.code", "=", "sale")],
            ["commercial_partner_id", "company_id"],
        ):
            if company:
                companies[partner.id].append(company.id)
        for partner in self:
            partner.service_customer_company_ids = companies.get(partner.id, [])

    def _compute_service_history_count(self):
        counts = dict(
            self.env["service.history"]._read_group(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.service_history_count = counts.get(partner.commercial_partner_id, 0)

    # The Service tab shows the latest records; the smart buttons open them all.
    # Bounded, so a customer with 10 000 entries opens as fast as one with 10:
    # one limited search per customer (the tab shows one customer at a time).

    def _compute_service_history_ids(self):
        History = self.env["service.history"]
        for entity, partners in self.grouped("commercial_partner_id").items():
            partners.service_history_ids = History.search(
                [("commercial_partner_id", "=", entity.id)], limit=LATEST_LIMIT
            )

    def _compute_service_followup_ids(self):
        Followup = self.env["service.followup"]
        open_counts = dict(
            Followup._read_group(
                [
                    ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                    ("state", "in", OPEN_STATES),
                ],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for entity, partners in self.grouped("commercial_partner_id").items():
            partners.service_followup_ids = Followup.search(
                [("commercial_partner_id", "=", entity.id), ("state", "!=", "cancelled")],
                order="planned_date desc, id desc",
                limit=LATEST_LIMIT,
            )
            partners.service_followup_count = open_counts.get(entity, 0)

    def _compute_service_equipment_ids(self):
        Equipment = self.env["service.equipment"]
        for entity, partners in self.grouped("commercial_partner_id").items():
            partners.service_equipment_ids = Equipment.search(
                [("commercial_partner_id", "=", entity.id), ("state", "=", "in_service")],
                order="next_maintenance_date, id",
                limit=LATEST_LINES_LIMIT,
            )

    def action_view_service_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_after_sales.service_history_action"
        )
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id),
            ("is_case", "=", True),
        ]
        action["context"] = {"search_default_filter_open_cases": 1, "default_partner_id": self.id}
        return action

    def action_view_service_equipment(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_after_sales.service_equipment_action"
        )
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def _compute_service_sale_line_ids(self):
        Line = self.env["sale.order.line"]
        for entity, partners in self.grouped("commercial_partner_id").items():
            partners.service_sale_line_ids = Line.search(
                entity._get_service_sale_line_domain(),
                order="order_id desc, sequence, id",
                limit=LATEST_LINES_LIMIT,
            )

    def _get_service_sale_line_domain(self):
        """Domain of the order lines that make up what these customers bought."""
        return [
            ("order_partner_id", "child_of", self.commercial_partner_id.ids),
            ("state", "=", "sale"),
            ("display_type", "=", False),
            ("is_downpayment", "=", False),
            ("product_id", "!=", False),
        ]

    @api.model
    def _search(self, domain, *args, **kwargs):
        # Odoo flushes what a search reads from the records' own table, not a
        # many2many's table: the customers' companies logged in this very
        # transaction (an order just confirmed) must be written first.
        domain = Domain(domain)
        if any(
            leaf.field_expr.partition(".")[0] == "service_customer_company_ids"
            for leaf in domain.iter_conditions()
        ):
            self.flush_model(["service_customer_company_ids"])
        return super()._search(domain, *args, **kwargs)

    @api.model_create_multi
    def create(self, vals_list):
        self._check_service_customer_vals(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_service_customer_vals([vals])
        return super().write(vals)

    def _check_service_customer_vals(self, vals_list):
        """Which companies a customer bought from follows his Sale entries:
        nobody sets it by hand (it decides who appears in the Customers list)."""
        if not self.env.su and any("service_customer_company_ids" in vals for vals in vals_list):
            raise AccessError(
                self.env._(
                    "Which companies a customer bought from follows his service history: "
                    "log or delete a Sale entry instead of setting it."
                )
            )

    def action_edit_service_notes(self):
        """Open the service notes of the customer's company for editing (by
        salespeople and service staff, who may not edit contacts)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Service Notes"),
            "res_model": "service.partner.notes.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def _synced_commercial_fields(self):
        return super()._synced_commercial_fields() + ["service_notes", "service_email_opt_out"]

    def action_view_service_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_after_sales.service_history_action"
        )
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_view_service_followups(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_after_sales.service_followup_action"
        )
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_filter_open": 1}
        return action
