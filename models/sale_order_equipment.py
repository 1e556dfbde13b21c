from collections import defaultdict

from odoo import fields, models
from odoo.tools import clean_context, format_list

from .service_followup import OPEN_STATES
from .service_followup_plan import EQUIPMENT_TRIGGERS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    equipment_ids = fields.One2many("service.equipment", "order_id", groups="base.group_user")
    equipment_count = fields.Integer(compute="_compute_equipment_count", groups="base.group_user")

    # === COMPUTE METHODS ===

    def _compute_equipment_count(self):
        counts = dict(
            self.env["service.equipment"]._read_group(
                [("order_id", "in", self.ids)], ["order_id"], ["__count"]
            )
        )
        for order in self:
            order.equipment_count = counts.get(order, 0)

    # === CRUD / WORKFLOW OVERRIDES ===

    def action_accept_handover(self):
        result = super().action_accept_handover()
        # Equipment of companies that count from the acceptance starts now.
        # (The transition is the system's, see action_accept_handover: sudo.)
        pieces = self.sudo().equipment_ids.filtered(
            lambda e: not e.date_start and e.company_id.equipment_start == "handover_accepted"
        )
        if pieces:
            pieces.date_start = fields.Date.context_today(self)
        return result

    # === ACTION METHODS ===

    def action_view_equipment(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_after_sales.service_equipment_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"search_default_filter_in_service": 0}
        return action

    # === BUSINESS METHODS ===

    def _get_equipment_lines(self):
        """The order lines of products tracked at the customer's."""
        return self.order_line.filtered(
            lambda line: (
                not line.display_type and line.product_id.product_tmpl_id.service_track_equipment
            )
        )

    def _create_equipment(self):
        """One piece of equipment per unit of each tracked product of these
        (confirmed) orders, never twice: pieces retired by a cancellation are put
        back in service, the missing ones are created in one batch.

        Equipment is a system record created for whoever confirms (a portal
        customer signing): sudo.
        """
        lines = self._get_equipment_lines()
        if not lines:
            return self.env["service.equipment"]
        Equipment = self._get_system_model("service.equipment")
        existing = defaultdict(lambda: Equipment)
        for piece in Equipment.search([("order_line_id", "in", lines.ids)]):
            existing[piece.order_line_id] |= piece
        retired = Equipment.browse(
            piece.id for pieces in existing.values() for piece in pieces if piece.state == "retired"
        )
        if retired:
            retired.state = "in_service"
        vals_list = []
        for line in lines:
            missing = line._get_equipment_units() - len(existing[line])
            vals_list += [line._prepare_equipment_vals() for _unit in range(missing)]
        # One create() for all the pieces, which plans their reminders. The
        # fields' own defaults, not a form's default_* keys: system records.
        pieces = Equipment.with_context(clean_context(Equipment.env.context)).create(vals_list)
        return pieces | retired

    def _remove_or_retire_equipment(self):
        """The pieces of these cancelled orders: removed when nothing refers to
        them yet (no service contact, no follow-up done, no serial number typed),
        retired otherwise."""
        pieces = self.sudo().equipment_ids  # a system clean-up, see _action_cancel
        if not pieces:
            return
        referenced = set(
            self.env["service.history"]
            .sudo()
            ._read_group([("equipment_id", "in", pieces.ids)], ["equipment_id"])
        ) | set(
            self.env["service.followup"]
            .sudo()
            ._read_group(
                [("equipment_id", "in", pieces.ids), ("state", "=", "done")], ["equipment_id"]
            )
        )
        referenced = {piece for (piece,) in referenced}
        kept = pieces.filtered(lambda p: p in referenced or p.serial_number)
        (pieces - kept).unlink()
        kept.state = "retired"

    def _plan_equipment_followups(self, pieces, plans=None, force=False):
        """Plan the follow-ups of ``pieces`` (equipment of these orders): the
        recurring maintenance steps of the "order confirmed" plans, from each
        piece's next maintenance date, and the steps of the "warranty ends"
        plans, from its warranty end. A reminder whose date moved (a maintenance
        was done, a date was corrected) is cancelled and planned again for the
        new date: never two for one piece and one date.

        Follow-ups are system records planned for whoever changed the piece: sudo.
        """
        Followup = self._get_system_model("service.followup")
        if plans is None:
            plans = (
                self.env["service.followup.plan"]
                .sudo()
                .search([("trigger", "in", ("order_confirmed", *EQUIPMENT_TRIGGERS))])
            )
        wanted = {}  # (order, step, piece) -> due date
        for plan in plans.sudo():
            per_piece = plan.trigger in EQUIPMENT_TRIGGERS
            steps = plan.step_ids.filtered(lambda s, all_=per_piece: all_ or s.equipment_recurring)
            if not steps:
                continue
            orders = self if force else plan._filter_orders(self)
            for piece in pieces.filtered(lambda p, orders=orders: p.order_id in orders):
                for step in steps:
                    base = (
                        piece.warranty_end
                        if plan.trigger in EQUIPMENT_TRIGGERS
                        else piece.next_maintenance_date
                    )
                    wanted[piece.order_id, step, piece] = (
                        base if piece.state == "in_service" else False
                    )
        if not wanted:
            return Followup
        current = Followup.search(
            [
                ("equipment_id", "in", pieces.ids),
                ("step_id", "in", [step.id for (_o, step, _p) in wanted]),
            ]
        )
        by_key = defaultdict(lambda: Followup)
        for followup in current:
            by_key[followup.order_id, followup.step_id, followup.equipment_id] |= followup
        outdated = Followup
        revived = Followup  # held back, applied by hand: carried out after all
        vals_list = []
        planned = []  # (plan, order, vals): what the hold-back reads
        for (order, step, piece), due in wanted.items():
            followups = by_key[order, step, piece]
            outdated |= followups.filtered(
                lambda f, due=due: (
                    f.state in (*OPEN_STATES, "held_back") and f.equipment_due_date != due
                )
            )
            if force:
                revived |= followups.filtered(
                    lambda f, due=due: f.state == "held_back" and f.equipment_due_date == due
                )
            if due and not followups.filtered(lambda f, due=due: f.equipment_due_date == due):
                vals = order._prepare_equipment_followup_vals(step, piece, due)
                vals_list.append(vals)
                planned.append((step.plan_id, order, vals))
        if not force:
            self._hold_back_followup_vals(planned)
        # A reminder for a date that moved: removed when it never ran (a plan, not
        # history; the new date may come back later), cancelled once carried out.
        outdated.filtered(
            lambda f: f.state in ("planned", "held_back") and not f.attempt_count
        ).unlink()
        outdated.exists()._cancel()
        revived._workflow().write({"state": "planned"})
        followups = (
            Followup.with_context(clean_context(Followup.env.context))._workflow().create(vals_list)
        ) | revived
        followups._trigger_if_due()
        return followups

    def _prepare_equipment_followup_vals(self, step, piece, due):
        self.ensure_one()
        return {
            "order_id": self.id,
            "plan_id": step.plan_id.id,
            "step_id": step.id,
            "trigger": step.plan_id.trigger,
            "equipment_id": piece.id,
            "equipment_due_date": due,
            "name": f"{step.name}: {piece.display_name}",
            "planned_date": step._get_equipment_planned_date(due, self.company_id),
            "user_id": step._determine_responsible(False, self)["responsible"].id,
            "state": "planned",
        }

    # Built-in handover check (service.handover.check.method "equipment_serials").

    def _handover_check_equipment_serials(self):
        result = {}
        for order in self:
            missing = order.equipment_ids.filtered(
                lambda e: e.state == "in_service" and not e.serial_number
            )
            result[order] = missing and self.env._(
                "No serial number for %(equipment)s (Equipment button).",
                equipment=format_list(self.env, missing.mapped("name")),
            )
        return result

    def _get_equipment_start_date(self):
        """The date new equipment of this order goes into service (None: later)."""
        self.ensure_one()
        if self.company_id.equipment_start == "order_confirmed":
            return fields.Date.context_today(self, self.date_order)
        return False
