from odoo import fields, models

from .service_followup_plan import EQUIPMENT_TRIGGERS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    followup_ids = fields.One2many(
        "service.followup", "order_id", string="Follow-ups", groups="base.group_user"
    )
    followup_count = fields.Integer(
        string="Follow-up Count", compute="_compute_followup_count", groups="base.group_user"
    )
    followup_held_back_count = fields.Integer(
        string="Held-back Follow-ups", compute="_compute_followup_count", groups="base.group_user"
    )

    # === COMPUTE METHODS ===

    def _compute_followup_count(self):
        # Every follow-up of the order, as action_view_followups lists them.
        counts = {}
        held_back = {}
        for order, state, count in self.env["service.followup"]._read_group(
            [("order_id", "in", self.ids)], ["order_id", "state"], ["__count"]
        ):
            counts[order] = counts.get(order, 0) + count
            if state == "held_back":
                held_back[order] = count
        for order in self:
            order.followup_count = counts.get(order, 0)
            order.followup_held_back_count = held_back.get(order, 0)

    # === ACTION METHODS ===

    def action_view_followups(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_after_sales.service_followup_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"search_default_filter_open": 0}
        # As many rows as the button counts: the kanban folds the closed ones.
        action["views"] = sorted(action["views"], key=lambda view: view[1] != "list")
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

    # === BUSINESS METHODS ===

    def _plan_followups(self, trigger, plans=None, start=None, force=False):
        """Create the follow-ups of ``plans`` (by default every active plan with
        ``trigger``) that apply to these orders, planned from ``start`` (today).
        With ``force`` the plans apply whatever their conditions (applied by hand).

        Steps an order already has are not created again; cancelled ones are
        planned again, and so are held-back ones when the plan is applied by
        hand. The customers a plan holds back get its automatic follow-ups
        recorded *held back* (``_hold_back_followup_vals``). Follow-ups are
        system records created on behalf of whoever triggered them (a portal
        customer confirming online), hence ``sudo``.
        """
        Followup = self._get_system_model("service.followup")
        if plans is None:
            plans = self.env["service.followup.plan"].sudo().search([("trigger", "=", trigger)])
        if trigger in EQUIPMENT_TRIGGERS:
            # Planned for each piece of equipment, from its own dates.
            pieces = self.equipment_ids.filtered(lambda e: e.state == "in_service")
            return self._plan_equipment_followups(pieces, plans=plans, force=force)
        start = start or fields.Date.context_today(self)
        existing = {
            (followup.order_id, followup.step_id): followup
            for followup in Followup.search(
                [
                    ("order_id", "in", self.ids),
                    ("step_id", "in", plans.step_ids.ids),
                    ("equipment_id", "=", False),
                ]
            )
        }
        with_equipment = self.filtered(
            lambda o: any(e.state == "in_service" for e in o.equipment_ids)
        )
        vals_list = []
        planned = []  # (plan, order, vals) of each follow-up created or planned again
        replanned = []  # (follow-up, vals)
        for plan in plans.sudo():
            for order in self if force else plan._filter_orders(self):
                for step in plan.step_ids:
                    if step.equipment_recurring and order in with_equipment:
                        continue  # planned per piece (_plan_equipment_followups)
                    followup = existing.get((order, step))
                    if not followup:
                        vals = order._prepare_followup_vals(step, trigger, start)
                        vals_list.append(vals)
                    elif followup.state == "cancelled" or (force and followup.state == "held_back"):
                        vals = order._prepare_followup_replan_vals(step, start)
                        replanned.append((followup, vals))
                    else:
                        continue
                    planned.append((plan, order, vals))
        if not force:
            self._hold_back_followup_vals(planned)
        for followup, vals in replanned:
            followup._workflow().write(vals)
        followups = Followup._workflow().create(vals_list)
        followups |= Followup.union(*(followup for followup, _vals in replanned))
        followups._trigger_if_due()
        return followups

    def _hold_back_followup_vals(self, planned):
        """Record *held back* the follow-ups of the customers their plan holds
        back (``planned``: (plan, order, vals) of the automatic follow-ups about
        to be created or planned again, ``vals`` changed in place). The
        customers a plan meets for the first time are assigned to its groups
        (service.followup.assignment). Follow-ups applied by hand are not
        concerned: the caller does not pass them."""
        if not planned:
            return
        groups = self.env["service.followup.assignment"]._assign(
            [(plan, order) for plan, order, _vals in planned]
        )
        for plan, order, vals in planned:
            if groups[plan.id, order.partner_id.commercial_partner_id.id] == "held_back":
                vals["state"] = "held_back"

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
            "planned_date": step._get_date_deadline(start, self.company_id),
            "user_id": step._determine_responsible(False, self)["responsible"].id,
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
