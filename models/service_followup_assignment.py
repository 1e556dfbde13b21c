import hashlib

from psycopg2 import IntegrityError

from odoo import api, fields, models
from odoo.tools import mute_logger

ASSIGNMENT_GROUPS = [("cared", "Cared"), ("held_back", "Held Back")]


class ServiceFollowupAssignment(models.Model):
    """The group of a customer entity in a follow-up plan, decided once.

    A plan may hold back a share of its customers (``holdback_percent``): their
    follow-ups are recorded *held back* and never carried out, so that what the
    cared customers do next can be compared with what the others do (the
    Retention Analysis). A customer entity is assigned the first time a plan
    plans follow-ups for him, at random but reproducibly (``_get_draw``), and
    keeps his group whatever his later orders, opt-outs or complaints.
    """

    _name = "service.followup.assignment"
    _description = "After-Sales Plan Group of a Customer"
    _order = "trigger_date desc, id desc"
    _check_company_auto = True
    _rec_name = "commercial_partner_id"

    plan_id = fields.Many2one(
        "service.followup.plan", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        "res.company", related="plan_id.company_id", store=True, index=True
    )
    commercial_partner_id = fields.Many2one(
        "res.partner",
        string="Customer Entity",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    group = fields.Selection(ASSIGNMENT_GROUPS, required=True, index=True, readonly=True)
    holdback_percent = fields.Float(
        string="Held Back (%) at Assignment",
        readonly=True,
        help="The share of customers the plan held back when this customer was assigned.",
    )
    order_id = fields.Many2one(
        "sale.order",
        string="Triggering Order",
        index="btree_not_null",
        # The group outlives the order: deleting a cancelled order must not let
        # its customer be drawn again (under another share, maybe in the other
        # group).
        ondelete="set null",
        readonly=True,
        help="The order whose follow-ups first assigned the customer to the plan.",
    )
    trigger_date = fields.Date(
        string="Triggering Order Date",
        required=True,
        index=True,
        readonly=True,
    )

    _plan_customer_unique = models.Constraint(
        "UNIQUE(plan_id, commercial_partner_id)",
        "A customer is assigned to a group of a plan once.",
    )

    # === BUSINESS METHODS ===

    @api.model
    def _get_draw(self, plan, partner):
        """A number in [0, 1) fixed by the plan's seed and the customer entity:
        the same customer always draws the same number in the same plan, and
        the draws of two plans are independent."""
        key = f"{plan.holdback_seed}:{plan.id}:{partner.id}".encode()
        return int.from_bytes(hashlib.sha256(key).digest()[:8], "big") / 2**64

    @api.model
    def _get_group(self, plan, partner):
        """The group a customer not assigned yet falls in under the plan's share."""
        held = self._get_draw(plan, partner) * 100 < plan.holdback_percent
        return "held_back" if held else "cared"

    @api.model
    def _prepare_assignment_vals(self, plan, order):
        partner = order.partner_id.commercial_partner_id
        return {
            "plan_id": plan.id,
            "commercial_partner_id": partner.id,
            "group": self._get_group(plan, partner),
            "holdback_percent": plan.holdback_percent,
            "order_id": order.id,
            "trigger_date": fields.Date.to_date(order.date_order) or fields.Date.today(),
        }

    @api.model
    def _assign(self, plan_orders):
        """The group of the customer of each (plan, order) pair, as a dict
        ``{(plan id, customer entity id): group}``; customers seen for the first
        time are assigned now (a batch ``create``), the order of the pair being
        their triggering order (the first one of a customer in the batch, by
        order date). System records: sudo.
        """
        Assignment = self.sudo()
        plans = self.env["service.followup.plan"].union(*(plan for plan, _order in plan_orders))
        orders = self.env["sale.order"].union(*(order for _plan, order in plan_orders))
        partners = orders.partner_id.commercial_partner_id
        groups = {
            (a.plan_id.id, a.commercial_partner_id.id): a.group
            for a in Assignment.search(
                [("plan_id", "in", plans.ids), ("commercial_partner_id", "in", partners.ids)]
            )
        }
        new = {}
        for plan, order in sorted(plan_orders, key=lambda po: (po[1].date_order, po[1].id)):
            key = (plan.id, order.partner_id.commercial_partner_id.id)
            if key not in groups and key not in new:
                new[key] = Assignment._prepare_assignment_vals(plan, order)
        if new:
            try:
                # The unique index refuses the rows: an expected case, not logged.
                with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                    Assignment.create(list(new.values()))
            except IntegrityError:
                # Another transaction assigned some of these customers since this
                # one started (two of a customer's orders confirmed at the same
                # moment). Its snapshot cannot see their rows; the draw is the
                # same in both, so the group is too: assign the others one by one.
                for vals in new.values():
                    try:
                        with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                            Assignment.create([vals])
                    except IntegrityError:
                        continue
            groups.update({key: vals["group"] for key, vals in new.items()})
        return groups
